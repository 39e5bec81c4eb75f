// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "tests/support/fakebackend.h"
#include "models/alertlistmodel.h"
#include "core/collector.h"
#include "widgets/fitlabel.h"
#include "models/queueoverviewmodel.h"
#include "core/timeline/incidenttimeline.h"
#include "widgets/walltile.h"
#include "widgets/wallview.h"
#include "widgets/worstalertlabel.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;

namespace {

/// Two connections: "Cards" with 20 queues (long, hostile and bidi names; huge and unknown numbers) and
/// "Mail" with two; a few alerts with long messages.
struct Fleet
{
    ManualClock clock;
    Collector collector{&clock};
    QueueOverviewModel model{&collector};
    AlertListModel alerts{&collector};

    Fleet()
    {
        auto cards = std::make_shared<test::FakeBackend>(&clock);
        Snapshot s;
        s.queues.append(test::queue(QStringLiteral("print"), 6000, 43200)); // twelve hours: critical
        s.queues.append(test::queue(QStringLiteral("mailers"), 35214, 7380));
        s.queues.append(test::queue(QStringLiteral("a-very-long-queue-name-for-the-eu-west-priority-high-lane-of-invoices"), 1'234'567'890, 600));
        s.queues.append(test::queue(QStringLiteral("<b>html</b>\u202Eevil"), 3, 1));
        QueueStats unknown;
        unknown.name = QStringLiteral("celery");
        s.queues.append(unknown);
        for (int i = 0; i < 15; ++i) {
            s.queues.append(test::queue(QStringLiteral("q%1").arg(i, 2, 10, QChar(u'0')), i, 1));
        }
        cards->script(s);
        auto mail = std::make_shared<test::FakeBackend>(&clock);
        Snapshot m;
        m.queues = {test::queue(QStringLiteral("smtp"), 4, 2), test::queue(QStringLiteral("bounces"), 0, 0)};
        mail->script(m);
        collector.addConnection(QStringLiteral("cards"), QStringLiteral("Cards (production, eu-west-1, the big one)"), cards);
        collector.addConnection(QStringLiteral("mail"), QStringLiteral("Mail"), mail);
        QSignalSpy ready(&collector, &Collector::snapshotReady);
        collector.pollNow();
        QTRY_COMPARE(ready.count(), 2);

        QList<Alert> list;
        for (int i = 0; i < 6; ++i) {
            Alert a;
            a.connectionId = QStringLiteral("cards");
            a.queue = QStringLiteral("print");
            a.ruleId = QStringLiteral("rule%1").arg(i);
            a.state = i == 0 ? AlertState::Crit : AlertState::Warn;
            a.message = QStringLiteral("print: oldest job waited 12 h 00 m (warn 5 m, crit 15 m) — and a very long tail of text %1 "
                                       "that goes on and on so that it can never fit on one line of any screen")
                            .arg(i);
            a.since = clock.now();
            list.append(a);
        }
        alerts.setAlerts(list);
    }
};

/// Every label on the wall shows its whole text, or a deliberately shortened one (elided with its full text
/// as tooltip, or a smaller font): never a text cut off by its rectangle.
void verifyNothingClipped(WallView &wall)
{
    const QRect area = wall.rect();
    int checked = 0;
    for (QLabel *label : wall.findChildren<QLabel *>()) {
        if (!label->isVisibleTo(&wall) || label->text().isEmpty()) {
            continue;
        }
        const QRect r(label->mapTo(&wall, QPoint(0, 0)), label->size());
        const QString what = QStringLiteral("\"%1\" at %2,%3 %4×%5 (hint %6×%7)")
                                 .arg(label->text())
                                 .arg(r.x())
                                 .arg(r.y())
                                 .arg(r.width())
                                 .arg(r.height())
                                 .arg(label->sizeHint().width())
                                 .arg(label->sizeHint().height());
        QVERIFY2(area.contains(r), qPrintable(QStringLiteral("outside the wall: ") + what));
        QVERIFY2(label->sizeHint().width() <= label->width(), qPrintable(QStringLiteral("too wide: ") + what));
        QVERIFY2(label->sizeHint().height() <= label->height(), qPrintable(QStringLiteral("too tall: ") + what));
        if (auto *fit = qobject_cast<FitLabel *>(label); fit && fit->text() != fit->fullText()) {
            QCOMPARE(fit->toolTip(), fit->fullText()); // elided: the whole text is one hover away
        }
        ++checked;
    }
    QVERIFY2(checked > 40, qPrintable(QString::number(checked)));
}

} // namespace

class TestWallView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().remove(QStringLiteral("wall"));
    }

    void readableAndUnclippedAtWallSizes_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::newRow("1080p") << QSize(1920, 1080);
        QTest::newRow("4k") << QSize(3840, 2160);
        QTest::newRow("720p") << QSize(1280, 720);
    }

    void readableAndUnclippedAtWallSizes()
    {
        QFETCH(QSize, size);
        Fleet fleet;
        QAbstractItemModelTester tester(&fleet.model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        WallView wall(&fleet.model, &fleet.alerts, &fleet.collector);
        wall.resize(size);
        wall.show();
        QVERIFY(QTest::qWaitForWindowExposed(&wall));
        QTRY_VERIFY(!wall.tiles().isEmpty());
        QTRY_VERIFY(wall.tiles().constFirst()->width() >= WallTile::designSize().width() * size.height() / 1080);

        // Worst first: the critical queues (deepest first), then the warnings.
        QCOMPARE(wall.tiles().at(0)->tileData().queue, QStringLiteral("mailers"));
        QCOMPARE(wall.tiles().at(1)->tileData().queue, QStringLiteral("print"));
        QVERIFY(wall.summaryText().contains(QStringLiteral("22 queue")));
        // Not every queue fits at a readable size; those left out are counted, with their states.
        const int shown = int(wall.tiles().size());
        QVERIFY2(shown >= 6 && shown < 22, qPrintable(QString::number(shown)));
        QVERIFY2(wall.moreText().contains(QString::number(22 - shown)), qPrintable(wall.moreText()));
        // Read from across the room: the depth is big, and bigger on a bigger screen.
        auto *depth = wall.tiles().at(1)->findChild<FitLabel *>(QStringLiteral("depth"));
        QVERIFY2(depth->fullText().startsWith(QStringLiteral("6,000")) || depth->fullText().startsWith(QStringLiteral("6000")),
                 qPrintable(depth->fullText()));
        QVERIFY2(depth->font().pixelSize() >= 60 * size.height() / 1080, qPrintable(QString::number(depth->font().pixelSize())));
        QCOMPARE(wall.alertLines().size(), 4);
        QVERIFY(wall.alertLines().constFirst().startsWith(QStringLiteral("CRIT")));
        QVERIFY(!wall.clockText().isEmpty());
        verifyNothingClipped(wall);
        if (const QString dir = qEnvironmentVariable("QD_WALL_SHOTS"); !dir.isEmpty()) { // to look at by eye
            QVERIFY(wall.grab().save(QStringLiteral("%1/wall-%2x%3.png").arg(dir).arg(size.width()).arg(size.height())));
        }
        // Hostile text is shown as text: no markup, no bidi override.
        for (WallTile *tile : wall.tiles()) {
            for (QLabel *l : tile->findChildren<QLabel *>()) {
                QVERIFY(!l->text().contains(QChar(0x202E)));
                QCOMPARE(l->textFormat(), Qt::PlainText);
            }
        }
    }

    void pinnedFirstScopesAndKeys()
    {
        Fleet fleet;
        WallView wall(&fleet.model, &fleet.alerts, &fleet.collector);
        wall.resize(1920, 1080);
        wall.show();
        QVERIFY(QTest::qWaitForWindowExposed(&wall));
        QTRY_VERIFY(!wall.tiles().isEmpty());

        // P on a tile pins it: it comes first, says so, and stays pinned across restarts (settings).
        QTRY_VERIFY(wall.tiles().size() > 3);
        WallTile *third = wall.tiles().at(3);
        const QString pinnedQueue = third->tileData().queue;
        third->setFocus();
        QTest::keyClick(third, Qt::Key_P);
        QCOMPARE(wall.tiles().constFirst()->tileData().queue, pinnedQueue);
        QVERIFY(wall.tiles().constFirst()->isPinned());
        QCOMPARE(QSettings().value(QStringLiteral("wall/pinned")).toStringList().size(), 1);
        QTest::keyClick(wall.tiles().constFirst(), Qt::Key_P);
        QVERIFY(wall.pinned().isEmpty());

        // Screen readers hear what a tile shows; Tab walks the tiles in their visual order, worst first.
        for (WallTile *tile : wall.tiles()) {
            QVERIFY(tile->accessibleName().startsWith(QStringLiteral("Queue ")));
            QVERIFY2(tile->accessibleDescription().contains(QStringLiteral("waiting, oldest")), qPrintable(tile->accessibleDescription()));
        }
        wall.tiles().at(0)->setFocus();
        QTest::keyClick(wall.tiles().at(0), Qt::Key_Tab);
        QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget *>(wall.tiles().at(1)));
        QTest::keyClick(wall.tiles().at(1), Qt::Key_Down);
        QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget *>(wall.tiles().at(2)));

        // Enter opens the focused queue.
        QSignalSpy opened(&wall, &WallView::queueActivated);
        wall.tiles().constFirst()->setFocus();
        QTest::keyClick(wall.tiles().constFirst(), Qt::Key_Return);
        QCOMPARE(opened.count(), 1);
        QCOMPARE(opened.at(0).at(1).toString(), QStringLiteral("mailers"));

        // →: one connection at a time, then back to all.
        QTest::keyClick(&wall, Qt::Key_Right);
        QCOMPARE(wall.scope(), QStringLiteral("cards"));
        QTest::keyClick(&wall, Qt::Key_Right);
        QCOMPARE(wall.scope(), QStringLiteral("mail"));
        QTRY_COMPARE(wall.tiles().size(), 2);
        QVERIFY(wall.moreText().isEmpty());
        QTest::keyClick(&wall, Qt::Key_Right);
        QCOMPARE(wall.scope(), QString());
        QTest::keyClick(&wall, Qt::Key_Left);
        QCOMPARE(wall.scope(), QStringLiteral("mail"));

        // Auto-cycle: C turns it on, the timer moves on by itself, C turns it off.
        QTest::keyClick(&wall, Qt::Key_C);
        QVERIFY(wall.cycleSeconds() > 0);
        wall.setCycleSeconds(1);
        QTRY_COMPARE_WITH_TIMEOUT(wall.scope(), QString(), 5000);
        QTest::keyClick(&wall, Qt::Key_C);
        QCOMPARE(wall.cycleSeconds(), 0);

        QSignalSpy exit(&wall, &WallView::exitRequested);
        QTest::keyClick(&wall, Qt::Key_Escape);
        QTest::keyClick(&wall, Qt::Key_F11);
        QCOMPARE(exit.count(), 2);
    }

    void alertsNameTheirConnectionAndStayCurrent()
    {
        Fleet fleet;
        WallView wall(&fleet.model, &fleet.alerts, &fleet.collector);
        wall.resize(1920, 1080);
        wall.show();
        QVERIFY(QTest::qWaitForWindowExposed(&wall));
        bool named = false;
        for (FitLabel *label : wall.findChildren<FitLabel *>()) {
            named = named || label->fullText().startsWith(u"CRIT  Cards (production, eu-west-1, the big one) · print: oldest job");
        }
        QVERIFY2(named, "every wall alert says which system it belongs to");

        // The status bar's worst alert: the first (worst) row, its connection, and how many more.
        WorstAlertLabel worst(&fleet.alerts);
        QVERIFY2(worst.toolTip().startsWith(u"CRIT Cards (production, eu-west-1, the big one) · print: oldest job waited 12 h"),
                 qPrintable(worst.toolTip()));
        QVERIFY(worst.toolTip().endsWith(u" (+5 more)"));
        QSignalSpy clicked(&worst, &WorstAlertLabel::clicked);
        worst.show();
        QTest::mouseClick(&worst, Qt::LeftButton);
        QCOMPARE(clicked.count(), 1);

        // The same alerts a poll later with newer texts: updated in place (no reset: selection and acks stay).
        QAbstractItemModelTester tester(&fleet.alerts, QAbstractItemModelTester::FailureReportingMode::QtTest);
        fleet.alerts.acknowledge(0);
        QSignalSpy reset(&fleet.alerts, &QAbstractItemModel::modelReset);
        QList<Alert> newer;
        for (int i = 0; i < fleet.alerts.rowCount(); ++i) {
            Alert a = *fleet.alerts.alert(i);
            a.message = QStringLiteral("print: oldest job waited 12 h 02 m");
            newer.append(a);
        }
        fleet.alerts.setAlerts(newer);
        QCOMPARE(reset.count(), 0);
        QVERIFY(fleet.alerts.index(0, 0).data(AlertListModel::AcknowledgedRole).toBool());
        QVERIFY2(worst.toolTip().contains(u"12 h 02 m"), qPrintable(worst.toolTip()));
        newer.removeLast();
        fleet.alerts.setAlerts(newer); // one cleared: a new list
        QCOMPARE(reset.count(), 1);
        QVERIFY(worst.toolTip().endsWith(u" (+4 more)"));
        fleet.alerts.setAlerts({});
        QCOMPARE(worst.text(), QStringLiteral("No active alerts"));
    }

    void timelineEntriesNewestFirst()
    {
        QTemporaryDir dir;
        Fleet fleet;
        IncidentTimeline timeline(dir.filePath(QStringLiteral("t.sqlite3")), &fleet.clock);
        QVERIFY(timeline.open().isEmpty());
        timeline.addEvent(QStringLiteral("cards"), QStringLiteral("deploy 1"));
        fleet.clock.advance(60'000);
        timeline.addEvent(QStringLiteral("mail"), QStringLiteral("deploy 2"));
        timeline.flush().waitForFinished();
        WallView wall(&fleet.model, &fleet.alerts, &fleet.collector);
        wall.setTimeline(&timeline);
        QTRY_COMPARE(wall.timelineLines().size(), 2);
        QVERIFY2(wall.timelineLines().at(0).endsWith(QStringLiteral("Mail: deploy 2")), qPrintable(wall.timelineLines().at(0)));
        fleet.clock.advance(60'000);
        timeline.addNote(QStringLiteral("cards"), QStringLiteral("rolled back"));
        QTRY_VERIFY(wall.timelineLines().at(0).contains(QStringLiteral("rolled back")));
        QCOMPARE(wall.timelineLines().size(), 3);
    }
};

QTEST_MAIN(TestWallView)
#include "tst_wallview.moc"
