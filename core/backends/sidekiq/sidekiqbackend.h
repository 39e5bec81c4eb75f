// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/backends/redis/redisbackend.h"

#include <QHash>
#include <QSet>

#include <memory>
#include <optional>

namespace qd::sidekiq {

struct SetCounts;

/// Sidekiq 6.x and 7.x on Redis (`sidekiq+redis://host:6379/0?namespace=app`). One poll is two pipelined
/// round trips: (1) the queue and process sets, the counters and one SCAN step that discovers queues
/// existing only as lists; (2) Lua scripts reading the queues' lengths and oldest jobs (50 queues a call), one
/// step per retry/schedule/dead set counting it per queue (see SetWalk), and each process's heartbeat and work
/// hash. A big set that changed takes further short rounds (each Lua call bounded by `scan_budget_ms`).
/// URL options: `namespace`; `heartbeat_timeout` (s, default 30: a process whose beat is older, or whose
/// heartbeat key expired, is lost); `breakdown_limit` (default 50000: larger retry/schedule/dead sets are
/// not broken down per queue and show as unknown per queue); `readonly=1` refuses every action.
class SidekiqBackend final : public redis::RedisBackend
{
    Q_OBJECT
public:
    explicit SidekiqBackend(const ConnectionUrl &url, Clock *clock = nullptr, QObject *parent = nullptr);
    ~SidekiqBackend() override;
    Q_DISABLE_COPY_MOVE(SidekiqBackend)

    QString kind() const override { return QStringLiteral("sidekiq"); }
    Capabilities capabilities() const override;
    /// Waiting jobs oldest first (queue lists), running jobs (work hashes), and the schedule/retry/dead sets
    /// filtered by queue, soonest first; a Lua script scans at most `scan_limit` (default 20000) entries per page,
    /// and stops after the chunk that used up `scan_budget_ms` (default 2; chunks are sized to about 64 KiB and a
    /// quarter of the budget) so a search over a million jobs never holds Redis longer than that: pages then come
    /// back short, with a cursor and scan progress.
    QFuture<JobPage> jobs(const JobQuery &query) override;
    QFuture<JobDetail> job(const QString &id) override;
    /// Every waiting job when the queue holds at most `sample_limit` (default 10000), else that many read in
    /// evenly spaced windows along the list, marked as sampled.
    QFuture<ClassBreakdown> classBreakdown(const QString &queue) override;
    /// Retry ("add to queue" for scheduled jobs) and delete, each one Lua script per job: the job moves only if
    /// it is still where the operator saw it, so of two operators retrying it at once exactly one succeeds.
    QFuture<ActionResult> act(const JobAction &action) override;
    /// An edited job must be a JSON object with a "class" string, an "args" array and a "queue" name.
    QString validatePayload(const QString &payload) const override;
    /// One Lua script: only if the original is still in its set (or list), the edit is pushed onto its queue —
    /// as a new job (new jid, no failure fields) or in place (the original taken out, its jid kept).
    QFuture<ResendResult> resend(const ResendRequest &request) override;
    QList<JobState> resendableStates() const override { return {JobState::Failed, JobState::Dead, JobState::Scheduled}; }
    /// Quiet (TSTP: take no new jobs) or stop (TERM) a process, as Sidekiq::Process#quiet!/#stop! do: queued on
    /// `<identity>-signals`, acted on at the process's next heartbeat (within 5 s). Refused when the process is
    /// not registered or its heartbeat expired.
    QFuture<WorkerSignalResult> signalWorker(const QString &worker, WorkerSignal signal) override;
    QString workerSignalUnsupportedReason(WorkerSignal signal) const override;

protected:
    void poll(redis::Connection &c, Finish finish) override;

private:
    /// Jobs being worked on per queue, from the processes' work hashes.
    struct RunningWork
    {
        QHash<QString, qint64> running;
        QHash<QString, qint64> stuck;          ///< of processes whose heartbeat stopped
        QHash<QString, QStringList> stuckHolders;
    };
    /// Workers from the processes' heartbeat and work hashes; the work, or nullopt when unknown.
    std::optional<RunningWork> readProcesses(const QList<redis::Reply> &replies, const QByteArrayList &processes,
                                             double now, Snapshot &s) const;
    void readQueues(const redis::Reply &heads, const QByteArrayList &names,
                    const QSet<QByteArray> &registered, double now,
                    const std::optional<RunningWork> &running, Snapshot &s);
    static void applySetCounts(const SetCounts sets[], Snapshot &s);

    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace qd::sidekiq
