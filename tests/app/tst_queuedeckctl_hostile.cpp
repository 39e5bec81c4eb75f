// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// queuedeckctl against hostile or broken servers (tests/support/hostileserver.h): a 312 MB answer, one that never
// ends, 16 M small integers, one byte every half second, "+OK" to everything, random bytes. Whatever the server
// does, `check` answers UNKNOWN with a reason within its deadline, and the process stays under 200 MB.
#include "tests/support/hostileserver.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <sys/resource.h>

using qd::test::HostileServer;
using Fault = HostileServer::Fault;
using Protocol = HostileServer::Protocol;

Q_DECLARE_METATYPE(HostileServer::Fault)
Q_DECLARE_METATYPE(HostileServer::Protocol)

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    qint64 ms = 0;
};

/// Peak resident memory of the largest child this process has waited for, in MB.
double childrenPeakRssMb()
{
    rusage u{};
    getrusage(RUSAGE_CHILDREN, &u);
    return double(u.ru_maxrss) / 1024.0;
}

} // namespace

class TestQueuedeckCtlHostile : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    /// Runs queuedeckctl while this thread's event loop keeps serving the hostile server.
    Run ctl(const QStringList &args, int waitMs)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QD_AUDIT_DB"), m_dir.filePath(QStringLiteral("audit.sqlite3")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.path());
        p.setProcessEnvironment(env);
        QSignalSpy finished(&p, &QProcess::finished);
        QElapsedTimer t;
        t.start();
        p.start(qEnvironmentVariable("QD_CTL"), args);
        Run r;
        if (!QTest::qWaitFor([&] { return finished.count() > 0; }, waitMs)) {
            p.kill();
            p.waitForFinished();
            return r;
        }
        r.ms = t.elapsed();
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(!qEnvironmentVariableIsEmpty("QD_CTL"));
    }

    void checkIsUnknownWithinItsDeadline_data()
    {
        QTest::addColumn<Protocol>("protocol");
        QTest::addColumn<Fault>("fault");
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<QString>("reason"); // a fragment of the status line; empty: any reason
        const QString redisCap = QStringLiteral("larger than the 64 MiB");
        const QString httpCap = QStringLiteral("larger than 64 MiB");
        const QString late = QStringLiteral("within 3 s (--deadline)");
        // Every Redis family meets every fault; the first one also the ones that only test the reader.
        for (const QString &scheme : {QStringLiteral("sidekiq+redis"), QStringLiteral("rq+redis"),
                                      QStringLiteral("bullmq+redis"), QStringLiteral("celery+redis")}) {
            auto row = [&](const char *what, Fault f, const QString &reason) {
                QTest::addRow("%s %s", qPrintable(scheme), what) << Protocol::Redis << f << scheme << reason;
            };
            row("huge", Fault::Huge, redisCap);
            row("16M integers", Fault::Integers, redisCap);
            row("drip", Fault::Drip, late);
            row("+OK to everything", Fault::WrongType, QString());
            row("garbage", Fault::Garbage, QStringLiteral("cannot parse"));
            if (scheme.startsWith(u"sidekiq")) {
                row("endless", Fault::Endless, redisCap);
            }
        }
        for (const QString &scheme : {QStringLiteral("rabbitmq+http"), QStringLiteral("celery+amqp")}) {
            auto row = [&](const char *what, Fault f, const QString &reason) {
                QTest::addRow("%s %s", qPrintable(scheme), what) << Protocol::Http << f << scheme << reason;
            };
            row("huge, announced", Fault::Huge, QStringLiteral("answered, but: The answer from 127.0.0.1 is larger than 64 MiB"));
            row("huge, unannounced", Fault::Undeclared, httpCap);
            row("endless", Fault::Endless, httpCap);
            row("drip", Fault::Drip, late);
            row("object for a list", Fault::WrongType, QString());
            row("garbage", Fault::Garbage, QString());
        }
        // PostgreSQL: libpq blocks in its own read; only the watchdog can end that.
        QTest::addRow("delayedjob+postgresql drip") << Protocol::Http << Fault::Drip << QStringLiteral("delayedjob+postgresql") << late;
    }
    void checkIsUnknownWithinItsDeadline()
    {
        QFETCH(Protocol, protocol);
        QFETCH(Fault, fault);
        QFETCH(QString, scheme);
        QFETCH(QString, reason);
        HostileServer server(protocol, fault);
        QVERIFY(server.isListening());
        const QString url = protocol == Protocol::Redis ? QStringLiteral("%1://127.0.0.1:%2/0").arg(scheme).arg(server.port())
                            : scheme.startsWith(u"delayedjob") ? QStringLiteral("%1://app@127.0.0.1:%2/shop").arg(scheme).arg(server.port())
                                                               : QStringLiteral("%1://guest@127.0.0.1:%2/").arg(scheme).arg(server.port());
        const Run r = ctl({QStringLiteral("check"), url, QStringLiteral("--deadline"), QStringLiteral("3")}, 30'000);
        const QString out = QString::fromUtf8(r.out);
        QVERIFY2(r.exitCode == 3, qPrintable(QStringLiteral("exit %1: %2 %3").arg(r.exitCode).arg(out, QString::fromUtf8(r.err))));
        QVERIFY2(out.startsWith(u"QUEUEDECK UNKNOWN - "), qPrintable(out));
        QVERIFY2(out.count(u'\n') == 1, qPrintable(out)); // one status line, however it ended
        QVERIFY2(out.contains(reason), qPrintable(out));
        QVERIFY2(r.ms < 6'000, qPrintable(QStringLiteral("%1 ms").arg(r.ms)));
        const double peak = childrenPeakRssMb();
        qInfo("%s: %lld ms, server sent %.1f MB, peak RSS of queuedeckctl so far %.0f MB: %s", QTest::currentDataTag(),
              r.ms, double(server.bytesSent()) / 1e6, peak, qPrintable(out.trimmed().left(160)));
        QVERIFY2(peak < 200, qPrintable(QStringLiteral("peak RSS %1 MB").arg(peak)));
    }

    void transportDeadlinesHoldWithoutTheWatchdog_data()
    {
        QTest::addColumn<Protocol>("protocol");
        QTest::newRow("redis") << Protocol::Redis;
        QTest::newRow("http") << Protocol::Http;
    }
    void transportDeadlinesHoldWithoutTheWatchdog()
    {
        // Each byte used to restart the reply timeout: a dripping server kept a poll alive forever.
        QFETCH(Protocol, protocol);
        HostileServer server(protocol, Fault::Drip);
        server.dripMs = 200;
        const QString url = protocol == Protocol::Redis
                                ? QStringLiteral("sidekiq+redis://127.0.0.1:%1/0?timeout=1").arg(server.port())
                                : QStringLiteral("rabbitmq+http://guest@127.0.0.1:%1/?timeout=1").arg(server.port());
        const Run r = ctl({QStringLiteral("snapshot"), url, QStringLiteral("--deadline"), QStringLiteral("0")}, 30'000);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("did not answer in full within 1 s"), r.err.constData());
        QVERIFY2(r.ms < 5'000, qPrintable(QStringLiteral("%1 ms").arg(r.ms)));
    }

    void deadlineOptionIsChecked()
    {
        const Run r = ctl({QStringLiteral("check"), QStringLiteral("sidekiq+redis://127.0.0.1:1/0"),
                           QStringLiteral("--deadline"), QStringLiteral("soon")}, 30'000);
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("--deadline needs a number of seconds"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestQueuedeckCtlHostile)
#include "tst_queuedeckctl_hostile.moc"
