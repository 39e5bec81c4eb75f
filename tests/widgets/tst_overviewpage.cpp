// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "tests/support/fakebackend.h"
#include "widgets/addconnectiondialog.h"
#include "core/collector.h"
#include "core/connectionurl.h"
#include "widgets/overviewpage.h"
#include "models/queueoverviewmodel.h"
#include "widgets/queuetile.h"
#include "widgets/sparkline.h"

#include <QDialogButtonBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;

namespace {

/// A collector, its overview model and the page, as the main window wires them.
struct Fixture
{
    Fixture()
    {
        page.setCollector(&collector);
        page.resize(1200, 700);
    }
    ManualClock clock;
    Collector collector{&clock};
    QueueOverviewModel model{&collector};
    OverviewPage page{&model};
};

} // namespace

class TestOverviewPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void aFleetShowsTilesForTheWorstAndEveryQueueInTheTable()
    {
        // 500 queues: tiles for the 60 worst (the deepest here, all ok otherwise), every queue in the table, and the
        // summary counts all of them.
        Fixture f;
        ManualClock &clock = f.clock;
        Collector &collector = f.collector;
        OverviewPage &page = f.page;
        auto backend = std::make_shared<test::FakeBackend>(&clock);
        Snapshot s;
        for (int i = 0; i < 500; ++i) {
            s.queues << test::queue(QStringLiteral("q%1").arg(i, 3, 10, QLatin1Char('0')), i, 0);
        }
        backend->script(s);
        collector.addConnection(QStringLiteral("c"), QStringLiteral("Fleet"), backend);
        QSignalSpy ready(&collector, &Collector::snapshotReady);
        collector.pollNow();
        QTRY_COMPARE(ready.count(), 1);
        QTRY_COMPARE(page.tiles().size(), OverviewPage::kMaxTiles);
        QCOMPARE(page.tiles().at(0)->queueName(), QStringLiteral("q499")); // the deepest first
        QCOMPARE(page.tiles().last()->queueName(), QStringLiteral("q440"));
        QVERIFY2(page.summaryText().startsWith(u"500 queue(s)"), qPrintable(page.summaryText()));
        QVERIFY2(page.summaryText().contains(u"tiles for the 60 worst"), qPrintable(page.summaryText()));
        QCOMPARE(page.findChild<QTableView *>()->model()->rowCount(), 500);
    }

    void oneTilePerQueueWorstFirstUnknownAsDash()
    {
        Fixture f;
        ManualClock &clock = f.clock;
        Collector &collector = f.collector;
        OverviewPage &page = f.page;
        auto backend = std::make_shared<test::FakeBackend>(&clock);
        QueueStats unknown;
        unknown.name = QStringLiteral("celery\x1b[31m"); // hostile name, nothing known
        Snapshot s;
        s.queues = {test::queue(QStringLiteral("default"), 0, 0), test::queue(QStringLiteral("print"), 6000, 43200), unknown};
        s.workers = {WorkerInfo{QStringLiteral("host:web2 pid:222"), WorkerState::Lost, {}, 18000.0, {}}};
        backend->script(s);
        collector.addConnection(QStringLiteral("c"), QStringLiteral("Cards"), backend);
        QSignalSpy ready(&collector, &Collector::snapshotReady);
        collector.pollNow();
        QTRY_COMPARE(ready.count(), 1);
        QTRY_COMPARE(page.tiles().size(), 3);
        QCOMPARE(page.tiles().at(0)->queueName(), QStringLiteral("print"));
        QCOMPARE(page.tiles().at(1)->tileData().waiting, QStringLiteral("—")); // unknown sorts before ok
        QVERIFY(!page.tiles().at(1)->tileData().queue.contains(QChar(0x1b)));
        const TileData &nothingKnown = page.tiles().at(1)->tileData();
        QCOMPARE(nothingKnown.oldest, QStringLiteral("—"));
        QCOMPARE(nothingKnown.failed, QStringLiteral("—"));
        QVERIFY2(!nothingKnown.rates.contains(u'0'), qPrintable(nothingKnown.rates));
        QVERIFY2(page.tiles().at(1)->accessibleDescription().startsWith(
                     QStringLiteral("Unknown: — waiting, oldest —, failed —,")),
                 qPrintable(page.tiles().at(1)->accessibleDescription()));
        QCOMPARE(page.tiles().at(2)->tileData().waiting, QStringLiteral("0")); // a known zero is a zero
        // The same queues as table rows, oldest waiting first, with a sparkline column.
        QTableView *table = page.table();
        QCOMPARE(table->model()->rowCount(), 3);
        QCOMPARE(table->model()->index(0, QueueOverviewModel::QueueColumn).data().toString(), QStringLiteral("print"));
        QVERIFY(qobject_cast<SparklineDelegate *>(table->itemDelegateForColumn(QueueOverviewModel::TrendColumn)));
        QCOMPARE(table->model()->index(2, QueueOverviewModel::WaitingColumn).data().toString(), QStringLiteral("—"));
        QVERIFY(page.summaryText().contains(QStringLiteral("1 critical")));
        // The headline in the backend's words: the lost worker by name, what waits, that nothing works.
        QVERIFY2(page.workersText().startsWith(QStringLiteral("Cards — fake: worker host:web2 pid:222 lost, 6,000 jobs wait, "
                                                              "nothing is processing")),
                 qPrintable(page.workersText()));
        QVERIFY(page.workersText().contains(QStringLiteral("no live worker")));

        QSignalSpy activated(&page, &OverviewPage::queueActivated);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QTest::keyClick(page.tiles().at(0), Qt::Key_Return);
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.at(0).at(1).toString(), QStringLiteral("print"));
        Q_EMIT table->activated(table->model()->index(1, QueueOverviewModel::FailedColumn));
        QCOMPARE(activated.count(), 2);
        QCOMPARE(activated.at(1).at(0).toString(), QStringLiteral("c"));
        QCOMPARE(activated.at(1).at(1).toString(), QStringLiteral("default"));
        QVERIFY(!page.grab().toImage().isNull());
    }

    void addConnectionDialog()
    {
        AddConnectionDialog dialog;
        QPushButton *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        QVERIFY(!ok->isEnabled()); // nothing typed yet
        dialog.setUrl(QStringLiteral("delayedjob+sqlite://relative.db"));
        const auto parsed = ConnectionUrl::parse(dialog.url());
        QVERIFY(!parsed.ok());
        QCOMPARE(dialog.resultText(), parsed.error()); // the parser's own words
        QVERIFY(dialog.resultText().contains(QStringLiteral("absolute")));
        QVERIFY(!ok->isEnabled());
        QTemporaryDir dir;
        dialog.setUrl(QStringLiteral("delayedjob+sqlite://") + dir.filePath(QStringLiteral("missing.sqlite3")));
        QVERIFY(dialog.resultText().isEmpty());
        QVERIFY(ok->isEnabled());
        QSignalSpy finished(&dialog, &AddConnectionDialog::testFinished);
        dialog.test();
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QVERIFY2(dialog.resultText().contains(QStringLiteral("does not exist")), qPrintable(dialog.resultText()));
    }
};

QTEST_MAIN(TestOverviewPage)
#include "tst_overviewpage.moc"
