// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/snapshot.h"

#include <QCoreApplication>

namespace qd {

/// One sentence per connection, in the backend's own words, that says what an operator must know first:
/// "Sidekiq: process vm:18192 lost, 35,000 jobs wait, nothing is processing · lifetime 1,204,311 processed,
/// 3,412 failed, 25 dead". Shown on the overview, the wall and by `queuedeckctl snapshot`. Plain text; names
/// from the backend are escaped.
class Headline final
{
    Q_DECLARE_TR_FUNCTIONS(qd::Headline)

public:
    static QString of(const Snapshot &snapshot);
    /// "Sidekiq", "RabbitMQ", … for a Snapshot::backend id; the id itself when unknown.
    static QString familyName(const QString &backend);
};

} // namespace qd
