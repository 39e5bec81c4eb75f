// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/backend.h"
#include "core/backends/redis/redisconnection.h"

#include <QPromise>

#include <functional>
#include <memory>

namespace qd::redis {

/// The URL option `scan_budget_ms` in microseconds: how long one job page's Lua call may scan (see
/// QD_REDIS_LUA_BUDGET); default 2 ms, 0 for no bound.
inline qint64 scanBudgetUs(const ConnectionUrl &url)
{
    bool ok = false;
    const double ms = url.option(QStringLiteral("scan_budget_ms")).toDouble(&ok);
    return ok && ms >= 0 ? qint64(ms * 1000.0) : 2'000;
}

/// Common ground of the Redis-family backends (Sidekiq, RQ, BullMQ, Celery): one pipelining connection on
/// the backend's own thread, polls written as a chain of batches on that thread, errors as Snapshot values.
class RedisBackend : public Backend
{
    Q_OBJECT
public:
    RedisBackend(const ConnectionUrl &url, Clock *clock, QObject *parent = nullptr);
    ~RedisBackend() override;
    Q_DISABLE_COPY_MOVE(RedisBackend)

    QFuture<Snapshot> snapshot() final;
    /// Connection counters (round trips, commands, bytes), for benchmarks and tests.
    Connection::Stats connectionStats();

protected:
    using Finish = std::function<void(Snapshot)>;
    /// Runs on the connection thread. Issue batches with c.send() and call finish() exactly once; a
    /// Snapshot with `error` set marks the poll failed. takenAt and backend are filled in by the caller.
    virtual void poll(Connection &c, Finish finish) = 0;
    /// The URL's options could not be turned into a connection (bad max_reply_mb…): every poll fails.
    const QString &configError() const { return m_configError; }
    Client *client() { return m_client.get(); }
    /// Closes the connection, failing what is pending. Derived destructors call this first, so no
    /// callback of theirs runs after their members are gone.
    void shutdownConnection() { m_client.reset(); }

    /// What a job's conditional script answered, beyond done (1) and "not where the operator saw it" (0): the
    /// words for the operator, or empty for a plain skip.
    using ExplainSkip = std::function<QString(qint64 code, const QString &jobId)>;
    /// Sends one conditional script per job in one round trip (`commands[i]` acts on `ids[i]`) and sorts the
    /// jobs by the first element of each reply: 1 succeeded, anything else skipped. `result` already holds the
    /// jobs skipped before any script (wrong state, bad id). The first error becomes the result's error only
    /// when nothing succeeded; a failed round trip says nothing is known to have changed.
    QFuture<ActionResult> runJobScripts(QList<Command> commands, QStringList ids, ActionResult result,
                                        ExplainSkip explain = {});

    /// Sends one command that signals a worker and turns its integer answer into words (`explain`: empty when
    /// the worker was told). `request` is checkWorkerSignal()'s answer, without an error.
    QFuture<WorkerSignalResult> sendWorkerSignal(Command command, WorkerSignalResult request,
                                                 std::function<QString(qint64 answer, const QString &worker)> explain);

    /// Runs `fn` on the connection thread; `fn` calls its reply function exactly once. Without a connection
    /// (a bad URL option) the future holds `unavailable`.
    template<typename T>
    QFuture<T> onConnection(std::function<void(Connection &, std::function<void(T)>)> fn, T unavailable)
    {
        if (!m_client) {
            return QtFuture::makeReadyFuture(std::move(unavailable));
        }
        auto promise = std::make_shared<QPromise<T>>();
        promise->start();
        QFuture<T> future = promise->future();
        m_client->post([fn = std::move(fn), promise](Connection &c) {
            fn(c, [promise](T value) {
                promise->addResult(std::move(value));
                promise->finish();
            });
        });
        return future;
    }

private:
    QString m_configError;
    std::unique_ptr<Client> m_client;
};

/// One bounded SCAN step per poll, the cursor kept between polls: a keyspace of any size is covered over a few
/// polls without a long-running command. For walks that may take many polls (Celery's results); discovery that
/// must be complete on the first poll is KeyDiscovery's. Used on the connection thread only.
class ScanCursor
{
public:
    /// `SCAN <cursor> MATCH <pattern> COUNT 1000 [TYPE <type>]`.
    Command command(const QByteArray &pattern, const QByteArray &type = {}) const;
    /// The keys of this step's reply; advances the cursor (back to the start on a malformed reply).
    QByteArrayList take(const Reply &reply);
    /// True when the last step ended a full pass over the keyspace.
    bool passComplete() const { return m_cursor == "0"; }

private:
    QByteArray m_cursor = QByteArrayLiteral("0");
};

/// The first `count` replies of a batch should all be lists (SMEMBERS, MGET, SCAN). A server that answers "+OK" or a
/// number instead is not the Redis it claims to be, and zeros read from it would be lies: the poll's error then,
/// naming the command; empty when they are all lists (error replies are the caller's to report).
QString notAList(const QList<Command> &commands, const QList<Reply> &replies, qsizetype count);

/// If the batch failed as a whole, ends the poll with its error and returns true.
bool finishedWithError(const Batch &batch, const std::function<void(Snapshot)> &finish);

/// Queues per call of a script that reads every queue in a poll: a call over a few queues stays far below a
/// millisecond, and the calls of one poll still go out in one round trip (Redis serves other clients between them).
constexpr qsizetype kQueuesPerCall = 50;

/// One call of `script` per `per` of `items` (one call when there are none), each call's items as its KEYS
/// (`asArgs`: as ARGV after `args`).
QList<Command> callsInChunks(const Script &script, const QByteArrayList &items, const QByteArrayList &args = {},
                             bool asArgs = false, qsizetype per = kQueuesPerCall);
/// The array replies of the calls callsInChunks() made, as one array; the first reply that is not an array (an
/// error) instead.
Reply joinArrays(const QList<Reply> &replies);

/// Escapes glob characters for SCAN MATCH patterns.
QByteArray globEscape(const QByteArray &literal);

/// Seconds from a Unix timestamp as peers write it: float or integer seconds, or integer milliseconds
/// (Sidekiq 8, BullMQ). Values above 1e11 are taken as milliseconds.
std::optional<double> epochSeconds(double raw);

} // namespace qd::redis
