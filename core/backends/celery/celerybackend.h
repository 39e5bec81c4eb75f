// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/backends/redis/redisbackend.h"

#include <memory>

namespace qd::celery {

/// Celery 5 on the kombu Redis transport (`celery+redis://host:6379/0?queues=celery,emails&results=1`).
/// Per poll: (1) discovery of the `_kombu.binding.*` sets (redis::KeyDiscovery: the first poll covers the whole
/// keyspace) and one SCAN step over `celery-task-meta-*` with results=1; (2) one round trip: one Lua script that turns the bindings into queue names and counts every queue list with
/// its priority sub-lists (`<queue>\x06\x16<digit>`), the prefetched messages in `unacked` per routing key and
/// the head message of each list; with results=1 another counts FAILURE results among the keys just scanned.
///
/// Celery messages carry no enqueue time, so the oldest age is what Queuedeck observes: how long the same
/// message has been next in line (a lower bound; unknown on the first poll), or how far past its ETA it is.
/// Workers are unknown: Celery reports them only through its event stream.
///
/// Jobs are messages: waiting ones in the queue's lists, prefetched ones (running, or held until their ETA) in
/// kombu's `unacked` hash. The only action is deleting a waiting message. Nothing can be retried: a task's
/// message is gone once a worker acknowledged it, and Celery on Redis keeps no failed set (a result backend
/// keeps the outcome, not the arguments). URL options also: `scan_limit` (default 20000), `scan_budget_ms`
/// (default 2: a page of waiting messages stops after the 100-message chunk that used it up; one discovery call
/// too), `discovery_budget_ms` (default 3000: the first poll's pass over the keyspace for `_kombu.binding.*` sets,
/// see redis::KeyDiscovery), `readonly=1`.
class CeleryBackend final : public redis::RedisBackend
{
    Q_OBJECT
public:
    explicit CeleryBackend(const ConnectionUrl &url, Clock *clock = nullptr, QObject *parent = nullptr);
    ~CeleryBackend() override;
    Q_DISABLE_COPY_MOVE(CeleryBackend)

    QString kind() const override { return QStringLiteral("celery"); }
    Capabilities capabilities() const override;
    /// Waiting messages next-to-be-delivered first (the plain list, then the priority lists), or a worker's
    /// prefetched ones (running: no ETA; scheduled: an ETA), paged by a Lua script. Ids: `<queue>:<task id>`.
    QFuture<JobPage> jobs(const JobQuery &query) override;
    QFuture<JobDetail> job(const QString &id) override;
    /// Cancel = delete a waiting message: one Lua script per job finds it by task id and LREMs exactly that
    /// element, so of two operators deleting it at once exactly one succeeds.
    QFuture<ActionResult> act(const JobAction &action) override;

protected:
    void poll(redis::Connection &c, Finish finish) override;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace qd::celery
