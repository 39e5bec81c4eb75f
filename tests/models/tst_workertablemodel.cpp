// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "models/workertablemodel.h"

#include <QAbstractItemModelTester>
#include <QPersistentModelIndex>
#include <QSignalSpy>
#include <QTest>

using namespace qd;

namespace {

WorkerInfo worker(const QString &id, WorkerState state, std::optional<bool> quiet = std::nullopt)
{
    WorkerInfo w;
    w.id = id;
    w.state = state;
    w.queues = {QStringLiteral("default"), QStringLiteral("mail")};
    w.lastSeenAgeSeconds = state == WorkerState::Lost ? 125.0 : 2.0;
    w.quiet = quiet;
    if (state == WorkerState::Busy) {
        w.currentJob = QStringLiteral("jid-") + id;
    }
    return w;
}

Snapshot snapshot(QList<WorkerInfo> workers)
{
    Snapshot s;
    s.backend = QStringLiteral("sidekiq");
    s.takenAt = QDateTime(QDate(2026, 12, 6), QTime(21, 0), Qt::UTC);
    s.workers = std::move(workers);
    s.workersComplete = true;
    return s;
}

} // namespace

class TestWorkerTableModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void lostFirstThenBusyThenIdle()
    {
        WorkerTableModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::Fatal);
        m.setSnapshot(snapshot({worker(QStringLiteral("web2:7:b"), WorkerState::Idle),
                                worker(QStringLiteral("web1:4:a"), WorkerState::Busy, false),
                                worker(QStringLiteral("web3:9:c"), WorkerState::Lost)}));
        QCOMPARE(m.rowCount(), 3);
        QCOMPARE(m.worker(0).id, QStringLiteral("web3:9:c"));
        QCOMPARE(m.worker(1).id, QStringLiteral("web1:4:a"));
        QCOMPARE(m.worker(2).id, QStringLiteral("web2:7:b"));
        QCOMPARE(m.index(0, WorkerTableModel::State).data().toString(), QStringLiteral("lost"));
        QVERIFY(!m.index(0, WorkerTableModel::State).data(Qt::DecorationRole).isNull()); // shape, not colour alone
        QVERIFY(m.index(0, WorkerTableModel::State).data(Qt::ToolTipRole).toString().contains(u"cannot hear"));
        QCOMPARE(m.index(0, WorkerTableModel::LastSeen).data().toString(), QStringLiteral("2 m 05 s"));
        QCOMPARE(m.index(1, WorkerTableModel::Quiet).data().toString(), QStringLiteral("no"));
        QCOMPARE(m.index(2, WorkerTableModel::Quiet).data().toString(), QStringLiteral("—")); // unknown, not "no"
        QCOMPARE(m.index(1, WorkerTableModel::CurrentJob).data().toString(), QStringLiteral("jid-web1:4:a"));
        QCOMPARE(m.index(2, WorkerTableModel::CurrentJob).data().toString(), QStringLiteral("—"));
        QCOMPARE(m.index(1, WorkerTableModel::Queues).data().toString(), QStringLiteral("default, mail"));
        QCOMPARE(m.asOf(), QDateTime(QDate(2026, 12, 6), QTime(21, 0), Qt::UTC));
    }

    void pollsKeepRowsAndSelection()
    {
        WorkerTableModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::Fatal);
        m.setSnapshot(snapshot({worker(QStringLiteral("a"), WorkerState::Busy), worker(QStringLiteral("b"), WorkerState::Idle),
                                worker(QStringLiteral("c"), WorkerState::Idle)}));
        const QPersistentModelIndex b(m.index(1, 0));
        QSignalSpy resets(&m, &QAbstractItemModel::modelReset);
        // a leaves, b gets quiet, d arrives busy, c goes lost (moves to the top)
        m.setSnapshot(snapshot({worker(QStringLiteral("b"), WorkerState::Idle, true), worker(QStringLiteral("c"), WorkerState::Lost),
                                worker(QStringLiteral("d"), WorkerState::Busy)}));
        QCOMPARE(resets.count(), 0);
        QStringList ids;
        for (int r = 0; r < m.rowCount(); ++r) {
            ids << m.worker(r).id;
        }
        QCOMPARE(ids, (QStringList{QStringLiteral("c"), QStringLiteral("d"), QStringLiteral("b")}));
        QVERIFY(b.isValid());
        QCOMPARE(b.data(WorkerTableModel::WorkerIdRole).toString(), QStringLiteral("b"));
        QCOMPARE(m.index(b.row(), WorkerTableModel::Quiet).data().toString(), QStringLiteral("quiet"));

        // A failed poll changes nothing: the last good rows stay, and asOf() says how old they are.
        Snapshot failed;
        failed.error = QStringLiteral("connection refused");
        failed.takenAt = QDateTime::currentDateTimeUtc();
        m.setSnapshot(failed);
        QCOMPARE(m.rowCount(), 3);
        QCOMPARE(m.asOf(), QDateTime(QDate(2026, 12, 6), QTime(21, 0), Qt::UTC));
        m.setSnapshot(snapshot({}));
        QCOMPARE(m.rowCount(), 0);
        m.clear();
        QVERIFY(!m.asOf().isValid());
    }

    void hostileIdsAreShownAsPlainText()
    {
        WorkerTableModel m;
        m.setSnapshot(snapshot({worker(QStringLiteral("<b>x</b>\u202Eevil"), WorkerState::Idle)}));
        const QString shown = m.index(0, WorkerTableModel::Worker).data().toString();
        QVERIFY(!shown.contains(QChar(0x202E)));
        QCOMPARE(m.index(0, 0).data(WorkerTableModel::WorkerIdRole).toString(), QStringLiteral("<b>x</b>\u202Eevil"));
    }
};

QTEST_MAIN(TestWorkerTableModel)
#include "tst_workertablemodel.moc"
