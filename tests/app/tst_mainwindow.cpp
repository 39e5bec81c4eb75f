// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "../core/fakebackend.h"
#include "alertlistmodel.h"
#include "collector.h"
#include "history/historystore.h"
#include "mainwindow.h"
#include "overviewpage.h"
#include "queuedetailview.h"
#include "queuetile.h"
#include "timeline/incidenttimeline.h"

#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace qd;

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("QueuedeckTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
        QSettings().clear();
    }

    void firstRunThenSidebarOverviewAndDetail()
    {
        QTemporaryDir dir;
        ManualClock clock(QDateTime::currentDateTimeUtc());
        Collector collector(&clock);
        HistoryStore history(dir.filePath(QStringLiteral("h.sqlite3")), &clock);
        QCOMPARE(history.open(), QString());
        MainWindow w(&collector, &history);
        w.resize(1200, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QCOMPARE(w.currentPage()->metaObject()->className(), "qd::WelcomePage"); // no connections: first run

        auto backend = std::make_shared<test::FakeBackend>(&clock);
        Snapshot s;
        s.queues = {test::queue(QStringLiteral("print"), 6000, 43200), test::queue(QStringLiteral("default"), 2, 1)};
        backend->script(s);
        collector.addConnection(QStringLiteral("c1"), QStringLiteral("Cards"), backend);
        collector.pollNow();
        QTRY_COMPARE(w.sidebar()->model()->rowCount(w.sidebar()->model()->index(0, 0)), 2);
        QCOMPARE(w.currentPage(), static_cast<QWidget *>(w.overview()));
        QTRY_COMPARE(w.overview()->tiles().size(), 2);
        QCOMPARE(w.overview()->tiles().first()->queueName(), QStringLiteral("print")); // worst first
        // The print queue's oldest job waited 12 h: the alert panel says so, critical first.
        QTRY_VERIFY(w.alerts()->rowCount() > 0);
        QCOMPARE(w.alerts()->index(0, AlertListModel::StateColumn).data(AlertListModel::StateRole).toInt(),
                 int(AlertState::Crit));
        QVERIFY(w.alerts()->index(0, AlertListModel::MessageColumn).data().toString().contains(QStringLiteral("print")));

        QSignalSpy loaded(w.detail(), &QueueDetailView::historyLoadFinished);
        QTest::mouseClick(w.overview()->tiles().first(), Qt::LeftButton);
        QCOMPARE(w.currentPage(), static_cast<QWidget *>(w.detail()));
        QCOMPARE(w.detail()->queue(), QStringLiteral("print"));
        QTRY_VERIFY(w.detail()->historyLoaded());
        QCOMPARE(w.sidebar()->currentIndex().data().toString(), QStringLiteral("print"));

        w.showOverview();
        QCOMPARE(w.currentPage(), static_cast<QWidget *>(w.overview()));

        // Alerts land on the timeline, and the post-mortem reports them.
        IncidentTimeline timeline(dir.filePath(QStringLiteral("t.sqlite3")), &clock);
        QCOMPARE(timeline.open(), QString());
        w.setTimeline(&timeline);
        QSignalSpy recorded(&timeline, &IncidentTimeline::entryAdded);
        auto down = std::make_shared<test::FakeBackend>(&clock);
        Snapshot failed;
        failed.error = QStringLiteral("connection refused");
        for (int i = 0; i < 3; ++i) {
            down->script(failed);
        }
        collector.addConnection(QStringLiteral("c2"), QStringLiteral("Mail"), down);
        QSignalSpy polled(&collector, &Collector::snapshotReady);
        collector.pollNow();
        QTRY_VERIFY(polled.count() >= 2); // both connections answered (backends answer asynchronously)
        clock.advance(20'000);
        collector.pollNow();
        QTRY_VERIFY(polled.count() >= 4);
        QTRY_VERIFY(recorded.count() >= 1); // "unreachable" after its hold
        auto pm = w.postMortem(QStringLiteral("c2"), 1);
        QTRY_VERIFY(pm.isFinished());
        QVERIFY2(pm.result().contains(QStringLiteral("backend unreachable: connection refused")), qPrintable(pm.result()));
    }

    void badUrlIsRefusedClearly()
    {
        Collector collector;
        MainWindow w(&collector, nullptr);
        const QString err = w.addConnection(QStringLiteral("x"), QStringLiteral("kafka+tcp://h"), false);
        QVERIFY(err.contains(QStringLiteral("Unknown scheme")));
        QVERIFY(collector.connectionIds().isEmpty());
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
