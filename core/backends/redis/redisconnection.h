// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/connectionurl.h"
#include "core/result.h"
#include "core/backends/redis/respreader.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFuture>
#include <QObject>
#include <QThread>

#include <deque>
#include <functional>

class QSslSocket;
class QTimer;

namespace qd::redis {

using Command = QByteArrayList;

/// How to reach one Redis server. Built from a `<family>+redis(s)://user@host:port/db?…` URL.
/// URL options: `connect_timeout` and `timeout` (seconds, default 5 and 10), `max_reply_mb` (default 64),
/// `tls_ca` (a PEM file of CAs to trust besides the system's, for rediss://). The password comes from the
/// URL (CLI only) or REDISCLI_AUTH, as redis-cli does; the GUI fills it from the keychain.
struct Options
{
    Q_DECLARE_TR_FUNCTIONS(qd::redis::Options)

public:
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 6379;
    bool tls = false;
    QString caFile;
    QString user;
    QString password;
    int db = 0;
    int connectTimeoutMs = 5000;
    int replyTimeoutMs = 10000;
    RespReader::Limits limits;
    QByteArray clientName = QByteArrayLiteral("queuedeck");

    /// "host:port/db", for messages.
    QString endpoint() const;
    static Result<Options> fromUrl(const ConnectionUrl &url);
};

/// The replies to one pipelined batch, in command order. `error` set: the batch failed as a whole
/// (connection refused or lost, timeout, AUTH refused, reply over the cap) and `replies` is empty.
/// A single command's failure (WRONGTYPE) is an Error reply inside an otherwise fine batch.
struct Batch
{
    QList<Reply> replies;
    QString error;
    bool ok() const { return error.isEmpty(); }
};

/// Lua shared by scripts that scan in chunks: the time budget in microseconds from ARGV[index] (0: none),
/// overBudget(), true once the call has run that long (by the server's clock, TIME), and adaptive chunks: `chunk`
/// is how many entries to read next, and chunkDone(n, bytes) — called after each chunk with the entries and bytes
/// it read — sizes the next one so that it reads about 64 KiB and takes at most a quarter of the budget (by the
/// time the last chunk took, and never more than what is left of the budget), and answers whether the budget is
/// used up — also when what is left is less than the last chunk took (a structure read by index from an end, such
/// as a list, pays a seek on every chunk that no chunk size makes smaller). So one call holds Redis for about the
/// budget whether the entries are 100 bytes or 64 KiB each (a fixed count of unknown size is not a bound).
#define QD_REDIS_LUA_BUDGET(index)                                                                                    \
    "local budget = tonumber(ARGV[" #index "]) or 0\n"                                                              \
    "local function micros() local t = redis.call('TIME'); return tonumber(t[1]) * 1000000 + tonumber(t[2]) end\n" \
    "local started = budget > 0 and micros() or 0\n"                                                                \
    "local function overBudget() return budget > 0 and micros() - started >= budget end\n"                          \
    "local chunk, chunkAt = 4, started\n"                                                                           \
    "local function chunkDone(n, bytes)\n"                                                                          \
    "  n = math.max(n, 1)\n"                                                                                        \
    "  local nextN = math.floor(n * 65536 / math.max(bytes, 1))\n"                                                  \
    "  local spent = false\n"                                                                                      \
    "  if budget > 0 then\n"                                                                                       \
    "    local now = micros()\n"                                                                                   \
    "    local used = now - chunkAt\n"                                                                             \
    "    chunkAt = now\n"                                                                                          \
    "    local left = budget - (now - started)\n"                                                                     \
    "    if used > 0 then\n"                                                                                          \
    "      nextN = math.min(nextN, math.floor(n * budget / 4 / used), math.floor(n * left / used))\n"                 \
    "    end\n"                                                                                                       \
    "    spent = left <= 0 or used >= left\n"                                                                         \
    "  end\n"                                                                                                      \
    "  chunk = math.max(1, math.min(500, nextN))\n"                                                                 \
    "  return spent\n"                                                                                             \
    "end\n"

/// Lua: lastNumber(s, field) finds the last `"field":<number>` in a JSON text by plain search (linear: no
/// backtracking pattern such as '.*"field":', which is quadratic in the text's length when the field is absent)
/// and returns its start, end and the number's text, or nil; lastString(s, field) the text of the last
/// `"field":"<text>"` (without escapes), or nil. Sidekiq writes the fields it updates (enqueued_at, retry_count)
/// and the class after the arguments, so the last occurrence is the job's own.
#define QD_REDIS_LUA_LAST_NUMBER                                                                                      \
    "local function lastKey(s, field)\n"                                                                            \
    "  local needle = '\"' .. field .. '\":'\n"                                                                    \
    "  local at, init = nil, 1\n"                                                                                  \
    "  while true do\n"                                                                                            \
    "    local x = string.find(s, needle, init, true)\n"                                                           \
    "    if not x then break end\n"                                                                               \
    "    at, init = x, x + 1\n"                                                                                   \
    "  end\n"                                                                                                      \
    "  return at, at and at + #needle\n"                                                                          \
    "end\n"                                                                                                        \
    "local function lastNumber(s, field)\n"                                                                         \
    "  local at, value = lastKey(s, field)\n"                                                                      \
    "  if not at then return nil end\n"                                                                           \
    "  local v = string.match(s, '^%-?[%d%.eE%+]+', value)\n"                                                      \
    "  if not v then return nil end\n"                                                                            \
    "  return at, value + #v - 1, v\n"                                                                            \
    "end\n"                                                                                                        \
    "local function lastString(s, field)\n"                                                                         \
    "  local at, value = lastKey(s, field)\n"                                                                      \
    "  if not at then return nil end\n"                                                                           \
    "  return string.match(s, '^\"([^\"\\\\]*)\"', value)\n"                                                      \
    "end\n"

/// A Lua script sent as EVALSHA; the connection falls back to EVAL when the server answers NOSCRIPT
/// (first use, after SCRIPT FLUSH, a restart or a failover).
class Script
{
public:
    explicit Script(QByteArray source);
    const QByteArray &sha1() const { return m_sha1; }
    const QByteArray &source() const { return m_source; }
    Command evalsha(const QByteArrayList &keys, const QByteArrayList &args = {}) const;

private:
    QByteArray m_source;
    QByteArray m_sha1;
};

/// An asynchronous, pipelining Redis connection. Lives on one thread and must only be used there (see
/// Client). Connects lazily, authenticates (AUTH [user] password), selects the database and names itself
/// (CLIENT SETNAME) in one round trip, then writes every batch as soon as it is sent: many batches can be
/// in flight. A broken connection fails every pending batch with the reason and reconnects on the next
/// send, after a back-off that grows from 0.25 s to 10 s while the server stays unreachable.
class Connection final : public QObject
{
    Q_OBJECT
public:
    explicit Connection(Options options, QObject *parent = nullptr);
    ~Connection() override;
    Q_DISABLE_COPY_MOVE(Connection)

    using Done = std::function<void(Batch)>;
    /// Sends the commands in one write; `done` runs on this thread once every reply arrived (or on failure).
    void send(QList<Command> commands, Done done);
    /// Fails everything pending with `reason` and closes the socket.
    void shutdown(const QString &reason);

    struct Stats
    {
        qint64 roundTrips = 0; ///< batches written, including handshakes and EVAL fallbacks
        qint64 commands = 0;
        qint64 bytesOut = 0;
        qint64 bytesIn = 0;
        qint64 connects = 0;
    };
    Stats stats() const { return m_stats; }
    bool isReady() const { return m_phase == Phase::Ready; }
    const Options &options() const { return m_options; }

Q_SIGNALS:
    /// Connection established (error empty) or lost (error says why).
    void connectionChanged(bool connected, const QString &error);

private:
    enum class Phase : quint8 { Idle, Connecting, Handshake, Ready };
    struct Pending
    {
        QList<Command> commands;
        QList<Reply> replies;
        Done done;
        QDeadlineTimer deadline; ///< set when written; bytes arriving never extend it (a dripping server)
    };

    void startConnecting();
    void onConnected();
    void onReadyRead();
    void onSocketError();
    void onTimeout();
    void write(Pending &&p);
    void complete(Pending &&p);
    void failAll(const QString &reason, bool backoff);
    void armTimer();
    void deliver(Done done, Batch batch);

    Options m_options;
    QSslSocket *m_socket = nullptr;
    QTimer *m_timer = nullptr;
    RespReader *m_reader = nullptr;
    Phase m_phase = Phase::Idle;
    std::deque<Pending> m_waiting;  ///< sent before the connection was ready
    std::deque<Pending> m_inflight; ///< written, replies outstanding (front first)
    QString m_sslErrors;
    QString m_lastError;
    int m_failures = 0;
    QElapsedTimer m_sinceFailure;
    qint64 m_backoffMs = 0;
    Stats m_stats;
};

/// Thread-safe owner of a Connection on its own thread. Backends post their poll logic with post();
/// pipeline() is the convenience for one batch from any thread.
class Client final
{
public:
    Client(Options options, const QString &threadName);
    ~Client();
    Q_DISABLE_COPY_MOVE(Client)

    /// Runs `fn` on the connection's thread.
    void post(std::function<void(Connection &)> fn);
    QFuture<Batch> pipeline(QList<Command> commands);
    /// Counters of the connection (thread-safe snapshot, for benchmarks and tests).
    Connection::Stats stats();

private:
    QThread m_thread;
    Connection *m_connection;
};

} // namespace qd::redis
