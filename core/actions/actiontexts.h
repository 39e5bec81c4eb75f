// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/jobs.h"

#include <QString>

namespace qd {

/// The past tense of a job action in the running language — "retried", "cancelled", "moved" — the one table the
/// CLI's summaries, the job browser and the bulk dialog share (actionName() is the id the audit log and JSON use).
QString pastTense(ActionKind kind);

} // namespace qd
