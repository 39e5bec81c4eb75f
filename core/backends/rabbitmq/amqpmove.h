// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/backends/rabbitmq/amqpclient.h"

#include <QSet>

#include <functional>

namespace qd::rabbitmq {

/// What to move over AMQP, and where.
struct AmqpMove
{
    amqp::Options connection;
    QString from;
    QString to; ///< a named target queue; empty: each message back to the queue it was dead-lettered from
    int batchSize = 100;
    std::function<void(qint64 moved, qint64 before)> progress; ///< after each batch
    /// Per-message actions: only the messages with these ids (messageId()) are acted on; the others are handed
    /// back untouched, and the scan stops once every id was found. Empty: every message.
    QSet<QString> onlyIds;
    bool discard = false; ///< acknowledge the selected messages without publishing them (delete)
    bool dryRun = false;  ///< find them, act on none: every message is handed back
    /// With onlyIds: changes each selected message before it is published (Edit & Resend); returns an error to
    /// keep that message where it is instead.
    std::function<QString(amqp::Message &message)> transform = {};
};

struct AmqpMoveOutcome
{
    qint64 before = -1; ///< ready in the source at the start (exact, from a passive Queue.Declare); -1: unknown
    qint64 moved = 0;   ///< published, confirmed by the broker, then acknowledged at the source
    qint64 kept = 0;    ///< left in the source on purpose: over the size cap, no destination known, or unroutable
    qint64 left = -1;   ///< ready in the source at the end (-1: unknown)
    QString error;      ///< also set when messages were kept, saying which and why
    QStringList actedOn; ///< with onlyIds: the ids moved (or discarded; with dryRun: found)
};

/// A message's id as the job browser shows it: Celery's `id` header, else the message_id property; empty when
/// it has neither (such a message cannot be picked out of its queue).
QString messageId(const amqp::Message &message);

/// The move fallback for brokers without the shovel plugin: get-then-publish over AMQP 0-9-1, in batches, on one
/// channel in publisher-confirm mode. A batch is got with no_ack=false (the messages stay the broker's),
/// published (mandatory) to its destination, and only once the broker confirmed every publish of the batch are
/// the got messages acknowledged at the source. If the connection drops at any point, the broker puts back what
/// was got and not acknowledged: nothing is lost, and at most one batch ends up in both queues (at-least-once).
/// Each message goes back to the queue named by its first (most recent) x-death entry, through the default
/// exchange — exactly that queue, not every queue the original exchange and routing key would reach — or to
/// `to` when one is named. Headers (x-death included) and every property travel unchanged. It moves at most the
/// number of messages ready at its start, so messages that die again meanwhile are not moved round and round.
/// Runs on the calling thread, which needs an event loop; `done` runs once, on that thread.
void moveOverAmqp(AmqpMove move, std::function<void(AmqpMoveOutcome)> done);

} // namespace qd::rabbitmq
