// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// The page walkers against a listing shaped like a budgeted server-side search of a big live queue: each page scans
// 100 entries and returns what matched among them, so almost every page is empty but still has a cursor. The one
// match sits at the very end of 35,000 jobs. A loop that stops at the first empty page (the bug the CLI, the
// export dialog and "similar jobs" had) finds nothing.
#include "tests/support/budgetedsearch.h"
#include "core/jobs/pagewalker.h"

#include <QSignalSpy>
#include <QTest>

using namespace qd;
using qd::test::BudgetedSearch;

namespace {

JobQuery search()
{
    JobQuery q;
    q.queue = QStringLiteral("default");
    q.state = JobState::Waiting;
    q.search = QStringLiteral("onerror");
    return q;
}

} // namespace

class TestPageWalker : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void asyncWalkFindsTheMatchDeepInABigList()
    {
        BudgetedSearch b(35'000, {34'999});
        AsyncPageWalker w(&b, search(), -1, 500);
        QSignalSpy pages(&w, &AsyncPageWalker::page);
        QSignalSpy done(&w, &AsyncPageWalker::finished);
        w.start();
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 30'000);
        QCOMPARE(pages.size(), 1); // only pages with jobs are handed out
        QCOMPARE(pages.first().first().value<JobPage>().jobs.first().id, QStringLiteral("job-34999"));
        const PageWalk walk = done.first().first().value<PageWalk>();
        QVERIFY(walk.reachedEnd);
        QVERIFY(walk.error.isEmpty());
        QCOMPARE(walk.jobs, 1);
        QCOMPARE(walk.pages, 350);
        QCOMPARE(walk.scanned, std::optional<qint64>(35'000));
    }

    void blockingWalkFindsItToo()
    {
        BudgetedSearch b(35'000, {12, 34'999});
        b.later = false; // the blocking walker waits on this thread
        QStringList found;
        const PageWalk walk = PageWalker::walk(b, search(), -1, 500, [&](const JobPage &p) {
            for (const JobSummary &j : p.jobs) {
                found << j.id;
            }
            return true;
        });
        QCOMPARE(found, (QStringList{QStringLiteral("job-12"), QStringLiteral("job-34999")}));
        QVERIFY(walk.reachedEnd);
    }

    void maxStopsTheWalkAndSaysItDidNotReachTheEnd()
    {
        BudgetedSearch b(10'000, {5, 50, 500, 5000});
        AsyncPageWalker w(&b, search(), 2, 500);
        QSignalSpy done(&w, &AsyncPageWalker::finished);
        w.start();
        QTRY_COMPARE(done.size(), 1);
        const PageWalk walk = done.first().first().value<PageWalk>();
        QCOMPARE(walk.jobs, 2);
        QVERIFY(!walk.reachedEnd);
        QCOMPARE(b.calls, 1); // both in the first 100 entries: nothing more is asked
    }

    void aConsumerThatWorksPerPageIsWaitedFor()
    {
        BudgetedSearch b(1000, {10, 210, 410});
        AsyncPageWalker w(&b, search(), -1, 500);
        w.setAutoProceed(false);
        QSignalSpy pages(&w, &AsyncPageWalker::page);
        QSignalSpy done(&w, &AsyncPageWalker::finished);
        w.start();
        QTRY_COMPARE(pages.size(), 1);
        const int asked = b.calls;
        for (int i = 0; i < 20; ++i) {
            QCoreApplication::processEvents(); // an answer would arrive within a turn or two of the loop
        }
        QCOMPARE(b.calls, asked); // nothing more is asked while the consumer works
        w.proceed();
        QTRY_COMPARE(pages.size(), 2);
        w.proceed();
        QTRY_COMPARE(pages.size(), 3);
        QCOMPARE(done.size(), 0);
        w.proceed();
        QTRY_COMPARE(done.size(), 1);
        QVERIFY(done.first().first().value<PageWalk>().reachedEnd);
    }

    void stopEndsTheWalkOnce()
    {
        BudgetedSearch b(100'000, {});
        AsyncPageWalker w(&b, search(), -1, 500);
        QSignalSpy done(&w, &AsyncPageWalker::finished);
        w.start();
        QTRY_VERIFY(b.calls >= 3);
        w.stop();
        QTRY_COMPARE(done.size(), 1);
        const int calls = b.calls;
        w.proceed();
        w.stop();
        QCOMPARE(b.calls, calls);
        QCOMPARE(done.size(), 1);
        QVERIFY(!done.first().first().value<PageWalk>().reachedEnd);
    }

    void aListingThatDoesNotAdvanceIsAnError()
    {
        BudgetedSearch b(1000, {});
        b.stall = true;
        AsyncPageWalker w(&b, search(), -1, 500);
        QSignalSpy done(&w, &AsyncPageWalker::finished);
        w.start();
        QTRY_COMPARE(done.size(), 1);
        const PageWalk walk = done.first().first().value<PageWalk>();
        QVERIFY2(walk.error.contains(u"did not advance"), qPrintable(walk.error));
        QCOMPARE(b.calls, 2);
    }
};

QTEST_GUILESS_MAIN(TestPageWalker)
#include "tst_pagewalker.moc"
