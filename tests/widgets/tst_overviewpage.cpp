// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "../core/fakebackend.h"
#include "addconnectiondialog.h"
#include "collector.h"
#include "overviewpage.h"
#include "queueoverviewmodel.h"
#include "queuetile.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;

class TestOverviewPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void oneTilePerQueueWorstFirstUnknownAsDash()
    {
        ManualClock clock;
        Collector collector(&clock);
        QueueOverviewModel model(&collector);
        OverviewPage page(&model);
        page.setCollector(&collector);
        page.resize(1200, 700);
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
        QCOMPARE(page.tiles().at(2)->tileData().waiting, QStringLiteral("0")); // a known zero is a zero
        QVERIFY(page.summaryText().contains(QStringLiteral("1 critical")));
        QVERIFY2(page.workersText().contains(QStringLiteral("Cards — workers: 0 busy, — idle, 1 lost")), qPrintable(page.workersText()));
        QVERIFY(page.workersText().contains(QStringLiteral("no live worker")));

        QSignalSpy activated(&page, &OverviewPage::queueActivated);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QTest::keyClick(page.tiles().at(0), Qt::Key_Return);
        QCOMPARE(activated.count(), 1);
        QCOMPARE(activated.at(0).at(1).toString(), QStringLiteral("print"));
        QVERIFY(!page.grab().toImage().isNull());
    }

    void addConnectionDialog()
    {
        AddConnectionDialog dialog;
        dialog.setUrl(QStringLiteral("delayedjob+sqlite://relative.db"));
        QVERIFY(dialog.resultText().contains(QStringLiteral("absolute")));
        QTemporaryDir dir;
        dialog.setUrl(QStringLiteral("delayedjob+sqlite://") + dir.filePath(QStringLiteral("missing.sqlite3")));
        QVERIFY(dialog.resultText().isEmpty());
        QSignalSpy finished(&dialog, &AddConnectionDialog::testFinished);
        dialog.test();
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0).toBool(), false);
        QVERIFY2(dialog.resultText().contains(QStringLiteral("does not exist")), qPrintable(dialog.resultText()));
    }
};

QTEST_MAIN(TestOverviewPage)
#include "tst_overviewpage.moc"
