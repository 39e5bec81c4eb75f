// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/snapshot.h"

#include <optional>

namespace qd {

/// Thresholds of `queuedeckctl check`. Unset means "not checked". Crossing a warn level gives WARNING,
/// crossing a max level gives CRITICAL.
struct CheckThresholds
{
    std::optional<double> warnLatency; ///< oldest waiting age, seconds
    std::optional<double> maxLatency;
    std::optional<qint64> warnDepth;   ///< waiting jobs in any one queue
    std::optional<qint64> maxDepth;
    std::optional<int> minWorkers;     ///< busy + idle workers (lost ones do not count)
};

/// Nagios plugin states, which are also the exit codes.
enum class CheckState : int { Ok = 0, Warning = 1, Critical = 2, Unknown = 3 };

struct CheckResult
{
    CheckState state = CheckState::Unknown;
    QString line; ///< one status line with perfdata, e.g. "QUEUEDECK CRITICAL - print: oldest job waited 2 h 03 m … | …"
};

/// Evaluates the thresholds on a snapshot. A failed poll is UNKNOWN with its reason. An unknown value that a
/// threshold needs is UNKNOWN too: "we cannot tell" must never read as "all is well".
CheckResult evaluateCheck(const Snapshot &snapshot, const CheckThresholds &thresholds);

QString checkStateName(CheckState state);

} // namespace qd
