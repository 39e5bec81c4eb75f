// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QCoreApplication>
#include <QList>
#include <QRegularExpression>
#include <QString>

#include <optional>

namespace qd {

/// OK < WARN < CRIT by severity; UNKNOWN means "cannot tell" and ranks between OK and WARN.
enum class AlertState : quint8 { Ok, Warn, Crit, Unknown };

enum class RuleKind : quint8 {
    OldestAge,    ///< per queue: age of the oldest waiting job, seconds
    Depth,        ///< per queue: waiting jobs
    DepthGrowing, ///< per queue: depth grew over `forMs` while arrivals outpace completions
    NoWorkers,    ///< connection: jobs wait and no live worker is there to take them
    Unserved,     ///< per queue: jobs wait and none of the live workers serves this queue (where workers say)
    WorkerLost,   ///< connection: workers whose heartbeat/lock expired
    FailureRate,  ///< per queue: new failures per minute
    Poison,       ///< per queue: a job failed this many times and is still being retried
    NewQueue,     ///< per queue: discovered after the first poll (stays WARN for `forMs`)
    Unreachable,  ///< connection: the poll failed
    Stale,        ///< connection: no successful poll for `warn` poll intervals
    NotDraining,  ///< per queue: jobs wait and the depth has not fallen, with nothing completing, for this many polls
    DeadLetters,  ///< per dead-letter queue: new letters in the last 10 min (instead of every other per-queue rule but Depth)
    StuckWork,    ///< per queue: jobs held by a lost worker, or taken jobs while nothing completes for `forMs`
};

/// One rule: what to watch, where (a queue glob), and when it warns and goes critical. A level crossed must
/// hold for `forMs` before the state rises; it falls only when the value drops below level × clearRatio, so
/// a value hovering at the threshold does not flap.
struct AlertRule
{
    Q_DECLARE_TR_FUNCTIONS(qd::AlertRule)

public:
    QString id;
    RuleKind kind = RuleKind::OldestAge;
    QString queueGlob = QStringLiteral("*");
    std::optional<double> warn;
    std::optional<double> crit;
    qint64 forMs = 0;
    double clearRatio = 0.9;

    bool perQueue() const;
    bool matches(const QString &queue) const;
    /// The defaults every new connection gets (oldest age 5 / 15 min, no workers, lost workers, poison …).
    static QList<AlertRule> defaults();
    static QString kindName(RuleKind kind);

private:
    mutable std::optional<QRegularExpression> m_glob; // compiled on first use
};

QString alertStateName(AlertState state);
/// The state word as shown in the GUI, in its language (alertStateName() is the id for the CLI and webhooks).
QString alertStateText(AlertState state);
int alertSeverity(AlertState state); ///< OK 0, UNKNOWN 1, WARN 2, CRIT 3

} // namespace qd
