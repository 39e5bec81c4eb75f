// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// BullMQ drill-down and conditional actions on data written and processed by the real npm bullmq
// (fixtures/redis/bullmq_actions.mjs): paging, details, retry and promote picked up by a real Worker, exactly one
// of two concurrent retries, conditional delete, a paused queue, dry runs, read-only connections, hostile text.
#include "core/backends/bullmq/bullmqbackend.h"
#include "tests/backends/pagewalk.h"
#include "tests/backends/redistestserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTest>

using namespace qd;
using qd::bullmq::BullMqBackend;

namespace {

constexpr int kDb = 11;
const QString kFixtures = QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/redis/");
// As bullmq_actions.mjs writes them.
const QString kHostileName = QStringLiteral("<img src=x onerror=alert(1)>\u202Egnp.exe");
const QString kHostileNote = QStringLiteral("<script>alert(\"x\")</script>\u2067\u200F");
const QString kHostileError = QStringLiteral("<b>bold</b> \u202Edesrever");

template <typename T> T wait(QFuture<T> f)
{
    f.waitForFinished();
    return f.result();
}

} // namespace

class TestBullMqActions : public QObject
{
    Q_OBJECT
private:
    qd::test::SharedRedis m_redis;

    std::unique_ptr<BullMqBackend> backend(const QString &query = {})
    {
        return std::make_unique<BullMqBackend>(
            ConnectionUrl::parse(m_redis.url(QStringLiteral("bullmq"), kDb, query)).value());
    }
    QString cli(const QStringList &args) { return qd::test::redisCli(m_redis.host, m_redis.port, kDb, args); }
    QJsonObject node(const QStringList &args)
    {
        return QJsonDocument::fromJson(
                   qd::test::runFixture(QStringLiteral("node"),
                                        QStringList{kFixtures + QStringLiteral("bullmq_actions.mjs"), args.at(0),
                                                    m_redis.plainUrl(kDb)} +
                                            args.mid(1)))
            .object();
    }
    /// BullMQ's own view: getJobCounts, isPaused and getJobState of `ids`.
    QJsonObject bullCounts(const QString &queue, const QStringList &ids = {})
    {
        return node(QStringList{QStringLiteral("counts"), queue} + ids);
    }
    QList<JobSummary> all(BullMqBackend &b, JobQuery q)
    {
        QList<JobSummary> out;
        for (int page = 0; page < 100; ++page) {
            const JobPage p = wait(b.jobs(q));
            if (!p.error.isEmpty()) {
                qWarning() << p.error;
                return {};
            }
            out += p.jobs;
            if (p.nextCursor.isEmpty()) {
                break;
            }
            q.after = p.nextCursor;
        }
        return out;
    }
    static JobAction action(ActionKind kind, JobState expected, const QStringList &ids, bool dryRun = false)
    {
        JobAction a;
        a.kind = kind;
        a.expected = expected;
        a.jobIds = ids;
        a.dryRun = dryRun;
        return a;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_redis = qd::test::sharedRedis();
        QVERIFY2(QFile::exists(kFixtures + QStringLiteral("node_modules/bullmq")),
                 "run scripts/setup: it installs the fixtures' npm packages");
    }

    void init()
    {
        const QJsonObject fill = node({QStringLiteral("fill")});
        QCOMPARE(fill.value(u"failed").toArray().size(), 13);
        QCOMPARE(fill.value(u"completed").toArray(), QJsonArray{QStringLiteral("14")});
    }

    void failedJobsPageNewestFirst()
    {
        auto b = backend();
        JobQuery q;
        q.queue = QStringLiteral("render");
        q.state = JobState::Failed;
        q.limit = 5;
        const JobPage first = wait(b->jobs(q));
        QVERIFY2(first.error.isEmpty(), qPrintable(first.error));
        QCOMPARE(first.jobs.size(), 5);
        QCOMPARE(first.nextCursor, QStringLiteral("5"));
        const QList<JobSummary> every = all(*b, q);
        QCOMPARE(every.size(), 13);
        QSet<QString> ids;
        for (qsizetype i = 0; i < every.size(); ++i) {
            const JobSummary &j = every.at(i);
            ids.insert(j.id);
            QVERIFY(j.id.startsWith(u"render:"));
            QCOMPARE(j.queue, QStringLiteral("render"));
            QCOMPARE(j.state, JobState::Failed);
            QCOMPARE(j.attempts.value(), 1);
            QVERIFY(j.enqueuedAt.isValid() && j.failedAt.isValid());
            QVERIFY(j.enqueuedAt.secsTo(QDateTime::currentDateTimeUtc()) < 120);
            if (i > 0) {
                QVERIFY(every.at(i - 1).failedAt >= j.failedAt); // newest failure first, as BullMQ lists them
            }
            if (j.id != u"render:13") {
                QCOMPARE(j.className, QStringLiteral("render"));
                QCOMPARE(j.errorLine,
                         QStringLiteral("render failed for user %1").arg(100 + j.id.section(u':', 1).toInt()));
            }
        }
        QCOMPARE(ids.size(), 13);

        // Text filter over data and error; payloads are the job data exactly as stored.
        q.search = QStringLiteral("user 107");
        q.limit = 50;
        q.withPayload = true;
        const QList<JobSummary> found = all(*b, q);
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.at(0).id, QStringLiteral("render:7"));
        QCOMPARE(QJsonDocument::fromJson(found.at(0).payload.toUtf8()).object().value(u"user_id").toInt(), 107);
        q.search = QStringLiteral("\"user_id\":103");
        QCOMPARE(all(*b, q).size(), 1);
    }

    void everyStateListsWhatBullMqHolds()
    {
        auto b = backend();
        JobQuery q;
        q.queue = QStringLiteral("render");
        q.state = JobState::Waiting;
        const QList<JobSummary> waiting = all(*b, q);
        QCOMPARE(waiting.size(), 3);
        QCOMPARE(waiting.at(0).id, QStringLiteral("render:16")); // oldest first: the next one a worker takes
        QCOMPARE(waiting.at(2).id, QStringLiteral("render:18"));
        q.state = JobState::Scheduled;
        const QList<JobSummary> delayed = all(*b, q);
        QCOMPARE(delayed.size(), 1);
        QCOMPARE(delayed.at(0).id, QStringLiteral("render:15"));
        const qint64 inS = QDateTime::currentDateTimeUtc().secsTo(delayed.at(0).runAt);
        QVERIFY2(inS > 3500 && inS <= 3600, qPrintable(QString::number(inS)));
        q.state = JobState::Completed;
        const QList<JobSummary> completed = all(*b, q);
        QCOMPARE(completed.size(), 1);
        QCOMPARE(completed.at(0).id, QStringLiteral("render:14"));
        q.state = JobState::Running;
        QVERIFY(all(*b, q).isEmpty());
        q.state = JobState::Dead;
        const JobPage dead = wait(b->jobs(q));
        QVERIFY(dead.error.isEmpty() && dead.jobs.isEmpty());
        QVERIFY(!dead.notice.isEmpty());
        q.state = JobState::Waiting;
        q.queue = QStringLiteral("held");
        QVERIFY(all(*b, q).isEmpty());
        q.queue.clear();
        QVERIFY(!wait(b->jobs(q)).error.isEmpty());
    }

    void detailShowsDataAndError()
    {
        auto b = backend();
        const JobDetail d = wait(b->job(QStringLiteral("render:2")));
        QVERIFY2(d.failure.isEmpty(), qPrintable(d.failure));
        QCOMPARE(d.summary.id, QStringLiteral("render:2"));
        QCOMPARE(d.summary.state, JobState::Failed);
        QVERIFY2(d.payload.contains(u"\"user_id\": 102"), qPrintable(d.payload));
        QVERIFY(d.error.startsWith(u"render failed for user 102\nError: render failed for user 102"));
        QVERIFY(d.error.contains(u"bullmq_actions.mjs"));
        QCOMPARE(wait(b->job(QStringLiteral("render:16"))).summary.state, JobState::Waiting);
        QCOMPARE(wait(b->job(QStringLiteral("render:15"))).summary.state, JobState::Scheduled);
        QCOMPARE(wait(b->job(QStringLiteral("render:14"))).summary.state, JobState::Completed);
        QVERIFY(!wait(b->job(QStringLiteral("render:999"))).failure.isEmpty());
        QVERIFY(!wait(b->job(QStringLiteral("garbage"))).failure.isEmpty());
    }

    void retriedAndPromotedJobsAreRunByARealWorker()
    {
        auto b = backend();
        QVERIFY(b->capabilities().retry && b->capabilities().cancel);
        QVERIFY(!b->capabilities().moveJobs);
        ActionResult r = wait(b->act(action(ActionKind::Retry, JobState::Failed, {QStringLiteral("render:3")})));
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.succeeded, QStringList{QStringLiteral("render:3")});
        r = wait(b->act(action(ActionKind::Retry, JobState::Scheduled, {QStringLiteral("render:15")})));
        QCOMPARE(r.succeeded, QStringList{QStringLiteral("render:15")});
        // As BullMQ's own retry leaves them: waiting, failure fields cleared, attempts kept, the marker set for
        // the workers, "waiting" events in the stream.
        QCOMPARE(cli({QStringLiteral("HEXISTS"), QStringLiteral("bull:render:3"), QStringLiteral("failedReason")}),
                 QStringLiteral("0"));
        QCOMPARE(cli({QStringLiteral("HGET"), QStringLiteral("bull:render:3"), QStringLiteral("atm")}),
                 QStringLiteral("1"));
        QCOMPARE(cli({QStringLiteral("ZSCORE"), QStringLiteral("bull:render:marker"), QStringLiteral("0")}),
                 QStringLiteral("0"));
        const QString events =
            cli({QStringLiteral("XREVRANGE"), QStringLiteral("bull:render:events"), QStringLiteral("+"),
                 QStringLiteral("-"), QStringLiteral("COUNT"), QStringLiteral("2")});
        QVERIFY2(events.contains(u"waiting\njobId\n15\nprev\ndelayed") &&
                     events.contains(u"waiting\njobId\n3\nprev\nfailed"),
                 qPrintable(events));
        const QJsonObject before = bullCounts(QStringLiteral("render"), {QStringLiteral("3"), QStringLiteral("15")});
        QCOMPARE(before.value(u"states").toObject().value(u"3").toString(), QStringLiteral("waiting"));
        QCOMPARE(before.value(u"states").toObject().value(u"15").toString(), QStringLiteral("waiting"));
        QCOMPARE(before.value(u"counts").toObject().value(u"failed").toInt(), 12);
        QCOMPARE(before.value(u"counts").toObject().value(u"wait").toInt(), 5);

        // A real Worker takes all five waiting jobs; the retried one succeeds on its second attempt.
        const QJsonObject ran = node({QStringLiteral("work"), QStringLiteral("render"), QStringLiteral("5")});
        const QJsonObject completed = ran.value(u"completed").toObject();
        QVERIFY2(ran.value(u"failed").toObject().isEmpty(), QJsonDocument(ran).toJson().constData());
        QCOMPARE(completed.value(u"3").toString(), QStringLiteral("done after 1 attempt(s)"));
        QVERIFY(completed.contains(u"15"));
        const QJsonObject after = bullCounts(QStringLiteral("render"), {QStringLiteral("3")});
        QCOMPARE(after.value(u"states").toObject().value(u"3").toString(), QStringLiteral("completed"));
        QCOMPARE(after.value(u"counts").toObject().value(u"completed").toInt(), 6);
        JobQuery q;
        q.queue = QStringLiteral("render");
        q.state = JobState::Completed;
        QCOMPARE(all(*b, q).size(), 6);
        // Completed jobs can be run again too (BullMQ's Job.retry('completed')).
        r = wait(b->act(action(ActionKind::Retry, JobState::Completed, {QStringLiteral("render:3")})));
        QCOMPARE(r.succeeded.size(), 1);
        QCOMPARE(cli({QStringLiteral("HEXISTS"), QStringLiteral("bull:render:3"), QStringLiteral("returnvalue")}),
                 QStringLiteral("0"));
    }

    void twoOperatorsRetryTheSameJobExactlyOnce()
    {
        auto alice = backend();
        auto bob = backend();
        const JobAction a = action(ActionKind::Retry, JobState::Failed, {QStringLiteral("render:5")});
        QFuture<ActionResult> fa = alice->act(a);
        QFuture<ActionResult> fb = bob->act(a);
        const ActionResult ra = wait(fa);
        const ActionResult rb = wait(fb);
        QVERIFY2(ra.error.isEmpty() && rb.error.isEmpty(), qPrintable(ra.error + rb.error));
        QCOMPARE(ra.succeeded.size() + rb.succeeded.size(), 1);
        QCOMPARE(ra.skipped.size() + rb.skipped.size(), 1);
        QCOMPARE(cli({QStringLiteral("LPOS"), QStringLiteral("bull:render:wait"), QStringLiteral("5"),
                      QStringLiteral("COUNT"), QStringLiteral("0")}),
                 QStringLiteral("0")); // once, at the head
        QCOMPARE(cli({QStringLiteral("ZCARD"), QStringLiteral("bull:render:failed")}), QStringLiteral("12"));
        QCOMPARE(cli({QStringLiteral("LLEN"), QStringLiteral("bull:render:wait")}), QStringLiteral("4"));
        // Already retried: a third attempt is skipped, not repeated.
        QCOMPARE(wait(alice->act(a)).skipped, a.jobIds);
    }

    void retryIntoAPausedQueueStaysPaused()
    {
        auto b = backend();
        const ActionResult r = wait(b->act(action(ActionKind::Retry, JobState::Failed, {QStringLiteral("held:1")})));
        QCOMPARE(r.succeeded.size(), 1);
        const QJsonObject counts = bullCounts(QStringLiteral("held"), {QStringLiteral("1")});
        QVERIFY(counts.value(u"isPaused").toBool());
        // BullMQ 5 keeps a paused queue's jobs in its paused list; no marker wakes a worker.
        QCOMPARE(counts.value(u"counts").toObject().value(u"paused").toInt() +
                     counts.value(u"counts").toObject().value(u"wait").toInt(),
                 1);
        QCOMPARE(counts.value(u"counts").toObject().value(u"failed").toInt(), 0);
        QCOMPARE(cli({QStringLiteral("EXISTS"), QStringLiteral("bull:held:marker")}), QStringLiteral("0"));
        JobQuery q;
        q.queue = QStringLiteral("held");
        QCOMPARE(all(*b, q).size(), 1);
    }

    void pauseHoldsARealWorkerUntilResumed()
    {
        auto b = backend();
        QVERIFY(b->capabilities().pause);
        QVERIFY(b->pauseUnsupportedReason().isEmpty());
        QCOMPARE(wait(b->act(action(ActionKind::Retry, JobState::Failed, {QStringLiteral("held:1")}))).succeeded.size(), 1);
        // Already paused (by BullMQ's own Queue.pause() in the fixture): nothing to do, and it says so.
        PauseResult r = wait(b->setQueuePaused(QStringLiteral("held"), true));
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QVERIFY(r.paused && !r.changed);

        // A real Worker on the paused queue blocks on the marker and takes nothing.
        QProcess worker;
        worker.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        worker.start(QStringLiteral("node"), {kFixtures + QStringLiteral("bullmq_actions.mjs"), QStringLiteral("work"),
                                              m_redis.plainUrl(kDb), QStringLiteral("held"), QStringLiteral("1")});
        QVERIFY(worker.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(cli({QStringLiteral("CLIENT"), QStringLiteral("LIST")}).contains(QStringLiteral("cmd=bzpopmin")), 20000);
        QCOMPARE(worker.state(), QProcess::Running);
        QCOMPARE(bullCounts(QStringLiteral("held"), {QStringLiteral("1")}).value(u"states").toObject().value(u"1").toString(),
                 QStringLiteral("waiting")); // BullMQ's word for a job in a paused queue's list

        // Resumed through Queuedeck: the worker wakes up and runs the job.
        r = wait(b->setQueuePaused(QStringLiteral("held"), false));
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QVERIFY(r.changed && !r.paused);
        QVERIFY(worker.waitForFinished(30000));
        const QJsonObject ran = QJsonDocument::fromJson(worker.readAllStandardOutput()).object();
        QCOMPARE(ran.value(u"completed").toObject().value(u"1").toString(), QStringLiteral("done after 1 attempt(s)"));
        QVERIFY(!bullCounts(QStringLiteral("held")).value(u"isPaused").toBool());

        // Pausing a queue with waiting jobs: BullMQ itself sees it paused, its jobs move to the paused list, and
        // the resumed/paused events are in the stream as Queue.pause() writes them.
        r = wait(b->setQueuePaused(QStringLiteral("render"), true));
        QVERIFY(r.changed && r.paused);
        QJsonObject counts = bullCounts(QStringLiteral("render"));
        QVERIFY(counts.value(u"isPaused").toBool());
        QCOMPARE(counts.value(u"counts").toObject().value(u"paused").toInt(), 3);
        QCOMPARE(counts.value(u"counts").toObject().value(u"wait").toInt(), 0);
        QCOMPARE(cli({QStringLiteral("EXISTS"), QStringLiteral("bull:render:marker")}), QStringLiteral("0"));
        QVERIFY(cli({QStringLiteral("XREVRANGE"), QStringLiteral("bull:render:events"), QStringLiteral("+"), QStringLiteral("-"),
                     QStringLiteral("COUNT"), QStringLiteral("1")})
                    .contains(QStringLiteral("paused")));
        JobQuery waiting;
        waiting.queue = QStringLiteral("render");
        QCOMPARE(all(*b, waiting).size(), 3); // still listed as waiting, and the queue shows paused
        r = wait(b->setQueuePaused(QStringLiteral("render"), false));
        QVERIFY(r.changed && !r.paused);
        counts = bullCounts(QStringLiteral("render"));
        QCOMPARE(counts.value(u"counts").toObject().value(u"wait").toInt(), 3);
        QCOMPARE(cli({QStringLiteral("ZSCORE"), QStringLiteral("bull:render:marker"), QStringLiteral("0")}), QStringLiteral("0"));

        // A read-only connection cannot pause, and says why.
        auto ro = backend(QStringLiteral("?readonly=1"));
        QVERIFY(!ro->capabilities().pause);
        r = wait(ro->setQueuePaused(QStringLiteral("render"), true));
        QVERIFY(r.error.contains(QStringLiteral("read-only")));
        QVERIFY(!bullCounts(QStringLiteral("render")).value(u"isPaused").toBool());
    }

    void searchScansInBoundedChunks()
    {
        // 5,000 waiting jobs as BullMQ's Queue.add() leaves them: the id LPUSHed on wait, the job in its hash.
        cli({QStringLiteral("EVAL"),
             QStringLiteral("for i = 1, 5000 do local id = 'c' .. i redis.call('LPUSH', KEYS[1] .. 'wait', id) "
                            "redis.call('HSET', KEYS[1] .. id, 'name', 'render', 'data', '{\"n\":' .. i .. '}', "
                            "'timestamp', 1764000000000, 'delay', 0) end return 1"),
             QStringLiteral("1"), QStringLiteral("bull:chunked:")});
        auto b = backend(QStringLiteral("?scan_budget_ms=0.001")); // one 100-job chunk per call
        JobQuery q;
        q.queue = QStringLiteral("chunked");
        q.search = QStringLiteral("{\"n\":4990}");
        const qd::test::PageWalk walk = qd::test::walkPages(*b, q, 100);
        QVERIFY2(walk.problem.isEmpty(), qPrintable(walk.problem));
        const int calls = walk.calls;
        const QList<JobSummary> &hits = walk.hits;
        QCOMPARE(walk.total, qint64(5000));
        QCOMPARE(walk.scanned, qint64(5000));
        QVERIFY2(calls >= 50, qPrintable(QString::number(calls)));
        QCOMPARE(hits.size(), 1);
        QVERIFY(hits.at(0).id.endsWith(QStringLiteral("c4990")));
    }

    void deleteIsConditional()
    {
        auto b = backend();
        // A waiting job is not deleted as if it were failed.
        ActionResult r = wait(b->act(action(ActionKind::Cancel, JobState::Failed, {QStringLiteral("render:16")})));
        QCOMPARE(r.skipped.size(), 1);
        QCOMPARE(cli({QStringLiteral("EXISTS"), QStringLiteral("bull:render:16")}), QStringLiteral("1"));
        r = wait(b->act(action(ActionKind::Cancel, JobState::Waiting, {QStringLiteral("render:16")})));
        QCOMPARE(r.succeeded.size(), 1);
        QCOMPARE(
            cli({QStringLiteral("EXISTS"), QStringLiteral("bull:render:16"), QStringLiteral("bull:render:16:logs")}),
            QStringLiteral("0"));
        QVERIFY(cli({QStringLiteral("XREVRANGE"), QStringLiteral("bull:render:events"), QStringLiteral("+"),
                     QStringLiteral("-"), QStringLiteral("COUNT"), QStringLiteral("1")})
                    .contains(u"removed\njobId\n16\nprev\nwait"));
        r = wait(b->act(action(ActionKind::Cancel, JobState::Waiting, {QStringLiteral("render:16")})));
        QCOMPARE(r.skipped.size(), 1); // already gone
        r = wait(b->act(
            action(ActionKind::Cancel, JobState::Failed, {QStringLiteral("render:1"), QStringLiteral("render:15")})));
        QCOMPARE(r.succeeded, QStringList{QStringLiteral("render:1")});
        QCOMPARE(r.skipped, QStringList{QStringLiteral("render:15")}); // delayed, not failed
        r = wait(b->act(action(ActionKind::Cancel, JobState::Scheduled, {QStringLiteral("render:15")})));
        QCOMPARE(r.succeeded.size(), 1);
        // A job a worker holds the lock of is left alone, with the reason.
        cli({QStringLiteral("SET"), QStringLiteral("bull:render:2:lock"), QStringLiteral("token-of-a-worker")});
        r = wait(b->act(action(ActionKind::Cancel, JobState::Failed, {QStringLiteral("render:2")})));
        QCOMPARE(r.skipped.size(), 1);
        QVERIFY2(r.error.contains(u"locked"), qPrintable(r.error));
        cli({QStringLiteral("DEL"), QStringLiteral("bull:render:2:lock")});
        QVERIFY(
            !wait(b->act(action(ActionKind::Cancel, JobState::Running, {QStringLiteral("render:2")}))).error.isEmpty());
        const QJsonObject counts = bullCounts(QStringLiteral("render"), {QStringLiteral("1"), QStringLiteral("2")});
        QCOMPARE(counts.value(u"counts").toObject().value(u"failed").toInt(), 12);
        QCOMPARE(counts.value(u"counts").toObject().value(u"wait").toInt(), 2);
        QCOMPARE(counts.value(u"counts").toObject().value(u"delayed").toInt(), 0);
        QCOMPARE(counts.value(u"states").toObject().value(u"1").toString(), QStringLiteral("unknown"));
        QCOMPARE(counts.value(u"states").toObject().value(u"2").toString(), QStringLiteral("failed"));
    }

    void dryRunAndReadOnlyChangeNothing()
    {
        auto b = backend();
        JobQuery q;
        q.queue = QStringLiteral("render");
        q.state = JobState::Failed;
        QStringList ids;
        for (const JobSummary &j : all(*b, q)) {
            ids << j.id;
        }
        QCOMPARE(ids.size(), 13);
        ActionResult r = wait(b->act(action(ActionKind::Retry, JobState::Failed, ids, true)));
        QVERIFY(r.dryRun);
        QCOMPARE(r.succeeded.size(), 13);
        r = wait(
            b->act(action(ActionKind::Cancel, JobState::Failed, ids + QStringList{QStringLiteral("render:16")}, true)));
        QCOMPARE(r.succeeded.size(), 13);
        QCOMPARE(r.skipped, QStringList{QStringLiteral("render:16")});
        QCOMPARE(cli({QStringLiteral("ZCARD"), QStringLiteral("bull:render:failed")}), QStringLiteral("13"));
        QCOMPARE(cli({QStringLiteral("LLEN"), QStringLiteral("bull:render:wait")}), QStringLiteral("3"));

        auto ro = backend(QStringLiteral("?readonly=1"));
        QVERIFY(!ro->capabilities().retry && !ro->capabilities().cancel);
        r = wait(ro->act(action(ActionKind::Retry, JobState::Failed, ids)));
        QVERIFY(r.error.contains(u"read-only"));
        QCOMPARE(cli({QStringLiteral("ZCARD"), QStringLiteral("bull:render:failed")}), QStringLiteral("13"));
        // What BullMQ cannot do is refused with a reason.
        QVERIFY(
            !wait(b->act(action(ActionKind::Retry, JobState::Waiting, {QStringLiteral("render:16")}))).error.isEmpty());
        JobAction move = action(ActionKind::Move, JobState::Waiting, {QStringLiteral("render:16")});
        move.targetQueue = QStringLiteral("other");
        QVERIFY(!wait(b->act(move)).error.isEmpty());
        QCOMPARE(cli({QStringLiteral("LLEN"), QStringLiteral("bull:render:wait")}), QStringLiteral("3"));
    }

    void hostileTextComesBackAsData()
    {
        auto b = backend();
        JobQuery q;
        q.queue = QStringLiteral("render");
        q.state = JobState::Failed;
        q.withPayload = true;
        q.search = QStringLiteral("onerror");
        const QList<JobSummary> found = all(*b, q);
        QCOMPARE(found.size(), 1);
        const JobSummary &j = found.at(0);
        QCOMPARE(j.id, QStringLiteral("render:13"));
        QCOMPARE(j.className, kHostileName);
        QCOMPARE(j.errorLine, kHostileError);
        QCOMPARE(QJsonDocument::fromJson(j.payload.toUtf8()).object().value(u"note").toString(), kHostileNote);
        const JobDetail d = wait(b->job(j.id));
        QCOMPARE(d.summary.className, kHostileName);
        QVERIFY(d.error.startsWith(kHostileError));
        QCOMPARE(QJsonDocument::fromJson(d.payload.toUtf8()).object().value(u"note").toString(), kHostileNote);
        QCOMPARE(toJson(d).value(u"class").toString(), kHostileName);
        QCOMPARE(wait(b->act(action(ActionKind::Retry, JobState::Failed, {j.id}))).succeeded.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestBullMqActions)
#include "tst_bullmq_actions.moc"
