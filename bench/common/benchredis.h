// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/backends/redis/redisconnection.h"

#include <QHash>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace qd::bench {

/// A private redis-server for one benchmark: 127.0.0.1, a free port, data in a temp dir, no persistence,
/// stopped by PID when this goes out of scope.
class PrivateRedis
{
public:
    PrivateRedis()
    {
        {
            QTcpServer probe;
            probe.listen(QHostAddress::LocalHost, 0);
            m_port = probe.serverPort();
        }
        m_server.start(QStringLiteral("/usr/bin/redis-server"),
                       {QStringLiteral("--bind"), QStringLiteral("127.0.0.1"), QStringLiteral("--port"), QString::number(m_port),
                        QStringLiteral("--save"), QString(), QStringLiteral("--appendonly"), QStringLiteral("no"),
                        QStringLiteral("--dir"), m_dir.path()});
        for (int i = 0; i < 200; ++i) {
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, quint16(m_port));
            if (s.waitForConnected(100)) {
                break;
            }
            QThread::msleep(25);
        }
        std::printf("redis-server 127.0.0.1:%d (pid %lld)\n", m_port, m_server.processId());
    }
    ~PrivateRedis()
    {
        m_server.terminate();
        m_server.waitForFinished(5000);
    }
    Q_DISABLE_COPY_MOVE(PrivateRedis)

    int port() const { return m_port; }
    qint64 pid() const { return m_server.processId(); }

private:
    QTemporaryDir m_dir;
    int m_port = 0;
    QProcess m_server;
};

/// Sends `batch` and clears it; a failed fill ends the benchmark (its figures would mean nothing).
inline void flushOrDie(redis::Client &c, QList<redis::Command> &batch)
{
    if (batch.isEmpty()) {
        return;
    }
    const auto b = c.pipeline(batch).result();
    if (!b.ok()) {
        std::fprintf(stderr, "fill failed: %s\n", qPrintable(b.error));
        std::exit(1);
    }
    batch.clear();
}

/// INFO stats as numbers (total_commands_processed, …).
inline QHash<QByteArray, qint64> serverStats(redis::Client &c)
{
    QHash<QByteArray, qint64> out;
    const redis::Batch b = c.pipeline({{"INFO", "stats"}}).result();
    for (const QByteArray &line : b.replies.value(0).str.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0) {
            out.insert(line.left(colon), line.mid(colon + 1).trimmed().toLongLong());
        }
    }
    return out;
}

/// Makes the server log every command in SLOWLOG (with its duration) from now on, and empties the log.
inline void resetSlowlog(redis::Client &c)
{
    c.pipeline({{"CONFIG", "SET", "slowlog-log-slower-than", "0"},
                {"CONFIG", "SET", "slowlog-max-len", "1000000"},
                {"SLOWLOG", "RESET"}})
        .waitForFinished();
}

/// The longest command (µs) SLOWLOG holds from clients whose name starts with `client` ("" = any but this one).
inline qint64 longestUs(redis::Client &c, const QByteArray &client)
{
    qint64 longest = 0;
    const redis::Batch b = c.pipeline({{"SLOWLOG", "GET", "-1"}}).result();
    for (const redis::Reply &e : b.replies.value(0).elements) {
        if (e.elements.size() < 6) {
            continue;
        }
        const QByteArray name = e.elements.at(5).str;
        const QByteArray command = e.elements.at(3).elements.value(0).str.toUpper();
        if (command == "SLOWLOG" || command == "CONFIG" || name == "bench-admin") {
            continue;
        }
        if (client.isEmpty() || name.startsWith(client)) {
            longest = std::max(longest, e.elements.at(2).integer);
        }
    }
    return longest;
}

/// The `n` longest commands SLOWLOG holds from clients whose name starts with `client`: "<µs> us <command and its
/// first arguments>", longest first — what a figure that misses is made of.
inline QStringList longestCalls(redis::Client &c, const QByteArray &client, int n)
{
    QList<QPair<qint64, QString>> calls;
    const redis::Batch b = c.pipeline({{"SLOWLOG", "GET", "-1"}}).result();
    for (const redis::Reply &e : b.replies.value(0).elements) {
        if (e.elements.size() < 6 || !e.elements.at(5).str.startsWith(client)) {
            continue;
        }
        QStringList words;
        for (const redis::Reply &a : e.elements.at(3).elements.mid(0, 8)) {
            words << QString::fromUtf8(a.str.left(24));
        }
        calls.append({e.elements.at(2).integer, words.join(QLatin1Char(' '))});
    }
    std::sort(calls.begin(), calls.end(), [](const auto &x, const auto &y) { return x.first > y.first; });
    QStringList out;
    for (const auto &[us, text] : calls.mid(0, n)) {
        out << QStringLiteral("%1 us %2").arg(us).arg(text);
    }
    return out;
}

} // namespace qd::bench
