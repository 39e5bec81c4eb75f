// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Incident 001 (shared/incidents/001_…, Canonical CI on RabbitMQ): a broken consumer fails on one ticket, which
// goes back on the queue round and round; then nothing consumes the queue at all. Replayed with pika against the
// RabbitMQ of scripts/services (fixtures/rabbit_poison.py, vhost "qd-inc-poison"): `orders` (the poison ticket and
// 49 others) dead-letters to `orders.dlq` (3 old letters, declared through x-dead-letter-exchange).
// The operator must see: the redelivery loop while the consumer crashes; "0 consumers" critical (rule
// "unserved") at the first poll once the consumer is gone; `orders.dlq` quiet (its old letters are no news), never
// critical and never "unserved" (issue 17, item 2: it was); `queuedeckctl check URL` exits 2 (item 1: it said OK).
#include "core/backendfactory.h"
#include "tests/incidents/incidentsupport.h"
#include "tests/backends/redistestserver.h" // runFixture

#include <QTest>

using namespace qd;

namespace {

const QString kVhost = QStringLiteral("qd-inc-poison");
const QString kOrders = QStringLiteral("orders");
const QString kDlq = QStringLiteral("orders.dlq");

QString env(const char *name)
{
    return qEnvironmentVariable(name);
}

QString url()
{
    return QStringLiteral("rabbitmq+http://guest:guest@127.0.0.1:%1/%2").arg(env("QD_TEST_RABBIT_HTTP_PORT"), kVhost);
}

} // namespace

class TestIncidentRabbitMq : public QObject
{
    Q_OBJECT
private:
    test::Peer m_consumer;

    /// The dead-letter queue is judged by its own rule only, at every poll: its 3 old letters are not news (the
    /// dead-letters rule warns while new ones arrive), and it is never unserved, never critical.
    void verifyDeadLetterQueue(const test::Watch &watch)
    {
        QCOMPARE(watch.state(QStringLiteral("dead-letters"), kDlq), AlertState::Ok);
        QCOMPARE(watch.state(QStringLiteral("unserved"), kDlq), AlertState::Ok);
        QCOMPARE(watch.worst(kDlq, false), AlertState::Ok);
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (env("QD_TEST_RABBIT_HTTP_PORT").isEmpty()) {
            if (qEnvironmentVariable("CI") == u"true") {
                QFAIL("QD_TEST_RABBIT_HTTP_PORT is not set in CI: scripts/services start did not run or failed");
            }
            QSKIP("no RabbitMQ: run through scripts/test (scripts/services starts one)");
        }
        const QByteArray out = test::runFixture(
            QStringLiteral("/usr/bin/python3"), {test::incidentFixture(QStringLiteral("rabbit_poison.py")), QStringLiteral("setup"),
                                                 env("QD_TEST_RABBIT_AMQP_PORT"), env("QD_TEST_RABBIT_HTTP_PORT"), kVhost});
        QVERIFY2(out.contains("\"orders\": 50"), "rabbit_poison.py setup failed");
    }

    void poisonLoopThenNoConsumer()
    {
        test::Watch watch;
        auto backend = createBackend(url(), watch.clock());
        QVERIFY2(backend.ok(), qPrintable(backend.error()));
        QVERIFY(m_consumer.start(QStringLiteral("/usr/bin/python3"),
                                 {test::incidentFixture(QStringLiteral("rabbit_poison.py")), QStringLiteral("crashloop"),
                                  env("QD_TEST_RABBIT_AMQP_PORT"), kVhost}));

        // While the consumer crashes on the poison ticket: RabbitMQ's redelivery rate shows the loop. (Polls until
        // the management API's statistics catch up leave the fake clock alone: they are seconds, not intervals.)
        Snapshot s;
        const auto redelivering = [](const Snapshot &snap) {
            for (const QString &w : snap.warnings) {
                if (w.contains(u"orders redelivers")) {
                    return true;
                }
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT((s = watch.poll(*backend.value()), s.ok() && s.queue(kOrders)
                                                                                      && s.queue(kOrders)->consumers == 1
                                                                                      && redelivering(s)),
                                 20'000);
        qInfo().noquote() << "crash loop:" << s.warnings.join(u" / ") << '\n' << watch.describe();
        QCOMPARE(watch.state(QStringLiteral("unserved"), kOrders), AlertState::Ok); // served, badly
        verifyDeadLetterQueue(watch);

        // The consumer is gone for good: the first poll that sees 0 consumers must be red.
        m_consumer.kill();
        QTRY_VERIFY_WITH_TIMEOUT((s = watch.poll(*backend.value()), s.ok() && s.queue(kOrders)
                                                                                      && s.queue(kOrders)->consumers == 0),
                                 20'000);
        qInfo().noquote() << "first poll with no consumer:\n" << watch.describe();
        QVERIFY(s.queue(kOrders)->waiting.value_or(0) >= 49); // the ticket held by the consumer may trail
        QCOMPARE(watch.state(QStringLiteral("unserved"), kOrders), AlertState::Crit);
        verifyDeadLetterQueue(watch);

        // After the hold (fake time): critical, and the dead-letter queue still only a warning.
        for (int i = 0; i < 13; ++i) {
            s = watch.poll(*backend.value());
            watch.advance();
            QVERIFY2(s.ok(), qPrintable(s.error));
            verifyDeadLetterQueue(watch);
        }
        QCOMPARE(watch.state(QStringLiteral("unserved"), kOrders), AlertState::Crit);
        const auto unserved = watch.alert(QStringLiteral("unserved"), kOrders);
        QVERIFY2(unserved->message.contains(u"0 consumers"), qPrintable(unserved->message));
        for (const Alert &a : watch.critical()) {
            QVERIFY2(a.queue != kDlq, qPrintable(watch.describe()));
        }

        // An operator who opens Queuedeck now (a fresh engine) sees it red at the first poll.
        test::Watch fresh;
        auto again = createBackend(url(), fresh.clock());
        QVERIFY(fresh.poll(*again.value()).ok());
        qInfo().noquote() << "fresh engine, first poll:\n" << fresh.describe();
        QCOMPARE(fresh.state(QStringLiteral("unserved"), kOrders), AlertState::Crit);
        verifyDeadLetterQueue(fresh);
        for (const Alert &a : fresh.critical()) {
            QVERIFY2(a.queue != kDlq, qPrintable(fresh.describe()));
        }
    }

    void checkExitsCritical()
    {
        const test::CheckRun r = test::checkUrl(url());
        qInfo().noquote() << r.line;
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.line.startsWith(u"QUEUEDECK CRITICAL - "), qPrintable(r.line));
        QVERIFY2(r.line.contains(u"orders: 50 waiting, 0 consumers"), qPrintable(r.line));
        QVERIFY2(!r.line.section(u'|', 0, 0).contains(kDlq), qPrintable(r.line));
    }

    void cleanupTestCase() { m_consumer.kill(); }
};

QTEST_GUILESS_MAIN(TestIncidentRabbitMq)
#include "tst_incident_rabbitmq.moc"
