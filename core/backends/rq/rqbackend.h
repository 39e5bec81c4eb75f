// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/backends/redis/redisbackend.h"

#include <memory>

namespace qd::rq {

/// Python RQ 1.x on Redis (`rq+redis://host:6379/0`). Two pipelined round trips per poll: (1) `rq:queues`,
/// `rq:workers` and one SCAN step for `rq:queue:*` lists nobody registered; (2) one Lua script reading every
/// queue's length, its oldest job's enqueued_at (RQ RPUSHes: the oldest is at index 0) and its registries,
/// and each worker's hash. Nothing is ever written: RQ's own API cleans registries as it reads them.
/// URL options: `heartbeat_timeout` (s, default 480 = RQ's worker hash lifetime: an idle worker beats only
/// every ~405 s while it blocks on its queues); `scan_budget_ms` (default 2: a page's Lua call stops after the
/// 100-entry chunk that used it up, so a search over a huge queue is many short calls); `scan_limit` (default
/// 20000: most queue or registry entries one
/// job page or action looks at); `readonly=1` refuses every action.
class RqBackend final : public redis::RedisBackend
{
    Q_OBJECT
public:
    explicit RqBackend(const ConnectionUrl &url, Clock *clock = nullptr, QObject *parent = nullptr);
    ~RqBackend() override;
    Q_DISABLE_COPY_MOVE(RqBackend)

    QString kind() const override { return QStringLiteral("rq"); }
    Capabilities capabilities() const override;
    /// One queue's jobs by state, paged by a Lua script: waiting (`rq:queue:<q>`, oldest first), running
    /// (`rq:wip:<q>`), scheduled (`rq:scheduled:<q>`, soonest first, then `rq:deferred:<q>`), failed
    /// (`rq:failed:<q>`). Ids are RQ's own job ids. The pickled `data` is never unpickled: the class is the
    /// function named in `description` (else the first string of the pickle, read as bytes), the error the
    /// last traceback of `rq:results:<id>` (RQ 1.12+) or of the hash's `exc_info`.
    QFuture<JobPage> jobs(const JobQuery &query) override;
    QFuture<JobDetail> job(const QString &id) override;
    /// Retry (failed: what RQ's `Job.requeue()` does; scheduled: enqueue now) and cancel (delete the job as
    /// RQ's `Job.delete()` does), each one Lua script per job that acts only if the job is still in the
    /// registry or queue of the expected state: of two operators retrying it at once exactly one succeeds.
    QFuture<ActionResult> act(const JobAction &action) override;
    /// Stop (a warm shutdown: the job in hand finishes) as `rq.command.send_shutdown_command()` does; refused
    /// when no worker listens on its channel. Quiet is not supported: RQ has no such command.
    QFuture<WorkerSignalResult> signalWorker(const QString &worker, WorkerSignal signal) override;
    QString workerSignalUnsupportedReason(WorkerSignal signal) const override;

protected:
    void poll(redis::Connection &c, Finish finish) override;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

/// RQ's timestamps ("2026-11-25T06:37:30.666374Z", microseconds, UTC) as epoch seconds.
std::optional<double> parseRqTime(const QByteArray &text);

/// The function name RQ pickles first in a job's `data` (func_name, instance, args, kwargs), read from the
/// (inflated) pickle as bytes, opcode by opcode up to that first string: nothing is ever unpickled. Empty when
/// the pickle does not start that way.
QString pickledFunctionName(const QByteArray &pickle);

} // namespace qd::rq
