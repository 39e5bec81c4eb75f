// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/snapshot.h"

#include <QColor>
#include <QIcon>
#include <QString>

#include <functional>
#include <optional>

namespace qd {

/// The health of one queue as views show it. Until the rule engine lands this is the design's default:
/// oldest waiting job over 5 min warns, over 15 min is critical; a failed poll or an unknown age is UNKNOWN.
enum class QueueStatus : quint8 { Ok, Warn, Crit, Unknown };

struct StatusThresholds
{
    double warnOldestSeconds = 300;
    double critOldestSeconds = 900;
};

QueueStatus queueStatus(const QueueStats &stats, bool pollFailed, const StatusThresholds &t = {});
/// What the rule engine says about a queue (queue empty: about a connection as a whole), when views should
/// show that rather than the thresholds alone: a poison job or a lost worker makes a queue critical even while
/// its oldest job is young. Empty: nothing to add.
using StatusSource = std::function<std::optional<QueueStatus>(const QString &connectionId, const QString &queue)>;
/// The more severe of two statuses (see statusSeverity).
QueueStatus worseOf(QueueStatus a, QueueStatus b);
/// Worst first: Crit, Warn, Unknown, Ok.
int statusSeverity(QueueStatus s);
QString statusText(QueueStatus s);
/// Colour AND shape: a filled circle (ok), triangle (warn), square (critical), hollow circle (unknown).
QIcon statusIcon(QueueStatus s, const QColor &color, int size = 14);
QColor statusColor(QueueStatus s, bool dark);
/// statusIcon() in the application palette's light/dark variant, drawn once per status: models hand it out
/// for every visible cell on every repaint. GUI thread only.
QIcon cachedStatusIcon(QueueStatus s);

} // namespace qd
