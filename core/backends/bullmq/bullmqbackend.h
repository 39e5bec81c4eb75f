// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/backends/redis/redisbackend.h"

#include <memory>

namespace qd::bullmq {

/// BullMQ 5.x/6.x on Redis (`bullmq+redis://host:6379/0?prefix=bull`). One poll is (1) discovery of the
/// `<prefix>:*:meta` hashes (redis::KeyDiscovery: the first poll covers the whole keyspace, within
/// `discovery_budget_ms`, later ones go on in short runs), then (2) one round trip: CLIENT LIST, where BullMQ
/// workers name their connections, and one Lua script that counts every state of every queue, reads the oldest
/// waiting job's due time and which named worker holds each active job.
/// URL options: `prefix` (default bull); `queues=a,b` (polled even before SCAN finds them); `readonly=1` refuses
/// every action; `scan_limit` (default 20000: most jobs one listing page looks at); `scan_budget_ms` (default 2:
/// a page's Lua call stops after the 100-job chunk that used it up, so a search is many short calls; one discovery
/// call too); `discovery_budget_ms` (default 3000).
class BullMqBackend final : public redis::RedisBackend
{
    Q_OBJECT
public:
    explicit BullMqBackend(const ConnectionUrl &url, Clock *clock = nullptr, QObject *parent = nullptr);
    ~BullMqBackend() override;
    Q_DISABLE_COPY_MOVE(BullMqBackend)

    QString kind() const override { return QStringLiteral("bullmq"); }
    Capabilities capabilities() const override;
    /// Waiting (paused list, wait list, then prioritized), active and delayed jobs in the order they will run,
    /// failed and completed jobs newest first; one Lua script per page reads the job hashes.
    QFuture<JobPage> jobs(const JobQuery &query) override;
    /// One job by id (`<queue>:<job id>`): its hash and where it is now.
    QFuture<JobDetail> job(const QString &id) override;
    /// Retry (failed and completed jobs back to wait, delayed jobs promoted) and delete, one Lua script per job
    /// that acts only while the job is still in the state the operator saw, as BullMQ's own scripts do it.
    QFuture<ActionResult> act(const JobAction &action) override;
    /// BullMQ's own pause (Queue.pause()/resume()): meta `paused`, wait renamed to paused and back, the
    /// marker a worker blocks on, and the paused/resumed event.
    QFuture<PauseResult> setQueuePaused(const QString &queue, bool paused) override;
    QString pauseUnsupportedReason() const override;

protected:
    void poll(redis::Connection &c, Finish finish) override;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace qd::bullmq
