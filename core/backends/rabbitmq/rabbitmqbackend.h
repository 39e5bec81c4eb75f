// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/backend.h"

#include <memory>

namespace qd::rabbitmq {

/// RabbitMQ through its management HTTP API (`rabbitmq+http(s)://user@host:15672/vhost`). One poll is four
/// requests in parallel, each cheap whatever the number of queues:
///  - `/api/queues/<vhost>?disable_stats=true&enable_queue_totals=true&columns=…` — every queue's ready and
///    unacknowledged counts, state, type and arguments, without the statistics that make the UI's own call slow;
///  - `/api/consumers/<vhost>` — consumers become workers, and give each queue its consumer count;
///  - `/api/overview` — message rates; `/api/nodes` — memory and disk alarms, nodes down.
/// With at most `stats_limit` queues (default 500) a fifth request reads per-queue statistics: the head
/// message's timestamp (oldest age, when publishers set it) and the redelivery rate (a poison message loop).
/// URL options: `stats_limit`, `timeout` (s), `tls_ca`, `peek_quorum`. The password comes from the URL or
/// RABBITMQ_PASSWORD. Also serves `celery+amqp://user@host:15672/vhost`: Celery on RabbitMQ, whose peeked
/// messages show the task name, task id, retries and ETA from Celery's headers.
class RabbitMqBackend final : public Backend
{
    Q_OBJECT
public:
    explicit RabbitMqBackend(const ConnectionUrl &url, Clock *clock = nullptr, QObject *parent = nullptr);
    ~RabbitMqBackend() override;
    Q_DISABLE_COPY_MOVE(RabbitMqBackend)

    /// "rabbitmq", or "celery" for celery+amqp:// (the same API; Celery's headers name each message's task).
    QString kind() const override;
    Capabilities capabilities() const override;
    QFuture<Snapshot> snapshot() override;
    /// Peeks at the head of a queue (state waiting) without losing anything: the API's get with
    /// ack_requeue_true. RabbitMQ then marks those messages redelivered and may reorder them, which the page's
    /// notice says. Quorum queues count every peek as a delivery (a delivery limit can dead-letter the message),
    /// so they are peeked only with `peek_quorum=1`. Bodies are capped at 64 KiB; the size is always shown.
    QFuture<JobPage> jobs(const JobQuery &query) override;
    /// The message as last peeked (the API cannot fetch one message by id).
    QFuture<JobDetail> job(const QString &id) override;
    /// Moves a queue (a DLQ) back with a dynamic shovel that deletes itself once it has moved the messages that
    /// were there when it started: RabbitMQ moves them itself, acknowledging each only after the destination
    /// confirmed it, so nothing is lost if Queuedeck, its host or the network goes away mid-move. Needs the
    /// shovel plugins and a user allowed to set parameters (policymaker or administrator); `readonly=1` refuses.
    /// Without the shovel plugin (RabbitMQ refuses the shovel), or with `move=amqp` in the URL, it moves over AMQP
    /// 0-9-1 instead (see moveOverAmqp): get-then-publish with publisher confirms in batches of 100, acknowledging
    /// at the source only what the broker confirmed — at-least-once: a dropped connection loses nothing but may
    /// leave up to one batch in both queues. URL options: `move=auto|shovel|amqp` (default auto), `amqp_port`
    /// (default 5672; 5671 with https, then over TLS), `max_body_mb` (default 16: larger messages stay, said so).
    QFuture<MoveResult> moveMessages(const MoveRequest &request) override;
    /// Per-message actions on ready messages, over AMQP (`amqp_port`): retry sends each chosen message back to the
    /// queue it was dead-lettered from (its x-death), move to the named queue — both published with confirms and
    /// acknowledged at the source only once confirmed — and cancel deletes (acknowledges) it. The queue is scanned
    /// with unacknowledged gets until every chosen message id is found; the others go back untouched (marked
    /// redelivered). A message another operator is acting on at that moment is invisible to this scan, so of two
    /// operators exactly one succeeds; the other's is skipped. Messages without an id cannot be picked out.
    QFuture<ActionResult> act(const JobAction &action) override;
    /// An edited message is {"headers": {…}, "body": …} (JobDetail::editablePayload of a peeked message).
    QString validatePayload(const QString &payload) const override;
    /// In place only: the message is got from its queue, its body and own headers replaced by the edit (x-…
    /// headers such as x-death and every property travel unchanged; unchanged headers keep their AMQP types), then
    /// published where it died with publisher confirms and only then acknowledged — the same path as Retry.
    QFuture<ResendResult> resend(const ResendRequest &request) override;
    QList<JobState> resendableStates() const override { return {JobState::Waiting}; }
    /// `DELETE /api/queues/<vhost>/<queue>/contents`, after counting what it deletes.
    QFuture<PurgeResult> purgeQueue(const QString &queue, bool dryRun) override;
    QString pauseUnsupportedReason() const override;

    /// Bytes received by the last poll (benchmarks).
    qint64 lastPollBytes() const;

private:
    struct Private;
    std::shared_ptr<Private> d;
};

} // namespace qd::rabbitmq
