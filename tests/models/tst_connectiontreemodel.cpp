// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "tests/support/fakebackend.h"
#include "core/collector.h"
#include "models/connectiontreemodel.h"
#include "models/queuestatus.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace qd;
using qd::test::FakeBackend;
using M = ConnectionTreeModel;

class TestConnectionTreeModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void treeFollowsConnectionsAndQueues()
    {
        ManualClock clock;
        Collector c(&clock);
        M model(&c);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        auto a = std::make_shared<FakeBackend>(&clock);
        Snapshot s1;
        s1.queues = {test::queue(QStringLiteral("default"), 3, 10), test::queue(QStringLiteral("print"), 12, 400)};
        Snapshot s2;
        s2.queues = {test::queue(QStringLiteral("print"), 15, 1000), test::queue(QStringLiteral("reports"), 35000, 2)};
        Snapshot down;
        down.error = QStringLiteral("timeout");
        a->script(s1);
        a->script(s2);
        a->script(down);
        c.addConnection(QStringLiteral("a"), QStringLiteral("Production"), a);
        QCOMPARE(model.rowCount(), 1);
        const QModelIndex conn = model.connectionIndex(QStringLiteral("a"));
        QCOMPARE(conn.data().toString(), QStringLiteral("Production"));
        QCOMPARE(conn.data(M::StatusRole).toInt(), int(QueueStatus::Unknown)); // not polled yet

        QSignalSpy ready(&c, &Collector::snapshotReady);
        c.pollNow();
        QTRY_COMPARE(ready.count(), 1);
        QCOMPARE(model.rowCount(conn), 2);
        QCOMPARE(model.index(1, 1, conn).data().toString(), QStringLiteral("12"));
        QCOMPARE(conn.data(M::StatusRole).toInt(), int(QueueStatus::Warn)); // worst queue: print waited 400 s

        c.pollNow();
        QTRY_COMPARE(ready.count(), 2);
        QCOMPARE(model.rowCount(conn), 2); // default vanished, reports appeared
        QVERIFY(model.queueIndex(QStringLiteral("a"), QStringLiteral("reports")).isValid());
        QVERIFY(!model.queueIndex(QStringLiteral("a"), QStringLiteral("default")).isValid());
        QCOMPARE(conn.data(M::StatusRole).toInt(), int(QueueStatus::Crit));

        c.pollNow();
        QTRY_COMPARE(ready.count(), 3);
        QCOMPARE(model.rowCount(conn), 2); // last known queues stay
        QVERIFY(conn.data(Qt::ToolTipRole).toString().contains(QStringLiteral("timeout")));
        QCOMPARE(conn.data(M::StatusRole).toInt(), int(QueueStatus::Unknown));

        c.removeConnection(QStringLiteral("a"));
        QCOMPARE(model.rowCount(), 0);
    }

    void hostileNamesAreEscaped()
    {
        ManualClock clock;
        Collector c(&clock);
        M model(&c);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        auto a = std::make_shared<FakeBackend>(&clock);
        Snapshot s;
        const QString hostile = QStringLiteral("jobs\r\nFAKE LINE\u2066");
        s.queues = {test::queue(hostile, 1)};
        a->script(s);
        c.addConnection(QStringLiteral("a"), QStringLiteral("Prod\u202E"), a);
        QSignalSpy ready(&c, &Collector::snapshotReady);
        c.pollNow();
        QTRY_COMPARE(ready.count(), 1);
        const QModelIndex conn = model.connectionIndex(QStringLiteral("a"));
        QVERIFY(!conn.data().toString().contains(QChar(0x202E)));
        const QModelIndex q = model.queueIndex(QStringLiteral("a"), hostile);
        QVERIFY(q.isValid());
        QCOMPARE(q.data(M::QueueNameRole).toString(), hostile);
        const QString shown = q.data().toString();
        QVERIFY2(!shown.contains(u'\n') && !shown.contains(QChar(0x2066)), qPrintable(shown));
        QVERIFY(!q.data(Qt::ToolTipRole).toString().contains(u'\n'));
    }
};

QTEST_MAIN(TestConnectionTreeModel)
#include "tst_connectiontreemodel.moc"
