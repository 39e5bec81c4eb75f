// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Sidekiq backend against a real redis-server filled by the real Sidekiq 6.4 gem (fixtures/sidekiq), compared
// with what Sidekiq's own API reports for the same data; a real `sidekiq` process whose heartbeat is then
// killed; the 7.x layout and Sidekiq 8 millisecond timestamps; namespaces; WRONGTYPE keys; a 50 MB job.
#include "core/backends/sidekiq/sidekiqbackend.h"
#include "core/clock.h"
#include "tests/backends/redistestserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using qd::Snapshot;
using qd::WorkerState;
using qd::sidekiq::SidekiqBackend;

namespace {

constexpr int kDb = 2;
const QString kFixtures = QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/sidekiq/");

Snapshot poll(SidekiqBackend &b)
{
    return b.snapshot().result();
}

std::unique_ptr<SidekiqBackend> backend(const QString &url)
{
    auto parsed = qd::ConnectionUrl::parse(url);
    if (!parsed) {
        qFatal("bad url %s", qPrintable(url));
    }
    return std::make_unique<SidekiqBackend>(parsed.value());
}

} // namespace

class TestSidekiq : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_redis = qd::test::sharedRedis();
        QVERIFY(m_redis.port > 0);
    }

    void init()
    {
        // Fresh data for every test, written by Sidekiq's own client.
        QVERIFY(qd::test::runFixture(QStringLiteral("ruby"), {kFixtures + QStringLiteral("fill.rb"), m_redis.plainUrl(kDb),
                                                              QStringLiteral("25")})
                    .isEmpty());
    }

    void snapshotEqualsSidekiqsOwnApi()
    {
        auto b = backend(m_redis.url(QStringLiteral("sidekiq"), kDb));
        const Snapshot s = poll(*b);
        QVERIFY2(s.ok(), qPrintable(s.error));
        const QByteArray reportJson =
            qd::test::runFixture(QStringLiteral("ruby"), {kFixtures + QStringLiteral("report.rb"), m_redis.plainUrl(kDb)});
        const QJsonObject report = QJsonDocument::fromJson(reportJson).object();
        QVERIFY2(!report.isEmpty(), reportJson.constData());

        QCOMPARE(s.backend, QStringLiteral("sidekiq"));
        QCOMPARE(s.totals.processed.value(), report.value(u"processed").toInteger());
        QCOMPARE(s.totals.failed.value(), report.value(u"failed").toInteger());
        QCOMPARE(s.totals.processedToday.value(), report.value(u"processed_today").toInteger());
        QCOMPARE(s.totals.failedToday.value(), report.value(u"failed_today").toInteger());
        QCOMPARE(s.totals.processedToday.value(), 17);

        qint64 enqueued = 0, retries = 0, scheduled = 0, dead = 0;
        for (const QJsonValue &v : report.value(u"queues").toArray()) {
            const QJsonObject q = v.toObject();
            const auto *mine = s.queue(q.value(u"name").toString());
            QVERIFY2(mine, qPrintable(q.value(u"name").toString()));
            QCOMPARE(mine->waiting.value(), q.value(u"size").toInteger());
            QVERIFY2(std::abs(mine->oldestAgeSeconds.value() - q.value(u"latency").toDouble()) < 2.0,
                     qPrintable(QStringLiteral("%1: %2 vs %3").arg(mine->name).arg(*mine->oldestAgeSeconds)
                                    .arg(q.value(u"latency").toDouble())));
        }
        for (const auto &q : s.queues) {
            enqueued += q.waiting.value_or(0);
            retries += q.failed.value();
            scheduled += q.scheduled.value();
            dead += q.dead.value();
        }
        // Sidekiq::Stats#enqueued counts registered queues only; Queuedeck also finds the unregistered list.
        const auto *orphan = s.queue(QStringLiteral("orphan"));
        QVERIFY2(orphan, "a queue that exists only as a list is discovered");
        QCOMPARE(orphan->waiting.value(), 1);
        QVERIFY(orphan->oldestAgeSeconds.value() >= 29.0);
        QCOMPARE(enqueued - 1, report.value(u"enqueued").toInteger());
        QCOMPARE(retries, report.value(u"retry_size").toInteger());
        QCOMPARE(scheduled, report.value(u"scheduled_size").toInteger());
        QCOMPARE(dead, report.value(u"dead_size").toInteger());

        const auto *def = s.queue(QStringLiteral("default"));
        QCOMPARE(def->failed.value(), 3);   // retry_count 0, 2, 4
        QCOMPARE(def->maxAttempts.value(), 5);
        QCOMPARE(def->scheduled.value(), 1);
        QVERIFY(def->oldestAgeSeconds.value() >= 119.0);
        const auto *mail = s.queue(QStringLiteral("mail"));
        QCOMPARE(mail->failed.value(), 2);
        QCOMPARE(mail->dead.value(), 2);
        QCOMPARE(mail->maxAttempts.value(), 26); // the dead jobs' retry_count 25
        const auto *empty = s.queue(QStringLiteral("empty"));
        QVERIFY2(empty, "a registered queue with no list is shown");
        QCOMPARE(empty->waiting.value(), 0);   // known zero, not unknown
        QCOMPARE(empty->oldestAgeSeconds.value(), 0.0);
        QVERIFY(s.queue(QStringLiteral("<b>\"x\"</b>"))); // verbatim; views escape
        QVERIFY(s.workers.isEmpty());
        QVERIFY(s.workersComplete);
    }

    void twoRoundTripsPerPoll()
    {
        auto b = backend(m_redis.url(QStringLiteral("sidekiq"), kDb));
        QVERIFY(poll(*b).ok()); // connects (handshake) and loads the scripts (NOSCRIPT → EVAL)
        const auto before = b->connectionStats();
        QVERIFY(poll(*b).ok());
        const auto after = b->connectionStats();
        QCOMPARE(after.roundTrips - before.roundTrips, 2);
    }

    void aRetrySetThatChangedIsReadAgainInTheSamePoll()
    {
        // Steady polls only ask the sets' sizes; a new retry changes the size and is counted at the next poll.
        auto b = backend(m_redis.url(QStringLiteral("sidekiq"), kDb));
        Snapshot s = poll(*b);
        QVERIFY2(s.ok(), qPrintable(s.error));
        const qint64 failed = s.queue(QStringLiteral("default"))->failed.value();
        QVERIFY(poll(*b).ok());
        qd::test::redisCli(m_redis.host, m_redis.port, kDb,
                           {QStringLiteral("ZADD"), QStringLiteral("retry"), QStringLiteral("1764000000"),
                            QStringLiteral("{\"queue\":\"default\",\"class\":\"Late\",\"jid\":\"late1\","
                                           "\"retry_count\":7,\"failed_at\":1764000000}")});
        s = poll(*b);
        QVERIFY2(s.ok(), qPrintable(s.error));
        QCOMPARE(s.queue(QStringLiteral("default"))->failed.value(), failed + 1);
        QVERIFY(s.queue(QStringLiteral("default"))->maxAttempts.value() >= 8);
    }

    void unregisteredQueueDeepInABigKeyspaceOnTheFirstPoll()
    {
        // 60,000 other keys: one SCAN step sees a sliver of them, yet the first poll of a new connection lists the
        // queue that exists only as a list; steady polls stay at two round trips; once the list is gone, so is the
        // queue.
        qd::test::fillFillerKeys(m_redis.host, m_redis.port, kDb, 60'000);
        auto cli = [&](const QStringList &args) { return qd::test::redisCli(m_redis.host, m_redis.port, kDb, args); };
        cli({QStringLiteral("LPUSH"), QStringLiteral("queue:deep-orphan"),
             QStringLiteral("{\"class\":\"Late\",\"queue\":\"deep-orphan\",\"jid\":\"j1\",\"enqueued_at\":%1}")
                 .arg(double(QDateTime::currentMSecsSinceEpoch()) / 1000.0 - 60, 0, 'f', 3)});
        auto b = backend(m_redis.url(QStringLiteral("sidekiq"), kDb));
        Snapshot s = poll(*b);
        QVERIFY2(s.ok(), qPrintable(s.error));
        const auto *orphan = s.queue(QStringLiteral("deep-orphan"));
        QVERIFY2(orphan, "the first poll lists a queue that exists only as a list, deep in a big keyspace");
        QCOMPARE(orphan->waiting.value(), 1);
        QVERIFY(orphan->oldestAgeSeconds.value() >= 59.0);
        QVERIFY2(!s.warnings.join(u'\n').contains(u"Queue discovery"), qPrintable(s.warnings.join(u'\n')));

        const auto before = b->connectionStats();
        QVERIFY(poll(*b).ok());
        QCOMPARE(b->connectionStats().roundTrips - before.roundTrips, 2);

        cli({QStringLiteral("DEL"), QStringLiteral("queue:deep-orphan")});
        for (int i = 0; i < 3; ++i) {
            s = poll(*b);
            QVERIFY(s.ok());
            QVERIFY(!s.queue(QStringLiteral("deep-orphan")));
        }
    }

    void realSidekiqProcessBusyThenKilled()
    {
        QProcess sidekiq;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("REDIS_URL"), m_redis.plainUrl(kDb));
        sidekiq.setProcessEnvironment(env);
        sidekiq.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        sidekiq.start(QStringLiteral("sidekiq"), {QStringLiteral("-r"), kFixtures + QStringLiteral("jobs.rb"),
                                                  QStringLiteral("-q"), QStringLiteral("slow"), QStringLiteral("-c"),
                                                  QStringLiteral("2")});
        QVERIFY(sidekiq.waitForStarted(10'000));
        QProcess enqueue;
        enqueue.setProcessEnvironment(env);
        enqueue.start(QStringLiteral("ruby"), {QStringLiteral("-e"),
                                               QStringLiteral("require '%1jobs.rb'; SlowJob.perform_async(600)").arg(kFixtures)});
        QVERIFY(enqueue.waitForFinished(30'000) && enqueue.exitCode() == 0);

        auto b = backend(m_redis.url(QStringLiteral("sidekiq"), kDb, QStringLiteral("?heartbeat_timeout=3")));
        // Sidekiq publishes busy counts and its work hash on its heartbeat, every 5 s.
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                     const Snapshot s = poll(*b);
                                     return s.ok() && s.workers.size() == 1 && s.workers.at(0).state == WorkerState::Busy
                                            && s.queue(QStringLiteral("slow")) && s.queue(QStringLiteral("slow"))->running == 1;
                                 }()),
                                 30'000);
        Snapshot s = poll(*b);
        const auto &w = s.workers.at(0);
        QCOMPARE(w.queues, QStringList{QStringLiteral("slow")});
        QVERIFY(w.lastSeenAgeSeconds.value() < 6.0);
        QVERIFY(!w.currentJob.isEmpty());
        const QJsonObject report = QJsonDocument::fromJson(qd::test::runFixture(
                                                               QStringLiteral("ruby"), {kFixtures + QStringLiteral("report.rb"),
                                                                                        m_redis.plainUrl(kDb)}))
                                       .object();
        const QJsonArray processes = report.value(u"processes").toArray();
        QCOMPARE(processes.size(), 1);
        QCOMPARE(w.id, processes.at(0).toObject().value(u"identity").toString());
        QCOMPARE(s.workerSummary().busy.value(), 1);

        sidekiq.kill(); // SIGKILL: no clean shutdown, the heartbeat just stops
        sidekiq.waitForFinished(5000);
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                     const Snapshot after = poll(*b);
                                     return after.ok() && after.workers.size() == 1
                                            && after.workers.at(0).state == WorkerState::Lost;
                                 }()),
                                 20'000);
        s = poll(*b);
        QVERIFY(s.workers.at(0).lastSeenAgeSeconds.value() > 3.0);
        QCOMPARE(s.workerSummary().lost.value(), 1);
        QCOMPARE(s.workerSummary().busy.value(), 0);
    }

    void sidekiq7LayoutAndMillisecondTimes()
    {
        const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
        const QString host = m_redis.host;
        auto cli = [&](const QStringList &args) { return qd::test::redisCli(host, m_redis.port, kDb, args); };
        cli({QStringLiteral("SADD"), QStringLiteral("processes"), QStringLiteral("web7:42:abc")});
        cli({QStringLiteral("HSET"), QStringLiteral("web7:42:abc"), QStringLiteral("info"),
             QStringLiteral(R"({"hostname":"web7","pid":42,"concurrency":5,"queues":["default","mail"],"capsules":{}})"),
             QStringLiteral("busy"), QStringLiteral("1"), QStringLiteral("beat"), QString::number(now, 'f', 3),
             QStringLiteral("quiet"), QStringLiteral("false")});
        cli({QStringLiteral("HSET"), QStringLiteral("web7:42:abc:work"), QStringLiteral("tid1"),
             QStringLiteral("{\"queue\":\"mail\",\"payload\":\"{\\\"jid\\\":\\\"j7\\\",\\\"class\\\":\\\"MailJob\\\"}\",\"run_at\":%1}")
                 .arg(now)});
        // Sidekiq 8 writes integer milliseconds.
        cli({QStringLiteral("SADD"), QStringLiteral("queues"), QStringLiteral("eight")});
        cli({QStringLiteral("LPUSH"), QStringLiteral("queue:eight"),
             QStringLiteral(R"({"class":"X","args":[],"jid":"e8","queue":"eight","enqueued_at":%1})")
                 .arg(qint64((now - 90) * 1000))});
        auto b = backend(m_redis.url(QStringLiteral("sidekiq"), kDb));
        const Snapshot s = poll(*b);
        QVERIFY2(s.ok(), qPrintable(s.error));
        QCOMPARE(s.workers.size(), 1);
        QCOMPARE(s.workers.at(0).state, WorkerState::Busy);
        QCOMPARE(s.workers.at(0).currentJob, QStringLiteral("j7"));
        QCOMPARE(s.workers.at(0).queues, (QStringList{QStringLiteral("default"), QStringLiteral("mail")}));
        QCOMPARE(s.queue(QStringLiteral("mail"))->running.value(), 1);
        QCOMPARE(s.queue(QStringLiteral("default"))->running.value(), 0);
        const double age = s.queue(QStringLiteral("eight"))->oldestAgeSeconds.value();
        QVERIFY2(age > 88 && age < 95, qPrintable(QString::number(age)));
    }

    void namespacedInstall()
    {
        const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
        auto cli = [&](const QStringList &args) { return qd::test::redisCli(m_redis.host, m_redis.port, kDb, args); };
        cli({QStringLiteral("SADD"), QStringLiteral("app:queues"), QStringLiteral("critical")});
        for (int i = 0; i < 4; ++i) {
            cli({QStringLiteral("LPUSH"), QStringLiteral("app:queue:critical"),
                 QStringLiteral(R"({"retry":true,"queue":"critical","class":"A","args":[%1],"jid":"n%1","enqueued_at":%2})")
                     .arg(i)
                     .arg(now - 10 + i, 0, 'f', 3)});
        }
        cli({QStringLiteral("SET"), QStringLiteral("app:stat:processed"), QStringLiteral("77")});
        auto b = backend(m_redis.url(QStringLiteral("sidekiq"), kDb, QStringLiteral("?namespace=app")));
        const Snapshot s = poll(*b);
        QVERIFY2(s.ok(), qPrintable(s.error));
        QCOMPARE(s.queues.size(), 1);
        QCOMPARE(s.queues.at(0).name, QStringLiteral("critical"));
        QCOMPARE(s.queues.at(0).waiting.value(), 4);
        QVERIFY(s.queues.at(0).oldestAgeSeconds.value() >= 9.5);
        QCOMPARE(s.totals.processed.value(), 77);
    }

    void wrongTypeKeysAreWarningsNotFailures()
    {
        auto cli = [&](const QStringList &args) { return qd::test::redisCli(m_redis.host, m_redis.port, kDb, args); };
        cli({QStringLiteral("SADD"), QStringLiteral("queues"), QStringLiteral("broken")});
        cli({QStringLiteral("SET"), QStringLiteral("queue:broken"), QStringLiteral("not a list")});
        cli({QStringLiteral("DEL"), QStringLiteral("dead")});
        cli({QStringLiteral("SET"), QStringLiteral("dead"), QStringLiteral("not a zset")});
        auto b = backend(m_redis.url(QStringLiteral("sidekiq"), kDb));
        const Snapshot s = poll(*b);
        QVERIFY2(s.ok(), qPrintable(s.error));
        const auto *broken = s.queue(QStringLiteral("broken"));
        QVERIFY(broken);
        QVERIFY2(!broken->waiting.has_value(), "unknown, never 0");
        QCOMPARE(s.queue(QStringLiteral("default"))->waiting.value(), 25);
        QVERIFY(!s.queue(QStringLiteral("default"))->dead.has_value());
        QVERIFY(s.queue(QStringLiteral("default"))->failed.has_value());
        const QString warnings = s.warnings.join(u'\n');
        QVERIFY2(warnings.contains(u"broken") && warnings.contains(u"WRONGTYPE"), qPrintable(warnings));
        QVERIFY2(warnings.contains(u"dead"), qPrintable(warnings));
    }

    void fiftyMegabyteOldestJobIsNotDownloaded()
    {
        const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
        const QByteArray job = "{\"retry\":true,\"queue\":\"huge\",\"class\":\"Big\",\"args\":[\""
                               + QByteArray(50 * 1024 * 1024, 'z') + "\"],\"jid\":\"big1\",\"created_at\":"
                               + QByteArray::number(now - 300, 'f', 3) + ",\"enqueued_at\":"
                               + QByteArray::number(now - 300, 'f', 3) + "}";
        {
            qd::redis::Options o;
            o.port = quint16(m_redis.port);
            o.db = kDb;
            qd::redis::Client c(o, QStringLiteral("fill"));
            QVERIFY(c.pipeline({{"SADD", "queues", "huge"}, {"RPUSH", "queue:huge", job}, {"LPUSH", "queue:huge", "{}"}})
                        .result()
                        .ok());
        }
        auto b = backend(m_redis.url(QStringLiteral("sidekiq"), kDb));
        QVERIFY(poll(*b).ok());
        const auto before = b->connectionStats();
        const Snapshot s = poll(*b);
        QVERIFY2(s.ok(), qPrintable(s.error));
        const auto *huge = s.queue(QStringLiteral("huge"));
        QCOMPARE(huge->waiting.value(), 2);
        QVERIFY2(huge->oldestAgeSeconds.value() >= 299.0, qPrintable(QString::number(*huge->oldestAgeSeconds)));
        QVERIFY2(b->connectionStats().bytesIn - before.bytesIn < 64 * 1024, "the 50 MB job stayed on the server");
    }

    void serverKilledThenRestartedRecovers()
    {
        auto server = std::make_unique<qd::test::RedisServer>();
        QVERIFY2(server->start(), qPrintable(server->error()));
        const int port = server->port();
        auto b = backend(server->url(QStringLiteral("sidekiq")));
        QVERIFY(poll(*b).ok());
        QCOMPARE(b->state(), qd::ConnectionState::Connected);
        server->kill();
        const Snapshot down = poll(*b);
        QVERIFY(!down.ok());
        QVERIFY2(down.error.contains(QString::number(port)), qPrintable(down.error));
        QVERIFY(down.queues.isEmpty()); // no numbers at all rather than stale or zero ones
        QCOMPARE(b->state(), qd::ConnectionState::Error);
        server = std::make_unique<qd::test::RedisServer>(QStringList{}, port);
        QVERIFY2(server->start(), qPrintable(server->error()));
        QTRY_VERIFY_WITH_TIMEOUT(poll(*b).ok(), 15'000);
        QCOMPARE(b->state(), qd::ConnectionState::Connected);
    }

    void unreachableServerIsAnErrorWithTheReason()
    {
        const int port = qd::test::freeLoopbackPort();
        auto b = backend(QStringLiteral("sidekiq+redis://127.0.0.1:%1/0").arg(port));
        const Snapshot s = poll(*b);
        QVERIFY(!s.ok());
        QVERIFY2(s.error.contains(QString::number(port)), qPrintable(s.error));
        QCOMPARE(b->state(), qd::ConnectionState::Error);
    }

private:
    qd::test::SharedRedis m_redis;
};

QTEST_GUILESS_MAIN(TestSidekiq)
#include "tst_sidekiq.moc"
