// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/snapshot.h"
#include "core/alerts/alertrule.h"

#include <QDateTime>
#include <QHash>

#include <memory>

namespace qd {

class Clock;

/// One rule's verdict on one queue (or on the whole connection, with an empty queue).
struct Alert
{
    QString connectionId;
    QString queue;
    QString ruleId;
    RuleKind kind = RuleKind::OldestAge;
    AlertState state = AlertState::Ok;
    QString message;              ///< plain text, e.g. "print: oldest job waited 12 m 03 s (warn 5 m, crit 15 m)"
    std::optional<double> value;
    QDateTime since;              ///< when it entered this state
};

struct AlertChange
{
    Alert alert;
    AlertState previous = AlertState::Ok;
};

/// Evaluates alert rules on every poll of every connection, shared by the GUI and queuedeckctl. It keeps the
/// little history the rules need (depth over time, failure counts, when a queue appeared), applies
/// hold times and hysteresis, and reports only state changes, so a webhook or a tray message fires once per
/// change. Not thread-safe: call it from the thread that receives the snapshots.
class AlertEngine final
{
public:
    explicit AlertEngine(Clock *clock = nullptr);
    ~AlertEngine();
    Q_DISABLE_COPY_MOVE(AlertEngine)

    void setRules(const QString &connectionId, QList<AlertRule> rules);
    QList<AlertRule> rules(const QString &connectionId) const; ///< the defaults until set
    void forget(const QString &connectionId);

    /// Evaluates one poll (ok or failed) and returns the alerts whose state changed.
    QList<AlertChange> evaluate(const QString &connectionId, const Snapshot &snapshot, qint64 pollIntervalMs);

    /// Every alert not OK, worst first (then oldest first); of one connection when an id is given.
    QList<Alert> active(const QString &connectionId = {}) const;
    /// The worst state of a queue's alerts plus its connection's (queue empty: the connection as a whole).
    /// With includeConnection false, a queue's own alerts only (no workers, unreachable… left out).
    AlertState worst(const QString &connectionId, const QString &queue = {}, bool includeConnection = true) const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace qd
