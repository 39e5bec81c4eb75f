// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// BulkRun: batches, the journal, resume, cancel, rate limit and retry of failing batches, against an
// in-memory backend whose actions are conditional like the real ones. The real servers are in
// tests/backends/tst_bulk_sidekiq.cpp (a Redis server killed mid-run).
#include "core/actions/bulkrun.h"
#include "core/audit/auditlog.h"
#include "core/backend.h"
#include "core/clock.h"
#include "core/timeline/incidenttimeline.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QPromise>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSysInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;

namespace {

template<typename T>
QFuture<T> ready(T value)
{
    return QtFuture::makeReadyFuture(std::move(value));
}

/// Failed jobs "f1…fN"; a retry takes a job out of the failed set (once), like the real backends' scripts.
class JobsBackend final : public Backend
{
public:
    explicit JobsBackend(int jobs)
        : Backend(ConnectionUrl::parse(QStringLiteral("sidekiq+redis://127.0.0.1:1/0")).value(), Clock::system())
    {
        for (int i = 1; i <= jobs; ++i) {
            m_failed << QStringLiteral("f%1").arg(i);
        }
    }
    QString kind() const override { return QStringLiteral("jobs"); }
    Capabilities capabilities() const override
    {
        Capabilities c;
        c.retry = c.cancel = !readOnly;
        return c;
    }
    bool readOnly = false;
    QFuture<Snapshot> snapshot() override { return ready(Snapshot{}); }
    QFuture<JobPage> jobs(const JobQuery &q) override
    {
        JobPage page;
        const qsizetype start = q.after.isEmpty() ? 0 : m_failed.indexOf(q.after) + 1;
        for (qsizetype i = start; i < m_failed.size() && page.jobs.size() < q.limit; ++i) {
            JobSummary s;
            s.id = m_failed.at(i);
            s.className = i % 3 == 0 ? QStringLiteral("PrintJob") : QStringLiteral("MailJob");
            s.state = JobState::Failed;
            page.jobs << s;
        }
        if (!page.jobs.isEmpty() && start + page.jobs.size() < m_failed.size()) {
            page.nextCursor = page.jobs.last().id;
        }
        return ready(page);
    }
    QFuture<ActionResult> act(const JobAction &a) override
    {
        ++acts;
        ActionResult r;
        if (failNext > 0) {
            --failNext;
            // Like a connection lost mid-pipeline: part of the batch happened, the reply never came.
            for (const QString &id : a.jobIds.mid(0, a.jobIds.size() / 2)) {
                retried << id;
                m_failed.removeOne(id);
            }
            r.error = QStringLiteral("connection lost");
            return ready(r);
        }
        for (const QString &id : a.jobIds) {
            if (m_failed.removeOne(id)) {
                retried << id;
                r.succeeded << id;
            } else {
                r.skipped << id;
            }
        }
        return ready(r);
    }
    qsizetype failedLeft() const { return m_failed.size(); }

    QStringList retried; ///< every retry that took effect, in order (a duplicate would show twice)
    int acts = 0;
    int failNext = 0;

private:
    QStringList m_failed;
};

BulkSpec allFailed(int batch)
{
    BulkSpec s;
    s.kind = ActionKind::Retry;
    s.expected = JobState::Failed;
    s.filter = JobQuery{};
    s.filterText = QStringLiteral("queue=default state=failed");
    s.batchSize = batch;
    s.operatorName = QStringLiteral("ada");
    return s;
}

} // namespace

class TestBulkRun : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<AuditLog> m_audit;

    /// A bulk retry in batches of 100, cancelled once `done` jobs are done: its journal entry, left to resume.
    BulkJournalEntry cancelledAt(JobsBackend &b, qint64 done)
    {
        auto run = std::make_unique<BulkRun>(&b, m_audit.get(), allFailed(100));
        QSignalSpy finished(run.get(), &BulkRun::finished);
        BulkRun *raw = run.get();
        connect(raw, &BulkRun::progress, raw, [raw, done](const BulkProgress &p) {
            if (p.done == done) {
                raw->cancel();
            }
        });
        run->start();
        if (!QTest::qWaitFor([&] { return finished.size() == 1; }, 10'000)) {
            qFatal("the bulk run did not stop");
        }
        return m_audit->unfinishedBulks().result().first();
    }

private Q_SLOTS:
    void init()
    {
        m_audit = std::make_unique<AuditLog>(m_dir.filePath(QStringLiteral("audit-%1.sqlite3").arg(QDateTime::currentMSecsSinceEpoch())));
        QVERIFY(m_audit->open().isEmpty());
    }

    void previewCountsClassesAndSample()
    {
        JobsBackend b(2500);
        BulkRun run(&b, m_audit.get(), allFailed(500));
        QSignalSpy resolved(&run, &BulkRun::resolved);
        run.resolve();
        QTRY_COMPARE(resolved.size(), 1);
        QCOMPARE(run.preview().total, 2500);
        QCOMPARE(run.preview().classes.value(QStringLiteral("PrintJob")), 834);
        QCOMPARE(run.preview().classes.value(QStringLiteral("MailJob")), 1666);
        QCOMPARE(run.preview().sample.size(), 5);
        QCOMPARE(b.acts, 0); // a preview changes nothing
    }

    void runsInBatchesWithAnAuditRowEach()
    {
        JobsBackend b(1200);
        BulkRun run(&b, m_audit.get(), allFailed(500));
        QSignalSpy progress(&run, &BulkRun::progress);
        QSignalSpy finished(&run, &BulkRun::finished);
        run.start();
        QTRY_COMPARE(finished.size(), 1);
        const auto s = finished.first().first().value<BulkSummary>();
        QVERIFY(s.complete());
        QCOMPARE(s.succeeded, 1200);
        QCOMPARE(s.notAttempted, 0);
        QCOMPARE(progress.size(), 3);
        QCOMPARE(progress.last().first().value<BulkProgress>().done, 1200);
        QCOMPARE(b.failedLeft(), 0);
        const auto rows = m_audit->recent(10).result();
        QCOMPARE(rows.size(), 3);
        QVERIFY2(rows.first().filter.contains(QStringLiteral("batch 3 of 3")), qPrintable(rows.first().filter));
        QCOMPARE(rows.first().succeeded, 200);
        const auto entry = m_audit->bulk(s.runId).result();
        QVERIFY(entry);
        QCOMPARE(entry->state, QStringLiteral("done"));
        QVERIFY(m_audit->unfinishedBulks().result().isEmpty());
    }

    void actsOnASelection()
    {
        JobsBackend b(10);
        BulkSpec spec;
        spec.jobIds = {QStringLiteral("f2"), QStringLiteral("f3"), QStringLiteral("f3"), QStringLiteral("nope")};
        BulkRun run(&b, m_audit.get(), spec);
        QSignalSpy finished(&run, &BulkRun::finished);
        run.start();
        QTRY_COMPARE(finished.size(), 1);
        const auto s = finished.first().first().value<BulkSummary>();
        QCOMPARE(s.total, 3); // the duplicate selected once
        QCOMPARE(s.succeeded, 2);
        QCOMPARE(s.skipped, 1);
        QCOMPARE(s.firstSucceeded, (QStringList{QStringLiteral("f2"), QStringLiteral("f3")}));
    }

    void aRunPutsOneSentenceOnTheTimelineNotOnePerBatch()
    {
        JobsBackend b(1200);
        IncidentTimeline timeline(m_dir.filePath(QStringLiteral("timeline-%1.sqlite3").arg(QDateTime::currentMSecsSinceEpoch())));
        QCOMPARE(timeline.open(), QString());
        QSignalSpy added(&timeline, &IncidentTimeline::entryAdded);
        BulkSpec spec = allFailed(500);
        spec.operatorName = QStringLiteral("ada");
        BulkRun run(&b, m_audit.get(), spec);
        run.setTimeline(&timeline, QStringLiteral("conn-1"));
        QSignalSpy finished(&run, &BulkRun::finished);
        run.start();
        QTRY_COMPARE(finished.size(), 1);
        QTRY_COMPARE(added.size(), 1);
        const auto entry = added.first().first().value<TimelineEntry>();
        QCOMPARE(entry.connectionId, QStringLiteral("conn-1"));
        QCOMPARE(entry.text, QStringLiteral("Operator ada: ") + bulkSentence(run.spec(), finished.first().first().value<BulkSummary>()));
        QVERIFY2(entry.text.contains(u"retried 1200 failed job(s)"), qPrintable(entry.text));
        QCOMPARE(m_audit->recent(10).result().size(), 3); // three batches, three rows, one event
    }

    void cancelStopsAfterTheBatchInFlightAndResumeFinishes()
    {
        JobsBackend b(1000);
        auto *run = new BulkRun(&b, m_audit.get(), allFailed(100));
        QSignalSpy finished(run, &BulkRun::finished);
        connect(run, &BulkRun::progress, run, [run](const BulkProgress &p) {
            if (p.done == 300) {
                run->cancel();
            }
        });
        run->start();
        QTRY_COMPARE(finished.size(), 1);
        const auto s = finished.first().first().value<BulkSummary>();
        QVERIFY(s.cancelled);
        QCOMPARE(s.succeeded, 300);
        QCOMPARE(s.notAttempted, 700);
        delete run;

        const auto open = m_audit->unfinishedBulks(b.url().toDisplayString()).result();
        QCOMPARE(open.size(), 1);
        QCOMPARE(open.first().next, 300);
        QCOMPARE(open.first().state, QStringLiteral("cancelled"));
        std::unique_ptr<BulkRun> resumed(BulkRun::resume(&b, m_audit.get(), open.first()));
        QSignalSpy done(resumed.get(), &BulkRun::finished);
        resumed->start();
        QTRY_COMPARE(done.size(), 1);
        const auto s2 = done.first().first().value<BulkSummary>();
        QVERIFY(s2.complete());
        QCOMPARE(s2.runId, s.runId);
        QCOMPARE(s2.succeeded, 1000);
        QCOMPARE(b.retried.size(), 1000);
        QCOMPARE(QSet<QString>(b.retried.begin(), b.retried.end()).size(), 1000); // nobody twice
    }

    void aRunIsResumedByOneProcessAtATime()
    {
        JobsBackend b(600);
        const BulkJournalEntry entry = cancelledAt(b, 200);

        // What another `queuedeckctl resume` of this run leaves in the journal while it works.
        auto leaseTo = [&](const QString &owner, qint64 untilMs) {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("other"));
            db.setDatabaseName(m_audit->path());
            bool ok = db.open();
            {
                QSqlQuery q(db);
                q.prepare(QStringLiteral("UPDATE bulk_runs SET state = 'running', lease_owner = ?, lease_until = ? WHERE id = ?"));
                q.addBindValue(owner);
                q.addBindValue(untilMs);
                q.addBindValue(entry.id);
                ok = ok && q.exec();
            }
            db.close();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(QStringLiteral("other"));
            return ok;
        };
        const QString host = QSysInfo::machineHostName();
        const qint64 later = QDateTime::currentMSecsSinceEpoch() + 60'000;
        // pid 1 is alive: that resume is running, and this one is refused before it changes anything.
        QVERIFY(leaseTo(host + QStringLiteral("/1"), later));
        {
            std::unique_ptr<BulkRun> second(BulkRun::resume(&b, m_audit.get(), entry));
            QSignalSpy refused(second.get(), &BulkRun::failed);
            second->start();
            QTRY_COMPARE(refused.size(), 1);
            const QString why = refused.first().first().toString();
            QVERIFY2(why.contains(u"is being resumed by " + host + u"/1"), qPrintable(why));
            QCOMPARE(b.retried.size(), 200);
        }
        // Another host's lease that has expired (its process died) is taken over.
        QVERIFY(leaseTo(QStringLiteral("elsewhere.example/4242"), QDateTime::currentMSecsSinceEpoch() - 1));
        {
            std::unique_ptr<BulkRun> third(BulkRun::resume(&b, m_audit.get(), entry));
            QSignalSpy done(third.get(), &BulkRun::finished);
            third->start();
            QTRY_COMPARE(done.size(), 1);
            QVERIFY(done.first().first().value<BulkSummary>().complete());
        }
        QCOMPARE(b.retried.size(), 600);
        QCOMPARE(QSet<QString>(b.retried.begin(), b.retried.end()).size(), 600);
        // Done: no lease left, and nothing to resume.
        QCOMPARE(m_audit->leaseBulk(entry.id).result(), QStringLiteral("Bulk run %1 is already done.").arg(entry.id));
    }

    void theLeaseOfAProcessThatIsGoneIsTakenOver()
    {
        JobsBackend b(300);
        const BulkJournalEntry entry = cancelledAt(b, 100);
        QProcess gone; // a resume killed with -9: same host, its pid no longer runs
        gone.start(QStringLiteral("/bin/true"));
        QVERIFY(gone.waitForFinished());
        const qint64 deadPid = gone.processId() ? gone.processId() : 999999;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("killed"));
            db.setDatabaseName(m_audit->path());
            QVERIFY(db.open());
            QSqlQuery q(db);
            q.prepare(QStringLiteral("UPDATE bulk_runs SET state = 'running', lease_owner = ?, lease_until = ? WHERE id = ?"));
            q.addBindValue(QString(QSysInfo::machineHostName() + u'/' + QString::number(deadPid)));
            q.addBindValue(QDateTime::currentMSecsSinceEpoch() + 600'000);
            q.addBindValue(entry.id);
            QVERIFY(q.exec());
        }
        QSqlDatabase::removeDatabase(QStringLiteral("killed"));
        QCOMPARE(m_audit->leaseBulk(entry.id).result(), QString());
    }

    void aFailingBatchIsRetriedWithoutDuplicates()
    {
        JobsBackend b(400);
        b.failNext = 1; // half of the first batch happens, then "connection lost"
        BulkSpec spec = allFailed(100);
        BulkRun run(&b, m_audit.get(), spec);
        QSignalSpy finished(&run, &BulkRun::finished);
        run.start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        const auto s = finished.first().first().value<BulkSummary>();
        QVERIFY2(s.complete(), qPrintable(s.error));
        QCOMPARE(s.succeeded + s.skipped, 400);
        QCOMPARE(s.skipped, 50); // the half the lost reply had done: skipped, not retried again
        QCOMPARE(b.retried.size(), 400);
        QCOMPARE(QSet<QString>(b.retried.begin(), b.retried.end()).size(), 400);
        QCOMPARE(b.failedLeft(), 0);
    }

    void givesUpAfterTheRetriesAndStaysResumable()
    {
        JobsBackend b(300);
        b.failNext = 100;
        BulkSpec spec = allFailed(100);
        spec.retries = 0;
        BulkRun run(&b, m_audit.get(), spec);
        QSignalSpy finished(&run, &BulkRun::finished);
        run.start();
        QTRY_COMPARE(finished.size(), 1);
        const auto s = finished.first().first().value<BulkSummary>();
        QCOMPARE(s.error, QStringLiteral("connection lost"));
        QCOMPARE(s.notAttempted, 300);
        const auto entry = m_audit->bulk(s.runId).result();
        QCOMPARE(entry->state, QStringLiteral("interrupted"));
        QCOMPARE(entry->result, QStringLiteral("connection lost"));
        QCOMPARE(m_audit->recent(5).result().first().result, QStringLiteral("connection lost"));
    }

    void rateLimitSpacesTheBatches()
    {
        JobsBackend b(40);
        BulkSpec spec = allFailed(500);
        spec.ratePerSecond = 20; // batches of 20, one a second
        BulkRun run(&b, m_audit.get(), spec);
        QCOMPARE(run.spec().batchSize, 20);
        QSignalSpy finished(&run, &BulkRun::finished);
        QElapsedTimer t;
        t.start();
        run.start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        QCOMPARE(b.acts, 2);
        QVERIFY2(t.elapsed() >= 900, qPrintable(QString::number(t.elapsed()))); // the second batch waited
    }

    void aRefusalIsNotARun()
    {
        // A read-only connection: refused before anything is listed, journaled or offered for resuming.
        JobsBackend b(10);
        b.readOnly = true;
        BulkRun run(&b, m_audit.get(), allFailed(5));
        QSignalSpy failed(&run, &BulkRun::failed);
        run.start();
        QTRY_COMPARE(failed.size(), 1);
        QVERIFY2(failed.first().first().toString().contains(u"no run was recorded"),
                 qPrintable(failed.first().first().toString()));
        QCOMPARE(b.acts, 0);
        auto unfinished = m_audit->unfinishedBulks();
        unfinished.waitForFinished();
        QVERIFY(unfinished.result().isEmpty());
    }

    void noAuditLogNoAction()
    {
        JobsBackend b(10);
        AuditLog closed(m_dir.filePath(QStringLiteral("never-opened.sqlite3")));
        BulkRun run(&b, &closed, allFailed(5));
        QSignalSpy failed(&run, &BulkRun::failed);
        run.start();
        QTRY_COMPARE(failed.size(), 1);
        QCOMPARE(b.acts, 0);
    }
};

QTEST_GUILESS_MAIN(TestBulkRun)
#include "tst_bulkrun.moc"
