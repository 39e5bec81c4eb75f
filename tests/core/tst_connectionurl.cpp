// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/backend.h"
#include "core/backendfactory.h"
#include "core/connectionurl.h"

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

    void readOnlyCannotBeBypassedBySpelling_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("readOnly"); // 1 read-only, 0 writable, -1 refused with a clear error
        QTest::newRow("1") << QStringLiteral("readonly=1") << 1;
        QTest::newRow("true") << QStringLiteral("readonly=true") << 1;
        QTest::newRow("TRUE") << QStringLiteral("readonly=TRUE") << 1;
        QTest::newRow("yes") << QStringLiteral("readonly=yes") << 1;
        QTest::newRow("On") << QStringLiteral("readonly=On") << 1;
        QTest::newRow("0") << QStringLiteral("readonly=0") << 0;
        QTest::newRow("off") << QStringLiteral("readonly=off") << 0;
        QTest::newRow("none") << QString() << 0;
        QTest::newRow("leading space") << QStringLiteral("readonly=%201") << -1;
        QTest::newRow("empty value") << QStringLiteral("readonly=") << -1;
        QTest::newRow("y") << QStringLiteral("readonly=y") << -1;
        QTest::newRow("upper-case key") << QStringLiteral("READONLY=1") << -1;
        QTest::newRow("misspelt key") << QStringLiteral("read_only=1") << -1;
        QTest::newRow("twice") << QStringLiteral("readonly=1&readonly=0") << -1;
    }

    void readOnlyCannotBeBypassedBySpelling()
    {
        QFETCH(QString, query);
        QFETCH(int, readOnly);
        const QString sep = query.isEmpty() ? QString() : QStringLiteral("?");
        for (const QString &base : {QStringLiteral("delayedjob+sqlite:///srv/app.db"), QStringLiteral("sidekiq+redis://h/0"),
                                    QStringLiteral("rq+redis://h/0"), QStringLiteral("bullmq+redis://h/0"),
                                    QStringLiteral("celery+redis://h/0"), QStringLiteral("rabbitmq+http://u@h/%2F"),
                                    QStringLiteral("delayedjob+postgresql://u@h/db")}) {
            const auto url = ConnectionUrl::parse(base + sep + query);
            if (readOnly < 0) {
                QVERIFY2(!url.ok(), qPrintable(base + sep + query));
                QVERIFY2(url.error().contains(u"readonly"), qPrintable(url.error())); // names the valid key
                continue;
            }
            QVERIFY2(url.ok(), qPrintable(url.error()));
            QCOMPARE(url->flag(QStringLiteral("readonly")), readOnly == 1);
            // What the backend makes of it: no action offered on a read-only connection.
            const auto backend = qd::createBackend(url.value());
            QVERIFY2(backend.ok(), qPrintable(backend.error()));
            const qd::Capabilities c = backend.value()->capabilities();
            QCOMPARE(c.cancel, readOnly == 0);
        }
    }

    void unknownOptionsAreRefusedWithTheValidOnes()
    {
        const auto typo = ConnectionUrl::parse(QStringLiteral("sidekiq+redis://h/0?namespce=app"));
        QVERIFY(!typo.ok());
        QVERIFY2(typo.error().contains(u"namespce") && typo.error().contains(u"namespace")
                     && typo.error().contains(u"scan_budget_ms"),
                 qPrintable(typo.error()));
        // An option of another family is unknown here too.
        QVERIFY(!ConnectionUrl::parse(QStringLiteral("rq+redis://h/0?namespace=app")).ok());
        const auto number = ConnectionUrl::parse(QStringLiteral("sidekiq+redis://h/0?scan_budget_ms=fast"));
        QVERIFY(!number.ok());
        QVERIFY2(number.error().contains(u"number"), qPrintable(number.error()));
        // The first discovery pass's budget: every Redis family discovers queue keys by SCAN; a number, as every
        // budget; not an option of the other transports.
        QVERIFY(ConnectionUrl::parse(QStringLiteral("bullmq+redis://h/0?discovery_budget_ms=5000")).ok());
        QVERIFY(ConnectionUrl::parse(QStringLiteral("celery+redis://h/0?discovery_budget_ms=0.5")).ok());
        const auto soon = ConnectionUrl::parse(QStringLiteral("bullmq+redis://h/0?discovery_budget_ms=soon"));
        QVERIFY(!soon.ok());
        QVERIFY2(soon.error().contains(u"number"), qPrintable(soon.error()));
        QVERIFY(ConnectionUrl::parse(QStringLiteral("sidekiq+redis://h/0?discovery_budget_ms=10")).ok());
        QVERIFY(ConnectionUrl::parse(QStringLiteral("rq+redis://h/0?discovery_budget_ms=10")).ok());
        QVERIFY(!ConnectionUrl::parse(QStringLiteral("rabbitmq+http://h:15672/?discovery_budget_ms=10")).ok());
        // Discovery off altogether: a flag, strictly on/off (a typo must not silently turn it off).
        QVERIFY(ConnectionUrl::parse(QStringLiteral("bullmq+redis://h/0?discovery=off&queues=a")).ok());
        QVERIFY(!ConnectionUrl::parse(QStringLiteral("bullmq+redis://h/0?discovery=of")).ok());
        QVERIFY(!ConnectionUrl::parse(QStringLiteral("rabbitmq+http://h:15672/?discovery=off")).ok());
        const auto control = ConnectionUrl::parse(QStringLiteral("sidekiq+redis://h/0?%1B%5D0%3Bx=1"));
        QVERIFY(!control.ok());
        QVERIFY2(!control.error().contains(QChar(0x1b)), qPrintable(control.error())); // shown, not sent raw
        // The password never appears in the message.
        const auto secret = ConnectionUrl::parse(QStringLiteral("sidekiq+redis://u:s3cret@h/0?bogus=1"));
        QVERIFY(!secret.ok());
        QVERIFY(!secret.error().contains(u"s3cret"));
    }

    void errorsNeverQuoteThePassword_data()
    {
        QTest::addColumn<QString>("url");
        QTest::newRow("space and #") << QStringLiteral("sidekiq+redis://u:My Pass#1@h:6379/0");
        QTest::newRow("port 99999") << QStringLiteral("sidekiq+redis://u:s3cret@h:99999/0");
        QTest::newRow("bad %zz") << QStringLiteral("sidekiq+redis://u:s3cr%zzet@h/0");
        QTest::newRow("missing colon") << QStringLiteral("sidekiq+redis//u:s3cret@h/0");
        QTest::newRow("bad port text") << QStringLiteral("rabbitmq+http://u:s3cret@h:abc/%2F");
        QTest::newRow("unknown option") << QStringLiteral("rq+redis://u:s3cret@h/0?bogus=1");
        QTest::newRow("encoded") << QStringLiteral("rq+redis://u:s3%63ret@h:0/0");
    }

    void errorsNeverQuoteThePassword()
    {
        QFETCH(QString, url);
        const auto r = ConnectionUrl::parse(url);
        QVERIFY(!r.ok());
        for (const QString &secret : {QStringLiteral("s3cret"), QStringLiteral("s3cr"), QStringLiteral("My Pass"),
                                      QStringLiteral("Pass#1"), QStringLiteral("s3%63ret")}) {
            QVERIFY2(!r.error().contains(secret), qPrintable(r.error()));
        }
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
