// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// RabbitMqBackend's actions: moving a queue (a dynamic shovel, or over AMQP without the shovel plugin) and purging.
#include "core/textsafety.h"
#include "core/backends/rabbitmq/amqpmove.h"
#include "core/backends/rabbitmq/rabbitmqbackend.h"
#include "core/backends/rabbitmq/rabbitmqbackend_p.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutexLocker>
#include <QPromise>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace qd::rabbitmq {

namespace {

using detail::apiQueuePath;
using detail::countMessages;
using detail::describe;

} // namespace

QFuture<MoveResult> RabbitMqBackend::moveMessages(const MoveRequest &request)
{
    MoveResult base;
    base.from = request.from;
    base.to = request.to;
    base.dryRun = request.dryRun;
    if (d->readOnly) {
        base.error = tr("This connection is read-only (readonly=1): nothing was moved.");
        return QtFuture::makeReadyFuture(base);
    }
    struct Move
    {
        MoveResult result;
        std::shared_ptr<QPromise<MoveResult>> promise;
        QString name;
        int polls = 0;
        bool seen = false;
    };
    auto move = std::make_shared<Move>();
    move->result = base;
    move->promise = std::make_shared<QPromise<MoveResult>>();
    move->promise->start();
    QFuture<MoveResult> future = move->promise->future();
    http::Client *c = d->client.get();
    const QString v = d->vhostPath();
    const QString endpoint = d->endpoint, user = d->user, vhost = d->vhost, mode = d->moveMode;
    auto done = [move](const QString &error = {}) {
        move->result.error = error;
        move->promise->addResult(move->result);
        move->promise->finish();
    };
    auto queuePath = [v](const QString &q) { return apiQueuePath(v, q); };
    auto count = [c, queuePath, endpoint, user](const QString &q, std::function<void(qint64, QString)> then) {
        countMessages(c, queuePath(q), endpoint, user, std::move(then));
    };
    // The fallback without the shovel plugin; runs on the HTTP client's thread, as every callback here does.
    auto overAmqp = [move, done, options = d->amqp, named = !request.to.isEmpty(), progress = request.progress] {
        move->result.method = QStringLiteral("amqp");
        AmqpMove m;
        m.connection = options;
        m.from = move->result.from;
        m.to = named ? move->result.to : QString(); // else each message back to where it died (x-death)
        m.progress = [move, progress](qint64 moved, qint64 before) {
            if (progress) {
                MoveResult sofar = move->result;
                sofar.before = before;
                sofar.moved = moved;
                progress(sofar);
            }
        };
        moveOverAmqp(std::move(m), [move, done](const AmqpMoveOutcome &o) {
            if (o.before >= 0) {
                move->result.before = o.before; // exact: read over AMQP as the move started
            }
            move->result.moved = o.moved;
            move->result.left = o.left >= 0 ? o.left : std::max<qint64>(0, move->result.before - o.moved);
            done(o.error);
        });
    };
    auto start = std::make_shared<std::function<void()>>();
    auto watch = std::make_shared<std::function<void()>>();
    // Each pending request or timer holds the watcher; it holds itself only weakly, so nothing leaks.
    *watch = [move, c, v, count, done, weakWatch = std::weak_ptr<std::function<void()>>(watch)] {
        const auto self = weakWatch.lock();
        if (!self) {
            return;
        }
        // The shovel deletes itself once the messages present at its start are across.
        c->get(QStringLiteral("/api/shovels/%1").arg(v), [move, count, done, self](http::Response r) {
            bool running = r.status != 200; // cannot tell: keep watching, bounded below
            bool listed = false;
            for (const QJsonValue &s : QJsonDocument::fromJson(r.body).array()) {
                if (s.toObject().value(u"name").toString() == move->name) {
                    listed = true;
                    running = s.toObject().value(u"state").toString() != u"terminated";
                }
            }
            move->seen = move->seen || listed;
            if (!move->seen && move->polls < 10) {
                running = true; // not started yet: RabbitMQ lists a new shovel within a moment
            }
            if (running && ++move->polls < 1200) {
                QTimer::singleShot(500, [self] { (*self)(); });
                return;
            }
            // src-delete-after=queue-length: the shovel moved exactly what the queue held when it started.
            move->result.moved = move->polls >= 1200 ? 0 : move->result.before;
            if (move->polls >= 1200) {
                done(tr("The move did not finish within 10 minutes; shovel %1 is still at work.").arg(move->name));
                return;
            }
            // What is left: statistics trail by up to one interval (5 s by default) and only ever overstate a
            // queue that was just emptied, so the smallest of three reads over 6.5 s is the truth.
            auto reads = std::make_shared<QList<qint64>>();
            auto settle = std::make_shared<std::function<void()>>();
            *settle = [move, count, done, reads, weakSettle = std::weak_ptr<std::function<void()>>(settle)] {
                count(move->result.from, [move, done, reads, weakSettle](qint64 left, const QString &error) {
                    if (!error.isEmpty()) {
                        done(error);
                        return;
                    }
                    reads->append(std::max<qint64>(0, left));
                    const auto next = weakSettle.lock();
                    if (reads->size() < 3 && next && *std::min_element(reads->cbegin(), reads->cend()) > 0) {
                        QTimer::singleShot(2500, [next] { (*next)(); });
                        return;
                    }
                    move->result.left = *std::min_element(reads->cbegin(), reads->cend());
                    done();
                });
            };
            QTimer::singleShot(1500, [settle] { (*settle)(); });
        });
    };
    *start = [move, c, v, vhost, done, watch, endpoint, user, mode, overAmqp] {
        if (move->result.dryRun) {
            done();
            return;
        }
        if (mode == u"amqp") {
            overAmqp();
            return;
        }
        move->result.method = QStringLiteral("shovel");
        move->name = QStringLiteral("queuedeck-move-%1-%2").arg(move->result.from).arg(QDateTime::currentMSecsSinceEpoch());
        const QString uri = QStringLiteral("amqp:///") + QString::fromLatin1(QUrl::toPercentEncoding(vhost));
        const QJsonObject value{{QStringLiteral("src-protocol"), QStringLiteral("amqp091")},
                                {QStringLiteral("src-uri"), uri},
                                {QStringLiteral("src-queue"), move->result.from},
                                {QStringLiteral("src-delete-after"), QStringLiteral("queue-length")},
                                {QStringLiteral("dest-protocol"), QStringLiteral("amqp091")},
                                {QStringLiteral("dest-uri"), uri},
                                {QStringLiteral("dest-queue"), move->result.to},
                                {QStringLiteral("ack-mode"), QStringLiteral("on-confirm")}};
        c->put(QStringLiteral("/api/parameters/shovel/%1/%2").arg(v, QString::fromLatin1(QUrl::toPercentEncoding(move->name))),
               QJsonDocument(QJsonObject{{QStringLiteral("value"), value}}).toJson(QJsonDocument::Compact),
               [done, watch, endpoint, user, mode, overAmqp](http::Response r) {
                   const bool noShovel = r.status == 400 && r.body.contains("shovel");
                   if (noShovel && mode != u"shovel") {
                       overAmqp(); // no shovel plugin: get-then-publish with publisher confirms
                       return;
                   }
                   if (r.status != 201 && r.status != 204) {
                       done(noShovel
                                ? tr("RabbitMQ refused the move: are the rabbitmq_shovel and rabbitmq_shovel_management plugins "
                                     "enabled? (%1)").arg(describe(r, endpoint, user))
                                : describe(r, endpoint, user));
                       return;
                   }
                   (*watch)();
               });
    };
    count(request.from, [move, c, queuePath, done, start](qint64 before, const QString &error) {
        if (before < 0) {
            done(error);
            return;
        }
        move->result.before = before;
        if (!move->result.to.isEmpty()) {
            (*start)();
            return;
        }
        // Back to where the messages died: the first message's x-first-death-queue (peeked and requeued).
        c->post(queuePath(move->result.from) + QStringLiteral("/get"),
                QByteArrayLiteral(R"({"count":1,"ackmode":"ack_requeue_true","encoding":"auto","truncate":1})"),
                [move, done, start](http::Response r) {
                    const QJsonArray messages = QJsonDocument::fromJson(r.body).array();
                    const QJsonObject headers =
                        messages.first().toObject().value(u"properties").toObject().value(u"headers").toObject();
                    move->result.to = headers.value(u"x-first-death-queue").toString();
                    if (move->result.to.isEmpty()) {
                        done(messages.isEmpty() ? tr("%1 is empty: nothing to move.").arg(move->result.from)
                                                : tr("The messages in %1 carry no x-first-death-queue header: name the "
                                                     "queue to move them to.").arg(move->result.from));
                        return;
                    }
                    (*start)();
                });
    });
    return future;
}

QString RabbitMqBackend::pauseUnsupportedReason() const
{
    return tr("RabbitMQ has no paused state for a queue: its consumers would have to be cancelled and re-created, "
              "which Queuedeck does not do.");
}

QFuture<PurgeResult> RabbitMqBackend::purgeQueue(const QString &queue, bool dryRun)
{
    PurgeResult base;
    base.queue = queue;
    base.dryRun = dryRun;
    if (d->readOnly) {
        base.error = tr("This connection is read-only (readonly=1): nothing was deleted.");
        return QtFuture::makeReadyFuture(base);
    }
    auto promise = std::make_shared<QPromise<PurgeResult>>();
    promise->start();
    QFuture<PurgeResult> future = promise->future();
    http::Client *c = d->client.get();
    const QString path = d->queuePath(queue);
    const QString endpoint = d->endpoint, user = d->user;
    countMessages(c, path, endpoint, user,
           [c, path, base, promise, endpoint, user](qint64 before, const QString &error) mutable {
               auto finish = [promise](PurgeResult out) {
                   promise->addResult(out);
                   promise->finish();
               };
               if (before < 0) {
                   base.error = error;
                   finish(base);
                   return;
               }
               base.before = before;
               if (base.dryRun) {
                   finish(base);
                   return;
               }
               c->del(path + QStringLiteral("/contents"), [base, finish, endpoint, user](http::Response del) mutable {
                   if (del.status != 204 && del.status != 200) {
                       base.error = describe(del, endpoint, user);
                   }
                   finish(base);
               });
           });
    return future;
}

namespace {

/// A JSON value as an AMQP field value: text as a long string, whole numbers as a long, others as a double.
amqp::FieldValue fieldFromJson(const QJsonValue &v)
{
    amqp::FieldValue f;
    switch (v.type()) {
    case QJsonValue::String: return amqp::FieldValue::string(v.toString().toUtf8());
    case QJsonValue::Bool: return amqp::FieldValue::boolean(v.toBool());
    case QJsonValue::Double:
        if (const double d = v.toDouble(); d == std::floor(d) && std::abs(d) < 9.0e15) {
            return amqp::FieldValue::longInt(qint64(d));
        }
        f.type = 'd';
        f.real = v.toDouble();
        return f;
    case QJsonValue::Array:
        f.type = 'A';
        for (const QJsonValue &e : v.toArray()) {
            f.array.append(fieldFromJson(e));
        }
        return f;
    case QJsonValue::Object: {
        f.type = 'F';
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            f.table.append({it.key().toUtf8(), fieldFromJson(it.value())});
        }
        return f;
    }
    default: return f; // null, undefined: void
    }
}

QByteArray bodyBytes(const QJsonValue &body)
{
    if (body.isString()) {
        return body.toString().toUtf8();
    }
    return body.isObject() ? QJsonDocument(body.toObject()).toJson(QJsonDocument::Compact)
                           : QJsonDocument(body.toArray()).toJson(QJsonDocument::Compact);
}

} // namespace

QString RabbitMqBackend::validatePayload(const QString &payload) const
{
    if (d->readOnly) {
        return tr("This connection is read-only (readonly=1): no message can be resent.");
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(payload.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError) {
        return tr("Not valid JSON: %1 (at character %2).").arg(error.errorString()).arg(error.offset);
    }
    const QJsonObject o = doc.object();
    if (!doc.isObject() || !o.contains(u"body") || (!o.value(u"headers").isObject() && o.contains(u"headers"))) {
        return tr("An edited message is {\"headers\": {…}, \"body\": …}: the body as text or JSON.");
    }
    const QJsonValue body = o.value(u"body");
    if (!body.isString() && !body.isObject() && !body.isArray()) {
        return tr("\"body\" must be text (a JSON string) or a JSON object or array.");
    }
    const QJsonObject headers = o.value(u"headers").toObject();
    for (auto it = headers.begin(); it != headers.end(); ++it) {
        if (it.key().startsWith(u"x-")) {
            return tr("Header %1: RabbitMQ's own x-… headers (x-death and the like) travel unchanged and cannot be "
                      "edited.")
                .arg(it.key());
        }
    }
    return {};
}

QFuture<ResendResult> RabbitMqBackend::resend(const ResendRequest &request)
{
    ResendResult refused;
    refused.originalId = request.jobId;
    refused.inPlace = request.inPlace;
    refused.dryRun = request.dryRun;
    refused.error = validatePayload(request.payload);
    JobDetail peeked;
    {
        QMutexLocker lock(&d->peekMutex);
        peeked = d->peeked.value(request.jobId);
    }
    if (refused.error.isEmpty() && !request.inPlace) {
        refused.error = tr("RabbitMQ cannot send an edited copy and keep the original in the queue: resend it in place "
                           "(the edit replaces it).");
    } else if (refused.error.isEmpty() && request.expected != JobState::Waiting) {
        refused.error = tr("RabbitMQ messages can be acted on while they are ready in a queue (state waiting) only.");
    } else if (refused.error.isEmpty() && (request.jobId.startsWith(u'#') || peeked.editablePayload.isEmpty())) {
        refused.error = peeked.summary.id.isEmpty()
                            ? tr("Message %1 is not among the last peeked; peek again.").arg(request.jobId)
                            : tr("Message %1 cannot be edited: it has no message id, or its body is binary or was "
                                 "only partly peeked.")
                                  .arg(request.jobId);
    }
    if (!refused.error.isEmpty()) {
        return QtFuture::makeReadyFuture(refused);
    }
    const QJsonObject before = QJsonDocument::fromJson(peeked.editablePayload.toUtf8()).object();
    const QJsonObject after = QJsonDocument::fromJson(request.payload.toUtf8()).object();
    refused.original = peeked.editablePayload;
    refused.edited = request.payload;
    refused.newId = request.jobId; // the same message, back where it died
    // Applied to the message as got: what the operator did not change keeps its bytes and AMQP types.
    auto transform = [before, after](amqp::Message &m) -> QString {
        const QJsonObject oldHeaders = before.value(u"headers").toObject();
        const QJsonObject newHeaders = after.value(u"headers").toObject();
        amqp::FieldTable table;
        for (const auto &[key, value] : m.properties.headers.value_or(amqp::FieldTable{})) {
            const QString name = QString::fromUtf8(key);
            if (name.startsWith(u"x-") || (newHeaders.contains(name) && newHeaders.value(name) == oldHeaders.value(name))) {
                table.append({key, value}); // RabbitMQ's own, or unchanged
            } else if (newHeaders.contains(name)) {
                table.append({key, fieldFromJson(newHeaders.value(name))});
            } // else: removed by the edit
        }
        for (auto it = newHeaders.begin(); it != newHeaders.end(); ++it) {
            if (!amqp::findField(table, it.key().toUtf8())) {
                table.append({it.key().toUtf8(), fieldFromJson(it.value())});
            }
        }
        m.properties.headers = table;
        if (after.value(u"body") != before.value(u"body")) {
            m.body = bodyBytes(after.value(u"body"));
        }
        return {};
    };
    auto promise = std::make_shared<QPromise<ResendResult>>();
    promise->start();
    QFuture<ResendResult> future = promise->future();
    AmqpMove move;
    move.connection = d->amqp;
    move.from = peeked.summary.queue;
    move.onlyIds = {request.jobId};
    move.dryRun = request.dryRun;
    move.transform = transform;
    d->client->post([move = std::move(move), promise, done = refused]() mutable {
        moveOverAmqp(std::move(move), [promise, done](const AmqpMoveOutcome &o) {
            ResendResult r = done;
            if (!o.actedOn.contains(r.originalId)) {
                r.error = !o.error.isEmpty() ? o.error
                                             : tr("Message %1 is no longer in the queue (retried, moved or taken by "
                                                  "someone else): nothing was resent.")
                                                   .arg(r.originalId);
                r.newId.clear();
            }
            promise->addResult(r);
            promise->finish();
        });
    });
    return future;
}

QFuture<ActionResult> RabbitMqBackend::act(const JobAction &action)
{
    ActionResult refused;
    refused.dryRun = action.dryRun;
    QString queue = action.queue;
    if (queue.isEmpty() && !action.jobIds.isEmpty()) {
        QMutexLocker lock(&d->peekMutex); // the CLI names the queue; the job browser has just peeked it
        queue = d->peeked.value(action.jobIds.constFirst()).summary.queue;
    }
    if (d->readOnly) {
        refused.error = tr("This connection is read-only (readonly=1): no message was changed.");
    } else if (action.expected != JobState::Waiting) {
        refused.error = tr("RabbitMQ messages can be acted on while they are ready in a queue (state waiting) only.");
    } else if (queue.isEmpty()) {
        refused.error = tr("Name the queue the messages are in (--queue).");
    } else if (action.kind == ActionKind::Move && action.targetQueue.trimmed().isEmpty()) {
        refused.error = tr("Name the queue to move the messages to.");
    }
    if (!refused.error.isEmpty()) {
        return QtFuture::makeReadyFuture(refused);
    }
    QSet<QString> ids;
    for (const QString &id : action.jobIds) {
        if (id.startsWith(u'#')) {
            refused.skipped << id; // a position from a peek, not an id: it cannot be picked out again
        } else {
            ids.insert(id);
        }
    }
    if (ids.isEmpty()) {
        refused.error = tr("These messages have no message id, so they cannot be picked out of the queue; move or "
                           "purge the whole queue instead.");
        return QtFuture::makeReadyFuture(refused);
    }
    auto promise = std::make_shared<QPromise<ActionResult>>();
    promise->start();
    QFuture<ActionResult> future = promise->future();
    AmqpMove m;
    m.connection = d->amqp;
    m.from = queue;
    m.to = action.kind == ActionKind::Move ? action.targetQueue.trimmed() : QString();
    m.onlyIds = ids;
    m.discard = action.kind == ActionKind::Cancel;
    m.dryRun = action.dryRun;
    d->client->post([m = std::move(m), promise, refused, ids]() mutable {
        moveOverAmqp(std::move(m), [promise, refused, ids](const AmqpMoveOutcome &o) {
            ActionResult r = refused;
            r.succeeded = o.actedOn;
            for (const QString &id : ids) {
                if (!o.actedOn.contains(id)) {
                    r.skipped << id; // gone, taken by someone else, or kept (the error says why)
                }
            }
            if (!o.error.isEmpty() && r.succeeded.isEmpty()) {
                r.error = o.error; // as for the other backends: a reason when nothing happened
            }
            promise->addResult(r);
            promise->finish();
        });
    });
    return future;
}

} // namespace qd::rabbitmq
