// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Celery-on-Redis backend against a real redis-server filled by real python3-celery 5.2 (fixtures/redis/
// fill_celery.py), compared with kombu's own message counts; oldest age observed across polls; results.
#include "core/backends/celery/celerybackend.h"
#include "core/clock.h"
#include "tests/backends/redistestserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using qd::Snapshot;
using qd::celery::CeleryBackend;

namespace {

constexpr int kDb = 5;
const QString kFixtures = QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/redis/");

} // namespace

class TestCelery : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<CeleryBackend> backend(const QString &query = {}, qd::Clock *clock = nullptr)
    {
        return std::make_unique<CeleryBackend>(qd::ConnectionUrl::parse(m_redis.url(QStringLiteral("celery"), kDb, query)).value(),
                                               clock);
    }

private Q_SLOTS:
    void initTestCase() { m_redis = qd::test::sharedRedis(); }

    void init()
    {
        m_report = QJsonDocument::fromJson(qd::test::runFixture(QStringLiteral("/usr/bin/python3"),
                                                                {kFixtures + QStringLiteral("fill_celery.py"),
                                                                 m_redis.plainUrl(kDb)}))
                       .object();
        QVERIFY2(!m_report.isEmpty(), "fill_celery.py failed");
    }

    void countsEqualKombusIncludingPriorityLists()
    {
        auto b = backend();
        const Snapshot s = b->snapshot().result();
        QVERIFY2(s.ok(), qPrintable(s.error));
        QCOMPARE(s.backend, QStringLiteral("celery"));
        const QJsonObject queues = m_report.value(u"queues").toObject();
        QCOMPARE(s.queues.size(), queues.size()); // "emails" found through its kombu binding
        for (auto it = queues.begin(); it != queues.end(); ++it) {
            const auto *q = s.queue(it.key());
            QVERIFY2(q, qPrintable(it.key()));
            QCOMPARE(q->waiting.value(), it.value().toInteger());
            QCOMPARE(q->running.value(), 0); // no worker has prefetched anything
            QVERIFY2(!q->dead.has_value() && !q->failed.has_value(), "Celery keeps no such sets: unknown");
            QVERIFY2(!q->oldestAgeSeconds.has_value(), "no enqueue time in a Celery message: unknown, not 0");
        }
        QVERIFY(s.workers.isEmpty());
        QVERIFY2(!s.workersComplete && !s.workersKnown, "workers are unknown without Celery events");
        QVERIFY2(!s.workerSummary().busy.has_value(), "unknown, not 0 busy");
        QVERIFY(!s.totals.failed.has_value());
    }

    void oldestAgeIsObservedAcrossPolls()
    {
        qd::ManualClock clock(QDateTime::currentDateTimeUtc());
        auto b = backend(QString(), &clock);
        QVERIFY(!b->snapshot().result().queue(QStringLiteral("celery"))->oldestAgeSeconds.has_value());
        clock.advance(120'000);
        Snapshot s = b->snapshot().result();
        QCOMPARE(s.queue(QStringLiteral("celery"))->oldestAgeSeconds.value(), 120.0); // at least this long
        QVERIFY2(s.queue(QStringLiteral("celery"))->oldestAgeIsLowerBound, "observed, not measured: a lower bound");
        // The head message is consumed: the next one has only just been seen at the head.
        qd::test::redisCli(m_redis.host, m_redis.port, kDb, {QStringLiteral("RPOP"), QStringLiteral("emails")});
        clock.advance(30'000);
        s = b->snapshot().result();
        QVERIFY(!s.queue(QStringLiteral("emails"))->oldestAgeSeconds.has_value());
        QCOMPARE(s.queue(QStringLiteral("celery"))->oldestAgeSeconds.value(), 150.0);
    }

    void failedResultsWhenAsked()
    {
        auto b = backend(QStringLiteral("?results=1"));
        const Snapshot s = b->snapshot().result();
        QVERIFY2(s.ok(), qPrintable(s.error));
        QCOMPARE(s.totals.failed.value(), m_report.value(u"failed_results").toInteger());
    }

    void wrongTypeQueueIsAWarning()
    {
        qd::test::redisCli(m_redis.host, m_redis.port, kDb, {QStringLiteral("SET"), QStringLiteral("broken"), QStringLiteral("x")});
        auto b = backend(QStringLiteral("?queues=celery,broken"));
        const Snapshot s = b->snapshot().result();
        QVERIFY2(s.ok(), qPrintable(s.error));
        QVERIFY(!s.queue(QStringLiteral("broken"))->waiting.has_value());
        QVERIFY(s.warnings.join(u' ').contains(u"WRONGTYPE"));
        QCOMPARE(s.queue(QStringLiteral("celery"))->waiting.value(), 6);
    }

    void aRealWorkerDrainsTheQueue()
    {
        auto b = backend();
        QCOMPARE(b->snapshot().result().queue(QStringLiteral("celery"))->waiting.value(), 6);
        QProcess worker;
        worker.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        worker.start(QStringLiteral("/usr/bin/python3"),
                     {kFixtures + QStringLiteral("celery_worker.py"), m_redis.plainUrl(kDb)});
        QVERIFY(worker.waitForStarted(10'000));
        QTRY_VERIFY_WITH_TIMEOUT(b->snapshot().result().queue(QStringLiteral("celery"))->waiting == 0, 30'000);
        const Snapshot s = b->snapshot().result();
        QCOMPARE(s.queue(QStringLiteral("celery"))->oldestAgeSeconds.value(), 0.0);
        QCOMPARE(s.queue(QStringLiteral("emails"))->waiting.value(), 4); // not its queue
        worker.terminate();
        QVERIFY(worker.waitForFinished(20'000));
    }

    void aWorkerHoldingAnEtaTaskMakesItScheduled()
    {
        // A real worker on "emails" runs emails-1..3 and keeps emails-eta (due in 1 h) prefetched in `unacked`.
        // While it runs, its remote-control mailbox is bound too (`_kombu.binding.celery.pidbox`): not a queue.
        auto b = backend();
        QProcess worker;
        worker.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        worker.start(QStringLiteral("/usr/bin/python3"),
                     {kFixtures + QStringLiteral("celery_worker.py"), m_redis.plainUrl(kDb), QStringLiteral("-Q"),
                      QStringLiteral("emails")});
        QVERIFY(worker.waitForStarted(10'000));
        const auto settled = [&b] {
            const Snapshot s = b->snapshot().result();
            const auto *q = s.queue(QStringLiteral("emails"));
            return q && q->waiting == 0 && q->scheduled == 1 && q->running == 0;
        };
        QTRY_VERIFY_WITH_TIMEOUT(settled(), 30'000);
        QTRY_VERIFY_WITH_TIMEOUT(
            qd::test::redisCli(m_redis.host, m_redis.port, kDb,
                               {QStringLiteral("EXISTS"), QStringLiteral("_kombu.binding.celery.pidbox")}) == u"1",
            10'000);
        const Snapshot s = b->snapshot().result();
        QVERIFY2(s.ok(), qPrintable(s.error));
        QStringList names;
        for (const auto &q : s.queues) {
            names << q.name;
        }
        QCOMPARE(names, (QStringList{QStringLiteral("celery"), QStringLiteral("emails")}));
        QCOMPARE(s.queue(QStringLiteral("celery"))->waiting.value(), 6); // not its queue
        // The held ETA task is listed as scheduled (from kombu's unacked hash), with its run time; it cannot be
        // deleted from here (the worker holds it).
        qd::JobQuery q;
        q.queue = QStringLiteral("emails");
        q.state = qd::JobState::Scheduled;
        const qd::JobPage held = b->jobs(q).result();
        QVERIFY2(held.error.isEmpty(), qPrintable(held.error));
        QCOMPARE(held.jobs.size(), 1);
        QCOMPARE(held.jobs.at(0).id, QStringLiteral("emails:emails-eta"));
        QVERIFY(held.jobs.at(0).runAt > QDateTime::currentDateTimeUtc());
        QVERIFY(!held.notice.isEmpty());
        QCOMPARE(b->job(held.jobs.at(0).id).result().summary.state, qd::JobState::Scheduled);
        q.state = qd::JobState::Running;
        QVERIFY(b->jobs(q).result().jobs.isEmpty());
        qd::JobAction a;
        a.kind = qd::ActionKind::Cancel;
        a.expected = qd::JobState::Scheduled;
        a.jobIds = {held.jobs.at(0).id};
        QVERIFY(!b->act(a).result().error.isEmpty());
        worker.terminate();
        QVERIFY(worker.waitForFinished(20'000));
    }

    void unreachableServerIsAnErrorNamingIt()
    {
        const int port = qd::test::freeLoopbackPort();
        CeleryBackend b(qd::ConnectionUrl::parse(QStringLiteral("celery+redis://127.0.0.1:%1/0").arg(port)).value());
        const Snapshot s = b.snapshot().result();
        QVERIFY(!s.ok());
        QVERIFY2(s.error.contains(QStringLiteral("127.0.0.1:%1").arg(port)), qPrintable(s.error));
    }

    void prefetchedCountsFollowEveryChangeOfUnacked()
    {
        // The unacked hash is read only when its fingerprint (size, oldest and newest delivery) changed: every
        // delivery and every ack still shows at the next poll.
        auto cli = [&](const QStringList &args) { return qd::test::redisCli(m_redis.host, m_redis.port, kDb, args); };
        auto deliver = [&](const QString &tag, double at, bool eta) {
            const QString body =
                QStringLiteral("[{\"headers\": {\"id\": \"%1\"%2}, \"properties\": {\"delivery_tag\": \"%1\"}}, "
                               "\"\", \"emails\"]")
                    .arg(tag, eta ? QStringLiteral(", \"eta\": \"2099-01-01T00:00:00+00:00\"") : QString());
            cli({QStringLiteral("HSET"), QStringLiteral("unacked"), tag, body});
            cli({QStringLiteral("ZADD"), QStringLiteral("unacked_index"), QString::number(at, 'f', 3), tag});
        };
        auto ack = [&](const QString &tag) {
            cli({QStringLiteral("HDEL"), QStringLiteral("unacked"), tag});
            cli({QStringLiteral("ZREM"), QStringLiteral("unacked_index"), tag});
        };
        auto emails = [](const qd::Snapshot &s) {
            const auto *q = s.queue(QStringLiteral("emails"));
            return q ? QStringLiteral("%1/%2").arg(q->running.value_or(-1)).arg(q->scheduled.value_or(-1)) : QString();
        };
        auto b = backend();
        deliver(QStringLiteral("t1"), 1764000001, false);
        QCOMPARE(emails(b->snapshot().result()), QStringLiteral("1/0"));
        QCOMPARE(emails(b->snapshot().result()), QStringLiteral("1/0")); // unchanged: not read again, still counted
        deliver(QStringLiteral("t2"), 1764000002, true);
        QCOMPARE(emails(b->snapshot().result()), QStringLiteral("1/1"));
        ack(QStringLiteral("t1"));
        QCOMPARE(emails(b->snapshot().result()), QStringLiteral("0/1"));
        ack(QStringLiteral("t2")); // an ack and a delivery between two polls: the same size, a new newest delivery
        deliver(QStringLiteral("t3"), 1764000003, false);
        QCOMPARE(emails(b->snapshot().result()), QStringLiteral("1/0"));
    }

    void twoRoundTrips()
    {
        auto b = backend(QStringLiteral("?results=1"));
        QVERIFY(b->snapshot().result().ok());
        const auto before = b->connectionStats();
        QVERIFY(b->snapshot().result().ok());
        QCOMPARE(b->connectionStats().roundTrips - before.roundTrips, 2);
    }

private:
    qd::test::SharedRedis m_redis;
    QJsonObject m_report;
};

QTEST_GUILESS_MAIN(TestCelery)
#include "tst_celery.moc"
