// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "tests/support/fakebackend.h"
#include "core/collector.h"
#include "core/history/historystore.h"
#include "widgets/charts/queuedetailview.h"
#include "widgets/charts/timeserieschart.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;

class TestQueueDetailView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void loadsHistoryThenFollowsLiveSnapshots()
    {
        QTemporaryDir dir;
        ManualClock clock(QDateTime::currentDateTimeUtc());
        HistoryStore history(dir.filePath(QStringLiteral("h.sqlite3")), &clock);
        QCOMPARE(history.open(), QString());
        // Two minutes of history, every 5 s.
        for (int i = 24; i > 0; --i) {
            history.recordSample(SeriesKey{QStringLiteral("c"), QStringLiteral("print"), Metric::Waiting},
                                 clock.nowMs() - i * 5000, 100 + i);
            history.recordSample(SeriesKey{QStringLiteral("c"), QString(), Metric::WorkersLost}, clock.nowMs() - i * 5000, 2);
        }
        history.flush().waitForFinished();

        Collector collector(&clock);
        auto backend = std::make_shared<test::FakeBackend>(&clock);
        QueueStats q = test::queue(QStringLiteral("print"), 99, 754);
        q.rateExactness = Exactness::Approximate;
        q.inPerMinute = 12;
        q.outPerMinute = 3.5;
        Snapshot live;
        live.queues = {q};
        backend->script(live);
        collector.addConnection(QStringLiteral("c"), QStringLiteral("Cards"), backend);

        QueueDetailView view(&collector, &history);
        view.resize(1100, 700);
        QSignalSpy loaded(&view, &QueueDetailView::historyLoadFinished);
        view.setQueue(QStringLiteral("c"), QStringLiteral("print"));
        QTRY_VERIFY(view.historyLoaded());
        TimeSeriesChart *depth = view.charts().at(0);
        QCOMPARE(depth->data(0).size(), 24);
        QCOMPARE(view.charts().at(3)->data(2).size(), 24); // workers lost, connection-wide

        clock.advance(5000);
        QSignalSpy ready(&collector, &Collector::snapshotReady);
        collector.pollNow();
        QTRY_COMPARE(ready.count(), 1);
        QCOMPARE(depth->data(0).size(), 25);
        QCOMPARE(depth->data(0).last().y(), 99.0);
        QCOMPARE(view.charts().at(1)->data(0).last().y(), 12.0); // in rate
        QVERIFY2(view.headerText().contains(QStringLiteral("oldest 12 m 34 s")), qPrintable(view.headerText()));
        QVERIFY(view.headerText().contains(QStringLiteral("≈12/min")));
        QVERIFY(view.headerText().contains(QStringLiteral("lower bounds")));
        QVERIFY(view.headerText().contains(QStringLiteral("— idle"))); // unknown idle workers: a dash, not 0
        QVERIFY(view.bannerText().isEmpty());

        view.setRange(QueueDetailView::Range::OneDay);
        QTRY_VERIFY(view.historyLoaded());
        QCOMPARE(depth->data(0).size(), 24); // the live point was recorded by nobody here: history only

        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        for (auto *c : view.charts()) {
            c->flush();
        }
        QVERIFY(view.grab().save(dir.filePath(QStringLiteral("detail.png"))));
    }

    void failedPollShowsABannerAndKeepsData()
    {
        ManualClock clock;
        Collector collector(&clock);
        auto backend = std::make_shared<test::FakeBackend>(&clock);
        Snapshot good;
        good.queues = {test::queue(QStringLiteral("q"), 5)};
        Snapshot bad;
        bad.error = QStringLiteral("connection refused\u202Egnp.exe");
        backend->script(good);
        backend->script(bad);
        collector.addConnection(QStringLiteral("c"), QStringLiteral("C"), backend);
        QueueDetailView view(&collector, nullptr);
        view.setQueue(QStringLiteral("c"), QStringLiteral("q"));
        QSignalSpy ready(&collector, &Collector::snapshotReady);
        collector.pollNow();
        QTRY_COMPARE(ready.count(), 1);
        collector.pollNow();
        QTRY_COMPARE(ready.count(), 2);
        QVERIFY(view.bannerText().contains(QStringLiteral("connection refused")));
        QVERIFY(!view.bannerText().contains(QChar(0x202E))); // bidi override shown escaped, never applied
        QVERIFY(view.headerText().contains(QStringLiteral("Waiting 5")));
        QCOMPARE(view.charts().at(0)->data(0).size(), 1);
    }
};

QTEST_MAIN(TestQueueDetailView)
#include "tst_queuedetailview.moc"
