// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/backends/rabbitmq/rabbitmqbackend.h"

#include "core/clock.h"
#include "core/textsafety.h"
#include "core/backends/rabbitmq/rabbitmqbackend_p.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QPromise>
#include <QTimer>

#include <algorithm>
#include <atomic>

namespace qd::rabbitmq {

namespace {

/// lupdate files Tr::tr() strings under the context the runtime looks them up in.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(qd::rabbitmq::RabbitMqBackend)
};

constexpr const char *kQueueColumns =
    "name,messages_ready,messages_unacknowledged,state,type,arguments,policy"; // consumers: from /api/consumers
/// Dead-letter exchanges whose bindings are read per poll (each is one small request); more are named in a warning.
constexpr int kMaxDeadLetterExchanges = 20;

/// Where a queue's rejected and expired messages go: its x-dead-letter-* arguments, else its policy's.
struct DeadLetterRoute
{
    QString exchange;   ///< "" is the default exchange: the routing key is then the queue's name
    QString routingKey; ///< empty: the message's own routing key
};

/// `policies`: policy name → definition, from /api/policies/<vhost> (the queue list names a queue's policy only).
std::optional<DeadLetterRoute> deadLetterRoute(const QJsonObject &queue, const QHash<QString, QJsonObject> &policies)
{
    const QJsonObject args = queue.value(u"arguments").toObject();
    const QJsonObject policy = policies.value(queue.value(u"policy").toString());
    auto pick = [&](const char *arg, const char *key) -> QJsonValue {
        const QJsonValue a = args.value(QLatin1String(arg));
        return a.isString() ? a : policy.value(QLatin1String(key));
    };
    const QJsonValue exchange = pick("x-dead-letter-exchange", "dead-letter-exchange");
    if (!exchange.isString()) {
        return std::nullopt;
    }
    return DeadLetterRoute{exchange.toString(), pick("x-dead-letter-routing-key", "dead-letter-routing-key").toString()};
}
constexpr const char *kStatsColumns =
    "name,head_message_timestamp,message_stats.redeliver_details.rate,message_stats.publish_details.rate,"
    "message_stats.deliver_get_details.rate,message_stats.ack_details.rate";

using detail::describe;

} // namespace

QString detail::apiQueuePath(const QString &vhost, const QString &queue)
{
    return QStringLiteral("/api/queues/%1/%2").arg(vhost, QString::fromLatin1(QUrl::toPercentEncoding(queue)));
}

QString detail::describe(const http::Response &r, const QString &endpoint, const QString &user)
{
    if (!r.error.isEmpty() && r.refused) {
        return Tr::tr("The RabbitMQ management API at %1 answered, but: %2").arg(endpoint, r.error);
    }
    if (!r.error.isEmpty()) {
        return Tr::tr("Cannot reach the RabbitMQ management API at %1: %2").arg(endpoint, r.error);
    }
    if (r.status == 401) {
        return Tr::tr("RabbitMQ at %1 refused the credentials of user \"%2\" (401).").arg(endpoint, user);
    }
    if (r.status == 403) {
        return Tr::tr("User \"%1\" may not read this from RabbitMQ at %2 (403): give it the monitoring tag and access "
                  "to the vhost.")
            .arg(user, endpoint);
    }
    if (r.status == 404) {
        return Tr::tr("RabbitMQ at %1 answered 404: the vhost does not exist, or this is not the management API.").arg(endpoint);
    }
    return Tr::tr("The RabbitMQ management API at %1 answered %2: %3")
        .arg(endpoint)
        .arg(r.status)
        .arg(escapeForDisplay(QString::fromUtf8(r.body.left(300)).simplified(), 300));
}

void detail::countMessages(http::Client *c, const QString &path, const QString &endpoint, const QString &user,
                           std::function<void(qint64, QString)> then)
{
    c->get(path + QStringLiteral("?columns=messages_ready,messages_unacknowledged"),
           [then = std::move(then), endpoint, user](http::Response r) {
               if (r.status != 200) {
                   then(-1, describe(r, endpoint, user));
                   return;
               }
               const QJsonObject o = QJsonDocument::fromJson(r.body).object();
               then(o.value(u"messages_ready").toInteger() + o.value(u"messages_unacknowledged").toInteger(), {});
           });
}

RabbitMqBackend::RabbitMqBackend(const ConnectionUrl &url, Clock *clock, QObject *parent)
    : Backend(url, clock, parent), d(std::make_shared<Private>())
{
    d->vhost = url.path.isEmpty() ? QStringLiteral("/") : url.path;
    d->kind = url.family == u"celery" ? QStringLiteral("celery") : QStringLiteral("rabbitmq");
    d->user = url.user.isEmpty() ? QStringLiteral("guest") : url.user;
    d->endpoint = QStringLiteral("%1:%2").arg(url.host).arg(url.port);
    bool ok = false;
    d->peekQuorum = url.flag(QStringLiteral("peek_quorum"));
    d->readOnly = url.flag(QStringLiteral("readonly"));
    const int limit = url.option(QStringLiteral("stats_limit")).toInt(&ok);
    if (ok && limit >= 0) {
        d->statsLimit = limit;
    }
    http::Options o;
    o.user = d->user;
    o.password = url.password.isEmpty() ? (url.user.isEmpty() ? QStringLiteral("guest") : qEnvironmentVariable("RABBITMQ_PASSWORD"))
                                        : url.password;
    o.caFile = url.option(QStringLiteral("tls_ca"));
    const double timeout = url.option(QStringLiteral("timeout")).toDouble(&ok);
    if (ok && timeout > 0) {
        o.timeoutMs = int(timeout * 1000);
    }
    d->moveMode = url.option(QStringLiteral("move"), QStringLiteral("auto"));
    d->amqp.host = url.host;
    d->amqp.tls = url.usesTls();
    d->amqp.port = d->amqp.tls ? 5671 : 5672;
    if (const int port = url.option(QStringLiteral("amqp_port")).toInt(&ok); ok && port > 0 && port < 65536) {
        d->amqp.port = quint16(port);
    }
    if (const int mb = url.option(QStringLiteral("max_body_mb")).toInt(&ok); ok && mb > 0) {
        d->amqp.maxBodyBytes = qint64(mb) * 1024 * 1024;
    }
    d->amqp.caFile = o.caFile;
    d->amqp.user = o.user;
    d->amqp.password = o.password;
    d->amqp.vhost = d->vhost;
    d->amqp.timeoutMs = std::max(o.timeoutMs, 30'000);
    QUrl base;
    // celery+amqp(s):// names the broker, but Queuedeck reads it through the management API: plain HTTP for amqp,
    // HTTPS (verified, `tls_ca` as for rabbitmq+https) for amqps, so credentials never cross the wire in the clear.
    base.setScheme(url.usesTls() ? QStringLiteral("https") : QStringLiteral("http"));
    base.setHost(url.host);
    base.setPort(url.port);
    d->client = std::make_unique<http::Client>(base, o, QStringLiteral("rabbitmq-http"));
}

RabbitMqBackend::~RabbitMqBackend()
{
    d->client.reset();
}

Capabilities RabbitMqBackend::capabilities() const
{
    Capabilities c;
    c.workers = true;
    c.exactCounts = true;
    // Shovels are runtime parameters: only administrators and policymakers may set them (read from /api/whoami).
    const int tags = d->tags.load();
    // Over AMQP (move=amqp) read and write permissions on the queues are enough.
    c.moveToQueue = !d->readOnly && (tags < 0 || (tags & 1) != 0 || d->moveMode == u"amqp");
    c.purge = !d->readOnly;
    // Chosen messages, over AMQP: retry (back where they died), move, delete.
    c.retry = c.cancel = c.moveJobs = c.retryWaiting = !d->readOnly;
    c.payloadEdit = !d->readOnly; // a dead letter, edited, back where it died (in place: AMQP cannot copy and keep)
    return c;
}

namespace {

constexpr qsizetype kPeekBodyCap = 64 * 1024;

/// The queues a peeked message was dead-lettered from (its x-death entries), other than `queue` itself.
QStringList deathSources(const QJsonObject &m, const QString &queue)
{
    QStringList out;
    const QJsonObject headers = m.value(u"properties").toObject().value(u"headers").toObject();
    for (const QJsonValue &x : headers.value(u"x-death").toArray()) {
        const QString from = x.toObject().value(u"queue").toString();
        if (!from.isEmpty() && from != queue && !out.contains(from)) {
            out << from;
        }
    }
    return out;
}

/// One peeked message as a job: the id is its message_id (or its position), the class the Celery task or the
/// AMQP type, attempts from x-death / x-delivery-count.
JobDetail peekedJob(const QJsonObject &m, const QString &queue, int position)
{
    JobDetail d;
    const QJsonObject props = m.value(u"properties").toObject();
    const QJsonObject headers = props.value(u"headers").toObject();
    JobSummary &s = d.summary;
    // Celery (protocol 2) names the task and its id in the headers; the management API shows unset ones as "undefined".
    auto header = [&headers](const char *key) {
        const QString v = headers.value(QLatin1String(key)).toString();
        return v == u"undefined" ? QString() : v;
    };
    QString messageId = header("id");
    if (messageId.isEmpty()) {
        messageId = props.value(u"message_id").toString();
    }
    s.id = messageId.isEmpty() ? QStringLiteral("#%1").arg(position) : messageId;
    s.queue = queue;
    s.state = JobState::Waiting;
    s.className = headers.value(u"task").toString();
    if (s.className.isEmpty()) {
        s.className = props.value(u"type").toString();
    }
    if (props.value(u"timestamp").isDouble()) {
        s.enqueuedAt = QDateTime::fromSecsSinceEpoch(qint64(props.value(u"timestamp").toDouble()), Qt::UTC);
    }
    qint64 deaths = 0;
    QStringList reasons;
    for (const QJsonValue &x : headers.value(u"x-death").toArray()) {
        const QJsonObject death = x.toObject();
        deaths += death.value(u"count").toInteger();
        reasons << QStringLiteral("%1 from %2 ×%3")
                       .arg(death.value(u"reason").toString(), death.value(u"queue").toString())
                       .arg(death.value(u"count").toInteger());
    }
    const qint64 deliveries = headers.value(u"x-delivery-count").toInteger();
    const qint64 celeryRetries = headers.value(u"retries").toInteger(); // failed runs before this message
    s.attempts = std::max({deaths, deliveries, celeryRetries}) + (m.value(u"redelivered").toBool() ? 1 : 0);
    if (const QString eta = header("eta"); !eta.isEmpty()) {
        s.runAt = QDateTime::fromString(eta, Qt::ISODateWithMs).toUTC();
    }
    if (!reasons.isEmpty()) {
        s.errorLine = QStringLiteral("dead-lettered: ") + reasons.join(QStringLiteral("; "));
        d.error = s.errorLine;
    }
    // The payload as text; JSON pretty-printed. Views show it escaped, as plain text.
    const qint64 size = m.value(u"payload_bytes").toInteger();
    QString body = m.value(u"payload").toString();
    // Edit & Resend works on {"headers": (all but RabbitMQ's own x-…), "body": (JSON as JSON, else the text)}; a
    // binary or partly peeked body cannot be edited.
    if (m.value(u"payload_encoding").toString() != u"base64" && body.size() <= kPeekBodyCap && size == body.toUtf8().size()) {
        QJsonObject editable;
        QJsonObject own;
        for (auto it = headers.begin(); it != headers.end(); ++it) {
            if (!it.key().startsWith(u"x-")) {
                own.insert(it.key(), it.value());
            }
        }
        editable.insert(QStringLiteral("headers"), own);
        const QJsonDocument json = QJsonDocument::fromJson(body.toUtf8());
        editable.insert(QStringLiteral("body"), json.isObject()  ? QJsonValue(json.object())
                                                : json.isArray() ? QJsonValue(json.array())
                                                                 : QJsonValue(body));
        d.editablePayload = QString::fromUtf8(QJsonDocument(editable).toJson(QJsonDocument::Indented));
    }
    if (m.value(u"payload_encoding").toString() == u"base64") {
        body = QStringLiteral("(binary, base64) ") + body;
    } else if (const QJsonDocument doc = QJsonDocument::fromJson(body.toUtf8()); !doc.isNull()) {
        body = QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
    }
    if (body.size() > kPeekBodyCap) {
        body.truncate(kPeekBodyCap);
    }
    QString head = QStringLiteral("routing key: %1 · exchange: %2 · %3 bytes%4\n")
                       .arg(m.value(u"routing_key").toString(), m.value(u"exchange").toString().isEmpty()
                                                                  ? QStringLiteral("(default)")
                                                                  : m.value(u"exchange").toString())
                       .arg(size)
                       .arg(size > body.size() ? QStringLiteral(" (shown: the first %1)").arg(body.size()) : QString());
    if (!headers.isEmpty()) {
        head += QStringLiteral("headers: ") + QString::fromUtf8(QJsonDocument(headers).toJson(QJsonDocument::Compact)) + u'\n';
    }
    d.payload = head + u'\n' + body;
    return d;
}

} // namespace

QFuture<JobPage> RabbitMqBackend::jobs(const JobQuery &query)
{
    if (query.state != JobState::Waiting) {
        JobPage p;
        p.error = Tr::tr("RabbitMQ has no %1 messages to list: a queue holds ready messages (peeked here) and "
                     "unacknowledged ones a consumer holds, which the API cannot show.")
                      .arg(jobStateName(query.state));
        return QtFuture::makeReadyFuture(p);
    }
    if (query.queue.isEmpty()) {
        JobPage p;
        p.error = Tr::tr("Name a queue to peek at.");
        return QtFuture::makeReadyFuture(p);
    }
    auto promise = std::make_shared<QPromise<JobPage>>();
    promise->start();
    QFuture<JobPage> future = promise->future();
    std::weak_ptr<Private> weak = d;
    http::Client *c = d->client.get();
    const QString path = d->queuePath(query.queue);
    const int limit = std::clamp(query.limit, 1, 100);
    const bool peekQuorum = d->peekQuorum;
    const QString endpoint = d->endpoint, user = d->user;
    // The next peek starts once this one has answered (see Private::peeking); runs on the client's thread.
    auto next = [weak] {
        if (const auto p = weak.lock()) {
            p->peeking = false;
            if (!p->peekQueue.empty()) {
                auto run = std::move(p->peekQueue.front());
                p->peekQueue.pop_front();
                p->peeking = true;
                run();
            }
        }
    };
    auto finished = std::make_shared<std::function<void(JobPage)>>([promise, next](JobPage page) {
        promise->addResult(page);
        promise->finish();
        next();
    });
    auto fail = [finished](const QString &error) {
        JobPage p;
        p.error = error;
        (*finished)(p);
    };
    auto peek = [c, path, query, limit, peekQuorum, endpoint, user, finished, fail, weak] {
        c->get(path + QStringLiteral("?columns=name,type,arguments"),
               [c, path, query, limit, peekQuorum, endpoint, user, finished, fail, weak](http::Response info) {
                   if (info.status != 200) {
                       fail(describe(info, endpoint, user));
                       return;
                   }
                   const QJsonObject q = QJsonDocument::fromJson(info.body).object();
                   if (q.value(u"type").toString() == u"quorum" && !peekQuorum) {
                       fail(Tr::tr("%1 is a quorum queue: every peek counts as a delivery, and its delivery limit would "
                               "dead-letter or drop a message peeked too often. Add peek_quorum=1 to the URL to peek anyway.")
                                .arg(query.queue));
                       return;
                   }
                   const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("count"), limit},
                                                                     {QStringLiteral("ackmode"), QStringLiteral("ack_requeue_true")},
                                                                     {QStringLiteral("encoding"), QStringLiteral("auto")},
                                                                     {QStringLiteral("truncate"), int(kPeekBodyCap)}})
                                               .toJson(QJsonDocument::Compact);
                   c->post(path + QStringLiteral("/get"), body, [query, finished, fail, endpoint, user, weak](http::Response r) {
                       if (r.status != 200) {
                           fail(describe(r, endpoint, user));
                           return;
                       }
                       JobPage page;
                       page.notice = Tr::tr("Peeked without losing anything: RabbitMQ requeued these messages, marks them "
                                        "redelivered and may reorder them.");
                       QHash<QString, JobDetail> details;
                       // A queue whose every peeked message died in another queue holds dead letters (a message
                       // an operator moved into a live queue is mixed with its own, and does not make it one).
                       QStringList sources;
                       bool allDead = true;
                       int position = 0;
                       for (const QJsonValue &v : QJsonDocument::fromJson(r.body).array()) {
                           const QStringList from = deathSources(v.toObject(), query.queue);
                           allDead = allDead && !from.isEmpty();
                           for (const QString &f : from) {
                               if (!sources.contains(f)) {
                                   sources << f;
                               }
                           }
                           JobDetail d = peekedJob(v.toObject(), query.queue, ++position);
                           if (!query.search.isEmpty() && !d.payload.contains(query.search, Qt::CaseInsensitive)) {
                               continue;
                           }
                           page.jobs << d.summary;
                           if (query.withPayload) { // the message body (a user rule reads it), as peeked
                               page.jobs.last().payload = v.toObject().value(u"payload").toString();
                           }
                           details.insert(d.summary.id, d);
                       }
                       if (const auto p = weak.lock()) {
                           QMutexLocker lock(&p->peekMutex);
                           p->peeked = details;
                           if (allDead && !sources.isEmpty()) {
                               p->deadLetterSources.insert(query.queue, sources);
                           } else if (!sources.isEmpty() || position > 0) {
                               p->deadLetterSources.remove(query.queue);
                           }
                       }
                       (*finished)(page);
                   });
               });
    };
    c->post([weak, peek] {
        const auto p = weak.lock();
        if (!p) {
            return;
        }
        if (p->peeking) {
            p->peekQueue.push_back(peek);
            return;
        }
        p->peeking = true;
        peek();
    });
    return future;
}

QFuture<JobDetail> RabbitMqBackend::job(const QString &id)
{
    QMutexLocker lock(&d->peekMutex);
    JobDetail detail = d->peeked.value(id);
    if (detail.summary.id.isEmpty()) {
        detail.failure = Tr::tr("Message %1 is not among the last peeked; peek again.").arg(id);
    }
    return QtFuture::makeReadyFuture(detail);
}

QString RabbitMqBackend::kind() const
{
    return d->kind;
}

qint64 RabbitMqBackend::lastPollBytes() const
{
    return d->lastBytes.load();
}

QFuture<Snapshot> RabbitMqBackend::snapshot()
{
    auto promise = std::make_shared<QPromise<Snapshot>>();
    promise->start();
    QFuture<Snapshot> future = promise->future();
    if (state() == ConnectionState::Disconnected) {
        setState(ConnectionState::Connecting);
    }
    struct Poll
    {
        http::Response queues, consumers, overview, nodes, stats;
        QJsonDocument queuesJson;
        QJsonParseError queuesParse{};
        QHash<QString, http::Response> dlxBindings; ///< dead-letter exchange → its bindings (source side)
        QList<std::pair<QString, DeadLetterRoute>> routes; ///< queue → where its dead letters go (set once, on the HTTP thread)
        QHash<QString, QJsonObject> policies;       ///< policy name → definition
        bool queuesIn = false, policiesIn = false;  ///< both are needed to know the dead-letter exchanges
        QStringList dlxNotRead; ///< dead-letter exchanges past kMaxDeadLetterExchanges
        int pending = 4;
        bool statsAsked = false;
    };
    auto poll = std::make_shared<Poll>();
    std::weak_ptr<Private> weak = d;
    const QString v = d->vhostPath();
    auto finish = [this, promise, poll, weak] {
        const auto p = weak.lock();
        Snapshot s;
        s.backend = kind();
        s.takenAt = clock()->now();
        if (!p) {
            s.error = Tr::tr("The connection was closed.");
            promise->addResult(s);
            promise->finish();
            return;
        }
        p->lastBytes = poll->queues.bytes + poll->consumers.bytes + poll->overview.bytes + poll->nodes.bytes + poll->stats.bytes;
        const double now = double(clock()->nowMs()) / 1000.0;
        // The queue list is the poll: without it nothing is known.
        if (!poll->queues.error.isEmpty() || poll->queues.status != 200) {
            s.error = describe(poll->queues, p->endpoint, p->user);
        } else {
            const QJsonDocument &doc = poll->queuesJson;
            if (!doc.isArray()) {
                // A wrong type is an error, never an empty list: an object or a number means no queue is known.
                const QString what = poll->queuesParse.error != QJsonParseError::NoError ? poll->queuesParse.errorString()
                                     : doc.isObject() ? Tr::tr("a JSON object where the list of queues belongs")
                                                      : Tr::tr("not a list");
                s.error = Tr::tr("The RabbitMQ management API at %1 did not answer a JSON list (%2): is this the management port?")
                              .arg(p->endpoint, what);
            } else {
                QHash<QString, int> consumersPerQueue;
                bool consumersKnown = poll->consumers.status == 200;
                const QJsonArray consumers = QJsonDocument::fromJson(poll->consumers.body).array();
                QHash<QString, qint64> unackedPerQueue;
                for (const QJsonValue &v2 : doc.array()) {
                    const QJsonObject q = v2.toObject();
                    unackedPerQueue.insert(q.value(u"name").toString(), q.value(u"messages_unacknowledged").toInteger());
                }
                if (consumersKnown) {
                    for (const QJsonValue &cv : consumers) {
                        const QJsonObject c = cv.toObject();
                        const QString queue = c.value(u"queue").toObject().value(u"name").toString();
                        consumersPerQueue[queue] += 1;
                        const QJsonObject ch = c.value(u"channel_details").toObject();
                        WorkerInfo w;
                        w.id = QStringLiteral("%1 on %2").arg(c.value(u"consumer_tag").toString(), ch.value(u"name").toString());
                        w.queues = {queue};
                        w.lastSeenAgeSeconds = 0.0; // a consumer exists only while its channel is open
                        // The API does not say which consumer holds the unacknowledged messages: a consumer of a queue
                        // with unacknowledged messages counts as busy.
                        w.state = unackedPerQueue.value(queue) > 0 ? WorkerState::Busy : WorkerState::Idle;
                        s.workers.append(w);
                    }
                    s.workersComplete = true;
                } else {
                    s.workersKnown = false;
                    s.warnings << describe(poll->consumers, p->endpoint, p->user);
                }
                QHash<QString, QJsonObject> stats;
                if (poll->statsAsked && poll->stats.status == 200) {
                    for (const QJsonValue &sv : QJsonDocument::fromJson(poll->stats.body).array()) {
                        stats.insert(sv.toObject().value(u"name").toString(), sv.toObject());
                    }
                }
                // Dead-letter queues: where another queue's x-dead-letter-exchange (argument or policy) routes, and
                // queues whose peeked messages carry x-death from another queue.
                const QHash<QString, QStringList> seenDeadLetterSources = [&p] {
                    QMutexLocker lock(&p->peekMutex);
                    return p->deadLetterSources;
                }();
                QHash<QString, QStringList> deadLetterOf;
                for (const auto &[source, route] : std::as_const(poll->routes)) {
                    if (route.exchange.isEmpty()) {
                        if (!route.routingKey.isEmpty()) {
                            deadLetterOf[route.routingKey] << source;
                        }
                        continue;
                    }
                    const auto b = poll->dlxBindings.constFind(route.exchange);
                    if (b == poll->dlxBindings.cend() || b->status != 200) {
                        continue;
                    }
                    for (const QJsonValue &bv : QJsonDocument::fromJson(b->body).array()) {
                        const QJsonObject binding = bv.toObject();
                        if (binding.value(u"destination_type").toString() == u"queue") {
                            deadLetterOf[binding.value(u"destination").toString()] << source;
                        }
                    }
                }
                for (const QJsonValue &qv : doc.array()) {
                    const QJsonObject o = qv.toObject();
                    QueueStats q;
                    q.name = o.value(u"name").toString();
                    q.deadLetterOf = deadLetterOf.value(q.name) + seenDeadLetterSources.value(q.name);
                    q.deadLetterOf.removeDuplicates();
                    q.deadLetterOf.removeAll(q.name);
                    q.deadLetterOf.sort();
                    if (consumersKnown) {
                        q.consumers = consumersPerQueue.value(q.name);
                    }
                    if (o.contains(u"messages_ready")) {
                        q.waiting = o.value(u"messages_ready").toInteger();
                        q.running = o.value(u"messages_unacknowledged").toInteger();
                    } else {
                        q.countExactness = Exactness::Unknown; // a queue whose process is down
                    }
                    const QString state = o.value(u"state").toString();
                    if (!state.isEmpty() && state != u"running" && state != u"idle") {
                        s.warnings << Tr::tr("Queue %1 is %2.").arg(q.name, state);
                    }
                    const auto st = stats.constFind(q.name);
                    if (q.waiting && *q.waiting == 0) {
                        q.oldestAgeSeconds = 0.0;
                    } else if (st != stats.cend() && st->value(u"head_message_timestamp").isDouble()) {
                        q.oldestAgeSeconds = std::max(0.0, now - st->value(u"head_message_timestamp").toDouble());
                    }
                    if (st != stats.cend()) {
                        const QJsonObject ms = st->value(u"message_stats").toObject();
                        auto rate = [&ms](const char *key) -> std::optional<double> {
                            const QJsonValue r = ms.value(QLatin1String(key)).toObject().value(u"rate");
                            return r.isDouble() ? std::optional<double>(r.toDouble() * 60.0) : std::nullopt;
                        };
                        q.inPerMinute = rate("publish_details").value_or(0.0);
                        q.outPerMinute = rate("ack_details").value_or(0.0);
                        q.rateExactness = Exactness::Approximate;
                        if (const auto redeliver = rate("redeliver_details"); redeliver && *redeliver > 0) {
                            s.warnings << Tr::tr("Queue %1 redelivers %2 messages a minute: a consumer may be failing on the same "
                                             "message again and again.")
                                              .arg(q.name)
                                              .arg(*redeliver, 0, 'f', 1);
                        }
                    }
                    if (q.consumers == 0 && q.waiting.value_or(0) > 0 && !q.isDeadLetterQueue()) {
                        s.warnings << Tr::tr("Queue %1: %Ln message(s) ready and no consumer.", nullptr, int(*q.waiting)).arg(q.name);
                    }
                    s.queues.append(q);
                }
                std::sort(s.queues.begin(), s.queues.end(),
                          [](const QueueStats &a, const QueueStats &b) { return a.name < b.name; });
                if (!poll->dlxNotRead.isEmpty()) {
                    s.warnings << Tr::tr("More than %1 dead-letter exchanges: the queues bound to %2 are not marked as "
                                         "dead-letter queues.")
                                      .arg(kMaxDeadLetterExchanges)
                                      .arg(escapeForDisplay(poll->dlxNotRead.join(QStringLiteral(", ")), 200));
                }
                if (poll->statsAsked && poll->stats.status != 200) {
                    s.warnings << Tr::tr("Per-queue statistics were not available: %1").arg(describe(poll->stats, p->endpoint, p->user));
                }
                // Alarms block publishers: the whole system stalls although every queue looks calm.
                for (const QJsonValue &nv : QJsonDocument::fromJson(poll->nodes.body).array()) {
                    const QJsonObject n = nv.toObject();
                    const QString name = n.value(u"name").toString();
                    if (n.value(u"running").isBool() && !n.value(u"running").toBool()) {
                        s.warnings << Tr::tr("Node %1 is down.").arg(name);
                    }
                    if (n.value(u"mem_alarm").toBool()) {
                        s.warnings << Tr::tr("Node %1 has a memory alarm: publishers are blocked.").arg(name);
                    }
                    if (n.value(u"disk_free_alarm").toBool()) {
                        s.warnings << Tr::tr("Node %1 has a disk alarm: publishers are blocked.").arg(name);
                    }
                }
                const QJsonObject overview = QJsonDocument::fromJson(poll->overview.body).object();
                const QJsonObject ms = overview.value(u"message_stats").toObject();
                if (ms.contains(u"ack")) {
                    s.totals.processed = ms.value(u"ack").toInteger();
                }
            }
        }
        setState(s.ok() ? ConnectionState::Connected : ConnectionState::Error, s.error);
        promise->addResult(std::move(s));
        promise->finish();
    };
    // The callbacks run on the HTTP thread, one after another: the counter needs no lock.
    auto oneDone = [poll, finish] {
        if (--poll->pending == 0) {
            finish();
        }
    };
    auto arrived = [poll, oneDone](http::Response Poll::*slot) {
        return [poll, oneDone, slot](http::Response r) {
            (*poll).*slot = std::move(r);
            oneDone();
        };
    };
    http::Client *c = d->client.get();
    const int statsLimit = d->statsLimit;
    // Once the queue list and the policies are in: the bindings of every dead-letter exchange (one small request
    // each), which say the dead-letter queues. Runs on the HTTP thread; the new requests count before this one ends.
    auto askBindings = [poll, oneDone, c, v] {
        if (!poll->queuesIn || !poll->policiesIn) {
            return;
        }
        QStringList exchanges;
        for (const QJsonValue &qv : poll->queuesJson.array()) {
            const QJsonObject o = qv.toObject();
            if (const auto route = deadLetterRoute(o, poll->policies)) {
                poll->routes.append({o.value(u"name").toString(), *route});
                if (!route->exchange.isEmpty() && !exchanges.contains(route->exchange)) {
                    exchanges << route->exchange;
                }
            }
        }
        poll->dlxNotRead = exchanges.mid(kMaxDeadLetterExchanges);
        for (const QString &exchange : exchanges.mid(0, kMaxDeadLetterExchanges)) {
            ++poll->pending;
            c->get(QStringLiteral("/api/exchanges/%1/%2/bindings/source")
                       .arg(v, QString::fromLatin1(QUrl::toPercentEncoding(exchange))),
                   [poll, oneDone, exchange](http::Response b) {
                       poll->dlxBindings.insert(exchange, std::move(b));
                       oneDone();
                   });
        }
    };
    ++poll->pending;
    c->get(QStringLiteral("/api/policies/%1").arg(v), [poll, oneDone, askBindings](http::Response r) {
        // Users without the policymaker tag may be refused: then only queue arguments name dead-letter exchanges.
        if (r.status == 200) {
            for (const QJsonValue &pv : QJsonDocument::fromJson(r.body).array()) {
                const QJsonObject o = pv.toObject();
                if (o.value(u"apply-to").toString() != u"exchanges") {
                    poll->policies.insert(o.value(u"name").toString(), o.value(u"definition").toObject());
                }
            }
        }
        poll->policiesIn = true;
        askBindings();
        oneDone();
    });
    c->get(QStringLiteral("/api/queues/%1?disable_stats=true&enable_queue_totals=true&columns=%2")
               .arg(v, QLatin1String(kQueueColumns)),
           [poll, oneDone, c, v, statsLimit, askBindings](http::Response r) {
               // Parsed once, here: small installations also get per-queue statistics (the count decides before the
               // poll ends), and the dead-letter exchanges' bindings say which queues are dead-letter queues.
               poll->queuesJson = r.status == 200 ? QJsonDocument::fromJson(r.body, &poll->queuesParse) : QJsonDocument();
               const qsizetype queues = poll->queuesJson.array().size();
               poll->queues = std::move(r);
               poll->queuesIn = true;
               askBindings();
               if (queues > 0 && queues <= statsLimit) {
                   poll->statsAsked = true;
                   ++poll->pending;
                   c->get(QStringLiteral("/api/queues/%1?columns=%2").arg(v, QLatin1String(kStatsColumns)),
                          [poll, oneDone](http::Response s) {
                              poll->stats = std::move(s);
                              oneDone();
                          });
               }
               oneDone();
           });
    c->get(QStringLiteral("/api/consumers/%1").arg(v), arrived(&Poll::consumers));
    if (!d->askedWhoami.exchange(true)) {
        c->get(QStringLiteral("/api/whoami"), [weak](http::Response r) {
            const auto p = weak.lock();
            if (!p || r.status != 200) {
                if (p) {
                    p->askedWhoami = false; // ask again next poll
                }
                return;
            }
            const QJsonValue tags = QJsonDocument::fromJson(r.body).object().value(u"tags");
            // 3.10 answers a list; older versions a comma-separated string.
            const QStringList list = tags.isArray() ? QVariant(tags.toArray().toVariantList()).toStringList()
                                                    : tags.toString().split(u',', Qt::SkipEmptyParts);
            p->tags = list.contains(QStringLiteral("administrator")) || list.contains(QStringLiteral("policymaker")) ? 1 : 0;
        });
    }
    c->get(QStringLiteral("/api/overview?columns=message_stats,object_totals"), arrived(&Poll::overview));
    c->get(QStringLiteral("/api/nodes?columns=name,running,mem_alarm,disk_free_alarm"), arrived(&Poll::nodes));
    return future;
}

} // namespace qd::rabbitmq
