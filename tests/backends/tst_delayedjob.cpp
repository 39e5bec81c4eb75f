// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Delayed::Job backend against tables written by the real Ruby delayed_job gem, on SQLite and on a real
// PostgreSQL server started by scripts/services. Every figure is compared with the expectation the fixture
// prints AND with independent SQL counts.
#include "core/backendfactory.h"
#include "core/clock.h"
#include "tests/backends/djtestsupport.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace qd;
using namespace qd::test;

class TestDelayedJob : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    /// For the data-driven tests: the target of this row, or empty when the test was skipped/failed.
    std::optional<DjTarget> targetFor(const QString &kind)
    {
        if (kind == u"sqlite") {
            return sqliteTarget(m_dir);
        }
        return pgTarget();
    }

    static void addKinds()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgresql") << QStringLiteral("postgresql");
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qRegisterMetaType<qd::ConnectionState>();
    }

    void matchesRealDelayedJob_data() { addKinds(); }
    void matchesRealDelayedJob()
    {
        QFETCH(QString, kind);
        if (kind == u"postgresql") {
            QD_REQUIRE_PG();
        }
        const auto t = targetFor(kind);
        QVERIFY(t);
        const QJsonObject expected = fillDelayedJobs(t->fixtureArgs);
        QVERIFY2(!expected.isEmpty(), "the Ruby delayed_job fixture failed");

        auto backend = createBackend(t->url);
        QVERIFY2(backend.ok(), qPrintable(backend.error()));
        QCOMPARE(backend.value()->capabilities().workers, true);
        QCOMPARE(backend.value()->capabilities().exactCounts, true);
        QSignalSpy states(backend.value().get(), &Backend::stateChanged);
        const Snapshot s = wait(backend.value()->snapshot());
        QVERIFY2(s.ok(), qPrintable(s.error));
        QCOMPARE(s.backend, QStringLiteral("delayedjob"));
        QTRY_COMPARE(states.count(), 2);
        QCOMPARE(states.at(0).at(0).value<ConnectionState>(), ConnectionState::Connecting);
        QCOMPARE(states.at(1).at(0).value<ConnectionState>(), ConnectionState::Connected);
        QVERIFY(s.takenAt.isValid());
        QCOMPARE(s.takenAt.timeSpec(), Qt::UTC);

        // 1. The numbers delayed_job's own use of the table implies (printed by the fixture).
        const QJsonObject queues = expected.value(QStringLiteral("queues")).toObject();
        QCOMPARE(s.queues.size(), queues.size());
        for (auto it = queues.begin(); it != queues.end(); ++it) {
            const QueueStats *q = s.queue(it.key());
            QVERIFY2(q, qPrintable(it.key()));
            const QJsonObject e = it.value().toObject();
            QCOMPARE(q->waiting, std::optional<qint64>(e.value(QStringLiteral("waiting")).toInteger()));
            QCOMPARE(q->running, std::optional<qint64>(e.value(QStringLiteral("running")).toInteger()));
            QCOMPARE(q->scheduled, std::optional<qint64>(e.value(QStringLiteral("scheduled")).toInteger()));
            QCOMPARE(q->failed, std::optional<qint64>(e.value(QStringLiteral("failed")).toInteger()));
            QVERIFY(!q->dead.has_value()); // delayed_job has no dead set: unknown, not 0
            QCOMPARE(q->countExactness, Exactness::Exact);
            QVERIFY(!q->inPerMinute.has_value()); // first poll: no rate yet, unknown rather than 0
            QVERIFY(!q->outPerMinute.has_value());
            QCOMPARE(q->maxAttempts, std::optional<qint64>(it.key() == u"reports" ? 1 : 0)); // the retrying job
        }
        QVERIFY(std::is_sorted(s.queues.begin(), s.queues.end(),
                               [](const QueueStats &a, const QueueStats &b) { return a.name < b.name; }));

        // 2. Independent SQL, one plain query per state, must agree figure by figure.
        QSqlDatabase db = t->open(QStringLiteral("check"));
        QVERIFY(db.isOpen());
        const IndependentCounts c = countIndependently(db, s.takenAt);
        QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
        qint64 total = 0;
        for (const QueueStats &q : s.queues) {
            const IndependentQueue e = c.queues.value(q.name);
            QCOMPARE(q.waiting, std::optional<qint64>(e.waiting));
            QCOMPARE(q.scheduled, std::optional<qint64>(e.scheduled));
            QCOMPARE(q.running, std::optional<qint64>(e.running));
            QCOMPARE(q.failed, std::optional<qint64>(e.failed));
            QVERIFY(q.oldestAgeSeconds.has_value());
            if (e.oldestWaitingRunAt.isEmpty()) {
                QCOMPARE(*q.oldestAgeSeconds, 0.0);
            } else {
                const double age = double(utcFromDbText(e.oldestWaitingRunAt).msecsTo(s.takenAt)) / 1000.0;
                QVERIFY2(qAbs(*q.oldestAgeSeconds - age) < 0.002, qPrintable(q.name));
                QVERIFY(age >= 0 && age < 600); // the fixture ran just now
            }
            total += q.total().value_or(0);
        }
        QCOMPARE(total, c.rows);

        // Workers: seen through their locks on non-failed rows; the 5 h old lock is a lost worker.
        const QJsonObject workers = expected.value(QStringLiteral("workers")).toObject();
        QCOMPARE(s.workers.size(), workers.size());
        QCOMPARE(s.workers.size(), c.workerNewestLock.size());
        for (const WorkerInfo &w : s.workers) {
            const QString state = workers.value(w.id).toString();
            QVERIFY2(!state.isEmpty(), qPrintable(w.id));
            QCOMPARE(w.state, state == u"lost" ? WorkerState::Lost : WorkerState::Busy);
            QVERIFY(w.lastSeenAgeSeconds.has_value());
            const double age = double(utcFromDbText(c.workerNewestLock.value(w.id)).msecsTo(s.takenAt)) / 1000.0;
            QVERIFY2(qAbs(*w.lastSeenAgeSeconds - age) < 0.002, qPrintable(w.id));
            QCOMPARE(w.queues, QStringList{w.id.contains(u"web1") ? QStringLiteral("mailers") : QStringLiteral("print")});
        }
        QVERIFY(!s.workersComplete);
        QVERIFY(!s.workerSummary().idle.has_value()); // idle delayed_job workers are invisible: unknown
        QVERIFY(!s.totals.processed.has_value());     // success deletes the row: no counter to read
        QVERIFY(!s.totals.failed.has_value());
        db.close();
        db = {};
        QSqlDatabase::removeDatabase(QStringLiteral("check"));

        // A lower max_run_time turns the live worker into a lost one too (its lock is seconds old).
        ManualClock later(QDateTime::currentDateTimeUtc().addSecs(30));
        auto strictLater = createBackend(t->url + u"?max_run_time=1", &later).value();
        const Snapshot s2 = wait(strictLater->snapshot());
        QVERIFY2(s2.ok(), qPrintable(s2.error));
        QCOMPARE(s2.workerSummary().lost, std::optional<int>(2));
        QCOMPARE(s2.queue(QStringLiteral("print"))->scheduled, std::optional<qint64>(1)); // run_at is +1 h
    }

    void ratesAcrossPolls_data() { addKinds(); }
    void ratesAcrossPolls()
    {
        QFETCH(QString, kind);
        if (kind == u"postgresql") {
            QD_REQUIRE_PG();
        }
        const auto t = targetFor(kind);
        QVERIFY(t);
        QVERIFY(!fillDelayedJobs(t->fixtureArgs).isEmpty());
        ManualClock clock(QDateTime::currentDateTimeUtc());
        auto backend = createBackend(t->url, &clock).value();
        Snapshot s = wait(backend->snapshot());
        QVERIFY2(s.ok(), qPrintable(s.error));
        QCOMPARE(s.takenAt, clock.now()); // the injected clock is the backend's "now"
        QVERIFY(!s.queue(QStringLiteral("print"))->inPerMinute.has_value());
        {
            // Between polls: two "print" jobs finish (delayed_job deletes them), three arrive there, and the
            // single due "mailers" job finishes too.
            QSqlDatabase db = t->open(QStringLiteral("writer"));
            QVERIFY(db.isOpen());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT id FROM delayed_jobs WHERE queue = 'print' AND locked_at IS NULL "
                                          "ORDER BY run_at LIMIT 2")));
            QStringList done;
            while (q.next()) {
                done << q.value(0).toString();
            }
            QCOMPARE(done.size(), 2);
            QVERIFY(q.exec(QStringLiteral("DELETE FROM delayed_jobs WHERE id IN (%1)").arg(done.join(u','))));
            QVERIFY(q.exec(QStringLiteral("DELETE FROM delayed_jobs WHERE queue = 'mailers' AND locked_at IS NULL")));
            for (int i = 0; i < 3; ++i) {
                QVERIFY(q.exec(QStringLiteral(
                    "INSERT INTO delayed_jobs (priority, attempts, handler, run_at, queue, created_at, updated_at) "
                    "VALUES (0, 0, '--- !ruby/struct:PrintJob\nuser_id: 5\ncard_id: 9\n', '2000-01-01 00:00:00', "
                    "'print', '2000-01-01 00:00:00', '2000-01-01 00:00:00')")));
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("writer"));
        clock.advance(30'000);
        s = wait(backend->snapshot());
        QVERIFY2(s.ok(), qPrintable(s.error));
        QCOMPARE(s.takenAt, clock.now());
        const QueueStats *print = s.queue(QStringLiteral("print"));
        QVERIFY(print);
        QCOMPARE(print->rateExactness, Exactness::Approximate); // lower bounds: between-poll jobs are invisible
        QCOMPARE(print->inPerMinute, std::optional<double>(6.0));  // 3 in 30 s
        QCOMPARE(print->outPerMinute, std::optional<double>(4.0)); // 2 in 30 s
        QCOMPARE(s.queue(QStringLiteral("mailers"))->inPerMinute, std::optional<double>(0.0));
        QCOMPARE(s.queue(QStringLiteral("mailers"))->outPerMinute, std::optional<double>(2.0));
        QCOMPARE(s.queue(QStringLiteral("default"))->outPerMinute, std::optional<double>(0.0));
        // A row due since 2000 has waited ~a quarter century: the oldest age says so.
        QVERIFY(*print->oldestAgeSeconds > 20.0 * 365 * 86400);
    }

    void snapshotDoesNotBlockTheCaller_data() { addKinds(); }
    void snapshotDoesNotBlockTheCaller()
    {
        QFETCH(QString, kind);
        if (kind == u"postgresql") {
            QD_REQUIRE_PG();
        }
        const auto t = targetFor(kind);
        QVERIFY(t);
        QVERIFY(!fillDelayedJobs(t->fixtureArgs).isEmpty());
        auto backend = createBackend(t->url).value();
        QVERIFY(wait(backend->snapshot()).ok()); // connected and warm
        {
            // Another client holds the table: the backend's query must wait for it on its own thread.
            QSqlDatabase db = t->open(QStringLiteral("locker"));
            QVERIFY(db.isOpen());
            QSqlQuery q(db);
            if (kind == u"sqlite") {
                QVERIFY(q.exec(QStringLiteral("BEGIN EXCLUSIVE"))); // rollback journal: readers wait too
            } else {
                QVERIFY(db.transaction());
                QVERIFY(q.exec(QStringLiteral("LOCK TABLE delayed_jobs IN ACCESS EXCLUSIVE MODE")));
            }
            QElapsedTimer timer;
            timer.start();
            auto f = backend->snapshot();
            QVERIFY2(timer.elapsed() < 100, "snapshot() blocked its caller");
            QVERIFY(!f.isFinished());
            QVERIFY(kind == u"sqlite" ? q.exec(QStringLiteral("ROLLBACK")) : db.rollback());
            QTRY_VERIFY(f.isFinished());
            QVERIFY2(f.result().ok(), qPrintable(f.result().error));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("locker"));
    }

    void handlerGarbageAndNullDoNotBreakTheSnapshot()
    {
        // The real migration has `handler NOT NULL`; an older or hand-made table may not. Neither a NULL nor a
        // binary/garbage handler may stop the counts.
        const QString path = m_dir.filePath(QStringLiteral("nullhandler.sqlite3"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("mk"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral(
                "CREATE TABLE delayed_jobs (id integer PRIMARY KEY AUTOINCREMENT, priority integer, attempts integer, "
                "handler text, last_error text, run_at datetime, locked_at datetime, failed_at datetime, "
                "locked_by varchar, queue varchar, created_at datetime, updated_at datetime)")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO delayed_jobs (handler, run_at, queue) VALUES "
                                          "(NULL, '2020-01-01 00:00:00', 'a'), "
                                          "(X'00FFFE0102', '2020-01-01 00:00:00.5', 'a'), "
                                          "('--- !ruby/object:Gone\\n  x: [', '2020-01-01 00:00:01', ''), "
                                          "(NULL, NULL, NULL)")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("mk"));
        ManualClock clock(QDateTime(QDate(2020, 1, 1), QTime(0, 1, 0), Qt::UTC));
        auto backend = createBackend(QStringLiteral("delayedjob+sqlite://") + path, &clock).value();
        const Snapshot s = wait(backend->snapshot());
        QVERIFY2(s.ok(), qPrintable(s.error));
        QCOMPARE(s.queue(QStringLiteral("a"))->waiting, std::optional<qint64>(2));
        QCOMPARE(s.queue(QStringLiteral("a"))->oldestAgeSeconds, std::optional<double>(60.0)); // no fraction parsed fine
        QCOMPARE(s.queue(QStringLiteral("default"))->waiting, std::optional<qint64>(1));
        QCOMPARE(s.queue(QStringLiteral("default"))->scheduled, std::optional<qint64>(1)); // NULL run_at: never due
        QCOMPARE(s.queue(QStringLiteral("default"))->oldestAgeSeconds, std::optional<double>(59.0));
        JobQuery all;
        all.queue = QStringLiteral("a");
        const JobPage page = wait(backend->jobs(all));
        QVERIFY2(page.error.isEmpty(), qPrintable(page.error));
        QCOMPARE(page.jobs.size(), 2);
    }
};

QTEST_GUILESS_MAIN(TestDelayedJob)
#include "tst_delayedjob.moc"
