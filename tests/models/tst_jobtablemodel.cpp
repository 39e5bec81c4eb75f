// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// The job table shows every identifier inert: a job id carrying terminal or bidi controls (a Sidekiq id holds the
// queue's name, a RabbitMQ id the message's own id) is escaped in the ID column, while the id the actions use
// stays exactly what the backend gave. The rows come through the one page walker: a match deep in a big live
// queue, behind hundreds of empty budgeted pages, is shown without anyone scrolling.
#include "core/backend.h"
#include "tests/support/budgetedsearch.h"
#include "core/clock.h"
#include "models/jobtablemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace qd;

namespace {

const QString kHostileId = QStringLiteral("queue:evil\x1b]0;owned\x07:j\u202e1");

class OnePageBackend final : public Backend
{
public:
    OnePageBackend()
        : Backend(ConnectionUrl::parse(QStringLiteral("sidekiq+redis://127.0.0.1:1/0")).value(), Clock::system())
    {
    }
    QString kind() const override { return QStringLiteral("one-page"); }
    Capabilities capabilities() const override { return {}; }
    QFuture<Snapshot> snapshot() override { return QtFuture::makeReadyFuture(Snapshot{}); }
    QFuture<JobPage> jobs(const JobQuery &) override
    {
        JobPage page;
        JobSummary j;
        j.id = kHostileId;
        j.className = QStringLiteral("PrintJob");
        page.jobs << j;
        return QtFuture::makeReadyFuture(page);
    }
};

} // namespace

class TestJobTableModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void identifiersAreShownInert()
    {
        OnePageBackend backend;
        JobTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&model, &JobTableModel::pageLoaded);
        QCOMPARE(model.setQuery(&backend, JobQuery{}), QString());
        QTRY_COMPARE(model.rowCount(), 1);
        const QString shown = model.data(model.index(0, JobTableModel::IdColumn)).toString();
        QVERIFY2(!shown.contains(QChar(0x1b)) && !shown.contains(QChar(0x07)) && !shown.contains(QChar(0x202e)),
                 qPrintable(shown));
        QVERIFY(shown.contains(u"evil"));
        QCOMPARE(model.data(model.index(0, 0), JobTableModel::JobIdRole).toString(), kHostileId); // for the actions
    }

    void aSearchReachesAMatchBehindEmptyPages()
    {
        // 35,000 jobs, 100 scanned per page: 349 empty pages with a cursor, then the match.
        qd::test::BudgetedSearch backend(35'000, {34'950});
        JobTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&model, &JobTableModel::pageLoaded);
        QSignalSpy progress(&model, &JobTableModel::searchProgress);
        JobQuery q;
        q.queue = QStringLiteral("default");
        q.search = QStringLiteral("onerror");
        q.limit = 50;
        model.setQuery(&backend, q);
        QVERIFY(model.isSearching());
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 10'000);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.data(model.index(0, 0), JobTableModel::JobIdRole).toString(), QStringLiteral("job-34950"));
        QCOMPARE(model.scanned().value(), 35'000);
        QVERIFY(!model.canFetchMore({})); // the end of the listing
        QVERIFY(progress.size() >= 300);
    }

    void aListingGoesOnPastEmptyPagesToAPagesWorth()
    {
        // No search: a page's worth of rows is gathered across sparse pages, without waiting for a scroll.
        QList<int> sparse;
        for (int i = 0; i < 10'000; i += 150) {
            sparse << i;
        }
        qd::test::BudgetedSearch backend(10'000, sparse);
        JobTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&model, &JobTableModel::pageLoaded);
        JobQuery q;
        q.queue = QStringLiteral("default");
        q.limit = 20;
        model.setQuery(&backend, q);
        QTRY_COMPARE(loaded.size(), 1);
        QCOMPARE(model.rowCount(), 20);
        QVERIFY(model.canFetchMore({}));
        model.fetchMore({});
        QTRY_COMPARE(loaded.size(), 2);
        QCOMPARE(model.rowCount(), 40);
        QCOMPARE(model.data(model.index(39, 0), JobTableModel::JobIdRole).toString(), QStringLiteral("job-5850"));
    }

    void stoppingASearchKeepsItsRowsAndDropsTheRest()
    {
        qd::test::BudgetedSearch backend(35'000, {150, 250});
        JobTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        // The operator stops the search the moment the first hit shows.
        connect(&model, &QAbstractItemModel::rowsInserted, &model, [&model] { model.stopSearch(); });
        JobQuery q;
        q.queue = QStringLiteral("default");
        q.search = QStringLiteral("onerror");
        model.setQuery(&backend, q);
        QTRY_COMPARE(model.rowCount(), 1);
        QVERIFY(!model.isSearching());
        QVERIFY(model.searchStopped());
        const int calls = backend.calls;
        for (int i = 0; i < 10; ++i) { // answers come from the event loop: a walk not stopped would find job-250 here
            QCoreApplication::processEvents();
        }
        QCOMPARE(backend.calls, calls);
        QCOMPARE(model.rowCount(), 1);
        QVERIFY(!model.canFetchMore({}));
    }

    void aListingThatDoesNotAdvanceIsAnErrorNotALoop()
    {
        qd::test::BudgetedSearch backend(10'000, {});
        backend.stall = true;
        JobTableModel model;
        QSignalSpy failed(&model, &JobTableModel::loadFailed);
        JobQuery q;
        q.queue = QStringLiteral("default");
        q.search = QStringLiteral("onerror");
        model.setQuery(&backend, q);
        QTRY_COMPARE(failed.size(), 1);
        QVERIFY2(failed.at(0).at(0).toString().contains(u"did not advance"), qPrintable(failed.at(0).at(0).toString()));
        QVERIFY(!model.canFetchMore({}));
        QVERIFY(backend.calls < 5);
    }
};

QTEST_MAIN(TestJobTableModel)
#include "tst_jobtablemodel.moc"
