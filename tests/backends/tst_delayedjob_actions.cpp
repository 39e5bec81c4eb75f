// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Drill-down and conditional actions on tables written by the real delayed_job, on SQLite and PostgreSQL;
// a retried job is then reserved by the real delayed_job.
#include "core/backendfactory.h"
#include "core/backends/delayedjob/djjobs.h"
#include "tests/backends/pgtestdb.h"
#include "core/recipients/recipients.h"

#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace qd;

namespace {
template<typename T>
T wait(QFuture<T> f)
{
    f.waitForFinished();
    return f.result();
}

QString ruby(const QStringList &args, const QString &script = QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/fill_delayed_jobs.rb"))
{
    QProcess p;
    p.start(QStringLiteral("ruby"), QStringList{script} + args);
    if (!p.waitForFinished(120000) || p.exitCode() != 0) {
        qWarning().noquote() << p.readAllStandardError();
        return {};
    }
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}
} // namespace

class TestDelayedJobActions : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    /// A fresh database filled by the real gem: {url, fixture args}.
    std::optional<std::pair<QString, QStringList>> target(const QString &kind)
    {
        if (kind == u"sqlite") {
            const QString path = m_dir.filePath(QUuid::createUuid().toString(QUuid::Id128) + QStringLiteral(".sqlite3"));
            return std::pair{QStringLiteral("delayedjob+sqlite://") + path, QStringList{QStringLiteral("sqlite3"), path}};
        }
        const auto pg = test::freshPgDatabase(QStringLiteral("dja_"));
        if (!pg) {
            return std::nullopt;
        }
        return std::pair{pg->url(QStringLiteral("delayedjob+postgresql")), pg->fixtureArgs()};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
    }

    void mostAttemptsFirstPagesOnTheServer_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgresql") << QStringLiteral("postgresql");
    }

    void mostAttemptsFirstPagesOnTheServer()
    {
        QFETCH(QString, kind);
        if (kind == u"postgresql") {
            QD_REQUIRE_PG();
        }
        const auto t = target(kind);
        QVERIFY(t);
        QVERIFY(!ruby(t->second).isEmpty());
        auto backend = createBackend(t->first).value();
        QVERIFY(backend->capabilities().sortByAttempts);
        // Spread the attempts over the rows the gem wrote: ties on purpose, so paging must break them by id.
        const QString spread = QStringLiteral("UPDATE delayed_jobs SET attempts = (id * 7) % 3");
        if (kind == u"sqlite") {
            {
                QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("spread"));
                db.setDatabaseName(t->first.mid(QStringLiteral("delayedjob+sqlite://").size()));
                QVERIFY(db.open());
                QVERIFY(QSqlQuery(db).exec(spread));
            }
            QSqlDatabase::removeDatabase(QStringLiteral("spread"));
        } else {
            QCOMPARE(test::pgAdminExec(spread, t->second.constLast()), QString());
        }
        JobQuery all;
        all.state = JobState::Waiting;
        all.limit = 1000;
        const JobPage everything = wait(backend->jobs(all));
        QVERIFY2(everything.error.isEmpty(), qPrintable(everything.error));
        QVERIFY(everything.jobs.size() >= 4);

        JobQuery q = all;
        q.order = JobOrder::MostAttempts;
        q.limit = 2;
        QStringList seen;
        std::optional<qint64> previous;
        for (int pages = 0; pages < 100; ++pages) {
            const JobPage page = wait(backend->jobs(q));
            QVERIFY2(page.error.isEmpty(), qPrintable(page.error));
            for (const JobSummary &j : page.jobs) {
                QVERIFY(j.attempts);
                if (previous) {
                    QVERIFY2(*j.attempts <= *previous, "most attempts first, across pages");
                }
                previous = j.attempts;
                QVERIFY2(!seen.contains(j.id), "no job twice");
                seen << j.id;
            }
            if (page.nextCursor.isEmpty()) {
                break;
            }
            q.after = page.nextCursor;
        }
        QCOMPARE(seen.size(), everything.jobs.size()); // and none left out
        q.after = QStringLiteral("garbage");
        QVERIFY(wait(backend->jobs(q)).error.contains(QStringLiteral("cursor")));
    }

    void listRetryCancelAgainstRealDelayedJob_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgresql") << QStringLiteral("postgresql");
    }

    void listRetryCancelAgainstRealDelayedJob()
    {
        QFETCH(QString, kind);
        if (kind == u"postgresql") {
            QD_REQUIRE_PG();
        }
        const auto t = target(kind);
        QVERIFY(t);
        QVERIFY(!ruby(t->second).isEmpty());
        auto backend = createBackend(t->first).value();
        QVERIFY(backend->capabilities().retry && backend->capabilities().cancel);

        // List: the failed job delayed_job itself marked failed.
        JobQuery q;
        q.queue = QStringLiteral("critical");
        q.state = JobState::Failed;
        const JobPage failed = wait(backend->jobs(q));
        QVERIFY2(failed.error.isEmpty(), qPrintable(failed.error));
        QCOMPARE(failed.jobs.size(), 1);
        const JobSummary job = failed.jobs.first();
        QCOMPARE(job.className, QStringLiteral("FlakyJob"));
        QVERIFY(job.errorLine.contains(QStringLiteral("printer unreachable")));
        QCOMPARE(job.attempts, std::optional<qint64>(1));
        QVERIFY(job.payload.isEmpty()); // only on request

        // With payloads: the YAML handler delayed_job wrote, from which /user_id finds the users.
        JobQuery withPayload;
        withPayload.queue = QStringLiteral("default");
        withPayload.withPayload = true;
        const JobPage handlers = wait(backend->jobs(withPayload));
        QVERIFY2(handlers.error.isEmpty(), qPrintable(handlers.error));
        QList<AffectedJob> affected;
        for (const JobSummary &j : handlers.jobs) {
            QVERIFY(j.payload.startsWith(QStringLiteral("--- !ruby/")));
            affected << AffectedJob::fromSummary(j);
        }
        const RecipientSet set = collectRecipients(affected, UserRule::parse(QStringLiteral("/user_id")).value(),
                                                   QDateTime::currentDateTimeUtc());
        QStringList users;
        for (const Recipient &r : set.users) {
            users << r.user;
        }
        users.sort();
        QCOMPARE(users, (QStringList{QStringLiteral("1001"), QStringLiteral("1002"), QStringLiteral("1003")}));
        QCOMPARE(set.jobsWithoutUser, 1); // the garbage handler

        // Paging and search on the default queue (3 print jobs for users 1001..1003 and one garbage row).
        JobQuery w;
        w.queue = QStringLiteral("default");
        w.limit = 2;
        JobPage page = wait(backend->jobs(w));
        QCOMPARE(page.jobs.size(), 2);
        QVERIFY(!page.nextCursor.isEmpty());
        w.after = page.nextCursor;
        page = wait(backend->jobs(w));
        QCOMPARE(page.jobs.size(), 2);
        QVERIFY(page.nextCursor.isEmpty());
        JobQuery s;
        s.queue = QStringLiteral("default");
        s.search = QStringLiteral("user_id: 1002");
        QCOMPARE(wait(backend->jobs(s)).jobs.size(), 1);

        // Detail: the raw handler, never instantiated.
        const JobDetail detail = wait(backend->job(job.id));
        QVERIFY2(detail.failure.isEmpty(), qPrintable(detail.failure));
        QVERIFY(detail.payload.startsWith(QStringLiteral("--- !ruby/object:FlakyJob")));
        QVERIFY(detail.error.contains(QStringLiteral("printer unreachable")));

        // Retry, conditional: the second attempt is skipped.
        JobAction retry{ActionKind::Retry, {job.id}, JobState::Failed, false, {}};
        ActionResult r = wait(backend->act(retry));
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.succeeded, QStringList{job.id});
        r = wait(backend->act(retry));
        QVERIFY(r.succeeded.isEmpty());
        QCOMPARE(r.skipped, QStringList{job.id});

        // The real delayed_job now takes the retried job: it is runnable again, with no attempt charged.
        const QString reserve = QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/reserve_job.rb");
        QCOMPARE(ruby(t->second + QStringList{QStringLiteral("critical")}, reserve), job.id + QStringLiteral(" attempts=0"));

        // Cancel refuses a job a live worker holds; deletes a scheduled one.
        JobQuery running;
        running.queue = QStringLiteral("mailers");
        running.state = JobState::Running;
        const QString live = wait(backend->jobs(running)).jobs.first().id;
        r = wait(backend->act(JobAction{ActionKind::Cancel, {live}, JobState::Waiting, false, {}}));
        QCOMPARE(r.skipped, QStringList{live});
        JobQuery sched;
        sched.queue = QStringLiteral("reports");
        sched.state = JobState::Scheduled;
        const QString retrying = wait(backend->jobs(sched)).jobs.first().id;
        r = wait(backend->act(JobAction{ActionKind::Cancel, {retrying}, JobState::Scheduled, true, {}})); // dry run
        QCOMPARE(r.succeeded, QStringList{retrying});
        QVERIFY(wait(backend->job(retrying)).failure.isEmpty()); // still there
        r = wait(backend->act(JobAction{ActionKind::Cancel, {retrying}, JobState::Scheduled, false, {}}));
        QCOMPARE(r.succeeded, QStringList{retrying});
        QVERIFY(wait(backend->job(retrying)).failure.contains(QStringLiteral("gone")));

        // A dead worker's job (lock older than max_run_time) can be taken back; a live one cannot.
        JobQuery lost;
        lost.queue = QStringLiteral("print");
        lost.state = JobState::Running;
        const QString stuck = wait(backend->jobs(lost)).jobs.first().id;
        QCOMPARE(wait(backend->act(JobAction{ActionKind::Retry, {stuck}, JobState::Running, false, {}})).succeeded, QStringList{stuck});
        QCOMPARE(wait(backend->act(JobAction{ActionKind::Retry, {live}, JobState::Running, false, {}})).skipped, QStringList{live});
    }

    void twoOperatorsRetryingAtOnceExactlyOneSucceeds()
    {
        const auto t = target(QStringLiteral("sqlite"));
        QVERIFY(!ruby(t->second).isEmpty());
        auto a = createBackend(t->first).value();
        auto b = createBackend(t->first).value();
        JobQuery q;
        q.state = JobState::Failed;
        const QString id = wait(a->jobs(q)).jobs.first().id;
        const JobAction retry{ActionKind::Retry, {id}, JobState::Failed, false, {}};
        auto fa = a->act(retry); // both in flight at the same time, on two connections and two threads
        auto fb = b->act(retry);
        const ActionResult ra = wait(fa);
        const ActionResult rb = wait(fb);
        QVERIFY2(ra.error.isEmpty() && rb.error.isEmpty(), qPrintable(ra.error + rb.error));
        QCOMPARE(ra.succeeded.size() + rb.succeeded.size(), 1);
        QCOMPARE(ra.skipped.size() + rb.skipped.size(), 1);
    }

    void moveWaitingJobsToAnotherQueueThenARealWorkerThereTakesThem()
    {
        const auto t = target(QStringLiteral("sqlite"));
        QVERIFY(!ruby(t->second).isEmpty());
        auto backend = createBackend(t->first).value();
        QVERIFY(backend->capabilities().moveJobs);
        JobQuery q;
        q.queue = QStringLiteral("default");
        q.state = JobState::Waiting;
        const QList<JobSummary> before = wait(backend->jobs(q)).jobs;
        QVERIFY(before.size() >= 2);
        const QString a = before.at(0).id;
        const QString b = before.at(1).id;
        ActionResult r = wait(backend->act(JobAction{ActionKind::Move, {a, b}, JobState::Waiting, false, QStringLiteral("urgent")}));
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.succeeded, (QStringList{a, b}));
        JobQuery urgent;
        urgent.queue = QStringLiteral("urgent");
        QCOMPARE(wait(backend->jobs(urgent)).jobs.size(), 2);
        // A running job cannot be moved (a worker holds it), and a move needs a target.
        r = wait(backend->act(JobAction{ActionKind::Move, {a}, JobState::Running, false, QStringLiteral("urgent")}));
        QVERIFY(!r.error.isEmpty());
        r = wait(backend->act(JobAction{ActionKind::Move, {a}, JobState::Waiting, false, QString()}));
        QVERIFY(!r.error.isEmpty());
        // delayed_job's own worker for the "urgent" queue reserves a moved job.
        const QString reserve = QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/reserve_job.rb");
        const QString got = ruby(t->second + QStringList{QStringLiteral("urgent")}, reserve);
        QVERIFY2(got.startsWith(a + u' ') || got.startsWith(b + u' '), qPrintable(got));
    }

    void readOnlyConnectionsRefuseActions()
    {
        const auto t = target(QStringLiteral("sqlite"));
        QVERIFY(!ruby(t->second).isEmpty());
        auto backend = createBackend(t->first + QStringLiteral("?readonly=1")).value();
        QVERIFY(!backend->capabilities().retry);
        const ActionResult r = wait(backend->act(JobAction{ActionKind::Retry, {QStringLiteral("12")}, JobState::Failed, false, {}}));
        QVERIFY(r.error.contains(QStringLiteral("read-only")));
    }

    void handlerClassNames()
    {
        using delayedjob::handlerClassName;
        QCOMPARE(handlerClassName(QStringLiteral("--- !ruby/struct:PrintJob\nuser_id: 1\n")), QStringLiteral("PrintJob"));
        QCOMPARE(handlerClassName(QStringLiteral("--- !ruby/object:Delayed::PerformableMailer\nobject: !ruby/class 'UserMailer'\n"
                                                 "method_name: :card_ready\nargs:\n- 5\n")),
                 QStringLiteral("UserMailer#card_ready"));
        QCOMPARE(handlerClassName(QStringLiteral("--- !ruby/object:Delayed::PerformableMethod\nobject: !ruby/object:User\n"
                                                 "  id: 4\nmethod_name: :send_welcome\n")),
                 QStringLiteral("User#send_welcome"));
        // What `Account.new(3001).delay.send_welcome` on a Struct really writes (see the fixture's welcome queue).
        QCOMPARE(handlerClassName(QStringLiteral("--- !ruby/object:Delayed::PerformableMethod\nobject: !ruby/struct:Account\n"
                                                 "  user_id: 3001\nmethod_name: :send_welcome\nargs: []\n")),
                 QStringLiteral("Account#send_welcome"));
        QCOMPARE(handlerClassName(QStringLiteral("not yaml at all <script>")), QStringLiteral("?"));
    }
};

QTEST_GUILESS_MAIN(TestDelayedJobActions)
#include "tst_delayedjob_actions.moc"
