// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/backends/rabbitmq/amqpmove.h"

#include <QCoreApplication>
#include <QHash>
#include <QMap>
#include <QThread>

#include <numeric>

namespace qd::rabbitmq {

namespace {

/// One move in progress. Owns its client; deletes itself when done (or when its thread ends).
class Mover final : public QObject
{
    Q_DECLARE_TR_FUNCTIONS(qd::rabbitmq::AmqpMove)

public:
    Mover(AmqpMove move, std::function<void(AmqpMoveOutcome)> done)
        : m_move(std::move(move)), m_done(std::move(done)), m_client(new amqp::Client(m_move.connection, this))
    {
        connect(m_client, &amqp::Client::confirmed, this, &Mover::onConfirmed);
        connect(m_client, &amqp::Client::returned, this, &Mover::onReturned);
        connect(m_client, &amqp::Client::failed, this, [this](const QString &error) { finish(lost(error)); });
        // The thread can end first (the backend went away): finish with what is known rather than leak.
        connect(
            QThread::currentThread(), &QThread::finished, this, [this] { delete this; }, Qt::DirectConnection);
    }
    ~Mover() override { finish(tr("The move was interrupted (the connection was closed).")); }
    Q_DISABLE_COPY_MOVE(Mover)

    void start()
    {
        m_client->open([this](const QString &error) {
            if (!error.isEmpty()) {
                finish(error);
                return;
            }
            // The exact count now, not the management API's statistics, which trail by seconds.
            m_client->readyCount(m_move.from.toUtf8(), [this](qint64 count, const QString &failure) {
                if (!failure.isEmpty()) {
                    finish(failure);
                    return;
                }
                m_outcome.before = count;
                nextBatch();
            });
        });
    }

private:
    struct Publish
    {
        quint64 tag = 0; ///< delivery tag at the source
        QByteArray routingKey;
        size_t bodyHash = 0;
        bool settled = false;
        bool ok = false;
        bool returned = false;
    };

    void nextBatch()
    {
        m_batch.clear();
        m_bySequence.clear();
        m_gotInBatch = 0;
        m_waiting = false;
        getOne();
    }

    bool allFound() const { return !m_move.onlyIds.isEmpty() && m_found.size() >= m_move.onlyIds.size(); }

    void getOne()
    {
        if (m_gotInBatch >= m_move.batchSize || m_handled >= m_outcome.before || m_empty || allFound()) {
            m_waiting = true;
            settleIfConfirmed();
            return;
        }
        m_client->get(m_move.from.toUtf8(), [this](std::optional<amqp::Message> m, const QString &error) {
            if (!error.isEmpty()) {
                finish(lost(error));
                return;
            }
            if (!m) {
                m_empty = true;
            } else {
                ++m_handled;
                ++m_gotInBatch;
                route(*m);
            }
            getOne();
        });
    }

    /// Publishes one got message to its destination, or keeps it (unacknowledged until the end) with the reason.
    void route(const amqp::Message &m)
    {
        if (!m_move.onlyIds.isEmpty()) {
            const QString id = messageId(m);
            if (id.isEmpty() || !m_move.onlyIds.contains(id) || m_found.contains(id)) {
                m_held.append(m.deliveryTag); // not chosen: handed back untouched at the end
                return;
            }
            m_found.insert(id);
            if (m_move.dryRun) {
                m_held.append(m.deliveryTag);
                m_outcome.actedOn << id;
                return;
            }
            if (m_move.discard) {
                m_client->ack(m.deliveryTag);
                m_outcome.actedOn << id;
                ++m_outcome.moved;
                return;
            }
            m_idByTag.insert(m.deliveryTag, id);
        }
        if (m.oversized) {
            m_largest = std::max(m_largest, m.bodySize);
            keep(m.deliveryTag, Kept::TooLarge);
            return;
        }
        QByteArray queue = m_move.to.toUtf8();
        if (queue.isEmpty() && m.properties.headers) {
            // x-death holds the most recent dead-lettering first: the queue the message died in last.
            if (const amqp::FieldValue *deaths = amqp::findField(*m.properties.headers, "x-death");
                deaths && deaths->type == 'A' && !deaths->array.isEmpty()) {
                if (const amqp::FieldValue *q = amqp::findField(deaths->array.first().table, "queue")) {
                    queue = q->bytes;
                }
            }
        }
        if (queue.isEmpty() || queue == m_move.from.toUtf8()) {
            keep(m.deliveryTag, queue.isEmpty() ? Kept::NoDestination : Kept::SameQueue);
            return;
        }
        amqp::Message edited;
        if (m_move.transform && !m_move.onlyIds.isEmpty()) {
            edited = m;
            if (const QString error = m_move.transform(edited); !error.isEmpty()) {
                m_transformError = error;
                keep(m.deliveryTag, Kept::EditFailed);
                return;
            }
        }
        const amqp::Message &out = m_move.transform && !m_move.onlyIds.isEmpty() ? edited : m;
        if (m.properties.userId && *m.properties.userId != m_move.connection.user.toUtf8()) {
            // RabbitMQ closes the channel on a publish whose user-id is not the publisher's own.
            keep(m.deliveryTag, Kept::ForeignUser);
            return;
        }
        const quint64 seq = m_client->publish(QByteArray(), queue, out.properties, out.body, /*mandatory*/ true);
        m_bySequence.insert(seq, m_batch.size());
        m_batch.append(Publish{m.deliveryTag, queue, qHash(out.body), false, false, false});
    }

    enum class Kept : quint8 { TooLarge, NoDestination, SameQueue, ForeignUser, Unroutable, Refused, EditFailed };

    void keep(quint64 tag, Kept why)
    {
        m_held.append(tag);
        ++m_kept[why];
    }

    /// Why messages stayed where they were, one clause per reason.
    QStringList keptReasons() const
    {
        QStringList out;
        for (auto it = m_kept.cbegin(); it != m_kept.cend(); ++it) {
            const int n = int(it.value());
            switch (it.key()) {
            case Kept::TooLarge:
                out << tr("%n message(s) over the size limit (the largest %1 MiB, the limit %2 MiB: raise max_body_mb= "
                          "to move them)",
                          nullptr, n)
                           .arg(double(m_largest) / (1024.0 * 1024.0), 0, 'f', 1)
                           .arg(m_move.connection.maxBodyBytes / (1024 * 1024));
                break;
            case Kept::NoDestination:
                out << tr("%n message(s) without an x-death header (name a queue to move them to)", nullptr, n);
                break;
            case Kept::SameQueue:
                out << tr("%n message(s) that were dead-lettered from this very queue", nullptr, n);
                break;
            case Kept::ForeignUser:
                out << tr("%n message(s) whose user-id property names another user than %1 (RabbitMQ lets only that "
                          "user publish them)",
                          nullptr, n)
                           .arg(m_move.connection.user);
                break;
            case Kept::Unroutable:
                out << tr("%n message(s) RabbitMQ could not route (%1)", nullptr, n).arg(m_unroutable);
                break;
            case Kept::Refused:
                out << tr("%n message(s) whose publish RabbitMQ refused (nack)", nullptr, n);
                break;
            case Kept::EditFailed:
                out << tr("%n message(s) the edit could not be applied to (%1)", nullptr, n).arg(m_transformError);
                break;
            }
        }
        return out;
    }

    void onConfirmed(quint64 sequence, bool ack)
    {
        const auto it = m_bySequence.constFind(sequence);
        if (it == m_bySequence.cend()) {
            return;
        }
        Publish &p = m_batch[*it];
        p.settled = true;
        p.ok = ack && !p.returned;
        if (!ack) {
            m_nacked = true;
        }
        settleIfConfirmed();
    }

    /// An unroutable publish comes back before its confirm: the oldest unsettled publish of the same message.
    void onReturned(const amqp::Message &m)
    {
        const size_t hash = qHash(m.body);
        for (Publish &p : m_batch) {
            if (!p.settled && !p.returned && p.routingKey == m.routingKey && p.bodyHash == hash) {
                p.returned = true;
                m_unroutable = QStringLiteral("%1: %2 %3")
                                   .arg(QString::fromUtf8(m.routingKey))
                                   .arg(m.replyCode)
                                   .arg(QString::fromUtf8(m.replyText));
                return;
            }
        }
    }

    /// Once every publish of the batch is confirmed: acknowledge at the source what arrived, keep the rest.
    void settleIfConfirmed()
    {
        if (!m_waiting || m_finished) {
            return;
        }
        for (const Publish &p : std::as_const(m_batch)) {
            if (!p.settled) {
                return;
            }
        }
        m_waiting = false;
        for (const Publish &p : std::as_const(m_batch)) {
            if (p.ok) {
                m_client->ack(p.tag);
                ++m_outcome.moved;
                if (const auto id = m_idByTag.constFind(p.tag); id != m_idByTag.cend()) {
                    m_outcome.actedOn << *id;
                }
            } else {
                keep(p.tag, p.returned ? Kept::Unroutable : Kept::Refused);
            }
        }
        if (m_move.progress && !m_batch.isEmpty()) {
            m_move.progress(m_outcome.moved, m_outcome.before);
        }
        if (m_empty || m_handled >= m_outcome.before || m_nacked || allFound()) {
            wrapUp();
        } else {
            nextBatch();
        }
    }

    /// Reads what is left, hands the kept messages back, closes cleanly (the broker has then seen every ack).
    void wrapUp()
    {
        // Counted before the kept ones go back: RabbitMQ answers the count ahead of queued requeues, so after
        // them it could miss some. Kept (unacknowledged) messages are never among the ready ones.
        m_client->readyCount(m_move.from.toUtf8(), [this](qint64 left, const QString &error) {
            if (!error.isEmpty()) {
                finish(error);
                return;
            }
            m_outcome.left = left + m_held.size();
            for (const quint64 tag : std::as_const(m_held)) {
                m_client->nack(tag, /*requeue*/ true);
            }
            m_client->close([this](const QString &) { finish({}); });
        });
    }

    QString lost(const QString &error) const
    {
        return tr("%1 — %2 message(s) had been moved. RabbitMQ put the ones got but not yet acknowledged back "
                  "into %3: nothing is lost, but up to one batch (%4) may now be in both queues. Run the move again "
                  "to finish it.")
            .arg(error)
            .arg(m_outcome.moved)
            .arg(m_move.from)
            .arg(m_move.batchSize);
    }

    void finish(const QString &error)
    {
        if (m_finished) {
            return;
        }
        m_finished = true;
        m_outcome.error = error;
        m_outcome.kept = qint64(m_kept.isEmpty() ? 0 : std::accumulate(m_kept.cbegin(), m_kept.cend(), qint64(0)));
        if (m_outcome.kept > 0 && error.isEmpty()) {
            m_outcome.error = tr("%1 message(s) stayed in %2, unchanged: %3.")
                                  .arg(m_outcome.kept)
                                  .arg(m_move.from, keptReasons().join(QStringLiteral("; ")));
        }
        if (auto done = std::exchange(m_done, {})) {
            done(m_outcome);
        }
        if (m_client) {
            m_client->disconnect(this);
        }
        deleteLater();
    }

    AmqpMove m_move;
    std::function<void(AmqpMoveOutcome)> m_done;
    amqp::Client *m_client;
    AmqpMoveOutcome m_outcome;
    QList<Publish> m_batch;
    QHash<quint64, qsizetype> m_bySequence;
    QList<quint64> m_held; ///< got, kept unacknowledged (so the next Get moves past them), handed back at the end
    QMap<Kept, qint64> m_kept;
    QSet<QString> m_found;               ///< with onlyIds: the chosen ids seen so far
    QHash<quint64, QString> m_idByTag;   ///< with onlyIds: delivery tag → id of the chosen messages published
    quint64 m_largest = 0;
    QString m_unroutable;
    QString m_transformError;
    qint64 m_handled = 0;
    int m_gotInBatch = 0;
    bool m_empty = false;
    bool m_waiting = false;
    bool m_nacked = false;
    bool m_finished = false;
};

} // namespace

QString messageId(const amqp::Message &message)
{
    if (message.properties.headers) {
        if (const amqp::FieldValue *id = amqp::findField(*message.properties.headers, "id");
            id && !id->bytes.isEmpty() && id->bytes != "undefined") {
            return QString::fromUtf8(id->bytes);
        }
    }
    return message.properties.messageId ? QString::fromUtf8(*message.properties.messageId) : QString();
}

void moveOverAmqp(AmqpMove move, std::function<void(AmqpMoveOutcome)> done)
{
    if (move.batchSize < 1) {
        move.batchSize = 100;
    }
    auto *mover = new Mover(std::move(move), std::move(done));
    mover->start();
}

} // namespace qd::rabbitmq
