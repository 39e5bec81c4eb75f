// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// queuedeckctl against hostile or broken servers (tests/support/hostileserver.h): a 312 MB answer, one that never
// ends, 16 M small integers, one byte every half second, "+OK" to everything, random bytes. Whatever the server
// does, `check` answers UNKNOWN with a reason within its deadline, and the process stays under 200 MB.
#include "hostileserver.h"

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
        QTest::addColumn<QString>("reason"); // a fragment of the status line
        QTest::newRow("redis huge") << Protocol::Redis << Fault::Huge << QStringLiteral("larger than the 64 MiB");
        QTest::newRow("redis endless") << Protocol::Redis << Fault::Endless << QStringLiteral("larger than the 64 MiB");
        QTest::newRow("redis 16M integers") << Protocol::Redis << Fault::Integers << QStringLiteral("larger than the 64 MiB");
        QTest::newRow("redis drip") << Protocol::Redis << Fault::Drip << QStringLiteral("within 3 s (--deadline)");
        QTest::newRow("redis +OK to everything") << Protocol::Redis << Fault::WrongType << QStringLiteral("does not answer like Redis");
        QTest::newRow("redis garbage") << Protocol::Redis << Fault::Garbage << QStringLiteral("cannot parse");
        QTest::newRow("http huge, announced") << Protocol::Http << Fault::Huge << QStringLiteral("larger than 64 MiB");
        QTest::newRow("http huge, unannounced") << Protocol::Http << Fault::Undeclared << QStringLiteral("larger than 64 MiB");
        QTest::newRow("http endless") << Protocol::Http << Fault::Endless << QStringLiteral("larger than 64 MiB");
        QTest::newRow("http drip") << Protocol::Http << Fault::Drip << QStringLiteral("within 3 s (--deadline)");
        QTest::newRow("http object for a list") << Protocol::Http << Fault::WrongType << QStringLiteral("a JSON object where the list");
        QTest::newRow("http garbage") << Protocol::Http << Fault::Garbage << QStringLiteral("Cannot reach");
    }
    void checkIsUnknownWithinItsDeadline()
    {
        QFETCH(Protocol, protocol);
        QFETCH(Fault, fault);
        QFETCH(QString, reason);
        HostileServer server(protocol, fault);
        QVERIFY(server.isListening());
        const QString url = protocol == Protocol::Redis
                                ? QStringLiteral("sidekiq+redis://127.0.0.1:%1/0").arg(server.port())
                                : QStringLiteral("rabbitmq+http://guest@127.0.0.1:%1/").arg(server.port());
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
