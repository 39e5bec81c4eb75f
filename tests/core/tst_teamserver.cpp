// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// The team server's parts that need no server: its strict configuration and its Prometheus exposition. The
// processes, PostgreSQL and a real Prometheus are in tests/app/tst_serve.cpp.
#include "core/team/metrics.h"
#include "core/team/teamconfig.h"

#include <QTemporaryDir>
#include <QTest>

using namespace qd;

class TestTeamServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aConfigReadsEveryKey()
    {
        const auto c = TeamConfig::parse("database: postgresql://qd@db.internal:5433/team\nmetrics: 0.0.0.0:9300\n"
                                         "interval: 2\nconnections:\n  - name: print\n    url: sidekiq+redis://r:6379/0\n"
                                         "    password_env: PRINT_PW\n");
        QVERIFY2(c, qPrintable(c.error()));
        QCOMPARE(c->metricsPort, 9300);
        QCOMPARE(c->metricsAddress, QHostAddress(QStringLiteral("0.0.0.0")));
        QCOMPARE(c->intervalSeconds, 2.0);
        QCOMPARE(c->connections.size(), 1);
        QCOMPARE(c->connections.first().passwordEnv, QStringLiteral("PRINT_PW"));
        const auto db = TeamDatabase::fromDsn(c->database);
        QVERIFY(db);
        QCOMPARE(db->port, 5433);
        QCOMPARE(db->name, QStringLiteral("team"));
    }

    void theShippedExampleIsValid()
    {
        const auto c = TeamConfig::readFile(qEnvironmentVariable("QD_SOURCE_DIR") + QStringLiteral("/resources/team/serve.example.yaml"));
        QVERIFY2(c, qPrintable(c.error()));
        QCOMPARE(c->connections.size(), 2);
    }

    void aConfigIsStrict_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("says");
        const QByteArray db = "database: postgresql://qd@h/team\n";
        QTest::newRow("typo") << db + "intervall: 5\nconnections:\n  - {name: a, url: 'rq+redis://h:6379/0'}\n"
                              << QStringLiteral("unknown key \"intervall\"");
        QTest::newRow("password in a URL") << db + "connections:\n  - {name: a, url: 'rq+redis://:pw@h:6379/0'}\n"
                                           << QStringLiteral("password_env or password_file");
        QTest::newRow("password in the DSN") << QByteArray("database: postgresql://qd:pw@h/team\nconnections:\n  - {name: a, url: 'rq+redis://h:6379/0'}\n")
                                             << QStringLiteral("database_password_file or $PGPASSWORD");
        QTest::newRow("twice") << db + "connections:\n  - {name: a, url: 'rq+redis://h:6379/0'}\n  - {name: a, url: 'rq+redis://h:6379/1'}\n"
                               << QStringLiteral("given twice");
        QTest::newRow("no connections") << db << QStringLiteral("at least one connection");
        QTest::newRow("bad URL") << db + "connections:\n  - {name: a, url: 'nope://h'}\n" << QStringLiteral("connections[0] (a)");
        QTest::newRow("not YAML") << QByteArray("connections: [") << QStringLiteral("not valid YAML");
    }

    void aConfigIsStrict()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, says);
        const auto c = TeamConfig::parse(yaml);
        QVERIFY(!c);
        QVERIFY2(c.error().contains(says), qPrintable(c.error()));
        QVERIFY2(!c.error().contains(u"pw@"), qPrintable(c.error()));
    }

    void aPasswordComesFromItsVariableOrAPrivateFileOnly()
    {
        TeamConnection c{QStringLiteral("print"), QStringLiteral("rq+redis://h:6379/0"), QStringLiteral("QD_TEST_TEAM_PW"), {}};
        QVERIFY(!c.resolve());
        QVERIFY(c.resolve().error().contains(u"QD_TEST_TEAM_PW is not set"));
        qputenv("QD_TEST_TEAM_PW", "s3cret");
        QCOMPARE(c.resolve()->password, QStringLiteral("s3cret"));
        qunsetenv("QD_TEST_TEAM_PW");
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("pw"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("from-file\n");
        f.close();
        f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup);
        c = TeamConnection{QStringLiteral("print"), QStringLiteral("rq+redis://h:6379/0"), {}, path};
        QVERIFY(c.resolve().error().contains(u"readable by other users"));
        f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
        QCOMPARE(c.resolve()->password, QStringLiteral("from-file"));
    }

    void unknownIsAbsentNeverZero()
    {
        Snapshot s;
        s.backend = QStringLiteral("celery");
        s.takenAt = QDateTime::fromMSecsSinceEpoch(1'700'000'000'000, Qt::UTC);
        s.pollSeconds = 0.02;
        s.workersKnown = false; // Celery without events
        QueueStats q;
        q.name = QStringLiteral("ce\"le\\ry\nx");
        q.waiting = 35000; // and nothing else known
        s.queues = {q};
        TeamMetrics m;
        m.recordPoll(QStringLiteral("prod"), s, {});
        const QByteArray text = m.exposition();
        QVERIFY2(text.contains("queuedeck_queue_messages{connection=\"prod\",backend=\"celery\",queue=\"ce\\\"le\\\\ry\\nx\",state=\"waiting\"} 35000\n"),
                 text.constData());
        QVERIFY(!text.contains("state=\"running\""));
        QVERIFY(!text.contains("queuedeck_queue_oldest_age_seconds{"));
        QVERIFY(!text.contains("queuedeck_queue_consumers{"));
        QVERIFY(!text.contains("queuedeck_workers{"));
        QVERIFY(text.contains("queuedeck_poll_duration_seconds_bucket{connection=\"prod\",backend=\"celery\",le=\"0.025\"} 1\n"));
        QVERIFY(text.contains("queuedeck_poll_duration_seconds_bucket{connection=\"prod\",backend=\"celery\",le=\"0.01\"} 0\n"));
        QVERIFY(text.contains("queuedeck_poll_duration_seconds_count{connection=\"prod\",backend=\"celery\"} 1\n"));

        // A failed poll: up 0, the counters go on, and no queue numbers (they are not known now).
        Snapshot failed;
        failed.backend = QStringLiteral("celery");
        failed.error = QStringLiteral("connection refused");
        m.recordPoll(QStringLiteral("prod"), failed, {});
        const QByteArray after = m.exposition();
        QVERIFY(after.contains("queuedeck_up{connection=\"prod\",backend=\"celery\"} 0\n"));
        QVERIFY(after.contains("queuedeck_polls_total{connection=\"prod\",backend=\"celery\",result=\"error\"} 1\n"));
        QVERIFY(!after.contains("queuedeck_queue_messages{"));
    }
};

QTEST_GUILESS_MAIN(TestTeamServer)
#include "tst_teamserver.moc"
