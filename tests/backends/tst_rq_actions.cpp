// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// RQ drill-down and conditional actions on data written by the real python3-rq 1.13 (fixtures/redis/
// rq_actions.py) and jobs failed by a real `rq worker --burst`: paging, details, retry exactly once under two
// concurrent operators, a retried job really run by a real worker, delete, dry runs, read-only connections,
// hostile arguments shown as data, and what RQ's own API reads back after our scripts ran.
#include "core/backends/rq/rqbackend.h"
#include "tests/backends/pagewalk.h"
#include "tests/backends/redistestserver.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QScopeGuard>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace qd;
using qd::rq::RqBackend;

namespace {

constexpr int kDb = 14;
constexpr int kFailing = 12; // rerun-01..rerun-12, plus "hostile"
const QString kFixtures = QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/redis/");

template <typename T> T wait(QFuture<T> f)
{
    f.waitForFinished();
    return f.result();
}

} // namespace

class TestRqActions : public QObject
{
    Q_OBJECT
private:
    qd::test::SharedRedis m_redis;
    std::unique_ptr<QTemporaryDir> m_markers;
    QString m_hostile;

    std::unique_ptr<RqBackend> backend(const QString &query = {})
    {
        return std::make_unique<RqBackend>(ConnectionUrl::parse(m_redis.url(QStringLiteral("rq"), kDb, query)).value());
    }
    QString cli(const QStringList &args) { return qd::test::redisCli(m_redis.host, m_redis.port, kDb, args); }
    QJsonObject report(const QStringList &ids)
    {
        return QJsonDocument::fromJson(
                   qd::test::runFixture(QStringLiteral("/usr/bin/python3"),
                                        QStringList{kFixtures + QStringLiteral("rq_actions.py"),
                                                    QStringLiteral("report"), m_redis.plainUrl(kDb)} +
                                            ids))
            .object();
    }
    /// A real `rq worker --burst` on queue rerun: runs what is there, then exits (bounded by a timeout).
    bool runWorker()
    {
        QProcess worker;
        worker.setWorkingDirectory(kFixtures);
        worker.setStandardOutputFile(QProcess::nullDevice());
        worker.setStandardErrorFile(QProcess::nullDevice()); // RQ logs every traceback
        worker.start(QStringLiteral("/usr/bin/rq"),
                     {QStringLiteral("worker"), QStringLiteral("--burst"), QStringLiteral("--url"),
                      m_redis.plainUrl(kDb), QStringLiteral("--path"), kFixtures, QStringLiteral("rerun")});
        return worker.waitForFinished(60'000) && worker.exitStatus() == QProcess::NormalExit && worker.exitCode() == 0;
    }
    QList<JobSummary> all(RqBackend &b, JobQuery q, int *pages = nullptr)
    {
        QList<JobSummary> out;
        for (int page = 0; page < 100; ++page) {
            const JobPage p = wait(b.jobs(q));
            if (!p.error.isEmpty()) {
                qWarning() << p.error;
                return {};
            }
            out += p.jobs;
            if (pages) {
                ++*pages;
            }
            if (p.nextCursor.isEmpty()) {
                break;
            }
            q.after = p.nextCursor;
        }
        return out;
    }
    static JobQuery failedQuery()
    {
        JobQuery q;
        q.queue = QStringLiteral("rerun");
        q.state = JobState::Failed;
        return q;
    }

private Q_SLOTS:
    void initTestCase() { m_redis = qd::test::sharedRedis(); }

    void init()
    {
        m_markers = std::make_unique<QTemporaryDir>();
        const QJsonObject filled =
            QJsonDocument::fromJson(
                qd::test::runFixture(QStringLiteral("/usr/bin/python3"),
                                     {kFixtures + QStringLiteral("rq_actions.py"), QStringLiteral("fill"),
                                      m_redis.plainUrl(kDb), m_markers->path(), QString::number(kFailing)}))
                .object();
        QVERIFY2(!filled.isEmpty(), "rq_actions.py fill failed");
        m_hostile = filled.value(u"hostile").toString();
        QVERIFY2(runWorker(), "rq worker --burst failed");
        QCOMPARE(cli({QStringLiteral("ZCARD"), QStringLiteral("rq:failed:rerun")}), QString::number(kFailing + 1));
    }

    void failedJobsArePagedAndDecoded()
    {
        auto b = backend();
        JobQuery q = failedQuery();
        q.limit = 5;
        const JobPage first = wait(b->jobs(q));
        QVERIFY2(first.error.isEmpty(), qPrintable(first.error));
        QCOMPARE(first.jobs.size(), 5);
        QCOMPARE(first.nextCursor, QStringLiteral("5"));
        // Soonest to expire first: failed first (RQ scores in whole seconds; ties go by id).
        const JobSummary &j = first.jobs.at(0).id == u"hostile" ? first.jobs.at(1) : first.jobs.at(0);
        QVERIFY2(j.id.startsWith(u"rerun-0"), qPrintable(j.id));
        QCOMPARE(j.queue, QStringLiteral("rerun"));
        QCOMPARE(j.className, QStringLiteral("rqjobs.flaky"));
        QCOMPARE(j.state, JobState::Failed);
        QCOMPARE(j.errorLine, QStringLiteral("RuntimeError: flag not set for tag-") + j.id.section(u'-', 1));
        QVERIFY(j.failedAt.isValid() && j.enqueuedAt.isValid() && j.failedAt >= j.enqueuedAt);
        QVERIFY(!j.worker.isEmpty());
        QVERIFY(!j.attempts.has_value()); // RQ does not count attempts: unknown
        int pages = 0;
        const QList<JobSummary> every = all(*b, q, &pages);
        QCOMPARE(every.size(), kFailing + 1);
        QCOMPARE(pages, 3);
        QSet<QString> ids;
        for (const JobSummary &s : every) {
            ids.insert(s.id);
        }
        QCOMPARE(ids.size(), kFailing + 1);

        q.search = QStringLiteral("tag-07");
        const QList<JobSummary> found = all(*b, q);
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.at(0).id, QStringLiteral("rerun-07"));
        // The error text is searchable too, although RQ keeps it zlib-compressed: "similar jobs" counts on it.
        q.search = QStringLiteral("RuntimeError: flag not set for tag-03");
        const QList<JobSummary> byError = all(*b, q);
        QCOMPARE(byError.size(), 1);
        QCOMPARE(byError.at(0).id, QStringLiteral("rerun-03"));
        q.search = QStringLiteral("RuntimeError: flag not set");
        QCOMPARE(all(*b, q).size(), kFailing + 1); // every failed job here is a flaky one (the hostile one too)

        // Waiting: oldest first; a custom description names no function, so the pickle's first string does.
        JobQuery w;
        w.queue = QStringLiteral("waiting");
        const QList<JobSummary> waiting = all(*b, w);
        QCOMPARE(waiting.size(), 5);
        QCOMPARE(waiting.at(0).id, QStringLiteral("waiting-1"));
        QCOMPARE(waiting.at(0).className, QStringLiteral("rqjobs.send_email"));
        QCOMPARE(waiting.at(4).id, QStringLiteral("waiting-custom"));
        QCOMPARE(waiting.at(4).className, QStringLiteral("rqjobs.send_email"));
        // Scheduled (with its run time), then deferred (none): what the snapshot counts as scheduled.
        w.state = JobState::Scheduled;
        const QList<JobSummary> later = all(*b, w);
        QCOMPARE(later.size(), 2);
        QCOMPARE(later.at(0).id, QStringLiteral("waiting-scheduled"));
        QVERIFY(std::abs(QDateTime::currentDateTimeUtc().secsTo(later.at(0).runAt) - 3600) < 60);
        QCOMPARE(later.at(1).id, QStringLiteral("waiting-deferred"));
        QVERIFY(!later.at(1).runAt.isValid());
        w.state = JobState::Dead;
        const JobPage dead = wait(b->jobs(w));
        QVERIFY(dead.error.isEmpty() && dead.jobs.isEmpty() && !dead.notice.isEmpty());
        w.queue.clear();
        w.state = JobState::Failed;
        QVERIFY(!wait(b->jobs(w)).error.isEmpty());
    }

    void detailShowsReadableFieldsAndTraceback()
    {
        auto b = backend();
        const JobDetail d = wait(b->job(QStringLiteral("rerun-03")));
        QVERIFY2(d.failure.isEmpty(), qPrintable(d.failure));
        QCOMPARE(d.summary.state, JobState::Failed);
        QCOMPARE(d.summary.className, QStringLiteral("rqjobs.flaky"));
        QCOMPARE(d.summary.errorLine, QStringLiteral("RuntimeError: flag not set for tag-03"));
        QVERIFY(d.error.startsWith(u"Traceback (most recent call last):"));
        const QJsonObject payload = QJsonDocument::fromJson(d.payload.toUtf8()).object();
        QCOMPARE(payload.value(u"origin").toString(), QStringLiteral("rerun"));
        QCOMPARE(payload.value(u"status").toString(), QStringLiteral("failed"));
        QVERIFY(payload.value(u"arguments").toString().endsWith(u"'tag-03'"));
        QVERIFY2(!payload.contains(u"data") && payload.value(u"data_bytes").toInt() > 0, "the pickle is never shown");
        QVERIFY(!wait(b->job(QStringLiteral("no-such-job"))).failure.isEmpty());
    }

    void hostileArgumentsComeBackAsData()
    {
        auto b = backend();
        JobQuery q = failedQuery();
        q.search = QStringLiteral("onerror");
        q.withPayload = true;
        const QList<JobSummary> found = all(*b, q);
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.at(0).id, QStringLiteral("hostile"));
        QCOMPARE(found.at(0).className, QStringLiteral("rqjobs.flaky"));
        // The exception message, verbatim up to its first line break (views escape markup and bidi).
        QCOMPARE(found.at(0).errorLine,
                 QStringLiteral("RuntimeError: flag not set for ") + m_hostile.section(u'\n', 0, 0));
        const QJsonObject payload = QJsonDocument::fromJson(found.at(0).payload.toUtf8()).object();
        QVERIFY(payload.value(u"description").toString().contains(u"<img src=x onerror=alert(1)>"));
        const JobDetail d = wait(b->job(QStringLiteral("hostile")));
        QVERIFY(d.error.contains(m_hostile));
        // Acting on it touches only that job.
        JobAction a;
        a.kind = ActionKind::Cancel;
        a.expected = JobState::Failed;
        a.jobIds = {QStringLiteral("hostile")};
        QCOMPARE(wait(b->act(a)).succeeded, QStringList{QStringLiteral("hostile")});
        QCOMPARE(cli({QStringLiteral("ZCARD"), QStringLiteral("rq:failed:rerun")}), QString::number(kFailing));
    }

    void retriedJobReallyRunsInARealWorker()
    {
        auto b = backend();
        JobAction a;
        a.kind = ActionKind::Retry;
        a.expected = JobState::Failed;
        a.jobIds = {QStringLiteral("rerun-02")};
        const ActionResult r = wait(b->act(a));
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.succeeded, a.jobIds);
        // What RQ's own API reads back: queued, on its queue, out of the failed registry, no longer started/ended.
        QJsonObject rep = report({QStringLiteral("rerun-02")});
        const QJsonObject job = rep.value(u"jobs").toObject().value(u"rerun-02").toObject();
        QCOMPARE(job.value(u"status").toString(), QStringLiteral("queued"));
        QVERIFY(job.value(u"queued").toBool());
        QVERIFY(!job.value(u"failed").toBool());
        QVERIFY(job.value(u"started_at").isNull() && job.value(u"ended_at").isNull());
        QCOMPARE(rep.value(u"failed").toObject().value(u"rerun").toInt(), kFailing);
        QCOMPARE(rep.value(u"queued").toObject().value(u"rerun").toInt(), 1);

        QFile flag(QDir(m_markers->path()).filePath(QStringLiteral("succeed")));
        QVERIFY(flag.open(QIODevice::WriteOnly));
        flag.close();
        QVERIFY2(runWorker(), "rq worker --burst failed");
        QFile marker(QDir(m_markers->path()).filePath(QStringLiteral("rerun-02.ran")));
        QVERIFY2(marker.open(QIODevice::ReadOnly), "the retried job did not run");
        QCOMPARE(marker.readAll(), QByteArray("tag-02"));
        QVERIFY2(!QFile::exists(QDir(m_markers->path()).filePath(QStringLiteral("rerun-03.ran"))),
                 "only the retried job ran");
        rep = report({QStringLiteral("rerun-02")});
        QCOMPARE(rep.value(u"jobs").toObject().value(u"rerun-02").toObject().value(u"status").toString(),
                 QStringLiteral("finished"));
        QCOMPARE(all(*b, failedQuery()).size(), kFailing);
    }

    void twoOperatorsRetryTheSameJobExactlyOnce()
    {
        auto alice = backend();
        auto bob = backend();
        JobAction a;
        a.kind = ActionKind::Retry;
        a.expected = JobState::Failed;
        a.jobIds = {QStringLiteral("rerun-05"), QStringLiteral("rerun-06")};
        QFuture<ActionResult> fa = alice->act(a);
        QFuture<ActionResult> fb = bob->act(a);
        const ActionResult ra = wait(fa);
        const ActionResult rb = wait(fb);
        QVERIFY2(ra.error.isEmpty() && rb.error.isEmpty(), qPrintable(ra.error + rb.error));
        QCOMPARE(ra.succeeded.size() + rb.succeeded.size(), 2);
        QCOMPARE(ra.skipped.size() + rb.skipped.size(), 2);
        QCOMPARE(QSet<QString>(ra.succeeded.cbegin(), ra.succeeded.cend()) +
                     QSet<QString>(rb.succeeded.cbegin(), rb.succeeded.cend()),
                 QSet<QString>(a.jobIds.cbegin(), a.jobIds.cend()));
        QCOMPARE(cli({QStringLiteral("LLEN"), QStringLiteral("rq:queue:rerun")}), QStringLiteral("2"));
        // Later: it is no longer failed, so it is skipped ("already retried"), and nothing moves.
        const ActionResult again = wait(alice->act(a));
        QCOMPARE(again.skipped.size(), 2);
        QVERIFY(again.succeeded.isEmpty() && again.error.isEmpty());
        QCOMPARE(cli({QStringLiteral("LLEN"), QStringLiteral("rq:queue:rerun")}), QStringLiteral("2"));
        QCOMPARE(cli({QStringLiteral("ZCARD"), QStringLiteral("rq:failed:rerun")}), QString::number(kFailing - 1));
    }

    void deleteAndEnqueueScheduledAreConditional()
    {
        auto b = backend();
        JobAction a;
        a.kind = ActionKind::Cancel;
        a.expected = JobState::Waiting;
        a.jobIds = {QStringLiteral("waiting-2"), QStringLiteral("rerun-04")}; // rerun-04 is failed, not waiting
        ActionResult r = wait(b->act(a));
        QCOMPARE(r.succeeded, QStringList{QStringLiteral("waiting-2")});
        QCOMPARE(r.skipped, QStringList{QStringLiteral("rerun-04")});
        QCOMPARE(cli({QStringLiteral("EXISTS"), QStringLiteral("rq:job:waiting-2")}), QStringLiteral("0"));
        QCOMPARE(cli({QStringLiteral("LLEN"), QStringLiteral("rq:queue:waiting")}), QStringLiteral("4"));
        QCOMPARE(cli({QStringLiteral("ZCARD"), QStringLiteral("rq:failed:rerun")}), QString::number(kFailing + 1));
        r = wait(b->act(a));
        QCOMPARE(r.skipped.size(), 2); // already gone
        a.expected = JobState::Failed;
        a.jobIds = {QStringLiteral("rerun-04")};
        QCOMPARE(wait(b->act(a)).succeeded.size(), 1);
        QCOMPARE(cli({QStringLiteral("EXISTS"), QStringLiteral("rq:results:rerun-04")}), QStringLiteral("0"));

        // A scheduled job is enqueued now; a deferred one waits for its dependency and says so.
        a.kind = ActionKind::Retry;
        a.expected = JobState::Scheduled;
        a.jobIds = {QStringLiteral("waiting-scheduled")};
        QCOMPARE(wait(b->act(a)).succeeded, a.jobIds);
        a.jobIds = {QStringLiteral("waiting-deferred")};
        r = wait(b->act(a));
        QCOMPARE(r.skipped, a.jobIds);
        QVERIFY2(r.error.contains(u"deferred"), qPrintable(r.error));
        const QJsonObject rep = report({QStringLiteral("waiting-scheduled"), QStringLiteral("waiting-deferred")});
        const QJsonObject jobs = rep.value(u"jobs").toObject();
        QCOMPARE(jobs.value(u"waiting-scheduled").toObject().value(u"status").toString(), QStringLiteral("queued"));
        QVERIFY(jobs.value(u"waiting-scheduled").toObject().value(u"queued").toBool());
        QCOMPARE(jobs.value(u"waiting-deferred").toObject().value(u"status").toString(), QStringLiteral("deferred"));
        QCOMPARE(rep.value(u"scheduled").toObject().value(u"waiting").toInt(), 0);
        QCOMPARE(rep.value(u"queued").toObject().value(u"waiting").toInt(), 5);
        // The snapshot agrees.
        const Snapshot s = wait(b->snapshot());
        QCOMPARE(s.queue(QStringLiteral("waiting"))->waiting.value(), 5);
        QCOMPARE(s.queue(QStringLiteral("waiting"))->scheduled.value(), 1);
        QCOMPARE(s.queue(QStringLiteral("rerun"))->failed.value(), kFailing);
    }

    void dryRunAndReadOnlyChangeNothing()
    {
        auto b = backend();
        QVERIFY(b->capabilities().retry && b->capabilities().cancel);
        QVERIFY(!b->capabilities().moveJobs);
        JobAction a;
        a.kind = ActionKind::Retry;
        a.expected = JobState::Failed;
        for (const JobSummary &j : all(*b, failedQuery())) {
            a.jobIds << j.id;
        }
        QCOMPARE(a.jobIds.size(), kFailing + 1);
        a.dryRun = true;
        ActionResult r = wait(b->act(a));
        QVERIFY(r.dryRun);
        QCOMPARE(r.succeeded.size(), kFailing + 1);
        a.kind = ActionKind::Cancel;
        QCOMPARE(wait(b->act(a)).succeeded.size(), kFailing + 1);
        a.expected = JobState::Waiting; // dry runs are conditional too
        QCOMPARE(wait(b->act(a)).skipped.size(), kFailing + 1);
        QCOMPARE(cli({QStringLiteral("ZCARD"), QStringLiteral("rq:failed:rerun")}), QString::number(kFailing + 1));
        QCOMPARE(cli({QStringLiteral("EXISTS"), QStringLiteral("rq:queue:rerun")}), QStringLiteral("0"));
        QCOMPARE(cli({QStringLiteral("HGET"), QStringLiteral("rq:job:rerun-01"), QStringLiteral("status")}),
                 QStringLiteral("failed"));

        auto ro = backend(QStringLiteral("?readonly=1"));
        QVERIFY(!ro->capabilities().retry && !ro->capabilities().cancel);
        a.kind = ActionKind::Retry;
        a.expected = JobState::Failed;
        a.dryRun = false;
        r = wait(ro->act(a));
        QVERIFY2(r.error.contains(u"read-only"), qPrintable(r.error));
        QVERIFY(r.succeeded.isEmpty());
        QCOMPARE(cli({QStringLiteral("ZCARD"), QStringLiteral("rq:failed:rerun")}), QString::number(kFailing + 1));
        // What RQ cannot do is refused with a reason.
        a.expected = JobState::Running;
        QVERIFY(!wait(b->act(a)).error.isEmpty());
        a.expected = JobState::Waiting;
        QVERIFY(!wait(b->act(a)).error.isEmpty());
        a.kind = ActionKind::Move;
        a.targetQueue = QStringLiteral("other");
        QVERIFY(!wait(b->act(a)).error.isEmpty());
    }

    void pickledFunctionNameIsReadNotRun()
    {
        // pickle.dumps(('rqjobs.boom', None, (), {}), protocol=5): PROTO, FRAME, MARK, SHORT_BINUNICODE …
        const QByteArray p = QByteArray::fromHex("8005951600000000000000288c0b72716a6f62732e626f6f6d944e297d9474942e");
        QCOMPARE(qd::rq::pickledFunctionName(p), QStringLiteral("rqjobs.boom"));
        QCOMPARE(qd::rq::pickledFunctionName(QByteArray("(Vmod.func\nN")), QStringLiteral("mod.func"));
        QVERIFY(qd::rq::pickledFunctionName(QByteArray("\x80\x05\x8c\xff", 4)).isEmpty()); // length beyond the end
        QVERIFY(qd::rq::pickledFunctionName(QByteArray()).isEmpty());
    }

    void searchScansABigQueueInBoundedChunks()
    {
        // 20,000 queued jobs as RQ writes them (the id on the queue list, the job in its hash).
        cli({QStringLiteral("EVAL"),
             QStringLiteral("for i = 1, 20000 do local id = 'big-' .. i redis.call('RPUSH', KEYS[1], id) "
                            "redis.call('HSET', 'rq:job:' .. id, 'description', 'app.task(' .. i .. ')', 'status', 'queued', "
                            "'origin', 'big', 'enqueued_at', '2026-12-06T21:00:00.000000Z') end "
                            "redis.call('SADD', 'rq:queues', KEYS[1]) return 1"),
             QStringLiteral("1"), QStringLiteral("rq:queue:big")});
        auto b = backend(QStringLiteral("?scan_budget_ms=0.001")); // one 100-entry chunk per call
        JobQuery q;
        q.queue = QStringLiteral("big");
        q.search = QStringLiteral("app.task(19990)");
        const qd::test::PageWalk walk = qd::test::walkPages(*b, q, 100);
        QVERIFY2(walk.problem.isEmpty(), qPrintable(walk.problem));
        const int calls = walk.calls;
        const QList<JobSummary> &hits = walk.hits;
        QCOMPARE(walk.total, qint64(20000));
        QCOMPARE(walk.scanned, qint64(20000));
        QVERIFY2(calls >= 200, qPrintable(QString::number(calls)));
        QCOMPARE(hits.size(), 1);
        QCOMPARE(hits.at(0).id, QStringLiteral("big-19990"));
    }

    void stopTellsARealWorkerToShutDown()
    {
        const QString name = QStringLiteral("qd-stop-%1").arg(QCoreApplication::applicationPid());
        QProcess worker;
        worker.setWorkingDirectory(kFixtures);
        worker.setStandardOutputFile(QProcess::nullDevice());
        worker.setStandardErrorFile(QProcess::nullDevice());
        worker.start(QStringLiteral("/usr/bin/rq"), {QStringLiteral("worker"), QStringLiteral("--url"), m_redis.plainUrl(kDb),
                                                     QStringLiteral("--name"), name, QStringLiteral("--path"), kFixtures,
                                                     QStringLiteral("idle")});
        QVERIFY(worker.waitForStarted(10'000));
        const auto cleanup = qScopeGuard([&] {
            worker.kill();
            worker.waitForFinished(5000);
        });
        auto b = backend();
        QVERIFY(b->capabilities().stopWorkers && !b->capabilities().quietWorkers);
        const auto registered = [&] {
            const Snapshot s = wait(b->snapshot());
            return s.ok() && std::any_of(s.workers.cbegin(), s.workers.cend(), [&](const WorkerInfo &w) {
                       return w.id == name && w.state == WorkerState::Idle;
                   });
        };
        QTRY_VERIFY_WITH_TIMEOUT(registered(), 30'000);
        // It registers before it subscribes to its command channel: wait until it listens.
        QTRY_COMPARE_WITH_TIMEOUT(cli({QStringLiteral("PUBSUB"), QStringLiteral("NUMSUB"), QStringLiteral("rq:pubsub:") + name})
                                      .split(u'\n').value(1).trimmed(),
                                  QStringLiteral("1"), 30'000);

        const WorkerSignalResult quiet = wait(b->signalWorker(name, WorkerSignal::Quiet));
        QVERIFY2(quiet.error.contains(QStringLiteral("RQ has no command")), qPrintable(quiet.error));
        const WorkerSignalResult stop = wait(b->signalWorker(name, WorkerSignal::Stop));
        QCOMPARE(stop.error, QString());
        QTRY_COMPARE_WITH_TIMEOUT(worker.state(), QProcess::NotRunning, 30'000);
        QCOMPARE(worker.exitStatus(), QProcess::NormalExit);
        QTRY_VERIFY_WITH_TIMEOUT(!registered(), 10'000); // a warm shutdown unregisters it
        const WorkerSignalResult again = wait(b->signalWorker(name, WorkerSignal::Stop));
        QVERIFY2(again.error.contains(QStringLiteral("listening")), qPrintable(again.error));
    }
};

QTEST_GUILESS_MAIN(TestRqActions)
#include "tst_rq_actions.moc"
