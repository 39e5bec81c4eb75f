// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Sidekiq drill-down and conditional actions on data written by the real Sidekiq gem: paging oldest first,
// queue and text filters, details, retry and delete exactly once under two concurrent operators, dry runs,
// read-only connections, and a retried job really run by a real `sidekiq` process.
#include "core/backends/sidekiq/sidekiqbackend.h"
#include "core/recipients/recipients.h"
#include "tests/backends/pagewalk.h"
#include "tests/backends/redistestserver.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;
using qd::sidekiq::SidekiqBackend;

namespace {

constexpr int kDb = 6;
const QString kFixtures = QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/sidekiq/");

template<typename T>
T wait(QFuture<T> f)
{
    f.waitForFinished();
    return f.result();
}

} // namespace

class TestSidekiqActions : public QObject
{
    Q_OBJECT
private:
    qd::test::SharedRedis m_redis;

    std::unique_ptr<SidekiqBackend> backend(const QString &query = {})
    {
        return std::make_unique<SidekiqBackend>(ConnectionUrl::parse(m_redis.url(QStringLiteral("sidekiq"), kDb, query)).value());
    }
    QString cli(const QStringList &args) { return qd::test::redisCli(m_redis.host, m_redis.port, kDb, args); }
    /// A real `sidekiq` process on queue rerun with the fixture job classes; `extra`: more command-line options.
    bool startSidekiq(QProcess &sidekiq, const QStringList &extra)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("REDIS_URL"), m_redis.plainUrl(kDb));
        sidekiq.setProcessEnvironment(env);
        sidekiq.setStandardOutputFile(QProcess::nullDevice());
        sidekiq.start(QStringLiteral("sidekiq"),
                      QStringList{QStringLiteral("-r"), kFixtures + QStringLiteral("jobs.rb"), QStringLiteral("-q"),
                                  QStringLiteral("rerun")} + extra);
        return sidekiq.waitForStarted(10'000);
    }
    QList<JobSummary> all(SidekiqBackend &b, JobQuery q)
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

private Q_SLOTS:
    void initTestCase() { m_redis = qd::test::sharedRedis(); }

    void init()
    {
        QVERIFY(qd::test::runFixture(QStringLiteral("ruby"), {kFixtures + QStringLiteral("fill.rb"), m_redis.plainUrl(kDb),
                                                              QStringLiteral("25")})
                    .isEmpty());
    }

    void waitingJobsPageOldestFirst()
    {
        auto b = backend();
        JobQuery q;
        q.queue = QStringLiteral("default");
        q.limit = 10;
        const JobPage first = wait(b->jobs(q));
        QVERIFY2(first.error.isEmpty(), qPrintable(first.error));
        QCOMPARE(first.jobs.size(), 10);
        QCOMPARE(first.nextCursor, QStringLiteral("10"));
        // The fill made the oldest job 120 s old: it comes first.
        QVERIFY(first.jobs.at(0).enqueuedAt.secsTo(QDateTime::currentDateTimeUtc()) >= 119);
        QCOMPARE(first.jobs.at(0).className, QStringLiteral("PrintJob"));
        QVERIFY(first.jobs.at(0).id.startsWith(u"queue:default:"));
        const QList<JobSummary> every = all(*b, q);
        QCOMPARE(every.size(), 25);
        QSet<QString> ids;
        for (const auto &j : every) {
            ids.insert(j.id);
        }
        QCOMPARE(ids.size(), 25);

        // With payloads (for `queuedeckctl affected`): the job's JSON as Sidekiq stored it; without, none.
        QVERIFY(first.jobs.at(0).payload.isEmpty());
        q.withPayload = true;
        QList<AffectedJob> jobs;
        for (const JobSummary &j : all(*b, q)) {
            const QJsonObject job = QJsonDocument::fromJson(j.payload.toUtf8()).object();
            QCOMPARE(job.value(QStringLiteral("jid")).toString(), j.id.section(u':', -1));
            jobs << AffectedJob::fromSummary(j);
        }
        QCOMPARE(jobs.size(), 25);
        const RecipientSet set = collectRecipients(jobs, UserRule::parse(QStringLiteral("arg:0")).value(),
                                                   QDateTime::currentDateTimeUtc());
        QCOMPARE(set.users.size(), 7); // PrintJob users 1000..1006
        QCOMPARE(set.jobsWithoutUser, 0);
    }

    void retrySetFilteredByQueueAndText()
    {
        auto b = backend();
        JobQuery q;
        q.state = JobState::Failed;
        q.queue = QStringLiteral("default");
        QList<JobSummary> failed = all(*b, q);
        QCOMPARE(failed.size(), 3);
        for (const auto &j : failed) {
            QCOMPARE(j.queue, QStringLiteral("default")); // {"queue":"evil"} inside args does not fool the filter
            QCOMPARE(j.errorLine, QStringLiteral("RuntimeError: printer offline"));
            QVERIFY(j.runAt.isValid());
            QVERIFY(j.id.startsWith(u"retry:"));
        }
        QCOMPARE(failed.at(0).attempts.value(), 1); // soonest retry first: retry_count 0
        q.queue = QStringLiteral("mail");
        QCOMPARE(all(*b, q).size(), 2);
        q.state = JobState::Dead;
        QCOMPARE(all(*b, q).size(), 2);
        q.state = JobState::Waiting;
        q.queue = QStringLiteral("default");
        q.search = QStringLiteral("50007");
        const auto found = all(*b, q);
        QCOMPARE(found.size(), 1);
    }

    void detailShowsPayloadAndError()
    {
        auto b = backend();
        JobQuery q;
        q.state = JobState::Failed;
        q.queue = QStringLiteral("mail");
        const auto failed = all(*b, q);
        QVERIFY(!failed.isEmpty());
        const JobDetail d = wait(b->job(failed.at(0).id));
        QVERIFY2(d.failure.isEmpty(), qPrintable(d.failure));
        QVERIFY(d.payload.contains(u"\"error_message\": \"printer offline\""));
        QVERIFY(d.error.startsWith(u"RuntimeError: printer offline"));
        QCOMPARE(d.summary.id, failed.at(0).id);
        const JobDetail gone = wait(b->job(QStringLiteral("retry:1.5:nosuchjid")));
        QVERIFY(!gone.failure.isEmpty());
        QVERIFY(!wait(b->job(QStringLiteral("garbage"))).failure.isEmpty());
    }

    void twoOperatorsRetryTheSameJobExactlyOnce()
    {
        auto alice = backend();
        auto bob = backend();
        JobQuery q;
        q.state = JobState::Failed;
        q.queue = QStringLiteral("default");
        const QString id = all(*alice, q).last().id; // retry_count 4
        const qint64 before = cli({QStringLiteral("LLEN"), QStringLiteral("queue:default")}).toLongLong();
        JobAction a;
        a.kind = ActionKind::Retry;
        a.expected = JobState::Failed;
        a.jobIds = {id};
        QFuture<ActionResult> fa = alice->act(a);
        QFuture<ActionResult> fb = bob->act(a);
        const ActionResult ra = wait(fa);
        const ActionResult rb = wait(fb);
        QVERIFY2(ra.error.isEmpty() && rb.error.isEmpty(), qPrintable(ra.error + rb.error));
        QCOMPARE(ra.succeeded.size() + rb.succeeded.size(), 1);
        QCOMPARE(ra.skipped.size() + rb.skipped.size(), 1);
        QCOMPARE(cli({QStringLiteral("LLEN"), QStringLiteral("queue:default")}).toLongLong(), before + 1);
        QCOMPARE(cli({QStringLiteral("ZCARD"), QStringLiteral("retry")}), QStringLiteral("4"));
        // Back on its queue as Sidekiq's own retry leaves it: enqueued now, one attempt given back.
        const QJsonObject pushed =
            QJsonDocument::fromJson(cli({QStringLiteral("LINDEX"), QStringLiteral("queue:default"), QStringLiteral("0")}).toUtf8())
                .object();
        QCOMPARE(pushed.value(u"jid").toString(), id.section(u':', -1));
        QCOMPARE(pushed.value(u"retry_count").toInt(), 3);
        QVERIFY(std::abs(pushed.value(u"enqueued_at").toDouble() - double(QDateTime::currentSecsSinceEpoch())) < 5);
        QCOMPARE(pushed.value(u"args").toArray().at(0).toObject().value(u"queue").toString(), QStringLiteral("evil"));
        // and it is now the newest job of its queue, so the queue's latency is not distorted
        const Snapshot s = wait(alice->snapshot());
        QVERIFY(s.queue(QStringLiteral("default"))->oldestAgeSeconds.value() >= 119);
        QCOMPARE(s.queue(QStringLiteral("default"))->failed.value(), 2);
    }

    void moveWaitingJobsToAnotherQueue()
    {
        auto b = backend();
        QVERIFY(b->capabilities().moveJobs);
        JobQuery q;
        q.queue = QStringLiteral("default");
        q.limit = 3;
        const JobPage page = wait(b->jobs(q));
        JobAction a;
        a.kind = ActionKind::Move;
        a.expected = JobState::Waiting;
        a.targetQueue = QStringLiteral("urgent");
        a.jobIds = {page.jobs.at(0).id, page.jobs.at(1).id};
        ActionResult r = wait(b->act(a));
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.succeeded.size(), 2);
        QCOMPARE(cli({QStringLiteral("LLEN"), QStringLiteral("queue:urgent")}), QStringLiteral("2"));
        QCOMPARE(cli({QStringLiteral("LLEN"), QStringLiteral("queue:default")}), QStringLiteral("23"));
        QCOMPARE(cli({QStringLiteral("SISMEMBER"), QStringLiteral("queues"), QStringLiteral("urgent")}), QStringLiteral("1"));
        const QJsonObject moved = QJsonDocument::fromJson(cli({QStringLiteral("LINDEX"), QStringLiteral("queue:urgent"), QStringLiteral("0")}).toUtf8()).object();
        QCOMPARE(moved.value(QStringLiteral("queue")).toString(), QStringLiteral("urgent")); // the job says where it is
        r = wait(b->act(a));
        QCOMPARE(r.skipped.size(), 2); // no longer in default: exactly once
        // Sidekiq's own API sees them in the new queue.
        const QJsonObject report =
            QJsonDocument::fromJson(qd::test::runFixture(QStringLiteral("ruby"), {kFixtures + QStringLiteral("report.rb"), m_redis.plainUrl(kDb)}))
                .object();
        bool seen = false;
        for (const QJsonValue &v : report.value(QStringLiteral("queues")).toArray()) {
            seen = seen || (v.toObject().value(QStringLiteral("name")).toString() == u"urgent" &&
                            v.toObject().value(QStringLiteral("size")).toInt() == 2);
        }
        QVERIFY2(seen, report.value(QStringLiteral("queues")).toVariant().toString().toUtf8().constData());
        // Only waiting jobs, and only to a plain queue name.
        a.jobIds = {page.jobs.at(2).id};
        a.targetQueue = QStringLiteral("evil\",\"x");
        QVERIFY(!wait(b->act(a)).error.isEmpty());
        a.targetQueue = QStringLiteral("urgent");
        a.expected = JobState::Dead;
        QVERIFY(!wait(b->act(a)).error.isEmpty());
    }

    void deleteWaitingAndDeadOnce()
    {
        auto b = backend();
        JobQuery q;
        q.queue = QStringLiteral("default");
        q.limit = 2;
        const JobPage page = wait(b->jobs(q));
        JobAction a;
        a.kind = ActionKind::Cancel;
        a.expected = JobState::Waiting;
        a.jobIds = {page.jobs.at(0).id, page.jobs.at(1).id};
        ActionResult r = wait(b->act(a));
        QCOMPARE(r.succeeded.size(), 2);
        QCOMPARE(cli({QStringLiteral("LLEN"), QStringLiteral("queue:default")}), QStringLiteral("23"));
        r = wait(b->act(a));
        QCOMPARE(r.skipped.size(), 2); // already gone
        // A job id from another state is skipped, never acted on.
        a.expected = JobState::Dead;
        r = wait(b->act(a));
        QCOMPARE(r.skipped.size(), 2);
        q.state = JobState::Dead;
        q.queue = QStringLiteral("mail");
        a.jobIds = {all(*b, q).at(0).id};
        r = wait(b->act(a));
        QCOMPARE(r.succeeded.size(), 1);
        QCOMPARE(cli({QStringLiteral("ZCARD"), QStringLiteral("dead")}), QStringLiteral("1"));
    }

    void aJobBeyondScanLimitIsNotReachedNotGone()
    {
        // The queue holds 25 jobs; with scan_limit=10 the newest one is beyond what a lookup may scan. Cancelling it
        // must say so, change nothing, and never claim that someone else took it.
        JobQuery q;
        q.queue = QStringLiteral("default");
        q.limit = 100;
        const QList<JobSummary> jobs = all(*backend(), q);
        QCOMPARE(jobs.size(), 25);
        auto limited = backend(QStringLiteral("?scan_limit=10"));
        JobAction a;
        a.kind = ActionKind::Cancel;
        a.expected = JobState::Waiting;
        a.jobIds = {jobs.last().id};
        const ActionResult r = wait(limited->act(a));
        QVERIFY(r.succeeded.isEmpty());
        QVERIFY2(r.error.contains(u"not reached") && r.error.contains(u"scan_limit"), qPrintable(r.error));
        QCOMPARE(cli({QStringLiteral("LLEN"), QStringLiteral("queue:default")}), QStringLiteral("25"));
        // Within reach it works as ever.
        a.jobIds = {jobs.first().id};
        QCOMPARE(wait(limited->act(a)).succeeded.size(), 1);
    }

    void dryRunAndReadOnlyChangeNothing()
    {
        auto b = backend();
        JobQuery q;
        q.state = JobState::Failed;
        q.queue = QStringLiteral("default");
        JobAction a;
        a.kind = ActionKind::Retry;
        a.expected = JobState::Failed;
        for (const auto &j : all(*b, q)) {
            a.jobIds << j.id;
        }
        a.dryRun = true;
        ActionResult r = wait(b->act(a));
        QCOMPARE(r.succeeded.size(), 3);
        QVERIFY(r.dryRun);
        QCOMPARE(cli({QStringLiteral("ZCARD"), QStringLiteral("retry")}), QStringLiteral("5"));
        auto ro = backend(QStringLiteral("?readonly=1"));
        QVERIFY(!ro->capabilities().retry);
        a.dryRun = false;
        r = wait(ro->act(a));
        QVERIFY(r.error.contains(u"read-only"));
        QCOMPARE(cli({QStringLiteral("ZCARD"), QStringLiteral("retry")}), QStringLiteral("5"));
        // Actions that Sidekiq cannot do are refused with a reason.
        a.expected = JobState::Running;
        QVERIFY(!wait(b->act(a)).error.isEmpty());
    }

    void waitingJobsByClassSampledWhenBig()
    {
        auto b = backend();
        ClassBreakdown all = wait(b->classBreakdown(QStringLiteral("default")));
        QVERIFY2(all.error.isEmpty(), qPrintable(all.error));
        QCOMPARE(all.total.value(), 25);
        QVERIFY(!all.sampled());
        QCOMPARE(all.classes.size(), 1);
        QCOMPARE(all.classes.at(0).className, QStringLiteral("PrintJob"));
        QCOMPARE(all.classes.at(0).count, 25);
        // 1,000 jobs, one in five an ActiveJob-wrapped ReportJob; read 200 of them.
        QList<redis::Command> push;
        for (int i = 0; i < 1000; ++i) {
            push << redis::Command{"LPUSH", "queue:big",
                                   i % 5 == 0 ? QByteArray("{\"queue\":\"big\",\"class\":\"ActiveJob::QueueAdapters::SidekiqAdapter::JobWrapper\","
                                                           "\"wrapped\":\"ReportJob\",\"args\":[{\"class\":\"Nested\"}],\"jid\":\"r")
                                                    + QByteArray::number(i) + "\"}"
                                              : QByteArray("{\"queue\":\"big\",\"args\":[{\"class\":\"Nested\"}],\"class\":\"PrintJob\",\"jid\":\"p")
                                                    + QByteArray::number(i) + "\"}"};
        }
        redis::Options o;
        o.port = quint16(m_redis.port);
        o.db = kDb;
        redis::Client c(o, QStringLiteral("fill"));
        QVERIFY(c.pipeline(push).result().ok());
        auto sampled = backend(QStringLiteral("?sample_limit=200"));
        const ClassBreakdown big = wait(sampled->classBreakdown(QStringLiteral("big")));
        QVERIFY2(big.error.isEmpty(), qPrintable(big.error));
        QCOMPARE(big.total.value(), 1000);
        QCOMPARE(big.examined, 200);
        QVERIFY(big.sampled());
        QCOMPARE(big.classes.size(), 2); // "Nested" inside the args is never taken for the class
        QCOMPARE(big.classes.at(0).className, QStringLiteral("PrintJob"));
        QCOMPARE(big.classes.at(0).count, 160);
        QCOMPARE(big.classes.at(1).className, QStringLiteral("ReportJob"));
    }

    void retriedJobIsRunByARealSidekiq()
    {
        QTemporaryDir dir;
        const QString marker = dir.filePath(QStringLiteral("ran"));
        const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
        const QString job = QStringLiteral("{\"retry\":3,\"queue\":\"rerun\",\"class\":\"MarkerJob\",\"args\":[\"%1\",\"retried\"],"
                                           "\"jid\":\"marker0000000000000001\",\"created_at\":%2,\"enqueued_at\":%2,"
                                           "\"error_message\":\"disk full\",\"error_class\":\"Errno::ENOSPC\","
                                           "\"failed_at\":%2,\"retry_count\":0}")
                                .arg(marker)
                                .arg(now - 60, 0, 'f', 3);
        cli({QStringLiteral("ZADD"), QStringLiteral("retry"), QString::number(now + 3600, 'f', 3), job});
        auto b = backend();
        JobQuery q;
        q.state = JobState::Failed;
        q.queue = QStringLiteral("rerun");
        const auto found = all(*b, q);
        QCOMPARE(found.size(), 1);
        JobAction a;
        a.kind = ActionKind::Retry;
        a.expected = JobState::Failed;
        a.jobIds = {found.at(0).id};
        QCOMPARE(wait(b->act(a)).succeeded.size(), 1);

        QProcess sidekiq;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("REDIS_URL"), m_redis.plainUrl(kDb));
        sidekiq.setProcessEnvironment(env);
        sidekiq.start(QStringLiteral("sidekiq"), {QStringLiteral("-r"), kFixtures + QStringLiteral("jobs.rb"),
                                                  QStringLiteral("-q"), QStringLiteral("rerun"), QStringLiteral("-c"),
                                                  QStringLiteral("1")});
        QVERIFY(sidekiq.waitForStarted(10'000));
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(marker), 30'000);
        sidekiq.terminate();
        sidekiq.waitForFinished(15'000);
        QFile f(marker);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("retried"));
    }

    void editedJobsAreResentAndRunByARealSidekiq()
    {
        QTemporaryDir dir;
        const QString copyMarker = dir.filePath(QStringLiteral("copy"));
        const QString inPlaceMarker = dir.filePath(QStringLiteral("in-place"));
        const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
        const auto dead = [&](const QString &marker, const QString &jid) {
            return QStringLiteral("{\"retry\":true,\"queue\":\"rerun\",\"class\":\"MarkerJob\",\"args\":[\"%1\",\"original\"],"
                                  "\"jid\":\"%2\",\"created_at\":%3,\"enqueued_at\":%3,\"error_message\":\"bad arg\","
                                  "\"error_class\":\"ArgumentError\",\"failed_at\":%3,\"retry_count\":25}")
                .arg(marker, jid)
                .arg(now - 60, 0, 'f', 3);
        };
        const int deadBefore = cli({QStringLiteral("ZCARD"), QStringLiteral("dead")}).toInt();
        cli({QStringLiteral("ZADD"), QStringLiteral("dead"), QString::number(now - 30, 'f', 3),
             dead(copyMarker, QStringLiteral("edit00000000000000000001"))});
        cli({QStringLiteral("ZADD"), QStringLiteral("dead"), QString::number(now - 20, 'f', 3),
             dead(inPlaceMarker, QStringLiteral("edit00000000000000000002"))});
        auto b = backend();
        QVERIFY(b->capabilities().payloadEdit);
        JobQuery q;
        q.state = JobState::Dead;
        q.queue = QStringLiteral("rerun");
        const auto found = all(*b, q);
        QCOMPARE(found.size(), 2);
        const JobDetail first = wait(b->job(found.at(0).id));
        QVERIFY(first.payload.contains(QStringLiteral("\"original\"")));

        // Bad edits are refused before anything is sent, with the reason.
        QVERIFY(b->validatePayload(QStringLiteral("{\"class\":")).startsWith(QStringLiteral("Not valid JSON")));
        QVERIFY(b->validatePayload(QStringLiteral("{\"class\":\"X\",\"args\":{},\"queue\":\"q\"}")).contains(u"args"));
        ResendRequest bad;
        bad.jobId = found.at(0).id;
        bad.payload = QStringLiteral("[1, 2]");
        QVERIFY(!wait(b->resend(bad)).error.isEmpty());

        // As a new job: the original stays in the dead set; the copy starts afresh under a new jid.
        ResendRequest copy;
        copy.jobId = found.at(0).id;
        copy.payload = QString(first.payload).replace(QStringLiteral("\"original\""), QStringLiteral("\"edited\""));
        const ResendResult copied = wait(b->resend(copy));
        QCOMPARE(copied.error, QString());
        QVERIFY(copied.newId.startsWith(QStringLiteral("queue:rerun:")));
        QVERIFY(!copied.newId.endsWith(QStringLiteral("edit00000000000000000001")));
        QVERIFY(copied.original.contains(QStringLiteral("\"original\"")));
        QVERIFY(copied.edited.contains(QStringLiteral("\"edited\"")) && !copied.edited.contains(QStringLiteral("error_message")));
        QCOMPARE(cli({QStringLiteral("ZCARD"), QStringLiteral("dead")}).toInt(), deadBefore + 2);

        // In place: the original leaves the dead set, the edit is queued under its jid; a second try finds nothing.
        const JobDetail second = wait(b->job(found.at(1).id));
        ResendRequest replace;
        replace.jobId = found.at(1).id;
        replace.inPlace = true;
        replace.payload = QString(second.payload).replace(QStringLiteral("\"original\""), QStringLiteral("\"replaced\""));
        const ResendResult replaced = wait(b->resend(replace));
        QCOMPARE(replaced.error, QString());
        QCOMPARE(replaced.newId, QStringLiteral("queue:rerun:edit00000000000000000002"));
        QCOMPARE(cli({QStringLiteral("ZCARD"), QStringLiteral("dead")}).toInt(), deadBefore + 1);
        QVERIFY(wait(b->resend(replace)).error.contains(QStringLiteral("no longer where you saw it")));
        QCOMPARE(cli({QStringLiteral("LLEN"), QStringLiteral("queue:rerun")}), QStringLiteral("2"));

        // A real Sidekiq runs both, with the edited arguments.
        QProcess sidekiq;
        QVERIFY(startSidekiq(sidekiq, {QStringLiteral("-c"), QStringLiteral("1")}));
        const auto stop = qScopeGuard([&] {
            sidekiq.terminate();
            sidekiq.waitForFinished(15'000);
        });
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(copyMarker) && QFile::exists(inPlaceMarker), 30'000);
        QFile a(copyMarker);
        QVERIFY(a.open(QIODevice::ReadOnly));
        QCOMPARE(a.readAll(), QByteArray("edited"));
        QFile c(inPlaceMarker);
        QVERIFY(c.open(QIODevice::ReadOnly));
        QCOMPARE(c.readAll(), QByteArray("replaced"));
    }

    void searchScansABigListInBoundedChunks()
    {
        // 30,000 waiting jobs written as Sidekiq's client writes them (LPUSH, newest at the head); one needle.
        cli({QStringLiteral("EVAL"),
             QStringLiteral("for i = 1, 30000 do redis.call('LPUSH', KEYS[1], '{\"retry\":true,\"queue\":\"big\",\"class\":\"PrintJob\",'"
                            " .. '\"args\":[' .. i .. ',\"card-' .. i .. '\"],\"jid\":\"' .. string.format('%024x', i) .. '\",'"
                            " .. '\"enqueued_at\":1764000000}') end redis.call('SADD', KEYS[2], 'big') return 1"),
             QStringLiteral("2"), QStringLiteral("queue:big"), QStringLiteral("queues")});
        QCOMPARE(cli({QStringLiteral("LLEN"), QStringLiteral("queue:big")}), QStringLiteral("30000"));
        // A tiny budget: every call stops after its first 100-entry chunk, so the search takes many calls.
        auto b = backend(QStringLiteral("?scan_budget_ms=0.001"));
        JobQuery q;
        q.queue = QStringLiteral("big");
        q.search = QStringLiteral("\"card-29500\"");
        const qd::test::PageWalk walk = qd::test::walkPages(*b, q, 100);
        QVERIFY2(walk.problem.isEmpty(), qPrintable(walk.problem));
        const int calls = walk.calls;
        const QList<JobSummary> &hits = walk.hits;
        QCOMPARE(walk.total, qint64(30000));
        QCOMPARE(walk.scanned, qint64(30000));
        QVERIFY2(calls >= 300, qPrintable(QString::number(calls)));
        QCOMPARE(hits.size(), 1);
        QVERIFY(hits.at(0).id.endsWith(QStringLiteral("%1").arg(29500, 24, 16, QLatin1Char('0'))));
        // A waiting job's detail is read with the same page script.
        const JobDetail detail = wait(b->job(hits.at(0).id));
        QCOMPARE(detail.failure, QString());
        QVERIFY(detail.payload.contains(QStringLiteral("\"card-29500\"")));
        QCOMPARE(detail.summary.state, JobState::Waiting);

        // Without a budget one call looks at scan_limit entries (the old behaviour, for comparison in bench/search).
        auto unbounded = backend(QStringLiteral("?scan_budget_ms=0"));
        q.after.clear();
        const JobPage one = wait(unbounded->jobs(q));
        QCOMPARE(one.scanned.value_or(-1), 20000);
        QVERIFY(one.jobs.isEmpty());
    }

    void quietedRealSidekiqStopsFetchingThenStops()
    {
        QTemporaryDir dir;
        const auto enqueue = [&](const QString &path, const QString &jid) {
            const QString job = QStringLiteral("{\"retry\":3,\"queue\":\"rerun\",\"class\":\"MarkerJob\",\"args\":[\"%1\",\"ran\"],"
                                               "\"jid\":\"%2\",\"created_at\":%3,\"enqueued_at\":%3}")
                                    .arg(path, jid)
                                    .arg(double(QDateTime::currentMSecsSinceEpoch()) / 1000.0, 0, 'f', 3);
            cli({QStringLiteral("SADD"), QStringLiteral("queues"), QStringLiteral("rerun")});
            cli({QStringLiteral("LPUSH"), QStringLiteral("queue:rerun"), job});
        };
        QProcess sidekiq;
        QVERIFY(startSidekiq(sidekiq, {QStringLiteral("-c"), QStringLiteral("2"), QStringLiteral("-t"), QStringLiteral("5")}));
        const auto cleanup = qScopeGuard([&] {
            sidekiq.kill();
            sidekiq.waitForFinished(5000);
        });
        auto b = backend();
        const auto process = [&]() -> std::optional<WorkerInfo> {
            const Snapshot s = wait(b->snapshot());
            return s.ok() && s.workers.size() == 1 ? std::optional(s.workers.at(0)) : std::nullopt;
        };
        QTRY_VERIFY_WITH_TIMEOUT(process() && process()->quiet == false, 30'000);
        const QString identity = process()->id;

        // First it works: a job pushed now is run.
        const QString before = dir.filePath(QStringLiteral("before"));
        enqueue(before, QStringLiteral("quiet000000000000000001"));
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(before), 30'000);

        const WorkerSignalResult quiet = wait(b->signalWorker(identity, WorkerSignal::Quiet));
        QCOMPARE(quiet.error, QString());
        // Sidekiq pops the signal on its next heartbeat (5 s) and then reports quiet=true with every beat.
        QTRY_VERIFY_WITH_TIMEOUT(process() && process()->quiet == true, 20'000);

        // Quiet: a job pushed now is not taken, up to and through the clean shutdown that follows.
        const QString after = dir.filePath(QStringLiteral("after"));
        enqueue(after, QStringLiteral("quiet000000000000000002"));
        const WorkerSignalResult stop = wait(b->signalWorker(identity, WorkerSignal::Stop));
        QCOMPARE(stop.error, QString());
        QTRY_COMPARE_WITH_TIMEOUT(sidekiq.state(), QProcess::NotRunning, 30'000);
        QCOMPARE(sidekiq.exitStatus(), QProcess::NormalExit);
        QVERIFY(!QFile::exists(after));
        QCOMPARE(cli({QStringLiteral("LLEN"), QStringLiteral("queue:rerun")}), QStringLiteral("1"));

        // Gone cleanly (it unregistered itself): another signal is refused and says why.
        const WorkerSignalResult again = wait(b->signalWorker(identity, WorkerSignal::Stop));
        QVERIFY2(again.error.contains(QStringLiteral("registered")), qPrintable(again.error));
        QVERIFY(wait(b->signalWorker(QStringLiteral("nobody:1:abc"), WorkerSignal::Quiet)).error.contains(u"nobody"));
        auto readOnly = backend(QStringLiteral("?readonly=1"));
        QVERIFY(!readOnly->capabilities().quietWorkers && !readOnly->capabilities().stopWorkers);
        QVERIFY(!wait(readOnly->signalWorker(identity, WorkerSignal::Quiet)).error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSidekiqActions)
#include "tst_sidekiq_actions.moc"
