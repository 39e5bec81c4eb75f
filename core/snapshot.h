// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

namespace qd {

/// How far a number can be trusted. Shown next to every figure in the UI.
enum class Exactness : quint8 {
    Exact,       ///< counted from the source of truth at takenAt
    Approximate, ///< a lower bound, a sample or an estimate (the UI marks it "≈")
    Unknown,     ///< the backend cannot tell; the value is empty and shown as "—"
};

enum class WorkerState : quint8 { Busy, Idle, Lost };

/// One queue at one moment. Every count is optional: empty means *unknown*, never zero.
struct QueueStats
{
    QString name;
    std::optional<qint64> waiting;   ///< due and ready to run, not taken by a worker
    std::optional<qint64> running;   ///< taken by a worker and not finished
    std::optional<qint64> scheduled; ///< to run later (future run time, including retries waiting for their time)
    std::optional<qint64> failed;    ///< failed and kept (retry set / failed rows)
    std::optional<qint64> dead;      ///< given up on (dead set, DLQ)
    /// Finished jobs the backend still keeps (BullMQ's completed set, RQ's finished registry); not part of total().
    std::optional<qint64> completed;
    /// Age in seconds of the oldest waiting job at takenAt; 0 when nothing waits; empty when unknown.
    std::optional<double> oldestAgeSeconds;
    /// oldestAgeSeconds is only how long Queuedeck has watched the job wait (Celery messages carry no enqueue
    /// time): the job is at least that old, shown "≥", never as a measured age.
    bool oldestAgeIsLowerBound = false;
    /// Arrivals and completions per minute since the previous poll; see rateExactness.
    /// Most attempts of any job still in the queue (a poison job fails again and again); empty when unknown.
    std::optional<qint64> maxAttempts;
    std::optional<double> inPerMinute;
    /// The queue is paused on the backend (BullMQ): jobs wait on purpose. Empty when the backend has no such state.
    std::optional<bool> paused;
    std::optional<double> outPerMinute;
    /// Consumers serving this queue now: RabbitMQ's consumer count, or the live workers whose heartbeat names this
    /// queue (Sidekiq, RQ, named BullMQ workers). Exact when set; empty when the backend cannot tell.
    std::optional<int> consumers;
    /// The queues whose rejected or expired messages are routed here. Non-empty marks a dead-letter queue: old
    /// messages are normal there and nobody is expected to consume them, so it is judged by the dead-letter rule.
    QStringList deadLetterOf;
    /// Taken jobs whose holder is gone (part of running): BullMQ active jobs whose lock expired (stalled), Sidekiq
    /// jobs of a process whose heartbeat stopped. Empty when the backend cannot tell.
    std::optional<qint64> stuck;
    QStringList stuckHolders; ///< the workers that held them, where known
    Exactness countExactness = Exactness::Exact;
    Exactness rateExactness = Exactness::Unknown;

    /// waiting + running + scheduled + failed + dead over the known parts; empty if none is known.
    std::optional<qint64> total() const;
    bool isDeadLetterQueue() const { return !deadLetterOf.isEmpty(); }
};

struct WorkerInfo
{
    QString id;                                ///< backend-specific identity, e.g. "host:web1 pid:1234"
    WorkerState state = WorkerState::Busy;
    QStringList queues;                        ///< queues it serves or is working on
    std::optional<double> lastSeenAgeSeconds;  ///< heartbeat or lock age at takenAt
    QString currentJob;                        ///< id of the job it is running, if known
    std::optional<bool> quiet = {};            ///< takes no new jobs (Sidekiq after TSTP); empty: cannot tell
};

/// Busy/idle/lost counts, each empty when the backend cannot tell (e.g. Delayed::Job cannot see idle workers).
struct WorkerSummary
{
    std::optional<int> busy;
    std::optional<int> idle;
    std::optional<int> lost;
};

struct Totals
{
    std::optional<qint64> processed;
    std::optional<qint64> failed;
    std::optional<qint64> processedToday; ///< since midnight UTC (Sidekiq's per-day counters)
    std::optional<qint64> failedToday;
};

/// Everything one poll of one connection learned. A failed poll carries only backend, takenAt and error.
struct Snapshot
{
    QString backend;          ///< backend kind, e.g. "delayedjob"
    QDateTime takenAt;        ///< UTC, stamped when the poll completed
    QList<QueueStats> queues; ///< sorted by name
    QList<WorkerInfo> workers;
    bool workersComplete = false; ///< true when idle workers are visible too (heartbeats), not only busy ones
    bool workersKnown = true;     ///< false: the backend cannot see workers at all (Celery without events)
    /// The counts alone, where the list stayed with whoever polled (a team server's snapshot read from its database).
    std::optional<WorkerSummary> workerCounts;
    Totals totals;
    QStringList warnings;     ///< partial problems (a garbage row) that did not stop the poll
    QString error;            ///< non-empty: the poll failed, the rest is meaningless
    std::optional<double> pollSeconds; ///< how long the poll took, as the collector measured it (empty: not measured)

    bool ok() const { return error.isEmpty(); }
    /// The workers by state: counted from `workers`, or `workerCounts` where only the counts travelled.
    WorkerSummary workerSummary() const;
    /// True when every live worker is visible with the queues it serves (heartbeats with queue lists), so that "no
    /// worker serves this queue" is a fact rather than a guess.
    bool servedQueuesKnown() const;
    /// Sets QueueStats::consumers, where a backend left it empty, from the live workers' queue lists when
    /// servedQueuesKnown(). Called once per poll by backends whose workers name their queues.
    void countConsumersFromWorkers();
    /// Live workers per queue they serve; empty unless servedQueuesKnown().
    QHash<QString, int> consumersFromWorkers() const;
    const QueueStats *queue(const QString &name) const;
};

} // namespace qd

Q_DECLARE_METATYPE(qd::Snapshot)
Q_DECLARE_METATYPE(qd::QueueStats)
