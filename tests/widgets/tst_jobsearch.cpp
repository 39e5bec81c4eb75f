// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Searching a big live Sidekiq queue from the job browser, on a real redis-server: the backend answers in
// short, time-bounded chunks; the browser shows how far the search got, adds hits as they are found, and can
// stop it.
#include "tests/backends/redistestserver.h"
#include "core/backends/sidekiq/sidekiqbackend.h"
#include "widgets/jobbrowser.h"
#include "models/jobtablemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace qd;

namespace {
constexpr int kDb = 21;
constexpr int kJobs = 20'000;
} // namespace

class TestJobSearch : public QObject
{
    Q_OBJECT
private:
    qd::test::SharedRedis m_redis;

    std::unique_ptr<sidekiq::SidekiqBackend> backend(const QString &query)
    {
        return std::make_unique<sidekiq::SidekiqBackend>(
            ConnectionUrl::parse(m_redis.url(QStringLiteral("sidekiq"), kDb, query)).value());
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_redis = qd::test::sharedRedis();
        qd::test::redisCli(m_redis.host, m_redis.port, kDb, {QStringLiteral("FLUSHDB")});
        // Every 5,000th job mentions user 4242; the others do not.
        qd::test::redisCli(
            m_redis.host, m_redis.port, kDb,
            {QStringLiteral("EVAL"),
             QStringLiteral("for i = 1, ") + QString::number(kJobs) + QStringLiteral(" do local u = (i % 5000 == 0) and 4242 or (i % 4000) "
                            "redis.call('LPUSH', KEYS[1], '{\"retry\":true,\"queue\":\"big\",\"class\":\"PrintJob\",\"args\":[' "
                            ".. '{\"user_id\":' .. u .. '},' .. i .. '],\"jid\":\"' .. string.format('%024x', i) .. "
                            "'\",\"enqueued_at\":1764000000}') end redis.call('SADD', KEYS[2], 'big') return 1"),
             QStringLiteral("2"), QStringLiteral("queue:big"), QStringLiteral("queues")});
        QCOMPARE(qd::test::redisCli(m_redis.host, m_redis.port, kDb, {QStringLiteral("LLEN"), QStringLiteral("queue:big")}),
                 QString::number(kJobs));
    }

    void hitsStreamInWithProgress()
    {
        auto b = backend(QStringLiteral("?scan_budget_ms=0.001")); // one 100-entry chunk per call: many calls
        JobBrowser browser;
        QAbstractItemModelTester tester(browser.model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        browser.setQueue(b.get(), QStringLiteral("c"), QStringLiteral("big"));
        QTRY_VERIFY(!browser.model()->isLoading());
        QSignalSpy progress(browser.model(), &JobTableModel::searchProgress);
        QSignalSpy inserted(browser.model(), &QAbstractItemModel::rowsInserted);
        browser.setSearch(QStringLiteral("\"user_id\":4242}"));
        QVERIFY(browser.model()->isSearching());
        QTRY_VERIFY_WITH_TIMEOUT(browser.isSearchStoppable(), 10'000);
        QVERIFY2(browser.statusText().startsWith(QStringLiteral("Searching…")), qPrintable(browser.statusText()));
        if (const QString shots = qEnvironmentVariable("QD_SCREENSHOT_DIR"); !shots.isEmpty()) { // docs/screenshots
            browser.resize(1280, 520);
            QTRY_VERIFY(browser.model()->rowCount() >= 2 || !browser.model()->isSearching()); // hits already shown
            QVERIFY(browser.grab().save(shots + QStringLiteral("/search-in-progress.png")));
        }
        QTRY_VERIFY_WITH_TIMEOUT(!browser.model()->isLoading(), 60'000);
        QCOMPARE(browser.model()->rowCount(), kJobs / 5000);
        QCOMPARE(inserted.count(), kJobs / 5000);          // each hit shown as it was found
        QVERIFY2(progress.count() >= kJobs / 100, qPrintable(QString::number(progress.count())));
        QCOMPARE(progress.last().at(0).toLongLong(), kJobs); // looked at everything
        QCOMPARE(progress.last().at(1).toLongLong(), kJobs);
        QVERIFY(!browser.isSearchStoppable());
        QVERIFY2(browser.statusText().startsWith(QStringLiteral("4 job(s) shown")), qPrintable(browser.statusText()));
    }

    void similarJobsAreCountedOnSidekiqRetries()
    {
        // Sidekiq keeps error_class and error_message apart, so "RuntimeError: printer on fire" is in no job's
        // text: the count said 0 for five identical retries. Here they sit among 3,000 others, some with the same
        // message under another class, some spread to the end of the set, scanned 100 at a time.
        constexpr int kDbRetries = 22;
        qd::test::redisCli(m_redis.host, m_redis.port, kDbRetries, {QStringLiteral("FLUSHDB")});
        qd::test::redisCli(
            m_redis.host, m_redis.port, kDbRetries,
            {QStringLiteral("EVAL"),
             QStringLiteral(
                 "for i = 1, 3000 do "
                 "  local same = (i <= 3) or (i == 1500) or (i == 3000) "
                 "  local class = (i == 10 or i == 2000) and 'MailJob' or 'PrintJob' "
                 "  local msg = (same or class == 'MailJob') and 'printer on fire' or ('paper jam ' .. i) "
                 "  redis.call('ZADD', KEYS[1], 1764000000 + i, '{\"retry\":true,\"queue\":\"big\",\"class\":\"' .. class .. "
                 "    '\",\"args\":[' .. i .. '],\"jid\":\"' .. string.format('%024x', i) .. '\",\"enqueued_at\":1764000000,"
                 "\"failed_at\":1764000000,\"retry_count\":1,\"error_class\":\"RuntimeError\",\"error_message\":\"' .. msg .. '\"}') "
                 "end redis.call('SADD', KEYS[2], 'big') return 1"),
             QStringLiteral("2"), QStringLiteral("retry"), QStringLiteral("queues")});
        auto b = std::make_unique<sidekiq::SidekiqBackend>(
            ConnectionUrl::parse(m_redis.url(QStringLiteral("sidekiq"), kDbRetries, QStringLiteral("?scan_budget_ms=0.001"))).value());
        JobBrowser browser;
        browser.setQueue(b.get(), QStringLiteral("c"), QStringLiteral("big"));
        browser.setState(JobState::Failed);
        // The first retry is selected by itself; then its detail, then the count.
        QTRY_VERIFY2_WITH_TIMEOUT(browser.similarText().contains(QStringLiteral("(same class and error): 5")),
                                  qPrintable(browser.similarText()), 30'000);
        QCOMPARE(JobBrowser::similarSearchText(QStringLiteral("RuntimeError: printer on fire")), QStringLiteral("printer on fire"));
        QCOMPARE(JobBrowser::similarSearchText(QStringLiteral("Timeout: 5")), QStringLiteral("Timeout: 5")); // too short to stand alone
        QCOMPARE(JobBrowser::similarSearchText(QStringLiteral("could not connect: refused")),
                 QStringLiteral("could not connect: refused")); // no class in front: the whole line
    }

    void stopKeepsWhatWasFound()
    {
        auto b = backend(QStringLiteral("?scan_budget_ms=0.001"));
        JobBrowser browser;
        browser.setQueue(b.get(), QStringLiteral("c"), QStringLiteral("big"));
        QTRY_VERIFY(!browser.model()->isLoading());
        QSignalSpy progress(browser.model(), &JobTableModel::searchProgress);
        browser.setSearch(QStringLiteral("nothing-matches-this"));
        QTRY_VERIFY(progress.count() >= 3);
        browser.model()->stopSearch();
        QVERIFY(!browser.model()->isLoading());
        QVERIFY(browser.model()->searchStopped());
        QVERIFY(!browser.model()->canFetchMore({})); // scrolling does not start it again
        QVERIFY(!browser.isSearchStoppable());
        QVERIFY2(browser.statusText().contains(QStringLiteral("search stopped after")), qPrintable(browser.statusText()));
        QVERIFY(browser.model()->scanned().value() < kJobs);
    }
};

QTEST_MAIN(TestJobSearch)
#include "tst_jobsearch.moc"
