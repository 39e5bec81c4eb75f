// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// OperatorActions: the one place a queue, worker or resend action is run and audited, for the desktop and the
// CLI alike. A backend whose answers are scripted (the real servers are in tests/backends and tests/app); the
// answers can come from another thread, as a real backend's do.
#include "core/actions/operatoractions.h"
#include "core/audit/auditlog.h"
#include "core/backend.h"
#include "core/clock.h"
#include "core/timeline/incidenttimeline.h"
#include "tests/support/waitfor.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent>

using namespace qd;

namespace {

class ScriptedBackend final : public Backend
{
public:
    ScriptedBackend()
        : Backend(ConnectionUrl::parse(QStringLiteral("rabbitmq+http://ops:secret@127.0.0.1:15672/%2F")).value(),
                  Clock::system())
    {
    }
    QString kind() const override { return QStringLiteral("scripted"); }
    Capabilities capabilities() const override { return {}; }
    QFuture<Snapshot> snapshot() override { return answer(Snapshot{}); }

    QFuture<PurgeResult> purgeQueue(const QString &queue, bool dryRun) override
    {
        PurgeResult r = purged;
        r.queue = queue;
        r.dryRun = dryRun;
        return answer(r);
    }
    QFuture<MoveResult> moveMessages(const MoveRequest &request) override
    {
        MoveResult r = moved;
        r.from = request.from;
        r.to = request.to;
        r.dryRun = request.dryRun;
        return answer(r);
    }
    QFuture<PauseResult> setQueuePaused(const QString &queue, bool pause) override
    {
        PauseResult r = paused;
        r.queue = queue;
        r.paused = pause;
        return answer(r);
    }
    QFuture<WorkerSignalResult> signalWorker(const QString &worker, WorkerSignal signal) override
    {
        WorkerSignalResult r;
        r.worker = worker;
        r.signal = signal;
        r.error = signalError;
        return answer(r);
    }
    QFuture<ResendResult> resend(const ResendRequest &request) override
    {
        ResendResult r = resent;
        r.originalId = request.jobId;
        r.inPlace = request.inPlace;
        r.dryRun = request.dryRun;
        return answer(r);
    }

    PurgeResult purged;
    MoveResult moved;
    PauseResult paused;
    ResendResult resent;
    QString signalError;
    bool fromAnotherThread = false; ///< answer on a pool thread, as a backend's connection thread does

private:
    int m_answers = 0;
    template <typename T>
    QFuture<T> answer(T value)
    {
        if (!fromAnotherThread) {
            return QtFuture::makeReadyFuture(std::move(value));
        }
        // Sometimes at once, sometimes after the caller has moved on: the continuation must never be lost.
        return QtConcurrent::run([value, ms = m_answers++ % 3] {
            QThread::msleep(ms);
            return value;
        });
    }
};

using test::waitFor;

} // namespace

class TestOperatorActions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_audit = std::make_unique<AuditLog>(m_dir->filePath(QStringLiteral("audit.sqlite3")));
        QCOMPARE(m_audit->open(), QString());
    }

    void aQueueActionWritesOneRowWithWhatItDid()
    {
        ScriptedBackend b;
        b.paused.changed = true;
        const OperatorActions actions(m_audit.get());
        const auto done = waitFor(actions.setQueuePaused(b, QStringLiteral("print"), true, {QStringLiteral("ada"), true}));
        QVERIFY(done.ok);
        QCOMPARE(done.summary, QStringLiteral("Paused print"));
        const QList<AuditRecord> r = rows();
        QCOMPARE(r.size(), 1);
        QCOMPARE(r.first().action, QStringLiteral("pause"));
        QCOMPARE(r.first().operatorName, QStringLiteral("ada"));
        QCOMPARE(r.first().filter, QStringLiteral("queue=print (GUI)"));
        QCOMPARE(r.first().result, QStringLiteral("ok"));
        QCOMPARE(r.first().succeeded, 1);
        QVERIFY2(!r.first().connection.contains(u"secret"), qPrintable(r.first().connection)); // never the password
    }

    void aRefusalIsRecordedAndSaidAsSuch()
    {
        ScriptedBackend b;
        b.paused.error = QStringLiteral("read-only profile");
        const auto done = waitFor(
            OperatorActions(m_audit.get()).setQueuePaused(b, QStringLiteral("print"), false, {QStringLiteral("ada")}));
        QVERIFY(!done.ok);
        QCOMPARE(done.summary, QStringLiteral("print not changed: read-only profile"));
        const QList<AuditRecord> r = rows();
        QCOMPARE(r.size(), 1);
        QCOMPARE(r.first().action, QStringLiteral("unpause"));
        QCOMPARE(r.first().filter, QStringLiteral("queue=print")); // the CLI's rows carry no "(GUI)"
        QCOMPARE(r.first().result, QStringLiteral("read-only profile"));
        QCOMPARE(r.first().succeeded, 0);
    }

    void aPurgeStatesItsBlastRadiusWithTheCountItDeleted()
    {
        ScriptedBackend b;
        b.purged.before = 35000;
        BulkPreview sample;
        sample.total = 34000; // counted when the dialog opened; the purge found more
        sample.classes.insert(QStringLiteral("PrintJob"), 200);
        sample.sampled = 200;
        ActionContext context{QStringLiteral("ada"), true};
        context.blastRadius = sample;
        const auto done = waitFor(OperatorActions(m_audit.get()).purge(b, QStringLiteral("print"), false, context));
        QVERIFY(done.ok);
        QCOMPARE(done.summary, QStringLiteral("Purged print: 35000 message(s) deleted."));
        const AuditRecord row = rows().value(0);
        QVERIFY2(row.filter.startsWith(u"queue=print before=35000 (GUI) — blast radius: 35000 job(s) of 1 class(es)"),
                 qPrintable(row.filter));
        QCOMPARE(row.succeeded, 35000);
    }

    void aMoveSaysWhatIsLeft()
    {
        ScriptedBackend b;
        b.moved.before = 25;
        b.moved.moved = 25;
        b.moved.left = 2;
        const auto done = waitFor(OperatorActions(m_audit.get())
                                      .move(b, MoveRequest{QStringLiteral("orders.dlq"), QStringLiteral("orders"), false},
                                            {QStringLiteral("ada")}));
        QVERIFY(done.ok);
        QVERIFY2(done.summary.startsWith(u"Moved 25 message(s) from orders.dlq to orders. 2 still counted in orders.dlq"),
                 qPrintable(done.summary));
        QCOMPARE(rows().value(0).filter, QStringLiteral("from=orders.dlq to=orders before=25 left=2"));
    }

    void theDesktopsActionsReachTheTimelineFromCoreOnceTheirRowIsWritten()
    {
        // Answers from another thread, as a real backend's: the entry must still be added on the timeline's thread.
        ScriptedBackend b;
        b.fromAnotherThread = true;
        b.purged.before = 25;
        b.paused.changed = true;
        IncidentTimeline timeline(m_dir->filePath(QStringLiteral("timeline.sqlite3")));
        QCOMPARE(timeline.open(), QString());
        QSignalSpy added(&timeline, &IncidentTimeline::entryAdded);
        const ActionContext context{QStringLiteral("ada"), true, {}, &timeline, QStringLiteral("conn-1")};
        const OperatorActions actions(m_audit.get());
        waitFor(actions.purge(b, QStringLiteral("print"), false, context));
        QTRY_COMPARE(added.size(), 1);
        const auto entry = added.first().first().value<TimelineEntry>();
        QCOMPARE(entry.connectionId, QStringLiteral("conn-1"));
        QCOMPARE(entry.text, QStringLiteral("Operator ada: Purged print: 25 message(s) deleted."));
        QCOMPARE(rows().size(), 1); // the row first, then the timeline

        // A dry run writes no row, so it is no event either; without a timeline (queuedeckctl) only the row.
        waitFor(actions.purge(b, QStringLiteral("print"), true, context));
        waitFor(actions.setQueuePaused(b, QStringLiteral("print"), true, {QStringLiteral("ada")}));
        OperatorActions::NotifyRun run;
        run.queue = QStringLiteral("print");
        run.incident = QStringLiteral("INC-7");
        run.sent = 3;
        waitFor(actions.recordNotify(run, context));
        QTRY_COMPARE(added.size(), 2);
        QCOMPARE(added.at(1).first().value<TimelineEntry>().text,
                 QStringLiteral("Operator ada: notified the affected users of print (incident INC-7): 3 sent, 0 told "
                                "before, 0 failed"));
        QCOMPARE(rows().size(), 3);
    }

    void dryRunsWriteNoRow()
    {
        ScriptedBackend b;
        b.purged.before = 3;
        b.moved.before = 4;
        b.resent.newId = QStringLiteral("queue:mail:new");
        const OperatorActions actions(m_audit.get());
        const auto purge = waitFor(actions.purge(b, QStringLiteral("print"), true, {QStringLiteral("ada")}));
        QCOMPARE(purge.summary, QStringLiteral("Purging print would delete 3 message(s)."));
        const auto move = waitFor(actions.move(b, MoveRequest{QStringLiteral("a"), QStringLiteral("b"), true}, {}));
        QCOMPARE(move.summary, QStringLiteral("Would move 4 message(s) from a to b."));
        ResendRequest request;
        request.jobId = QStringLiteral("j1");
        request.dryRun = true;
        QVERIFY(waitFor(actions.resend(b, request, {})).ok);
        QCOMPARE(rows().size(), 0);
    }

    void aResendKeepsBothPayloads()
    {
        ScriptedBackend b;
        b.resent.newId = QStringLiteral("queue:mail:new");
        b.resent.original = QStringLiteral(R"({"args":[1]})");
        b.resent.edited = QStringLiteral(R"({"args":[2]})");
        ResendRequest request;
        request.jobId = QStringLiteral("dead:j1");
        request.expected = JobState::Dead;
        const auto done = waitFor(OperatorActions(m_audit.get()).resend(b, request, {QStringLiteral("ada"), true}));
        QCOMPARE(done.summary, QStringLiteral("Resent dead:j1 as queue:mail:new"));
        const AuditRecord row = rows().value(0);
        QCOMPARE(row.jobIds, (QStringList{QStringLiteral("dead:j1"), QStringLiteral("queue:mail:new")}));
        QCOMPARE(row.filter, QStringLiteral("as a new job (GUI)"));
        QCOMPARE(row.expectedState, QStringLiteral("dead"));
        QCOMPARE(row.payloadBefore, QStringLiteral(R"({"args":[1]})"));
        QCOMPARE(row.payloadAfter, QStringLiteral(R"({"args":[2]})"));
    }

    void aWorkerSignalNamesTheWorker()
    {
        ScriptedBackend b;
        const auto done = waitFor(OperatorActions(m_audit.get())
                                      .signalWorker(b, QStringLiteral("web1:11:aa"), WorkerSignal::Stop, {QStringLiteral("ada")}));
        QCOMPARE(done.summary, QStringLiteral("Told web1:11:aa to shut down"));
        QCOMPARE(rows().value(0).action, QStringLiteral("stop"));
        QCOMPARE(rows().value(0).filter, QStringLiteral("worker=web1:11:aa"));
    }

    /// The answer comes on the backend's thread; the caller's future resolves only once the row is in the log, so
    /// a CLI that exits on the answer (or a test that reads the log at once) never misses it.
    void theAnswerComesAfterTheRowIsWritten()
    {
        ScriptedBackend b;
        b.fromAnotherThread = true;
        const OperatorActions actions(m_audit.get());
        for (int i = 0; i < 60; ++i) {
            QFuture<ActionOutcome<WorkerSignalResult>> f =
                actions.signalWorker(b, QStringLiteral("w%1").arg(i), WorkerSignal::Quiet, {QStringLiteral("ada")});
            f.waitForFinished();
            QCOMPARE(rows().size(), i + 1);
        }
    }

    void aNotifyRunIsOneRow()
    {
        OperatorActions::NotifyRun run;
        run.connection = QStringLiteral("sidekiq+redis://127.0.0.1:6379/0");
        run.state = JobState::Waiting;
        run.incident = QStringLiteral("INC-7");
        run.templateName = QStringLiteral("apology");
        run.queue = QStringLiteral("print");
        run.channel = QStringLiteral("webhook:http://127.0.0.1:9/");
        run.sent = 3;
        run.skipped = 1;
        run.failed = 1;
        OperatorActions(m_audit.get()).recordNotify(run, {QStringLiteral("ada"), true}).waitForFinished();
        const AuditRecord row = rows().value(0);
        QCOMPARE(row.action, QStringLiteral("notify"));
        QCOMPARE(row.filter, QStringLiteral("incident=INC-7 queue=print state=waiting channel=webhook:http://127.0.0.1:9/ "
                                            "template=apology (GUI)"));
        QCOMPARE(row.result, QStringLiteral("1 failed, 0 still queued"));
        QCOMPARE(row.succeeded, 3);
        QCOMPARE(row.skipped, 1);
    }

private:
    QList<AuditRecord> rows() { return waitFor(m_audit->recent(500)); }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<AuditLog> m_audit;
};

QTEST_GUILESS_MAIN(TestOperatorActions)
#include "tst_operatoractions.moc"
