// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "connectionurl.h"

#include <QTest>

using qd::ConnectionUrl;

class TestConnectionUrl : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sqlite()
    {
        auto r = ConnectionUrl::parse(QStringLiteral("delayedjob+sqlite:///var/lib/app/db.sqlite3?table=jobs"));
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(r->family, QStringLiteral("delayedjob"));
        QCOMPARE(r->transport, QStringLiteral("sqlite"));
        QCOMPARE(r->path, QStringLiteral("/var/lib/app/db.sqlite3"));
        QCOMPARE(r->option(QStringLiteral("table")), QStringLiteral("jobs"));
        QCOMPARE(r->toDisplayString(), QStringLiteral("delayedjob+sqlite:///var/lib/app/db.sqlite3?table=jobs"));
    }

    void sqlitePathWithSpaces()
    {
        auto r = ConnectionUrl::parse(QStringLiteral("delayedjob+sqlite:///tmp/my%20app/db.sqlite3"));
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(r->path, QStringLiteral("/tmp/my app/db.sqlite3"));
    }

    void postgresql()
    {
        auto r = ConnectionUrl::parse(QStringLiteral("delayedjob+postgresql://app:s3cret@db.local:6543/prod?table=delayed_jobs"));
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(r->host, QStringLiteral("db.local"));
        QCOMPARE(r->port, 6543);
        QCOMPARE(r->user, QStringLiteral("app"));
        QCOMPARE(r->password, QStringLiteral("s3cret"));
        QCOMPARE(r->path, QStringLiteral("prod"));
        QVERIFY(!r->toDisplayString().contains(QStringLiteral("s3cret")));
        QCOMPARE(r->toDisplayString(), QStringLiteral("delayedjob+postgresql://app@db.local:6543/prod?table=delayed_jobs"));
    }

    void defaultPorts()
    {
        QCOMPARE(ConnectionUrl::parse(QStringLiteral("sidekiq+redis://localhost"))->port, 6379);
        QCOMPARE(ConnectionUrl::parse(QStringLiteral("rabbitmq+http://guest@localhost/%2F"))->port, 15672);
        QCOMPARE(ConnectionUrl::parse(QStringLiteral("rabbitmq+http://guest@localhost/%2F"))->path, QStringLiteral("/"));
        QCOMPARE(ConnectionUrl::parse(QStringLiteral("delayedjob+postgresql://h/db"))->port, 5432);
        QVERIFY(ConnectionUrl::parse(QStringLiteral("bullmq+rediss://h:6380/1"))->usesTls());
    }

    void errors_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("empty") << QString() << QStringLiteral("empty");
        QTest::newRow("no scheme") << QStringLiteral("/var/db.sqlite3") << QStringLiteral("scheme");
        QTest::newRow("unknown") << QStringLiteral("kafka+tcp://h") << QStringLiteral("Unknown scheme");
        QTest::newRow("relative sqlite") << QStringLiteral("delayedjob+sqlite://db.sqlite3") << QStringLiteral("absolute");
        QTest::newRow("pg no db") << QStringLiteral("delayedjob+postgresql://h:5432") << QStringLiteral("database");
        QTest::newRow("no host") << QStringLiteral("sidekiq+redis:///0") << QStringLiteral("host");
        QTest::newRow("bad redis db") << QStringLiteral("sidekiq+redis://h/zero") << QStringLiteral("number");
        QTest::newRow("bad port") << QStringLiteral("sidekiq+redis://h:99999/0") << QStringLiteral("port");
        QTest::newRow("sql injection table") << QStringLiteral("delayedjob+sqlite:///a.db?table=jobs;drop")
                                             << QStringLiteral("identifier");
    }

    void errors()
    {
        QFETCH(QString, url);
        QFETCH(QString, mentions);
        auto r = ConnectionUrl::parse(url);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(mentions, Qt::CaseInsensitive), qPrintable(r.error()));
    }

    void examplesAllParse()
    {
        for (const auto &[scheme, example] : ConnectionUrl::examples()) {
            auto r = ConnectionUrl::parse(example);
            QVERIFY2(r.ok(), qPrintable(example + QStringLiteral(": ") + r.error()));
            QCOMPARE(r->scheme(), scheme);
        }
    }
};

QTEST_GUILESS_MAIN(TestConnectionUrl)
#include "tst_connectionurl.moc"
