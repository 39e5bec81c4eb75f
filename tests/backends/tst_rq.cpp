// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// RQ backend against a real redis-server filled by the real python3-rq 1.13 (fixtures/redis/fill_rq.py),
// compared with what RQ's own API reports for the same data.
#include "core/backends/rq/rqbackend.h"
#include "tests/backends/redistestserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <algorithm>
#include <cmath>

using qd::Snapshot;
using qd::WorkerState;
using qd::rq::RqBackend;

namespace {

constexpr int kDb = 4;
const QString kFixtures = QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/redis/");

std::unique_ptr<RqBackend> backend(const QString &url)
{
    return std::make_unique<RqBackend>(qd::ConnectionUrl::parse(url).value());
}

} // namespace

class TestRq : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { m_redis = qd::test::sharedRedis(); }

    void init()
    {
        m_report = QJsonDocument::fromJson(qd::test::runFixture(QStringLiteral("/usr/bin/python3"),
                                                                {kFixtures + QStringLiteral("fill_rq.py"),
                                                                 m_redis.plainUrl(kDb)}))
                       .object();
        QVERIFY2(!m_report.isEmpty(), "fill_rq.py failed");
    }

    void parsesRqTimes()
    {
        const auto t = qd::rq::parseRqTime("2026-11-25T06:37:30.666374Z");
        QVERIFY(t);
        QCOMPARE(*t, double(QDateTime(QDate(2026, 11, 25), QTime(6, 37, 30), Qt::UTC).toSecsSinceEpoch()) + 0.666374);
        QVERIFY(qd::rq::parseRqTime("2026-11-25T06:37:30Z"));
        QVERIFY(!qd::rq::parseRqTime("yesterday"));
        QVERIFY(!qd::rq::parseRqTime(""));
    }

    void snapshotEqualsRqsOwnApi()
    {
        auto b = backend(m_redis.url(QStringLiteral("rq"), kDb));
        const Snapshot s = b->snapshot().result();
        QVERIFY2(s.ok(), qPrintable(s.error));
        QCOMPARE(s.backend, QStringLiteral("rq"));
        const QJsonObject queues = m_report.value(u"queues").toObject();
        const QJsonObject oldest = m_report.value(u"oldest_enqueued_at").toObject();
        QCOMPARE(s.queues.size(), queues.size());
        const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
        for (auto it = queues.begin(); it != queues.end(); ++it) {
            const QJsonObject c = it.value().toObject();
            const auto *q = s.queue(it.key());
            QVERIFY2(q, qPrintable(it.key()));
            QCOMPARE(q->waiting.value(), c.value(u"count").toInteger());
            QCOMPARE(q->running.value(), c.value(u"started").toInteger());
            QCOMPARE(q->failed.value(), c.value(u"failed").toInteger());
            QCOMPARE(q->completed.value(), c.value(u"finished").toInteger());
            QCOMPARE(q->scheduled.value(), c.value(u"scheduled").toInteger() + c.value(u"deferred").toInteger());
            QVERIFY2(!q->dead.has_value(), "RQ has no dead state: unknown, not 0");
            const QJsonValue first = oldest.value(it.key());
            if (first.isString()) {
                const double expected = now - *qd::rq::parseRqTime(first.toString().toLatin1());
                QVERIFY2(std::abs(q->oldestAgeSeconds.value() - expected) < 2.0, qPrintable(it.key()));
            } else {
                QCOMPARE(q->oldestAgeSeconds.value(), 0.0);
            }
        }
        QVERIFY2(s.queue(QStringLiteral("high")), "a queue known only from rq:queues is shown");
        QCOMPARE(s.queue(QStringLiteral("high"))->waiting.value(), 0);
        QCOMPARE(s.queue(QStringLiteral("high"))->countExactness, qd::Exactness::Exact);
        QVERIFY(!s.totals.processed.has_value()); // RQ keeps no counters: unknown
        // Workers: w1 busy on emails-started with a fresh heartbeat; w-dead's heartbeat is an hour old.
        QCOMPARE(s.workers.size(), m_report.value(u"workers").toArray().size());
        for (const qd::WorkerInfo &w : s.workers) {
            if (w.id == u"w1") {
                QCOMPARE(w.state, WorkerState::Busy);
                QCOMPARE(w.currentJob, QStringLiteral("emails-started"));
                QCOMPARE(w.queues, (QStringList{QStringLiteral("default"), QStringLiteral("emails")}));
                QVERIFY(w.lastSeenAgeSeconds.value() < 30);
            } else {
                QCOMPARE(w.id, QStringLiteral("w-dead"));
                QCOMPARE(w.state, WorkerState::Lost);
                QVERIFY(w.lastSeenAgeSeconds.value() > 3000);
            }
        }
        QVERIFY(s.workersComplete);
    }

    void twoRoundTripsAndNothingWritten()
    {
        auto b = backend(m_redis.url(QStringLiteral("rq"), kDb));
        QVERIFY(b->snapshot().result().ok());
        const QString keys = qd::test::redisCli(m_redis.host, m_redis.port, kDb, {QStringLiteral("DBSIZE")});
        const auto before = b->connectionStats();
        QVERIFY(b->snapshot().result().ok());
        QCOMPARE(b->connectionStats().roundTrips - before.roundTrips, 2);
        QCOMPARE(qd::test::redisCli(m_redis.host, m_redis.port, kDb, {QStringLiteral("DBSIZE")}), keys);
    }

    void wrongTypeAndHostileNames()
    {
        auto cli = [&](const QStringList &args) { return qd::test::redisCli(m_redis.host, m_redis.port, kDb, args); };
        // Quotes, markup, an ampersand and a non-ASCII letter; QChar for the double quote keeps moc happy.
        const QString hostile = QStringLiteral("<script>alert(1)</script> ") + QChar(u'"') + QStringLiteral("q'&amp; é");
        cli({QStringLiteral("SADD"), QStringLiteral("rq:queues"), QStringLiteral("rq:queue:broken"),
             QStringLiteral("rq:queue:") + hostile});
        cli({QStringLiteral("SET"), QStringLiteral("rq:queue:broken"), QStringLiteral("not a list")});
        cli({QStringLiteral("SET"), QStringLiteral("rq:failed:emails"), QStringLiteral("not a zset")});
        auto b = backend(m_redis.url(QStringLiteral("rq"), kDb));
        const Snapshot s = b->snapshot().result();
        QVERIFY2(s.ok(), qPrintable(s.error));

        const auto *broken = s.queue(QStringLiteral("broken"));
        QVERIFY(broken);
        QVERIFY(!broken->waiting.has_value());
        QVERIFY(!broken->oldestAgeSeconds.has_value());
        QCOMPARE(broken->countExactness, qd::Exactness::Unknown);
        QCOMPARE(broken->running.value(), 0); // its registries are separate keys and still readable
        // A registry of the wrong type makes that one figure unknown, nothing else.
        const auto *emails = s.queue(QStringLiteral("emails"));
        QVERIFY(!emails->failed.has_value());
        QCOMPARE(emails->waiting.value(), 3);
        QCOMPARE(emails->running.value(), 1);
        QCOMPARE(s.warnings.size(), 2);
        QVERIFY(s.warnings.join(u' ').contains(u"WRONGTYPE"));
        QVERIFY(s.warnings.filter(u"broken").size() == 1 && s.warnings.filter(u"rq:failed:emails").size() == 1);

        const auto *def = s.queue(QStringLiteral("default"));
        QCOMPARE(def->waiting.value(), 5);
        QCOMPARE(def->failed.value(), 0);
        QCOMPARE(def->countExactness, qd::Exactness::Exact);

        const auto *h = s.queue(hostile); // verbatim; views escape
        QVERIFY(h);
        QCOMPARE(h->waiting.value(), 0);
    }

    void unregisteredListsAreFoundOnTheFirstPoll()
    {
        auto cli = [&](const QStringList &args) { return qd::test::redisCli(m_redis.host, m_redis.port, kDb, args); };
        // A list nobody registered in rq:queues (e.g. written by another client), among 60,000 other keys: one SCAN
        // step would see a sliver of them. Its job is default-1.
        qd::test::fillFillerKeys(m_redis.host, m_redis.port, kDb, 60'000);
        cli({QStringLiteral("RPUSH"), QStringLiteral("rq:queue:orphan"), QStringLiteral("default-1")});
        auto b = backend(m_redis.url(QStringLiteral("rq"), kDb));
        Snapshot s = b->snapshot().result();
        QVERIFY2(s.ok(), qPrintable(s.error));
        const auto *orphan = s.queue(QStringLiteral("orphan"));
        QVERIFY(orphan);
        QCOMPARE(orphan->waiting.value(), 1);
        const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
        const double expected =
            now - *qd::rq::parseRqTime(m_report.value(u"oldest_enqueued_at").toObject().value(u"default").toString().toLatin1());
        QVERIFY(std::abs(orphan->oldestAgeSeconds.value() - expected) < 2.0);
        QVERIFY2(s.warnings.isEmpty(), qPrintable(s.warnings.join(u'\n')));

        // Drained: the list is gone, and so is the queue (it was never registered) — at once, and after the
        // discovery pass that no longer finds it.
        cli({QStringLiteral("DEL"), QStringLiteral("rq:queue:orphan")});
        for (int i = 0; i < 3; ++i) {
            s = b->snapshot().result();
            QVERIFY(s.ok());
            QVERIFY(!s.queue(QStringLiteral("orphan")));
            QCOMPARE(s.queues.size(), m_report.value(u"queues").toObject().size());
        }
    }

    void heartbeatTimeoutOption()
    {
        // w-dead beat an hour ago: lost with the default (480 s), busy when a day is allowed.
        auto b = backend(m_redis.url(QStringLiteral("rq"), kDb, QStringLiteral("?heartbeat_timeout=86400")));
        const Snapshot s = b->snapshot().result();
        QVERIFY2(s.ok(), qPrintable(s.error));
        const auto dead = std::find_if(s.workers.cbegin(), s.workers.cend(), [](const qd::WorkerInfo &w) {
            return w.id == u"w-dead";
        });
        QVERIFY(dead != s.workers.cend());
        QCOMPARE(dead->state, WorkerState::Busy);
        QVERIFY(dead->currentJob.isEmpty());
    }

    void startedJobsAreListedWithTheirWorker()
    {
        // emails-started was dequeued and prepared by worker w1 (in rq:wip:emails), as a running worker leaves it.
        auto b = backend(m_redis.url(QStringLiteral("rq"), kDb));
        qd::JobQuery q;
        q.queue = QStringLiteral("emails");
        q.state = qd::JobState::Running;
        const qd::JobPage running = b->jobs(q).result();
        QVERIFY2(running.error.isEmpty(), qPrintable(running.error));
        QCOMPARE(running.jobs.size(), 1);
        QCOMPARE(running.jobs.at(0).id, QStringLiteral("emails-started"));
        QCOMPARE(running.jobs.at(0).worker, QStringLiteral("w1"));
        QCOMPARE(running.jobs.at(0).className, QStringLiteral("rqjobs.send_email"));
        const qd::JobDetail d = b->job(QStringLiteral("emails-started")).result();
        QCOMPARE(d.summary.state, qd::JobState::Running);
        // Only the worker can stop a running job: refused, and nothing changes.
        qd::JobAction a;
        a.kind = qd::ActionKind::Cancel;
        a.expected = qd::JobState::Running;
        a.jobIds = {QStringLiteral("emails-started")};
        QVERIFY(!b->act(a).result().error.isEmpty());
        QCOMPARE(qd::test::redisCli(m_redis.host, m_redis.port, kDb, {QStringLiteral("ZCARD"), QStringLiteral("rq:wip:emails")}),
                 QStringLiteral("1"));
    }

    void unreachable()
    {
        const int port = qd::test::freeLoopbackPort();
        auto b = backend(QStringLiteral("rq+redis://127.0.0.1:%1/0").arg(port));
        const Snapshot s = b->snapshot().result();
        QVERIFY(!s.ok());
        QVERIFY2(s.error.contains(QStringLiteral("127.0.0.1:%1").arg(port)), qPrintable(s.error));
        QVERIFY(s.queues.isEmpty());
    }

private:
    qd::test::SharedRedis m_redis;
    QJsonObject m_report;
};

QTEST_GUILESS_MAIN(TestRq)
#include "tst_rq.moc"
