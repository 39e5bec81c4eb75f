// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Delayed::Job backend against tables written by the real Ruby delayed_job gem, on SQLite and on a real
// PostgreSQL server started by scripts/services. Every figure is compared with the expectation the fixture
// prints AND with an independent SQL count.
#include "backendfactory.h"
#include "clock.h"
#include "pgtestdb.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace qd;

namespace {

QString fixture()
{
    return QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/fill_delayed_jobs.rb");
}

QJsonObject runFixture(const QStringList &args)
{
    QProcess ruby;
    ruby.start(QStringLiteral("ruby"), QStringList{fixture()} + args);
    if (!ruby.waitForFinished(120000) || ruby.exitCode() != 0) {
        qWarning().noquote() << ruby.readAllStandardError();
        return {};
    }
    return QJsonDocument::fromJson(ruby.readAllStandardOutput()).object();
}

Snapshot poll(Backend &b)
{
    auto f = b.snapshot();
    f.waitForFinished();
    return f.result();
}

struct Target
{
    QString url;
    QStringList fixtureArgs;
    QString sqlDriver;
};

} // namespace

class TestDelayedJob : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    std::optional<Target> target(const QString &kind)
    {
        if (kind == u"sqlite") {
            const QString path = m_dir.filePath(QStringLiteral("dj-%1.sqlite3").arg(QUuid::createUuid().toString(QUuid::Id128)));
            return Target{QStringLiteral("delayedjob+sqlite://") + path, {QStringLiteral("sqlite3"), path},
                          QStringLiteral("QSQLITE")};
        }
        const auto pg = test::freshPgDatabase(QStringLiteral("dj_")); // a fresh database per test
        if (!pg) {
            return std::nullopt;
        }
        return Target{pg->url(QStringLiteral("delayedjob+postgresql")), pg->fixtureArgs(), QStringLiteral("QPSQL")};
    }

    std::optional<Target> targetOrSkip(const QString &kind)
    {
        auto t = target(kind);
        if (!t) {
            if (test::inCi()) {
                qFatal("QD_TEST_PG_HOST is not set in CI: scripts/services did not start PostgreSQL");
            }
        }
        return t;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
    }

    void matchesRealDelayedJob_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
        QTest::newRow("postgresql") << QStringLiteral("postgresql");
    }

    void matchesRealDelayedJob()
    {
        QFETCH(QString, kind);
        auto t = targetOrSkip(kind);
        if (!t) {
            QSKIP("PostgreSQL not started (run through scripts/test)");
        }
        const QJsonObject expected = runFixture(t->fixtureArgs);
        QVERIFY2(!expected.isEmpty(), "the Ruby delayed_job fixture failed");

        auto backend = createBackend(t->url);
        QVERIFY2(backend.ok(), qPrintable(backend.error()));
        const Snapshot s = poll(*backend.value());
        QVERIFY2(s.ok(), qPrintable(s.error));
        QCOMPARE(backend.value()->state(), ConnectionState::Connected);
        QVERIFY(s.takenAt.isValid());

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
            QVERIFY(q->oldestAgeSeconds.has_value());
            if (*q->waiting > 0) {
                QVERIFY2(*q->oldestAgeSeconds >= 0 && *q->oldestAgeSeconds < 600, qPrintable(it.key()));
            } else {
                QCOMPARE(*q->oldestAgeSeconds, 0.0);
            }
            QVERIFY(!q->inPerMinute.has_value()); // first poll: no rate yet
            QCOMPARE(q->maxAttempts, std::optional<qint64>(it.key() == u"reports" ? 1 : 0)); // the retrying job
        }

        // Independent SQL, written out longhand, must agree.
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(t->sqlDriver, QStringLiteral("check"));
            const auto url = ConnectionUrl::parse(t->url).value();
            db.setDatabaseName(url.path);
            db.setHostName(url.host);
            db.setPort(url.port);
            db.setUserName(url.user);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM delayed_jobs WHERE failed_at IS NOT NULL")));
            QVERIFY(q.next());
            qint64 failed = 0;
            for (const auto &qs : s.queues) {
                failed += qs.failed.value_or(0);
            }
            QCOMPARE(failed, q.value(0).toLongLong());
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM delayed_jobs WHERE locked_at IS NOT NULL AND failed_at IS NULL")));
            QVERIFY(q.next());
            qint64 running = 0;
            for (const auto &qs : s.queues) {
                running += qs.running.value_or(0);
            }
            QCOMPARE(running, q.value(0).toLongLong());
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM delayed_jobs")));
            QVERIFY(q.next());
            qint64 total = 0;
            for (const auto &qs : s.queues) {
                total += qs.total().value_or(0);
            }
            QCOMPARE(total, q.value(0).toLongLong());
        }
        QSqlDatabase::removeDatabase(QStringLiteral("check"));

        const QJsonObject workers = expected.value(QStringLiteral("workers")).toObject();
        QCOMPARE(s.workers.size(), workers.size());
        for (const WorkerInfo &w : s.workers) {
            const QString state = workers.value(w.id).toString();
            QVERIFY2(!state.isEmpty(), qPrintable(w.id));
            QCOMPARE(w.state, state == u"lost" ? WorkerState::Lost : WorkerState::Busy);
            QVERIFY(w.lastSeenAgeSeconds.has_value());
        }
        QVERIFY(!s.workersComplete);
        QVERIFY(!s.workerSummary().idle.has_value()); // idle delayed_job workers are invisible: unknown
    }

    void ratesAcrossPolls()
    {
        auto t = target(QStringLiteral("sqlite"));
        QVERIFY(!runFixture(t->fixtureArgs).isEmpty());
        ManualClock clock(QDateTime::currentDateTimeUtc());
        auto backend = createBackend(t->url, &clock).value();
        QVERIFY(poll(*backend).ok());
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("writer"));
            db.setDatabaseName(ConnectionUrl::parse(t->url)->path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            // Two jobs done in "print" (rows deleted), three new ones arrive there.
            QVERIFY(q.exec(QStringLiteral("DELETE FROM delayed_jobs WHERE id IN (SELECT id FROM delayed_jobs WHERE queue = 'print' AND locked_at IS NULL AND run_at < datetime('now', '+1 minute') LIMIT 2)")));
            for (int i = 0; i < 3; ++i) {
                QVERIFY(q.exec(QStringLiteral("INSERT INTO delayed_jobs (priority, attempts, handler, run_at, queue, created_at, updated_at) VALUES (0, 0, '--- !ruby/struct:PrintJob\nuser_id: 5\n', '2000-01-01 00:00:00', 'print', '2000-01-01 00:00:00', '2000-01-01 00:00:00')")));
            }
        }
        QSqlDatabase::removeDatabase(QStringLiteral("writer"));
        clock.advance(30'000);
        const Snapshot s = poll(*backend);
        QVERIFY2(s.ok(), qPrintable(s.error));
        const QueueStats *print = s.queue(QStringLiteral("print"));
        QVERIFY(print);
        QCOMPARE(print->rateExactness, Exactness::Approximate);
        QCOMPARE(print->inPerMinute, std::optional<double>(6.0));  // 3 in 30 s
        QCOMPARE(print->outPerMinute, std::optional<double>(4.0)); // 2 in 30 s
        QCOMPARE(s.queue(QStringLiteral("mailers"))->inPerMinute, std::optional<double>(0.0));
        // A row that became due in 2000 has waited ~a quarter century: the oldest age says so.
        QVERIFY(*print->oldestAgeSeconds > 20.0 * 365 * 86400);
    }

    void snapshotDoesNotBlockTheCaller()
    {
        auto t = target(QStringLiteral("sqlite"));
        QVERIFY(!runFixture(t->fixtureArgs).isEmpty());
        auto backend = createBackend(t->url).value();
        auto f = backend->snapshot();
        // The future comes back before the query ran (it runs on the backend's thread); it finishes later.
        QTRY_VERIFY(f.isFinished());
        QVERIFY(f.result().ok());
    }

    void missingFileIsAClearErrorAndNotCreated()
    {
        const QString path = m_dir.filePath(QStringLiteral("nope/absent.sqlite3"));
        auto backend = createBackend(QStringLiteral("delayedjob+sqlite://") + path).value();
        const Snapshot s = poll(*backend);
        QVERIFY(!s.ok());
        QVERIFY2(s.error.contains(QStringLiteral("does not exist")), qPrintable(s.error));
        QVERIFY(!QFile::exists(path));
        QCOMPARE(backend->state(), ConnectionState::Error);
        QCOMPARE(backend->lastError(), s.error);
    }

    void notADatabase()
    {
        const QString path = m_dir.filePath(QStringLiteral("garbage.sqlite3"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4096, 'x'));
        f.close();
        const Snapshot s = poll(*createBackend(QStringLiteral("delayedjob+sqlite://") + path).value());
        QVERIFY(!s.ok());
        QVERIFY2(s.error.contains(QStringLiteral("not a readable SQLite database")), qPrintable(s.error));
    }

    void tableMissingThenCreated()
    {
        const QString path = m_dir.filePath(QStringLiteral("empty.sqlite3"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("mk"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QVERIFY(QSqlQuery(db).exec(QStringLiteral("CREATE TABLE users (id integer)")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("mk"));
        auto backend = createBackend(QStringLiteral("delayedjob+sqlite://") + path).value();
        Snapshot s = poll(*backend);
        QVERIFY(!s.ok());
        QVERIFY2(s.error.contains(QStringLiteral("\"delayed_jobs\" not found")), qPrintable(s.error));
        // The application runs its migration: the next poll recovers without a restart.
        QVERIFY(!runFixture({QStringLiteral("sqlite3"), path}).isEmpty());
        s = poll(*backend);
        QVERIFY2(s.ok(), qPrintable(s.error));
        QCOMPARE(backend->state(), ConnectionState::Connected);
    }

    void unexpectedColumns()
    {
        const QString path = m_dir.filePath(QStringLiteral("odd.sqlite3"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("mk"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QVERIFY(QSqlQuery(db).exec(QStringLiteral("CREATE TABLE jobs (id integer, handler text, queue text)")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("mk"));
        const Snapshot s = poll(*createBackend(QStringLiteral("delayedjob+sqlite://%1?table=jobs").arg(path)).value());
        QVERIFY(!s.ok());
        QVERIFY2(s.error.contains(QStringLiteral("missing column(s)")) && s.error.contains(QStringLiteral("run_at")),
                 qPrintable(s.error));
    }

    void refusedConnection()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close(); // nobody listens there now
        auto backend = createBackend(QStringLiteral("delayedjob+postgresql://nobody@127.0.0.1:%1/app").arg(port)).value();
        const Snapshot s = poll(*backend);
        QVERIFY(!s.ok());
        QVERIFY2(s.error.contains(QStringLiteral("Cannot open")), qPrintable(s.error));
        QVERIFY(!s.error.contains(QStringLiteral("password")) || !s.error.contains(QStringLiteral("s3cret")));
        QCOMPARE(backend->state(), ConnectionState::Error);
    }

    void wrongDatabaseName()
    {
        const QString host = qEnvironmentVariable("QD_TEST_PG_HOST");
        if (host.isEmpty()) {
            if (test::inCi()) {
                QFAIL("QD_TEST_PG_HOST is not set in CI");
            }
            QSKIP("PostgreSQL not started (run through scripts/test)");
        }
        const Snapshot s = poll(*createBackend(QStringLiteral("delayedjob+postgresql://%1@%2:%3/no_such_db")
                                                   .arg(qEnvironmentVariable("QD_TEST_PG_USER"), host,
                                                        qEnvironmentVariable("QD_TEST_PG_PORT")))
                                     .value());
        QVERIFY(!s.ok());
        QVERIFY2(s.error.contains(QStringLiteral("no_such_db")), qPrintable(s.error));
    }
};

QTEST_GUILESS_MAIN(TestDelayedJob)
#include "tst_delayedjob.moc"
