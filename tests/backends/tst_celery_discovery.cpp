// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Celery queue discovery (issue 17, item 4) against a real redis-server filled by real python3-celery 5.2
// (fixtures/redis/fill_celery_many.py): queues "emails" and "reports", whose `_kombu.binding.*` sets are two among
// ~23,000 keys (3,000 results, 20,000 other sets), and no message on the configured default queue "celery". The
// first poll of a new backend lists both; a tiny discovery budget says how far it got and the next polls finish.
#include "core/backends/celery/celerybackend.h"
#include "tests/backends/discoverypolls.h"
#include "tests/backends/redistestserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using qd::Snapshot;
using qd::celery::CeleryBackend;

namespace {

constexpr int kDb = 17;
const QString kFixtures = QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/redis/");

} // namespace

class TestCeleryDiscovery : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<CeleryBackend> backend(const QString &query = {})
    {
        return std::make_unique<CeleryBackend>(
            qd::ConnectionUrl::parse(m_redis.url(QStringLiteral("celery"), kDb, query)).value());
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_redis = qd::test::sharedRedis();
        m_report = QJsonDocument::fromJson(qd::test::runFixture(QStringLiteral("/usr/bin/python3"),
                                                                {kFixtures + QStringLiteral("fill_celery_many.py"),
                                                                 m_redis.plainUrl(kDb)}))
                       .object();
        QVERIFY2(!m_report.isEmpty(), "fill_celery_many.py failed");
        QVERIFY(m_report.value(u"dbsize").toInteger() > 23'000);
    }

    void firstPollListsEveryQueue()
    {
        auto b = backend(QStringLiteral("?results=1"));
        const Snapshot s = b->snapshot().result();
        QVERIFY2(s.ok(), qPrintable(s.error));
        QVERIFY2(qd::test::discoveryWarning(s).isEmpty(), qPrintable(qd::test::discoveryWarning(s)));
        const QJsonObject queues = m_report.value(u"queues").toObject();
        for (auto it = queues.begin(); it != queues.end(); ++it) {
            const auto *q = s.queue(it.key());
            QVERIFY2(q, qPrintable(it.key()));
            QCOMPARE(q->waiting.value(), it.value().toInteger());
        }
        QCOMPARE(s.queues.size(), 3); // and the configured default queue, empty
        QCOMPARE(s.queue(QStringLiteral("celery"))->waiting.value(), 0);
    }

    void tinyBudgetWarnsAndTheNextPollsFinish()
    {
        auto b = backend(QStringLiteral("?discovery_budget_ms=0.001&scan_budget_ms=0.05"));
        const Snapshot first = b->snapshot().result();
        QVERIFY2(first.ok(), qPrintable(first.error));
        QVERIFY2(!qd::test::discoveryWarning(first).isEmpty(), qPrintable(first.warnings.join(u'\n')));
        const int more = qd::test::pollsUntil(
            *b,
            [](const Snapshot &s) {
                return s.queue(QStringLiteral("emails")) && s.queue(QStringLiteral("reports"))
                       && qd::test::discoveryWarning(s).isEmpty();
            },
            5'000);
        QVERIFY2(more > 0, "discovery never completed");
        qInfo().noquote() << qd::test::discoveryWarning(first) << "— complete after" << more << "more polls";
    }

private:
    qd::test::SharedRedis m_redis;
    QJsonObject m_report;
};

QTEST_GUILESS_MAIN(TestCeleryDiscovery)
#include "tst_celery_discovery.moc"
