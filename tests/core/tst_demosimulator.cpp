// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// The demo drives a real Delayed::Job database; everything is checked in SQL, through the real backend and,
// where Ruby and the delayed_job gems are installed, against delayed_job itself.
#include "core/backendfactory.h"
#include "core/clock.h"
#include "core/demo/demoschema.h"
#include "core/demo/demosimulator.h"

#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;

namespace {

/// Rows of a query on a private connection, as "a|b|c" strings (easy to compare and print).
QStringList rows(const QString &path, const QString &sql)
{
    QStringList out;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("peek"));
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(sql)) {
                while (q.next()) {
                    QStringList cells;
                    for (int i = 0; i < q.record().count(); ++i) {
                        cells << (q.value(i).isNull() ? QStringLiteral("NULL") : q.value(i).toString());
                    }
                    out << cells.join(u'|');
                }
            }
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("peek"));
    return out;
}

qint64 scalar(const QString &path, const QString &sql)
{
    const QStringList r = rows(path, sql);
    return r.isEmpty() ? -1 : r.first().toLongLong();
}

/// Runs a fixture of tests/backends with the real delayed_job gems. Empty when Ruby or the gems are missing
/// (the test skips); any other failure fails the test with Ruby's own message.
struct RubyRun
{
    bool available = false;
    bool ok = false;
    QString out;
    QString err;
};

RubyRun ruby(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral("ruby"), args);
    RubyRun r;
    if (!p.waitForStarted(10000)) {
        return r;
    }
    p.waitForFinished(120000);
    r.out = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    r.err = QString::fromUtf8(p.readAllStandardError());
    r.available = !r.err.contains(QStringLiteral("cannot load such file"));
    r.ok = p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    return r;
}

} // namespace

class TestDemoSimulator : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    ManualClock m_clock{QDateTime::currentDateTimeUtc()};
    QDateTime m_start;
    std::unique_ptr<demo::DemoSimulator> m_sim;
    std::unique_ptr<QSignalSpy> m_incidents;
    std::shared_ptr<Backend> m_backend;

    void advance(int seconds)
    {
        for (int i = 0; i < seconds; ++i) {
            const quint64 before = m_sim->steps();
            m_clock.advance(1000);
            QTRY_VERIFY(m_sim->steps() > before);
        }
    }
    Snapshot poll()
    {
        auto f = m_backend->snapshot();
        f.waitForFinished();
        return f.result();
    }
    qint64 scalar(const QString &sql) { return ::scalar(m_sim->databasePath(), sql); }
    qint64 waiting()
    {
        qint64 n = 0;
        for (const QueueStats &q : poll().queues) {
            n += q.waiting.value_or(0);
        }
        return n;
    }
    bool sawIncident(const QString &text) const
    {
        for (const QList<QVariant> &args : *m_incidents) {
            if (args.at(0).toString().contains(text)) {
                return true;
            }
        }
        return false;
    }
    QString elapsedText(int seconds) const { return demo::arTime(m_start.addSecs(seconds)); }

private Q_SLOTS:
    void initTestCase()
    {
        demo::DemoOptions o;
        o.tick = std::chrono::milliseconds(10);
        o.newQueueAt = 10;
        o.workersDieAt = 20;
        o.workersBackAt = 40;
        o.maxRunTimeSeconds = 5;
        m_start = m_clock.now();
        // A directory that does not exist yet: the simulator creates it.
        m_sim = std::make_unique<demo::DemoSimulator>(m_dir.filePath(QStringLiteral("demo/dj.sqlite3")), o, &m_clock);
        m_incidents = std::make_unique<QSignalSpy>(m_sim.get(), &demo::DemoSimulator::incident);
        QCOMPARE(m_sim->start(), QString());
        QVERIFY(m_sim->isRunning());
        auto b = createBackend(m_sim->connectionUrl(), &m_clock);
        QVERIFY2(b.ok(), qPrintable(b.error()));
        m_backend = b.value();
    }

    void schemaIsDelayedJobsMigration()
    {
        // name|type|notnull|default|pk, as delayed_job_active_record's migration creates them on SQLite.
        const QStringList expected = {
            QStringLiteral("id|INTEGER|1|NULL|1"),
            QStringLiteral("priority|INTEGER|1|0|0"),
            QStringLiteral("attempts|INTEGER|1|0|0"),
            QStringLiteral("handler|TEXT|1|NULL|0"),
            QStringLiteral("last_error|TEXT|0|NULL|0"),
            QStringLiteral("run_at|datetime|0|NULL|0"),
            QStringLiteral("locked_at|datetime|0|NULL|0"),
            QStringLiteral("failed_at|datetime|0|NULL|0"),
            QStringLiteral("locked_by|varchar|0|NULL|0"),
            QStringLiteral("queue|varchar|0|NULL|0"),
            QStringLiteral("created_at|datetime(6)|0|NULL|0"),
            QStringLiteral("updated_at|datetime(6)|0|NULL|0"),
        };
        const QString path = m_sim->databasePath();
        QCOMPARE(
            rows(path, QStringLiteral(
                           "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('delayed_jobs')")),
            expected);
        QCOMPARE(rows(path, QStringLiteral("SELECT name FROM pragma_index_info('delayed_jobs_priority')")),
                 (QStringList{QStringLiteral("priority"), QStringLiteral("run_at")}));
        QCOMPARE(rows(path, QStringLiteral("PRAGMA journal_mode")), QStringList{QStringLiteral("wal")});
    }

    void schemaMatchesTheRealMigration()
    {
        QTemporaryDir dir;
        const QString real = dir.filePath(QStringLiteral("real.sqlite3"));
        const RubyRun r = ruby({QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/fill_delayed_jobs.rb"),
                                QStringLiteral("sqlite3"), real});
        if (!r.available) {
            QSKIP("ruby with the delayed_job and delayed_job_active_record gems is not installed");
        }
        QVERIFY2(r.ok, qPrintable(r.err));
        const QString sql =
            QStringLiteral("SELECT type, name, sql FROM sqlite_master WHERE name LIKE 'delayed_jobs%' ORDER BY name");
        QCOMPARE(rows(m_sim->databasePath(), sql), rows(real, sql));
    }

    void startsWithARealisticState()
    {
        const Snapshot s = poll();
        QVERIFY2(s.ok(), qPrintable(s.error));
        for (const char *q : {"default", "mailers", "print", "mixpanel"}) {
            QVERIFY2(s.queue(QLatin1String(q)), q);
        }
        QCOMPARE(s.queue(QStringLiteral("print"))->failed, std::optional<qint64>(4));
        QVERIFY(*s.queue(QStringLiteral("mailers"))->scheduled >= 1);
        QVERIFY(!s.queue(QStringLiteral("reports")));
        // The default queue is NULL, as delayed_job leaves it; times are ActiveRecord's UTC text.
        QVERIFY(scalar(QStringLiteral("SELECT COUNT(*) FROM delayed_jobs WHERE queue IS NULL")) > 0);
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM delayed_jobs WHERE queue = 'default'")), 0);
        const QRegularExpression arTime(QStringLiteral("^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d{6})?$"));
        for (const QString &t : rows(m_sim->databasePath(), QStringLiteral("SELECT run_at FROM delayed_jobs UNION ALL "
                                                                           "SELECT created_at FROM delayed_jobs"))) {
            QVERIFY2(arTime.match(t).hasMatch(), qPrintable(t));
        }
        // Failed rows keep delayed_job's lock and used all 25 attempts.
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM delayed_jobs WHERE failed_at IS NOT NULL AND attempts = 25"
                                       " AND locked_by IS NOT NULL AND last_error IS NOT NULL")),
                 4);
    }

    void jobsAreReservedWorkedAndDeleted()
    {
        const qint64 maxId = scalar(QStringLiteral("SELECT MAX(id) FROM delayed_jobs"));
        advance(1);
        const QStringList locked =
            rows(m_sim->databasePath(), QStringLiteral("SELECT id, locked_by FROM delayed_jobs"
                                                       " WHERE locked_at IS NOT NULL AND failed_at IS NULL"));
        QVERIFY(!locked.isEmpty());
        const QRegularExpression name(QStringLiteral("^\\d+\\|host:demo-web\\d pid:\\d+$"));
        QStringList ids;
        for (const QString &row : locked) {
            QVERIFY2(name.match(row).hasMatch(), qPrintable(row));
            ids << row.section(u'|', 0, 0);
        }
        advance(7); // longer than any job takes
        const QString in = ids.join(u',');
        const qint64 left = scalar(QStringLiteral("SELECT COUNT(*) FROM delayed_jobs WHERE id IN (%1)").arg(in));
        QVERIFY2(left < ids.size(), "successful jobs are deleted");
        // What is left failed: attempts counted, lock released (or taken again once its retry came due).
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM delayed_jobs WHERE id IN (%1) AND attempts = 0").arg(in)),
                 0);
        // Arrivals: random (seeded), drawn per step, and steps follow real timers while this test moves a fake
        // clock, so how many fall in a given simulated second varies with the machine's load. Allow them half a
        // simulated minute to exceed five.
        for (int s = 0; s < 30 && scalar(QStringLiteral("SELECT MAX(id) FROM delayed_jobs")) <= maxId + 5; ++s) {
            advance(1);
        }
        QVERIFY(scalar(QStringLiteral("SELECT MAX(id) FROM delayed_jobs")) > maxId + 5);
        QVERIFY(poll().workerSummary().busy.value_or(0) > 0);
    }

    void poisonJobFailsEveryAttemptLikeDelayedJob()
    {
        const QString poison = QStringLiteral("handler LIKE '%card_id: 66666%'");
        QVERIFY(scalar(QStringLiteral("SELECT attempts FROM delayed_jobs WHERE %1").arg(poison)) >= 1);
        QVERIFY(sawIncident(QStringLiteral("Poison job")));
        // Reserving touches only locked_at/locked_by, so even while a worker holds it the row still shows the
        // last failure: run_at = failure time (updated_at) + 5 + attempts^4 seconds.
        const QStringList r =
            rows(m_sim->databasePath(), QStringLiteral("SELECT attempts, last_error, run_at, updated_at"
                                                       " FROM delayed_jobs WHERE %1")
                                            .arg(poison));
        QCOMPARE(r.size(), 1);
        const QStringList f = r.first().split(u'|');
        const int attempts = f.at(0).toInt();
        const auto at = [](const QString &t) {
            return QDateTime::fromString(t.left(19), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        };
        QCOMPARE(at(f.at(3)).secsTo(at(f.at(2))), 5 + attempts * attempts * attempts * attempts);
        // delayed_job's last_error: the message, then the backtrace, one frame a line, no exception class.
        QVERIFY2(f.at(1).startsWith(QStringLiteral("undefined method `render' for nil:NilClass\n/var/www/")),
                 qPrintable(f.at(1)));
        QVERIFY(f.at(1).contains(QStringLiteral("delayed/worker.rb:230:in `block (2 levels) in run'")));
    }

    void newQueueAppears()
    {
        advance(3); // t = 11
        QTRY_VERIFY(sawIncident(QStringLiteral("\"reports\"")));
        advance(2);
        QVERIFY(poll().queue(QStringLiteral("reports")));
    }

    void workersDieAndTheirLocksGoStale()
    {
        advance(10); // t = 23
        QTRY_VERIFY(sawIncident(QStringLiteral("workers died")));
        const qint64 waitingBefore = waiting();
        advance(8); // past max_run_time: the dead workers' locks are now "lost"
        QCOMPARE(
            scalar(QStringLiteral("SELECT COUNT(*) FROM delayed_jobs WHERE locked_at > '%1'").arg(elapsedText(20))), 0);
        QVERIFY(scalar(QStringLiteral(
                    "SELECT COUNT(*) FROM delayed_jobs WHERE locked_at IS NOT NULL AND failed_at IS NULL")) > 0);
        const Snapshot s = poll();
        QVERIFY(s.workerSummary().lost.value_or(0) > 0);
        QCOMPARE(s.workerSummary().busy, std::optional<int>(0));
        double oldest = 0;
        for (const QueueStats &q : s.queues) {
            oldest = std::max(oldest, q.oldestAgeSeconds.value_or(0));
        }
        QVERIFY(waiting() > waitingBefore); // nobody works: the backlog only grows
        QVERIFY2(oldest >= 5, qPrintable(QString::number(oldest)));
    }

    void workersComeBackAndDrain()
    {
        advance(10); // t = 41
        QTRY_VERIFY(sawIncident(QStringLiteral("restarted")));
        const qint64 peak = waiting();
        advance(2);
        QVERIFY(poll().workerSummary().busy.value_or(0) > 8); // the catch-up workers too
        for (int i = 0; i < 180 && !sawIncident(QStringLiteral("drained")); ++i) {
            advance(1);
        }
        QVERIFY(sawIncident(QStringLiteral("drained")));
        QVERIFY2(waiting() < peak, qPrintable(QStringLiteral("%1 < %2").arg(waiting()).arg(peak)));
        // The restarted workers took the dead ones' expired locks over.
        QCOMPARE(poll().workerSummary().lost, std::optional<int>(0));
        // The order the script tells, each incident once.
        QStringList seen;
        for (const QList<QVariant> &args : *m_incidents) {
            seen << args.at(0).toString().section(u' ', 0, 1);
        }
        QCOMPARE(seen,
                 (QStringList{QStringLiteral("Poison job:"), QStringLiteral("New job"), QStringLiteral("All workers"),
                              QStringLiteral("Workers restarted;"), QStringLiteral("Backlog drained;")}));
    }

    void stopFreezesAndRestartStartsOver()
    {
        m_sim->stop();
        QVERIFY(!m_sim->isRunning());
        const quint64 steps = m_sim->steps();
        const qint64 rowsAtStop = scalar(QStringLiteral("SELECT COUNT(*) FROM delayed_jobs"));
        m_clock.advance(5000);
        QCOMPARE(m_sim->steps(), steps); // stop() returned after the last step: nothing runs any more
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM delayed_jobs")), rowsAtStop);
        m_start = m_clock.now();
        QCOMPARE(m_sim->start(), QString());
        advance(2);
        QVERIFY(scalar(QStringLiteral("SELECT MAX(id) FROM delayed_jobs")) < 100); // a fresh database
        m_sim->stop();
    }

    void rowCapBoundsTheTable()
    {
        QTemporaryDir dir;
        ManualClock clock(QDateTime::currentDateTimeUtc());
        demo::DemoOptions o;
        o.tick = std::chrono::milliseconds(2);
        o.workers = 0; // nothing drains
        o.incidents = false;
        o.maxRows = 80;
        demo::DemoSimulator sim(dir.filePath(QStringLiteral("cap.sqlite3")), o, &clock);
        QCOMPARE(sim.start(), QString());
        for (int i = 0; i < 120; ++i) {
            const quint64 before = sim.steps();
            clock.advance(1000);
            QTRY_VERIFY(sim.steps() > before);
        }
        sim.stop();
        const qint64 n = ::scalar(sim.databasePath(), QStringLiteral("SELECT COUNT(*) FROM delayed_jobs"));
        QVERIFY2(n >= 80 && n < 80 + 30, qPrintable(QString::number(n))); // at most one step's arrivals over
    }

    void realDelayedJobReservesDemoJobs()
    {
        QTemporaryDir dir;
        demo::DemoOptions o;
        o.incidents = false;
        demo::DemoSimulator sim(dir.filePath(QStringLiteral("dj.sqlite3")), o); // the system clock, as Ruby's
        QCOMPARE(sim.start(), QString());
        sim.stop();
        // Workers take priority 0 first, so the low-priority mixpanel rows are all still free.
        const RubyRun r = ruby({QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/reserve_job.rb"),
                                QStringLiteral("sqlite3"), sim.databasePath(), QStringLiteral("mixpanel")});
        if (!r.available) {
            QSKIP("ruby with the delayed_job and delayed_job_active_record gems is not installed");
        }
        QVERIFY2(r.ok, qPrintable(r.err));
        QVERIFY2(r.out.endsWith(QStringLiteral(" attempts=0")), qPrintable(r.out));
        const qint64 id = r.out.section(u' ', 0, 0).toLongLong();
        QCOMPARE(::rows(sim.databasePath(),
                        QStringLiteral("SELECT queue, locked_by FROM delayed_jobs WHERE id = %1").arg(id)),
                 QStringList{QStringLiteral("mixpanel|host:verify pid:1")});
    }

    void cleanupTestCase()
    {
        const QString path = m_sim->databasePath();
        m_backend.reset();
        m_sim.reset(); // joins the thread and removes the throwaway database
        QVERIFY(!QFile::exists(path));
    }
};

QTEST_GUILESS_MAIN(TestDemoSimulator)
#include "tst_demosimulator.moc"
