// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/backends/redis/redisbackend.h"

#include "core/clock.h"
#include "core/textsafety.h"

#include <QCoreApplication>
#include <QPromise>

namespace qd::redis {

RedisBackend::RedisBackend(const ConnectionUrl &url, Clock *clock, QObject *parent) : Backend(url, clock, parent)
{
    auto options = Options::fromUrl(url);
    if (!options) {
        m_configError = options.error();
        return;
    }
    m_client = std::make_unique<Client>(options.value(), url.family + QStringLiteral("-redis"));
}

RedisBackend::~RedisBackend() = default;

QFuture<Snapshot> RedisBackend::snapshot()
{
    if (!m_client) {
        Snapshot s;
        s.backend = kind();
        s.takenAt = clock()->now();
        s.error = m_configError;
        setState(ConnectionState::Error, s.error);
        return QtFuture::makeReadyFuture(s);
    }
    auto promise = std::make_shared<QPromise<Snapshot>>();
    promise->start();
    QFuture<Snapshot> future = promise->future();
    if (state() == ConnectionState::Disconnected) {
        setState(ConnectionState::Connecting);
    }
    m_client->post([this, promise](Connection &c) {
        poll(c, [this, promise](Snapshot s) {
            s.backend = kind();
            s.takenAt = clock()->now();
            if (s.ok()) {
                s.countConsumersFromWorkers();
                setState(ConnectionState::Connected);
            } else {
                setState(ConnectionState::Error, s.error);
            }
            promise->addResult(std::move(s));
            promise->finish();
        });
    });
    return future;
}

Connection::Stats RedisBackend::connectionStats()
{
    return m_client ? m_client->stats() : Connection::Stats{};
}

Command ScanCursor::command(const QByteArray &pattern, const QByteArray &type) const
{
    Command c{"SCAN", m_cursor, "MATCH", pattern, "COUNT", "1000"};
    if (!type.isEmpty()) {
        c << "TYPE" << type;
    }
    return c;
}

QByteArrayList ScanCursor::take(const Reply &reply)
{
    if (!reply.isArray() || reply.elements.size() != 2) {
        m_cursor = QByteArrayLiteral("0");
        return {};
    }
    m_cursor = reply.elements.at(0).str;
    return reply.elements.at(1).toByteArrayList();
}

QString notAList(const QList<Command> &commands, const QList<Reply> &replies, qsizetype count)
{
    for (qsizetype i = 0; i < count && i < replies.size(); ++i) {
        const Reply &r = replies.at(i);
        if (r.isArray() || r.isError()) {
            continue;
        }
        const QString command = i < commands.size() && !commands.at(i).isEmpty() ? QString::fromLatin1(commands.at(i).first()) : QString();
        const QString got = r.isNil() ? QStringLiteral("nil") : r.type == Reply::Type::Integer ? QString::number(r.integer)
                                                              : escapeForDisplay(QString::fromUtf8(r.str), 40);
        return QCoreApplication::translate("qd::redis::RedisBackend",
                                           "The server does not answer like Redis: %1 returned \"%2\" where a list "
                                           "belongs. Its numbers cannot be trusted, so none are shown.")
            .arg(command, got);
    }
    return {};
}

bool finishedWithError(const Batch &batch, const std::function<void(Snapshot)> &finish)
{
    if (batch.ok()) {
        return false;
    }
    Snapshot s;
    s.error = batch.error;
    finish(s);
    return true;
}

QList<Command> callsInChunks(const Script &script, const QByteArrayList &items, const QByteArrayList &args, bool asArgs,
                             qsizetype per)
{
    QList<Command> calls;
    qsizetype i = 0;
    do { // one call even for no items, so that a reply always comes back
        const QByteArrayList part = items.mid(i, per);
        calls << (asArgs ? script.evalsha({}, args + part) : script.evalsha(part, args));
        i += per;
    } while (i < items.size());
    return calls;
}

Reply joinArrays(const QList<Reply> &replies)
{
    Reply all;
    all.type = Reply::Type::Array;
    for (const Reply &r : replies) {
        if (!r.isArray()) {
            return r;
        }
        all.elements += r.elements;
    }
    return all;
}

QByteArray globEscape(const QByteArray &literal)
{
    QByteArray out;
    out.reserve(literal.size());
    for (const char ch : literal) {
        if (ch == '*' || ch == '?' || ch == '[' || ch == ']' || ch == '\\') {
            out += '\\';
        }
        out += ch;
    }
    return out;
}

std::optional<double> epochSeconds(double raw)
{
    if (!std::isfinite(raw) || raw <= 0) {
        return std::nullopt;
    }
    return raw > 1e11 ? raw / 1000.0 : raw;
}

QFuture<WorkerSignalResult> RedisBackend::sendWorkerSignal(Command command, WorkerSignalResult request,
                                                         std::function<QString(qint64, const QString &)> explain)
{
    WorkerSignalResult unavailable = request;
    unavailable.error = tr("No connection to Redis.");
    return onConnection<WorkerSignalResult>(
        [command = std::move(command), request, explain = std::move(explain)](Connection &c,
                                                                             std::function<void(WorkerSignalResult)> reply) {
            c.send({command}, [request, explain, reply](const Batch &b) {
                WorkerSignalResult r = request;
                const Reply *answer = b.ok() && !b.replies.isEmpty() ? &b.replies.constFirst() : nullptr;
                if (!answer || answer->isError()) {
                    r.error = tr("The worker was not signalled: %1").arg(answer ? answer->errorText() : b.error);
                } else {
                    r.error = explain(answer->integer, r.worker);
                }
                reply(r);
            });
        },
        unavailable);
}

QFuture<ActionResult> RedisBackend::runJobScripts(QList<Command> commands, QStringList ids, ActionResult result,
                                                ExplainSkip explain)
{
    ActionResult unavailable = result;
    unavailable.error = configError();
    return onConnection<ActionResult>(
        [commands = std::move(commands), ids = std::move(ids), result, explain](Connection &c,
                                                                              std::function<void(ActionResult)> reply) {
            if (commands.isEmpty()) {
                reply(result);
                return;
            }
            // One round trip for the whole batch; each job is its own atomic script.
            c.send(commands, [ids, result, explain, reply](Batch b) {
                ActionResult r = result;
                if (!b.ok()) {
                    r.error = tr("%1 — nothing is known to have changed; check the job list before trying again.")
                                  .arg(b.error);
                    reply(r);
                    return;
                }
                QStringList errors;
                for (qsizetype i = 0; i < ids.size(); ++i) {
                    const Reply &one = b.replies.at(i);
                    const qint64 code =
                        one.isArray() && !one.elements.isEmpty() ? one.elements.at(0).toInteger().value_or(0) : 0;
                    if (one.isError()) {
                        errors << tr("Redis refused the action: %1").arg(one.errorText());
                        r.skipped << ids.at(i);
                    } else if (code == 1) {
                        r.succeeded << ids.at(i);
                    } else {
                        if (const QString why = explain ? explain(code, ids.at(i)) : QString(); !why.isEmpty()) {
                            errors << why;
                        }
                        r.skipped << ids.at(i);
                    }
                }
                if (!errors.isEmpty() && r.succeeded.isEmpty()) {
                    r.error = errors.first();
                }
                reply(r);
            });
        },
        unavailable);
}

} // namespace qd::redis
