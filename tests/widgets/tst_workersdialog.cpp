// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "tests/support/fakebackend.h"
#include "core/audit/auditlog.h"
#include "core/collector.h"
#include "widgets/workersdialog.h"
#include "models/workertablemodel.h"

#include <QAbstractItemModelTester>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;

namespace {

WorkerInfo worker(const QString &id, WorkerState state)
{
    WorkerInfo w;
    w.id = id;
    w.state = state;
    w.queues = {QStringLiteral("default")};
    w.lastSeenAgeSeconds = state == WorkerState::Lost ? 300.0 : 1.0;
    w.quiet = false;
    if (state == WorkerState::Busy) {
        w.currentJob = QStringLiteral("7c1e0f4b9a2d5e6f8a9b0c1d");
    }
    return w;
}

} // namespace

class TestWorkersDialog : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void listsWorkersLiveAndSignalsTheSelectedOneAudited()
    {
        ManualClock clock;
        Collector collector(&clock);
        auto backend = std::make_shared<test::FakeBackend>(&clock);
        Capabilities caps;
        caps.workers = true;
        caps.stopWorkers = true; // but not quiet: the button says why
        backend->setCapabilities(caps);
        Snapshot s;
        s.workers = {worker(QStringLiteral("web1:11:aa"), WorkerState::Idle), worker(QStringLiteral("web9:99:zz"), WorkerState::Lost)};
        s.workersComplete = true;
        backend->script(s);
        collector.addConnection(QStringLiteral("c"), QStringLiteral("Jobs"), backend);
        AuditLog audit(m_dir.filePath(QStringLiteral("audit.sqlite3")), &clock);
        QCOMPARE(audit.open(), QString());

        WorkersDialog dialog(&collector, QStringLiteral("c"), &audit, QStringLiteral("ops-anna"));
        QAbstractItemModelTester tester(dialog.model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        QAbstractItemModelTester viewTester(dialog.view()->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        QVERIFY(dialog.freshnessText().contains(QStringLiteral("unknown"))); // nothing polled yet: not "no workers"
        collector.pollNow();
        QTRY_COMPARE(dialog.model()->rowCount(), 2);
        QVERIFY2(dialog.freshnessText().contains(QStringLiteral("updated")), qPrintable(dialog.freshnessText()));
        QCOMPARE(dialog.view()->model()->index(0, WorkerTableModel::Worker).data().toString(), QStringLiteral("web9:99:zz"));

        // Nothing selected: both off, each says why.
        QVERIFY(!dialog.quietButton()->isEnabled() && !dialog.stopButton()->isEnabled());
        QCOMPARE(dialog.quietButton()->toolTip(), QStringLiteral("fake workers cannot be quieted"));
        QVERIFY(dialog.stopButton()->toolTip().contains(QStringLiteral("Select a worker")));
        // A lost worker cannot hear anything.
        QVERIFY(dialog.selectWorker(QStringLiteral("web9:99:zz")));
        QVERIFY(!dialog.stopButton()->isEnabled());
        QVERIFY(dialog.stopButton()->toolTip().contains(QStringLiteral("lost")));
        QVERIFY(dialog.selectWorker(QStringLiteral("web1:11:aa")));
        QVERIFY(dialog.stopButton()->isEnabled());
        QVERIFY(!dialog.quietButton()->isEnabled());

        QSignalSpy done(&dialog, &WorkersDialog::actionDone);
        dialog.signalSelected(WorkerSignal::Stop);
        QTRY_COMPARE(done.count(), 1);
        QCOMPARE(done.at(0).at(0).toString(), QStringLiteral("c"));
        QCOMPARE(done.at(0).at(1).toString(), QStringLiteral("Told web1:11:aa to shut down"));
        QCOMPARE(backend->signalled().size(), 1);
        QCOMPARE(backend->signalled().at(0).first, QStringLiteral("web1:11:aa"));
        QCOMPARE(backend->signalled().at(0).second, WorkerSignal::Stop);

        // A refusal is reported and audited too.
        backend->signalError = QStringLiteral("No RQ worker web1:11:aa is listening");
        dialog.signalSelected(WorkerSignal::Stop);
        QTRY_COMPARE(done.count(), 2);
        QVERIFY(dialog.statusText().contains(QStringLiteral("was not signalled: No RQ worker")));

        auto recent = audit.recent();
        recent.waitForFinished();
        const QList<AuditRecord> rows = recent.result();
        QCOMPARE(rows.size(), 2);
        for (const AuditRecord &r : rows) {
            QCOMPARE(r.action, QStringLiteral("stop"));
            QCOMPARE(r.operatorName, QStringLiteral("ops-anna"));
            QCOMPARE(r.filter, QStringLiteral("worker=web1:11:aa (GUI)"));
        }
        QCOMPARE(rows.at(0).succeeded + rows.at(1).succeeded, 1);

        // The next poll updates the rows in place: the selection stays on the same worker.
        Snapshot next = s;
        next.workers[0].quiet = true;
        next.workers.append(worker(QStringLiteral("web2:22:bb"), WorkerState::Busy));
        backend->script(next);
        collector.pollNow();
        QTRY_COMPARE(dialog.model()->rowCount(), 3);
        const QModelIndexList selected = dialog.view()->selectionModel()->selectedRows();
        QCOMPARE(selected.size(), 1);
        QCOMPARE(selected.first().data(WorkerTableModel::WorkerIdRole).toString(), QStringLiteral("web1:11:aa"));
        if (const QString shots = qEnvironmentVariable("QD_SCREENSHOT_DIR"); !shots.isEmpty()) { // docs/screenshots
            dialog.resize(900, 300);
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            QVERIFY(dialog.grab().save(shots + QStringLiteral("/workers.png")));
        }
    }

    void withoutAnAuditLogNothingIsSent()
    {
        ManualClock clock;
        Collector collector(&clock);
        auto backend = std::make_shared<test::FakeBackend>(&clock);
        Capabilities caps;
        caps.stopWorkers = caps.quietWorkers = true;
        backend->setCapabilities(caps);
        Snapshot s;
        s.workers = {worker(QStringLiteral("w"), WorkerState::Busy)};
        backend->script(s);
        collector.addConnection(QStringLiteral("c"), QStringLiteral("Jobs"), backend);
        WorkersDialog dialog(&collector, QStringLiteral("c"), nullptr, QStringLiteral("ops"));
        collector.pollNow();
        QTRY_COMPARE(dialog.model()->rowCount(), 1);
        QVERIFY(dialog.selectWorker(QStringLiteral("w")));
        QVERIFY(!dialog.stopButton()->isEnabled());
        QVERIFY(dialog.stopButton()->toolTip().contains(QStringLiteral("audit log")));
        dialog.signalSelected(WorkerSignal::Stop);
        QVERIFY(backend->signalled().isEmpty());
    }
};

QTEST_MAIN(TestWorkersDialog)
#include "tst_workersdialog.moc"
