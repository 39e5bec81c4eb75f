// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "tests/support/fakebackend.h"
#include "core/collector.h"
#include "models/queueoverviewmodel.h"
#include "models/unknownlastsortproxy.h"

#include <QAbstractItemModelTester>
#include <QIcon>
#include <QSignalSpy>
#include <QTest>

using namespace qd;
using qd::test::FakeBackend;
using M = QueueOverviewModel;

class TestQueueOverviewModel : public QObject
{
    Q_OBJECT
private:
    static Snapshot snap(std::initializer_list<QueueStats> qs)
    {
        Snapshot s;
        s.queues = qs;
        return s;
    }

private Q_SLOTS:
    void followsSnapshots()
    {
        ManualClock clock;
        Collector c(&clock);
        M model(&c);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        auto a = std::make_shared<FakeBackend>(&clock);
        auto b = std::make_shared<FakeBackend>(&clock);
        a->script(snap({test::queue(QStringLiteral("default"), 3, 12), test::queue(QStringLiteral("print"), 6000, 43200)}));
        b->script(snap({test::queue(QStringLiteral("emails"), 1)}));
        b->script(snap({test::queue(QStringLiteral("emails"), 2)}));
        QueueStats unknown;
        unknown.name = QStringLiteral("mystery"); // nothing known about it
        a->script(snap({test::queue(QStringLiteral("default"), 4, 1), test::queue(QStringLiteral("print"), 6001, 43205),
                        unknown}));
        c.addConnection(QStringLiteral("a"), QStringLiteral("A"), a);
        c.addConnection(QStringLiteral("b"), QStringLiteral("B"), b);
        QSignalSpy ready(&c, &Collector::snapshotReady);
        c.pollNow();
        QTRY_COMPARE(ready.count(), 2);
        QCOMPARE(model.rowCount(), 3);
        const QModelIndex print = model.indexOf(QStringLiteral("a"), QStringLiteral("print"), M::WaitingColumn);
        QVERIFY(print.isValid());
        QCOMPARE(print.data(M::RawValueRole).toLongLong(), 6000);
        QCOMPARE(print.siblingAtColumn(M::OldestAgeColumn).data().toString(), QStringLiteral("12 h 00 m"));
        QCOMPARE(print.data(M::StatusRole).toInt(), int(QueueStatus::Crit));

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        c.pollNow();
        QTRY_COMPARE(ready.count(), 4);
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(inserted.count(), 1);
        // Connection a's rows stayed contiguous: one dataChanged for its block per poll.
        int blocks = 0;
        for (const auto &args : changed) {
            if (args.at(0).toModelIndex().column() == 0) {
                ++blocks;
            }
        }
        QCOMPARE(blocks, 2); // a and b
        const QModelIndex mystery = model.indexOf(QStringLiteral("a"), QStringLiteral("mystery"), M::WaitingColumn);
        QVERIFY(mystery.isValid());
        QCOMPARE(mystery.data().toString(), QStringLiteral("—")); // unknown, never 0
        QVERIFY(!mystery.data(M::RawValueRole).isValid());
        QCOMPARE(mystery.data(M::StatusRole).toInt(), int(QueueStatus::Unknown));
        QCOMPARE(model.indexOf(QStringLiteral("a"), QStringLiteral("print")).data(M::HistoryRole).value<QList<double>>(),
                 (QList<double>{6000, 6001}));
    }

    void aBacklogOfUnknownAgeSortsAsTheOldest()
    {
        // RabbitMQ's first minute: 50 ready messages, no timestamps, so no age. Sorted by age, worst first, that
        // queue must come first, not after an empty queue and not after "0 s".
        ManualClock clock;
        Collector c(&clock);
        M model(&c);
        UnknownLastSortProxy sorted(M::SortRole);
        sorted.setSourceModel(&model);
        QAbstractItemModelTester tester(&sorted, QAbstractItemModelTester::FailureReportingMode::Fatal);
        auto b = std::make_shared<FakeBackend>(&clock);
        QueueStats orders = test::queue(QStringLiteral("orders"), 50);
        orders.oldestAgeSeconds.reset();
        QueueStats idle = test::queue(QStringLiteral("idle"), 0);
        idle.oldestAgeSeconds.reset();
        b->script(snap({test::queue(QStringLiteral("fresh"), 2, 0), orders, test::queue(QStringLiteral("slow"), 9, 120), idle}));
        c.addConnection(QStringLiteral("b"), QStringLiteral("B"), b);
        QSignalSpy ready(&c, &Collector::snapshotReady);
        c.pollNow();
        QTRY_COMPARE(ready.count(), 1);
        sorted.sort(M::OldestAgeColumn, Qt::DescendingOrder);
        QStringList order;
        for (int row = 0; row < sorted.rowCount(); ++row) {
            order << sorted.index(row, M::QueueColumn).data(M::QueueNameRole).toString();
        }
        QCOMPARE(order, (QStringList{QStringLiteral("orders"), QStringLiteral("slow"), QStringLiteral("fresh"), QStringLiteral("idle")}));
        // Its age itself stays unknown: "—", never a number.
        const QModelIndex age = model.indexOf(QStringLiteral("b"), QStringLiteral("orders"), M::OldestAgeColumn);
        QVERIFY(!age.data(M::RawValueRole).isValid());
    }

    void ruleEngineVerdictIsShownWhenWorse()
    {
        ManualClock clock;
        Collector c(&clock);
        M model(&c);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        auto a = std::make_shared<FakeBackend>(&clock);
        a->script(snap({test::queue(QStringLiteral("mail"), 3), test::queue(QStringLiteral("print"), 1)}));
        c.addConnection(QStringLiteral("a"), QStringLiteral("A"), a);
        QSignalSpy ready(&c, &Collector::snapshotReady);
        c.pollNow();
        QTRY_COMPARE(ready.count(), 1);
        const QModelIndex mail = model.indexOf(QStringLiteral("a"), QStringLiteral("mail"));
        QCOMPARE(mail.data(M::StatusRole).toInt(), int(QueueStatus::Ok)); // young jobs: the thresholds say OK
        // A poison job in mail: the rule engine says critical; print stays OK.
        bool poison = true;
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setStatusSource([&poison](const QString &, const QString &queue) -> std::optional<QueueStatus> {
            return poison && queue == u"mail" ? std::optional(QueueStatus::Crit) : std::nullopt;
        });
        QVERIFY(!changed.isEmpty());
        QCOMPARE(mail.data(M::StatusRole).toInt(), int(QueueStatus::Crit));
        QCOMPARE(model.indexOf(QStringLiteral("a"), QStringLiteral("print")).data(M::StatusRole).toInt(),
                 int(QueueStatus::Ok));
        poison = false; // cleared: the engine's word is gone, the thresholds' remains
        model.refreshStatus();
        QCOMPARE(mail.data(M::StatusRole).toInt(), int(QueueStatus::Ok));
    }

    void failedPollKeepsNumbersAndFlagsThem()
    {
        ManualClock clock;
        Collector c(&clock);
        M model(&c);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        auto a = std::make_shared<FakeBackend>(&clock);
        a->script(snap({test::queue(QStringLiteral("q"), 7)}));
        Snapshot down;
        down.error = QStringLiteral("connection refused");
        a->script(down);
        c.addConnection(QStringLiteral("a"), QStringLiteral("A"), a);
        QSignalSpy ready(&c, &Collector::snapshotReady);
        c.pollNow();
        QTRY_COMPARE(ready.count(), 1);
        const QModelIndex q = model.index(0, M::WaitingColumn);
        QVERIFY(!q.data(M::StaleRole).toBool());
        QVERIFY(!q.data(Qt::ForegroundRole).isValid());
        c.pollNow();
        QTRY_COMPARE(ready.count(), 2);
        QCOMPARE(q.data(M::RawValueRole).toLongLong(), 7);
        QVERIFY(q.data(M::StaleRole).toBool());
        QVERIFY(q.data(Qt::ForegroundRole).isValid()); // faded in tables
        QCOMPARE(q.data(M::ErrorRole).toString(), QStringLiteral("connection refused"));
        QCOMPARE(q.data(M::StatusRole).toInt(), int(QueueStatus::Unknown));
    }

    void staleAfterThreeIntervals()
    {
        ManualClock clock;
        Collector c(&clock);
        c.setInterval(std::chrono::milliseconds(1000));
        M model(&c);
        auto a = std::make_shared<FakeBackend>(&clock);
        a->script(snap({test::queue(QStringLiteral("q"), 1)}));
        c.addConnection(QStringLiteral("a"), QStringLiteral("A"), a);
        QSignalSpy ready(&c, &Collector::snapshotReady);
        c.pollNow();
        QTRY_COMPARE(ready.count(), 1);
        const QModelIndex updated = model.index(0, M::UpdatedColumn);
        QCOMPARE(updated.data().toString(), QStringLiteral("updated 0 s ago"));
        clock.advance(3500);
        QVERIFY(updated.data(M::StaleRole).toBool());
        QVERIFY(updated.data().toString().startsWith(QStringLiteral("stale since")));
    }

    void hostileNamesAreEscapedForDisplayOnly()
    {
        ManualClock clock;
        Collector c(&clock);
        M model(&c);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        auto a = std::make_shared<FakeBackend>(&clock);
        const QString hostile = QStringLiteral("mail\u202Egnp.exe\x1b[2J");
        a->script(snap({test::queue(hostile, 5)}));
        a->script(snap({test::queue(hostile, 7)}));
        c.addConnection(QStringLiteral("a"), QStringLiteral("A"), a);
        QSignalSpy ready(&c, &Collector::snapshotReady);
        c.pollNow();
        QTRY_COMPARE(ready.count(), 1);
        c.pollNow();
        QTRY_COMPARE(ready.count(), 2);
        const QModelIndex name = model.index(0, M::QueueColumn);
        QCOMPARE(name.data(M::QueueNameRole).toString(), hostile); // the real name, to open the queue
        QCOMPARE(name.data(M::RawValueRole).toString(), hostile);  // and to sort by
        const QString shown = name.data().toString();
        QVERIFY2(!shown.contains(QChar(0x202E)) && !shown.contains(QChar(0x1b)), qPrintable(shown));
        QVERIFY(shown.startsWith(QStringLiteral("mail")));
        QVERIFY(!name.data(Qt::DecorationRole).value<QIcon>().isNull());
        QCOMPARE(name.data(Qt::ToolTipRole).toString(), QStringLiteral("OK"));
        // The trend column has no text (a delegate paints it) but sorts by the newest depth.
        const QModelIndex trend = model.index(0, M::TrendColumn);
        QVERIFY(!trend.data().isValid());
        QCOMPARE(trend.data(M::RawValueRole).toDouble(), 7.0);
        QCOMPARE(trend.data(M::HistoryRole).value<QList<double>>(), (QList<double>{5, 7}));
        QCOMPARE(model.headerData(M::TrendColumn, Qt::Horizontal).toString(), QStringLiteral("Trend"));
    }

    void removingAConnectionRemovesItsRows()
    {
        ManualClock clock;
        Collector c(&clock);
        M model(&c);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        auto a = std::make_shared<FakeBackend>(&clock);
        a->script(snap({test::queue(QStringLiteral("q1"), 1), test::queue(QStringLiteral("q2"), 2)}));
        c.addConnection(QStringLiteral("a"), QStringLiteral("A"), a);
        QSignalSpy ready(&c, &Collector::snapshotReady);
        c.pollNow();
        QTRY_COMPARE(ready.count(), 1);
        QCOMPARE(model.rowCount(), 2);
        c.removeConnection(QStringLiteral("a"));
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_MAIN(TestQueueOverviewModel)
#include "tst_queueoverviewmodel.moc"
