// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "../redis/redisbackend.h"

#include <memory>

namespace qd::rq {

/// Python RQ 1.x on Redis (`rq+redis://host:6379/0`). Two pipelined round trips per poll: (1) `rq:queues`,
/// `rq:workers` and one SCAN step for `rq:queue:*` lists nobody registered; (2) one Lua script reading every
/// queue's length, its oldest job's enqueued_at (RQ RPUSHes: the oldest is at index 0) and its registries,
/// and each worker's hash. Nothing is ever written: RQ's own API cleans registries as it reads them.
/// URL option `heartbeat_timeout` (s, default 480 = RQ's worker hash lifetime: an idle worker beats only
/// every ~405 s while it blocks on its queues).
class RqBackend final : public redis::RedisBackend
{
    Q_OBJECT
public:
    explicit RqBackend(const ConnectionUrl &url, Clock *clock = nullptr, QObject *parent = nullptr);
    ~RqBackend() override;
    Q_DISABLE_COPY_MOVE(RqBackend)

    QString kind() const override { return QStringLiteral("rq"); }
    Capabilities capabilities() const override;

protected:
    void poll(redis::Connection &c, Finish finish) override;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

/// RQ's timestamps ("2026-11-25T06:37:30.666374Z", microseconds, UTC) as epoch seconds.
std::optional<double> parseRqTime(const QByteArray &text);

} // namespace qd::rq
