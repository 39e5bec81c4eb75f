// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QDeadlineTimer>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>

namespace qd::test {

inline int freeLoopbackPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

/// A private redis-server for one test: on 127.0.0.1 and a free port, data in a temp dir, stopped by PID
/// (it is this process's child). For tests that kill, restart or reconfigure the server; everything else
/// uses sharedRedis().
class RedisServer
{
public:
    explicit RedisServer(QStringList extraArgs = {}, int port = 0)
        : m_args(std::move(extraArgs)), m_port(port > 0 ? port : freeLoopbackPort())
    {
    }
    ~RedisServer() { stop(); }
    Q_DISABLE_COPY_MOVE(RedisServer)

    bool start()
    {
        m_process = std::make_unique<QProcess>();
        m_process->setProcessChannelMode(QProcess::MergedChannels);
        QStringList args{QStringLiteral("--bind"), QStringLiteral("127.0.0.1"), QStringLiteral("--port"),
                         QString::number(m_port), QStringLiteral("--save"), QString(), QStringLiteral("--appendonly"),
                         QStringLiteral("no"), QStringLiteral("--dir"), m_dir.path()};
        m_process->start(QStringLiteral("/usr/bin/redis-server"), args + m_args);
        if (!m_process->waitForStarted(5000)) {
            m_error = m_process->errorString();
            return false;
        }
        const QDeadlineTimer deadline(10'000);
        while (!deadline.hasExpired()) {
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, quint16(m_port));
            if (s.waitForConnected(200)) {
                return true;
            }
            if (m_process->state() != QProcess::Running) {
                break;
            }
            QTest::qWait(20);
        }
        m_error = QString::fromUtf8(m_process->readAll());
        return false;
    }
    /// SIGKILL, as when the host dies: no goodbye on the socket.
    void kill()
    {
        if (m_process && m_process->state() == QProcess::Running) {
            ::kill(pid_t(m_process->processId()), SIGKILL);
            m_process->waitForFinished(5000);
        }
    }
    void stop()
    {
        if (m_process && m_process->state() == QProcess::Running) {
            m_process->terminate();
            if (!m_process->waitForFinished(5000)) {
                kill();
            }
        }
    }
    int port() const { return m_port; }
    QString error() const { return m_error; }
    QString url(const QString &family, int db = 0, const QString &query = {}) const
    {
        return QStringLiteral("%1+redis://127.0.0.1:%2/%3%4").arg(family).arg(m_port).arg(db).arg(query);
    }

private:
    QStringList m_args;
    int m_port;
    QTemporaryDir m_dir;
    std::unique_ptr<QProcess> m_process;
    QString m_error;
};

/// The redis-server that scripts/services started (QD_TEST_REDIS_*), or, when a test runs by hand without
/// it, one private server for the whole test process. Each test executable uses its own database numbers,
/// since ctest runs them in parallel: 1 and 7 tst_redisconnection, 2 tst_sidekiq, 3 tst_bullmq, 4 tst_rq,
/// 5 tst_celery, 6 tst_sidekiq_actions, 9, 10, 12 (BullMQ) and 13 (RQ) tst_queuedeckctl_redis, 11 tst_bullmq_actions,
/// 14 tst_rq_actions, 15 tst_celery_jobs, 16 tst_bullmq_discovery, 17 tst_celery_discovery, 30 tst_queuedeckctl_redis's
/// search; the incident replays (tests/incidents): 40 tst_incident_sidekiq, 41 tst_incident_celery,
/// 42 tst_incident_bullmq, 43 tst_incident_healthy.
struct SharedRedis
{
    QString host = QStringLiteral("127.0.0.1");
    int port = 0;
    QString url(const QString &family, int db, const QString &query = {}) const
    {
        return QStringLiteral("%1+redis://%2:%3/%4%5").arg(family, host).arg(port).arg(db).arg(query);
    }
    QString plainUrl(int db) const { return QStringLiteral("redis://%1:%2/%3").arg(host).arg(port).arg(db); }
};

inline SharedRedis sharedRedis()
{
    SharedRedis r;
    if (!qEnvironmentVariable("QD_TEST_REDIS_PORT").isEmpty()) {
        r.host = qEnvironmentVariable("QD_TEST_REDIS_HOST", QStringLiteral("127.0.0.1"));
        r.port = qEnvironmentVariableIntValue("QD_TEST_REDIS_PORT");
        return r;
    }
    static RedisServer *own = [] {
        auto *s = new RedisServer({QStringLiteral("--databases"), QStringLiteral("64")});
        if (!s->start()) {
            qFatal("cannot start redis-server: %s", qPrintable(s->error()));
        }
        std::atexit([] { delete own; });
        return s;
    }();
    r.port = own->port();
    return r;
}

/// Runs redis-cli against host:port/db and returns its stdout (trimmed).
inline QString redisCli(const QString &host, int port, int db, const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral("/usr/bin/redis-cli"),
            QStringList{QStringLiteral("-h"), host, QStringLiteral("-p"), QString::number(port), QStringLiteral("-n"),
                        QString::number(db)}
                + args);
    p.waitForFinished(30'000);
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

/// Writes `count` small string keys `filler:N` into host:port/db in one server-side loop: a keyspace where one
/// SCAN step sees only a sliver, as on a production Redis (discovery must still be complete on the first poll).
inline void fillFillerKeys(const QString &host, int port, int db, int count)
{
    redisCli(host, port, db,
             {QStringLiteral("EVAL"), QStringLiteral("for i = 1, tonumber(ARGV[1]) do redis.call('SET', 'filler:' .. i, 'x') end"),
              QStringLiteral("0"), QString::number(count)});
}

/// Runs a fixture script (ruby, python3, node) and returns its last stdout line; fails the test on error.
inline QByteArray runFixture(const QString &program, const QStringList &args, int timeoutMs = 60'000)
{
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        qWarning().noquote() << program << args.join(u' ') << "failed:" << p.readAllStandardError().right(4000);
        return {};
    }
    const QList<QByteArray> lines = p.readAllStandardOutput().trimmed().split('\n');
    return lines.isEmpty() ? QByteArray() : lines.last();
}

} // namespace qd::test
