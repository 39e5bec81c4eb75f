// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Celery-on-Redis drill-down and the one action it allows (deleting a waiting message), on messages sent by
// the real python3-celery 5.2 with apply_async to queues no worker consumes (fixtures/redis/fill_celery.py,
// celery_send.py): order across priority lists, paging, decoded bodies, hostile arguments as data, deleting
// exactly once under two operators, dry runs, read-only connections, and what cannot be done.
#include "core/backends/celery/celerybackend.h"
#include "tests/backends/pagewalk.h"
#include "tests/backends/redistestserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>

using namespace qd;
using qd::celery::CeleryBackend;

namespace {

constexpr int kDb = 15;
const QString kFixtures = QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/redis/");

template <typename T> T wait(QFuture<T> f)
{
    f.waitForFinished();
    return f.result();
}

} // namespace

class TestCeleryJobs : public QObject
{
    Q_OBJECT
private:
    qd::test::SharedRedis m_redis;

    std::unique_ptr<CeleryBackend> backend(const QString &query = {})
    {
        return std::make_unique<CeleryBackend>(
            ConnectionUrl::parse(m_redis.url(QStringLiteral("celery"), kDb, query)).value());
    }
    QString cli(const QStringList &args) { return qd::test::redisCli(m_redis.host, m_redis.port, kDb, args); }
    QList<JobSummary> all(CeleryBackend &b, JobQuery q, int *pages = nullptr)
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
    static QStringList ids(const QList<JobSummary> &jobs)
    {
        QStringList out;
        for (const JobSummary &j : jobs) {
            out << j.id;
        }
        return out;
    }

private Q_SLOTS:
    void initTestCase() { m_redis = qd::test::sharedRedis(); }

    void init()
    {
        QVERIFY2(!qd::test::runFixture(QStringLiteral("/usr/bin/python3"),
                                       {kFixtures + QStringLiteral("fill_celery.py"), m_redis.plainUrl(kDb)})
                      .isEmpty(),
                 "fill_celery.py failed");
    }

    void waitingMessagesInDeliveryOrder()
    {
        auto b = backend();
        JobQuery q;
        q.queue = QStringLiteral("celery");
        q.limit = 4;
        int pages = 0;
        const QList<JobSummary> jobs = all(*b, q, &pages);
        QCOMPARE(pages, 2);
        // The plain list (priority 0) first, oldest first, then the priority lists 5 and 9: as a worker takes them.
        QCOMPARE(ids(jobs), (QStringList{QStringLiteral("celery:celery-1"), QStringLiteral("celery:celery-2"),
                                         QStringLiteral("celery:celery-3"), QStringLiteral("celery:celery-4"),
                                         QStringLiteral("celery:celery-p5"), QStringLiteral("celery:celery-p9")}));
        QCOMPARE(jobs.at(0).className, QStringLiteral("tasks.send_email"));
        QCOMPARE(jobs.at(0).queue, QStringLiteral("celery"));
        QCOMPARE(jobs.at(0).attempts.value(), 0);
        QVERIFY2(!jobs.at(0).enqueuedAt.isValid(), "a Celery message has no enqueue time: unknown");
        QCOMPARE(jobs.at(4).className, QStringLiteral("tasks.render"));

        // The ETA task: its run time; payloads decoded from the base64 JSON body, for user extraction.
        q.queue = QStringLiteral("emails");
        q.withPayload = true;
        const QList<JobSummary> emails = all(*b, q);
        QCOMPARE(emails.size(), 4);
        QCOMPARE(emails.at(3).id, QStringLiteral("emails:emails-eta"));
        QVERIFY(std::abs(QDateTime::currentDateTimeUtc().secsTo(emails.at(3).runAt) - 3600) < 120);
        const QJsonObject p = QJsonDocument::fromJson(emails.at(0).payload.toUtf8()).object();
        QCOMPARE(p.value(u"task").toString(), QStringLiteral("tasks.send_email"));
        QCOMPARE(p.value(u"args").toArray().at(0).toInt(), 1);
        QCOMPARE(p.value(u"id").toString(), QStringLiteral("emails-1"));

        q.search = QStringLiteral("emails-2");
        QCOMPARE(ids(all(*b, q)), QStringList{QStringLiteral("emails:emails-2")});

        // Nothing prefetched (no worker), and no failed set to list.
        q.search.clear();
        q.state = JobState::Running;
        const JobPage running = wait(b->jobs(q));
        QVERIFY(running.error.isEmpty() && running.jobs.isEmpty());
        q.state = JobState::Failed;
        const JobPage failed = wait(b->jobs(q));
        QVERIFY(failed.error.isEmpty() && failed.jobs.isEmpty() && !failed.notice.isEmpty());
    }

    void detailDecodesTheBody()
    {
        auto b = backend();
        const JobDetail d = wait(b->job(QStringLiteral("celery:celery-p9")));
        QVERIFY2(d.failure.isEmpty(), qPrintable(d.failure));
        QCOMPARE(d.summary.className, QStringLiteral("tasks.render"));
        QCOMPARE(d.summary.state, JobState::Waiting);
        const QJsonObject p = QJsonDocument::fromJson(d.payload.toUtf8()).object();
        QCOMPARE(p.value(u"args").toArray().at(0).toInt(), 9);
        QCOMPARE(p.value(u"message").toObject().value(u"properties").toObject().value(u"priority").toInt(), 9);
        const QString nowhere = wait(b->job(QStringLiteral("celery:nope"))).failure;
        QVERIFY2(nowhere.contains(u"no longer"), qPrintable(nowhere));
        QVERIFY(!wait(b->job(QStringLiteral("no-queue"))).failure.isEmpty());
    }

    void aTaskBeyondScanLimitIsNotReachedNotGone()
    {
        // Four plain messages and two priority ones: with scan_limit=2 the third-oldest is beyond what one lookup
        // reads. It is "not reached" — never "no longer in the queue" — and a delete changes nothing.
        auto b = backend(QStringLiteral("?scan_limit=2"));
        const QString far = wait(b->job(QStringLiteral("celery:celery-3"))).failure;
        QVERIFY2(far.contains(u"not reached") && far.contains(u"scan_limit"), qPrintable(far));
        QVERIFY2(wait(b->job(QStringLiteral("celery:celery-2"))).failure.isEmpty(), "within the limit: found");
        JobAction a;
        a.kind = ActionKind::Cancel;
        a.expected = JobState::Waiting;
        a.jobIds = {QStringLiteral("celery:celery-p9")};
        const ActionResult r = wait(b->act(a));
        QVERIFY(r.succeeded.isEmpty());
        QVERIFY2(r.error.contains(u"not reached"), qPrintable(r.error));
        QCOMPARE(cli({QStringLiteral("LLEN"), QStringLiteral("celery")}), QStringLiteral("4"));
        // With the whole queue in reach, the same task is found and deleted.
        a.jobIds = {QStringLiteral("celery:celery-p9")};
        QCOMPARE(wait(backend()->act(a)).succeeded, a.jobIds);
    }

    void searchScansInBoundedChunks()
    {
        // 3,000 waiting messages in the shape kombu's Redis transport LPUSHes them (protocol 2 headers).
        cli({QStringLiteral("EVAL"),
             QStringLiteral("for i = 1, 3000 do redis.call('LPUSH', KEYS[1], '{\"body\":\"W1tdLHt9LHt9XQ==\",'"
                            " .. '\"headers\":{\"id\":\"chunk-' .. i .. '\",\"task\":\"app.render\",\"argsrepr\":\"(' .. i .. ',)\"},'"
                            " .. '\"properties\":{\"delivery_tag\":\"t' .. i .. '\"}}') end return 1"),
             QStringLiteral("1"), QStringLiteral("chunky")});
        // A budget used up by the first chunk: one chunk per call. A list is read by index from an end (a seek
        // per LRANGE), so after the first call each call reads one chunk of about 64 KiB (~380 of these
        // messages), never more than 500.
        auto b = backend(QStringLiteral("?queues=chunky&scan_budget_ms=0.001"));
        JobQuery q;
        q.queue = QStringLiteral("chunky");
        q.search = QStringLiteral("\"chunk-2990\"");
        const qd::test::PageWalk walk = qd::test::walkPages(*b, q, 500);
        QVERIFY2(walk.problem.isEmpty(), qPrintable(walk.problem));
        QCOMPARE(walk.total, qint64(3000));
        QCOMPARE(walk.scanned, qint64(3000));
        QVERIFY2(walk.calls >= 7, qPrintable(QString::number(walk.calls)));
        QCOMPARE(walk.hits.size(), 1);
        QCOMPARE(walk.hits.at(0).id, QStringLiteral("chunky:chunk-2990"));
    }

    void hostileArgumentsComeBackAsData()
    {
        const QString hostile =
            QStringLiteral("<script>alert(1)</script> ") + QChar(0x202E) + QStringLiteral("gnp.exe \"q\"\n2");
        QVERIFY(!qd::test::runFixture(QStringLiteral("/usr/bin/python3"),
                                      {kFixtures + QStringLiteral("celery_send.py"), m_redis.plainUrl(kDb),
                                       QStringLiteral("evil"), QStringLiteral("evil-1"), hostile})
                     .isEmpty());
        auto b = backend();
        JobQuery q;
        q.queue = QStringLiteral("evil");
        q.withPayload = true;
        const QList<JobSummary> jobs = all(*b, q);
        QCOMPARE(jobs.size(), 1);
        QCOMPARE(jobs.at(0).className, QStringLiteral("tasks.send_email"));
        const QJsonObject p = QJsonDocument::fromJson(jobs.at(0).payload.toUtf8()).object();
        QCOMPARE(p.value(u"args").toArray().at(0).toString(), hostile); // verbatim; views escape
    }

    void deleteWaitingExactlyOnce()
    {
        auto alice = backend();
        auto bob = backend();
        QVERIFY(alice->capabilities().cancel);
        QVERIFY2(!alice->capabilities().retry && !alice->capabilities().moveJobs, "nothing to retry on Celery/Redis");
        JobAction a;
        a.kind = ActionKind::Cancel;
        a.expected = JobState::Waiting;
        a.jobIds = {QStringLiteral("emails:emails-2"), QStringLiteral("celery:celery-p5")};
        QFuture<ActionResult> fa = alice->act(a);
        QFuture<ActionResult> fb = bob->act(a);
        const ActionResult ra = wait(fa);
        const ActionResult rb = wait(fb);
        QVERIFY2(ra.error.isEmpty() && rb.error.isEmpty(), qPrintable(ra.error + rb.error));
        QCOMPARE(ra.succeeded.size() + rb.succeeded.size(), 2);
        QCOMPARE(ra.skipped.size() + rb.skipped.size(), 2);
        QCOMPARE(cli({QStringLiteral("LLEN"), QStringLiteral("emails")}), QStringLiteral("3"));
        QCOMPARE(cli({QStringLiteral("EXISTS"), QStringLiteral("celery\x06\x16"
                                                               "5")}),
                 QStringLiteral("0"));
        JobQuery q;
        q.queue = QStringLiteral("emails");
        QCOMPARE(ids(all(*alice, q)), (QStringList{QStringLiteral("emails:emails-1"), QStringLiteral("emails:emails-3"),
                                                   QStringLiteral("emails:emails-eta")}));
        // The snapshot agrees (kombu's own count was 4 before).
        QCOMPARE(wait(alice->snapshot()).queue(QStringLiteral("emails"))->waiting.value(), 3);
    }

    void dryRunReadOnlyAndWhatCannotBeDone()
    {
        auto b = backend();
        JobAction a;
        a.kind = ActionKind::Cancel;
        a.expected = JobState::Waiting;
        a.jobIds = {QStringLiteral("emails:emails-1"), QStringLiteral("emails:nope"), QStringLiteral("garbage")};
        a.dryRun = true;
        ActionResult r = wait(b->act(a));
        QVERIFY(r.dryRun);
        QCOMPARE(r.succeeded, QStringList{QStringLiteral("emails:emails-1")});
        QCOMPARE(r.skipped.size(), 2);
        QCOMPARE(cli({QStringLiteral("LLEN"), QStringLiteral("emails")}), QStringLiteral("4"));

        auto ro = backend(QStringLiteral("?readonly=1"));
        QVERIFY(!ro->capabilities().cancel);
        a.dryRun = false;
        r = wait(ro->act(a));
        QVERIFY2(r.error.contains(u"read-only"), qPrintable(r.error));
        QCOMPARE(cli({QStringLiteral("LLEN"), QStringLiteral("emails")}), QStringLiteral("4"));

        a.kind = ActionKind::Retry;
        QVERIFY(!wait(b->act(a)).error.isEmpty());
        a.kind = ActionKind::Cancel;
        a.expected = JobState::Scheduled; // prefetched by a worker: only the worker (or a revoke) can stop it
        QVERIFY(!wait(b->act(a)).error.isEmpty());
        QCOMPARE(cli({QStringLiteral("LLEN"), QStringLiteral("emails")}), QStringLiteral("4"));
    }
};

QTEST_GUILESS_MAIN(TestCeleryJobs)
#include "tst_celery_jobs.moc"
