// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// BullMQ backend against a real redis-server filled by the real npm bullmq package (fixtures/redis), compared
// with BullMQ's own getJobCounts/isPaused for the same data; a real named Worker holding a job, then killed.
#include "core/backends/bullmq/bullmqbackend.h"
#include "tests/backends/redistestserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using qd::Snapshot;
using qd::WorkerState;
using qd::bullmq::BullMqBackend;

namespace {

constexpr int kDb = 3;
const QString kFixtures = QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/redis/");

std::unique_ptr<BullMqBackend> backend(const QString &url)
{
    auto parsed = qd::ConnectionUrl::parse(url);
    if (!parsed) {
        qFatal("bad url %s", qPrintable(url));
    }
    return std::make_unique<BullMqBackend>(parsed.value());
}

} // namespace

class TestBullMq : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_redis = qd::test::sharedRedis();
        QVERIFY2(QFile::exists(kFixtures + QStringLiteral("node_modules/bullmq")),
                 "run scripts/setup: it installs the fixtures' npm packages");
    }

    void init()
    {
        m_report = QJsonDocument::fromJson(qd::test::runFixture(QStringLiteral("node"),
                                                                {kFixtures + QStringLiteral("fill_bullmq.mjs"),
                                                                 m_redis.plainUrl(kDb)}))
                       .object();
        QVERIFY2(!m_report.isEmpty(), "fill_bullmq.mjs failed");
    }

    void snapshotEqualsBullMqsOwnCounts()
    {
        auto b = backend(m_redis.url(QStringLiteral("bullmq"), kDb));
        const Snapshot s = b->snapshot().result();
        QVERIFY2(s.ok(), qPrintable(s.error));
        QCOMPARE(s.backend, QStringLiteral("bullmq"));
        const QJsonObject queues = m_report.value(u"queues").toObject();
        QCOMPARE(s.queues.size(), queues.size());
        for (auto it = queues.begin(); it != queues.end(); ++it) {
            const QJsonObject c = it.value().toObject();
            const auto *q = s.queue(it.key());
            QVERIFY2(q, qPrintable(it.key()));
            QCOMPARE(q->waiting.value(), c.value(u"wait").toInteger() + c.value(u"prioritized").toInteger()
                                             + c.value(u"paused").toInteger());
            QCOMPARE(q->running.value(), c.value(u"active").toInteger());
            QCOMPARE(q->scheduled.value(), c.value(u"delayed").toInteger());
            QCOMPARE(q->failed.value(), c.value(u"failed").toInteger());
            QCOMPARE(q->completed.value(), c.value(u"completed").toInteger());
            QCOMPARE(q->paused.value(), c.value(u"isPaused").toBool());
            QVERIFY2(!q->dead.has_value(), "BullMQ has no dead set: unknown, not 0");
        }
        // The oldest waiting mail job was created moments ago by the fill; the empty video queue waits 0.
        const auto *mail = s.queue(QStringLiteral("mail"));
        const double created = qd::test::redisCli(m_redis.host, m_redis.port, kDb,
                                                  {QStringLiteral("HGET"), QStringLiteral("bull:mail:1"),
                                                   QStringLiteral("timestamp")})
                                   .toDouble();
        const double expected = (double(QDateTime::currentMSecsSinceEpoch()) - created) / 1000.0;
        QVERIFY2(std::abs(mail->oldestAgeSeconds.value() - expected) < 2.0,
                 qPrintable(QStringLiteral("%1 vs %2").arg(*mail->oldestAgeSeconds).arg(expected)));
        QCOMPARE(s.queue(QStringLiteral("video"))->oldestAgeSeconds.value(), 0.0);
        QVERIFY(s.queue(QStringLiteral("reports"))->oldestAgeSeconds.value() >= 0.0);
        QVERIFY(s.workersComplete);
        QVERIFY(s.workers.isEmpty()); // the fill's workers are gone
    }

    void twoRoundTripsPerPoll()
    {
        auto b = backend(m_redis.url(QStringLiteral("bullmq"), kDb));
        QVERIFY(b->snapshot().result().ok());
        const auto before = b->connectionStats();
        QVERIFY(b->snapshot().result().ok());
        QCOMPARE(b->connectionStats().roundTrips - before.roundTrips, 2);
    }

    void realNamedWorkerBusyThenGone()
    {
        QProcess worker;
        worker.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        worker.start(QStringLiteral("node"), {kFixtures + QStringLiteral("bullmq_worker.mjs"), m_redis.plainUrl(kDb),
                                              QStringLiteral("mail"), QStringLiteral("printer-7")});
        QVERIFY(worker.waitForStarted(10'000));
        QByteArray out;
        QTRY_VERIFY2_WITH_TIMEOUT((out += worker.readAllStandardOutput()).contains("ready"), out.constData(), 20'000);
        auto b = backend(m_redis.url(QStringLiteral("bullmq"), kDb));
        Snapshot s = b->snapshot().result();
        QVERIFY2(s.ok(), qPrintable(s.error));
        QCOMPARE(s.workers.size(), 1);
        QCOMPARE(s.workers.at(0).id, QStringLiteral("printer-7"));
        QCOMPARE(s.workers.at(0).queues, QStringList{QStringLiteral("mail")});
        QCOMPARE(s.workers.at(0).state, WorkerState::Busy);
        QVERIFY(s.queue(QStringLiteral("mail"))->running.value() >= 1);

        worker.kill();
        worker.waitForFinished(5000);
        QTRY_VERIFY_WITH_TIMEOUT(b->snapshot().result().workers.isEmpty(), 10'000);
    }

    void prefixOptionAndWrongTypeKeys()
    {
        auto cli = [&](const QStringList &args) { return qd::test::redisCli(m_redis.host, m_redis.port, kDb, args); };
        cli({QStringLiteral("HSET"), QStringLiteral("acme:broken:meta"), QStringLiteral("version"),
             QStringLiteral("bullmq:5.81.5")});
        cli({QStringLiteral("SET"), QStringLiteral("acme:broken:wait"), QStringLiteral("not a list")});
        auto b = backend(m_redis.url(QStringLiteral("bullmq"), kDb, QStringLiteral("?prefix=acme")));
        const Snapshot s = b->snapshot().result();
        QVERIFY2(s.ok(), qPrintable(s.error));
        QCOMPARE(s.queues.size(), 1);
        const auto &q = s.queues.at(0);
        QCOMPARE(q.name, QStringLiteral("broken"));
        QVERIFY2(!q.waiting.has_value(), "unknown, never 0");
        QVERIFY(q.running.has_value());
        QVERIFY2(s.warnings.join(u' ').contains(u"WRONGTYPE"), qPrintable(s.warnings.join(u' ')));
    }

    void configuredQueueBeforeItExists()
    {
        auto b = backend(m_redis.url(QStringLiteral("bullmq"), kDb, QStringLiteral("?queues=invoices")));
        const Snapshot s = b->snapshot().result();
        QVERIFY(s.ok());
        const auto *q = s.queue(QStringLiteral("invoices"));
        QVERIFY(q);
        QCOMPARE(q->waiting.value(), 0);
        QCOMPARE(q->paused.value(), false);
    }

private:
    qd::test::SharedRedis m_redis;
    QJsonObject m_report;
};

QTEST_GUILESS_MAIN(TestBullMq)
#include "tst_bullmq.moc"
