// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// BullMQ queue discovery (issue 17, item 4) against a real redis-server filled by the real npm bullmq package
// (fixtures/redis/fill_bullmq_many.mjs): two queues of 2,200 jobs each among 20,000 other hashes, so their two
// `meta` keys are two among ~24,000. The first poll of a new backend lists both; a tiny discovery budget says how
// far it got and the next polls finish the pass; queues created or deleted later are found or dropped.
#include "core/backends/bullmq/bullmqbackend.h"
#include "tests/backends/discoverypolls.h"
#include "tests/backends/redistestserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using qd::Snapshot;
using qd::bullmq::BullMqBackend;

namespace {

constexpr int kDb = 16;
const QString kFixtures = QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/redis/");

bool listsBoth(const Snapshot &s)
{
    return s.queue(QStringLiteral("orders")) && s.queue(QStringLiteral("thumbs"));
}

} // namespace

class TestBullMqDiscovery : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<BullMqBackend> backend(const QString &query = {})
    {
        return std::make_unique<BullMqBackend>(
            qd::ConnectionUrl::parse(m_redis.url(QStringLiteral("bullmq"), kDb, query)).value());
    }

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
                                                                {kFixtures + QStringLiteral("fill_bullmq_many.mjs"),
                                                                 m_redis.plainUrl(kDb)}))
                       .object();
        QVERIFY2(!m_report.isEmpty(), "fill_bullmq_many.mjs failed");
        QVERIFY(m_report.value(u"dbsize").toInteger() > 24'000);
    }

    void firstPollListsEveryQueue()
    {
        auto b = backend();
        const Snapshot s = b->snapshot().result();
        QVERIFY2(s.ok(), qPrintable(s.error));
        QVERIFY2(qd::test::discoveryWarning(s).isEmpty(), qPrintable(qd::test::discoveryWarning(s)));
        QCOMPARE(s.queues.size(), 2);
        const QJsonObject queues = m_report.value(u"queues").toObject();
        for (auto it = queues.begin(); it != queues.end(); ++it) {
            const auto *q = s.queue(it.key());
            QVERIFY2(q, qPrintable(it.key()));
            QCOMPARE(q->waiting.value(), it.value().toObject().value(u"wait").toInteger());
            QCOMPARE(q->scheduled.value(), it.value().toObject().value(u"delayed").toInteger());
        }
    }

    void tinyBudgetWarnsAndTheNextPollsFinish()
    {
        // 1 µs for the first pass: exactly one discovery call of 50 µs, a sliver of the keyspace.
        auto b = backend(QStringLiteral("?discovery_budget_ms=0.001&scan_budget_ms=0.05"));
        const Snapshot first = b->snapshot().result();
        QVERIFY2(first.ok(), qPrintable(first.error));
        const QString warning = qd::test::discoveryWarning(first);
        QVERIFY2(warning.contains(u"% of the keyspace") && warning.contains(u"the rest follows in the next polls"),
                 qPrintable(first.warnings.join(u'\n')));
        const int more = qd::test::pollsUntil(
            *b, [](const Snapshot &s) { return listsBoth(s) && qd::test::discoveryWarning(s).isEmpty(); }, 5'000);
        QVERIFY2(more > 0, "discovery never completed");
        qInfo().noquote() << qd::test::discoveryWarning(first) << "— complete after" << more << "more polls";
        QCOMPARE(b->snapshot().result().queues.size(), 2);
    }

    void laterQueuesAreFoundAndDeletedOnesDrop()
    {
        auto b = backend();
        QVERIFY(listsBoth(b->snapshot().result()));
        qd::test::redisCli(m_redis.host, m_redis.port, kDb,
                           {QStringLiteral("HSET"), QStringLiteral("bull:late:meta"), QStringLiteral("opts.maxLenEvents"),
                            QStringLiteral("10000")});
        qd::test::redisCli(m_redis.host, m_redis.port, kDb, {QStringLiteral("DEL"), QStringLiteral("bull:thumbs:meta")});
        const int polls = qd::test::pollsUntil(
            *b,
            [](const Snapshot &s) {
                return s.queue(QStringLiteral("late")) && !s.queue(QStringLiteral("thumbs"))
                       && s.queue(QStringLiteral("orders"));
            },
            100);
        QVERIFY2(polls > 0, "the new queue was not found or the deleted one stayed");
    }

    /// `discovery=off`: no pass over the keyspace at all — the named queues only, as the peer's dashboard reads
    /// them; with nothing named, the snapshot says there is nothing to watch rather than showing an empty board.
    void discoveryOffWatchesOnlyTheNamedQueues()
    {
        auto named = backend(QStringLiteral("?discovery=off&queues=orders"));
        for (int i = 0; i < 3; ++i) {
            const Snapshot s = named->snapshot().result();
            QVERIFY2(s.ok(), qPrintable(s.error));
            QCOMPARE(s.queues.size(), 1);
            QVERIFY(s.queue(QStringLiteral("orders")));
            QCOMPARE(s.queue(QStringLiteral("orders"))->waiting.value(),
                     m_report.value(u"queues").toObject().value(u"orders").toObject().value(u"wait").toInteger());
            QVERIFY2(s.warnings.isEmpty(), qPrintable(s.warnings.join(u'\n')));
        }
        const Snapshot none = backend(QStringLiteral("?discovery=off"))->snapshot().result();
        QVERIFY2(none.ok(), qPrintable(none.error));
        QVERIFY(none.queues.isEmpty());
        QVERIFY2(none.warnings.join(u'\n').contains(u"discovery=off"), qPrintable(none.warnings.join(u'\n')));
    }

private:
    qd::test::SharedRedis m_redis;
    QJsonObject m_report;
};

QTEST_GUILESS_MAIN(TestBullMqDiscovery)
#include "tst_bullmq_discovery.moc"
