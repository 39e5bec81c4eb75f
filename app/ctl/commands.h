// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QStringList>

namespace qd::ctl {

/// Exit codes: snapshot 0 ok / 1 poll failed / 2 usage; check uses the Nagios codes 0–3 (usage errors: 3).
int runSnapshot(const QStringList &arguments);
int runCheck(const QStringList &arguments);

} // namespace qd::ctl
