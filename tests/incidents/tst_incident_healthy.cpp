// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// The other half of the proof: no false alarms. A healthy fleet — a real `sidekiq` process working `default`,
// `mail` and an empty `idle` queue it serves; a RabbitMQ consumer (pika) acknowledging `orders`, whose dead-letter
// queue `orders.dlq` keeps 3 letters an hour old — raises nothing critical for 3 polls, and `check` exits 0 (old
// dead letters are no news: the dead-letters rule warns while new ones arrive).
#include "core/backendfactory.h"
#include "tests/incidents/incidentsupport.h"
#include "tests/backends/redistestserver.h"

#include <QTest>

using namespace qd;

namespace {

constexpr int kDb = 43; // see the list in tests/backends/redistestserver.h
const QString kVhost = QStringLiteral("qd-inc-healthy");

QString env(const char *name)
{
    return qEnvironmentVariable(name);
}

} // namespace

class TestIncidentHealthy : public QObject
{
    Q_OBJECT
private:
    test::SharedRedis m_redis;
    test::Peer m_sidekiq;
    test::Peer m_consumer;

    QString sidekiqUrl() const { return m_redis.url(QStringLiteral("sidekiq"), kDb, QStringLiteral("?heartbeat_timeout=8")); }
    static QString rabbitUrl()
    {
        return QStringLiteral("rabbitmq+http://guest:guest@127.0.0.1:%1/%2").arg(env("QD_TEST_RABBIT_HTTP_PORT"), kVhost);
    }
    static void verifyNothingCritical(const test::Watch &watch, const char *what)
    {
        QVERIFY2(watch.critical().isEmpty(), qPrintable(QString::fromLatin1(what) + u":\n" + watch.describe()));
    }

private Q_SLOTS:
    void initTestCase() { m_redis = test::sharedRedis(); }

    void sidekiqWorkingFleet()
    {
        test::redisCli(m_redis.host, m_redis.port, kDb, {QStringLiteral("FLUSHDB")});
        test::redisCli(m_redis.host, m_redis.port, kDb, {QStringLiteral("SADD"), QStringLiteral("queues"), QStringLiteral("idle")});
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("REDIS_URL"), m_redis.plainUrl(kDb));
        QVERIFY(m_sidekiq.start(QStringLiteral("sidekiq"),
                                {QStringLiteral("-r"), test::backendFixture(QStringLiteral("sidekiq/jobs.rb")), QStringLiteral("-c"),
                                 QStringLiteral("2"), QStringLiteral("-q"), QStringLiteral("default"), QStringLiteral("-q"),
                                 QStringLiteral("mail"), QStringLiteral("-q"), QStringLiteral("idle")},
                                QByteArray(), e));
        auto backend = createBackend(sidekiqUrl());
        QVERIFY2(backend.ok(), qPrintable(backend.error()));
        QTRY_VERIFY_WITH_TIMEOUT(backend.value()->snapshot().result().workerSummary().idle.value_or(0)
                                     + backend.value()->snapshot().result().workerSummary().busy.value_or(0)
                                     == 1,
                                 30'000);
        QVERIFY(test::runFixture(QStringLiteral("ruby"),
                                 {QStringLiteral("-e"),
                                  QStringLiteral("require '%1'; Sidekiq.configure_client { |c| c.redis = { url: '%2' } }; "
                                                 "20.times { |i| PrintJob.perform_async(i, i) }; 3.times { |i| MailJob.perform_async(i, 'x') }; puts 'ok'")
                                      .arg(test::backendFixture(QStringLiteral("sidekiq/jobs.rb")), m_redis.plainUrl(kDb))})
                    == "ok");
        test::Watch watch(test::Watch::RealTime);
        for (int poll = 1; poll <= 3; ++poll) {
            const Snapshot s = watch.poll(*backend.value());
            QVERIFY2(s.ok(), qPrintable(s.error));
            qInfo().noquote() << "sidekiq poll" << poll << ":\n" << watch.describe();
            verifyNothingCritical(watch, "sidekiq");
            QCOMPARE(watch.worst(QStringLiteral("idle")), AlertState::Ok);
        }
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                     const Snapshot s = backend.value()->snapshot().result();
                                     return s.queue(QStringLiteral("default")) && s.queue(QStringLiteral("default"))->waiting == 0;
                                 }()),
                                 20'000);
        const test::CheckRun r = test::checkUrl(sidekiqUrl());
        qInfo().noquote() << r.line;
        QCOMPARE(r.exitCode, 0);
        m_sidekiq.kill();
    }

    void rabbitMqConsumerAndOldDeadLetters()
    {
        if (env("QD_TEST_RABBIT_HTTP_PORT").isEmpty()) {
            if (qEnvironmentVariable("CI") == u"true") {
                QFAIL("QD_TEST_RABBIT_HTTP_PORT is not set in CI: scripts/services start did not run or failed");
            }
            QSKIP("no RabbitMQ: run through scripts/test (scripts/services starts one)");
        }
        const QString fixture = test::incidentFixture(QStringLiteral("rabbit_poison.py"));
        QVERIFY(test::runFixture(QStringLiteral("/usr/bin/python3"), {fixture, QStringLiteral("setup"), env("QD_TEST_RABBIT_AMQP_PORT"),
                                                                      env("QD_TEST_RABBIT_HTTP_PORT"), kVhost})
                    .contains("orders"));
        QVERIFY(m_consumer.start(QStringLiteral("/usr/bin/python3"),
                                 {fixture, QStringLiteral("healthy"), env("QD_TEST_RABBIT_AMQP_PORT"), kVhost}));
        auto backend = createBackend(rabbitUrl());
        QVERIFY2(backend.ok(), qPrintable(backend.error()));
        // The operator opens Queuedeck on a running fleet: the management API has seen the consumer.
        QTRY_VERIFY_WITH_TIMEOUT(backend.value()->snapshot().result().queue(QStringLiteral("orders"))->consumers == 1, 20'000);
        test::Watch watch(test::Watch::RealTime);
        for (int poll = 1; poll <= 3; ++poll) {
            const Snapshot s = watch.poll(*backend.value());
            QVERIFY2(s.ok(), qPrintable(s.error));
            qInfo().noquote() << "rabbitmq poll" << poll << ":\n" << watch.describe();
            verifyNothingCritical(watch, "rabbitmq");
            QCOMPARE(watch.worst(QStringLiteral("idle")), AlertState::Ok);
            QCOMPARE(watch.worst(QStringLiteral("orders.dlq"), false), AlertState::Ok); // old letters: no news
        }
        const test::CheckRun r = test::checkUrl(rabbitUrl());
        qInfo().noquote() << r.line;
        QCOMPARE(r.exitCode, 0);
        m_consumer.kill();
    }

    void cleanupTestCase()
    {
        m_sidekiq.kill();
        m_consumer.kill();
        test::redisCli(m_redis.host, m_redis.port, kDb, {QStringLiteral("FLUSHDB")});
    }
};

QTEST_GUILESS_MAIN(TestIncidentHealthy)
#include "tst_incident_healthy.moc"
