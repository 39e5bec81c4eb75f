// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Bad input for the Delayed::Job backend: each a clear one-line error in the snapshot and the connection
// state, and the backend recovers by itself once the cause is fixed.
#include "core/backendfactory.h"
#include "core/clock.h"
#include "tests/backends/djtestsupport.h"
#include "core/backends/delayedjob/djschema.h"

#include <QFile>
#include <QTcpServer>
#include <QTest>

using namespace qd;
using namespace qd::test;

namespace {

/// Polls once, expecting a failure reported the same way everywhere: on one line, in the snapshot and in the
/// connection state. False (with a warning saying why) otherwise.
bool failsCleanly(Backend &backend, Snapshot &s)
{
    s = wait(backend.snapshot());
    if (s.ok()) {
        qWarning("expected the poll to fail, it succeeded");
        return false;
    }
    if (s.error.contains(u'\n') || backend.state() != ConnectionState::Error || backend.lastError() != s.error ||
        !s.takenAt.isValid() || !s.queues.isEmpty()) {
        qWarning().noquote() << "badly reported failure:" << s.error;
        return false;
    }
    qInfo().noquote() << s.error; // the exact wording, for review in verbose runs
    return true;
}

QString sqliteUrl(const QString &path)
{
    return QStringLiteral("delayedjob+sqlite://") + path;
}

} // namespace

class TestDelayedJobErrors : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void databaseTimesParseStrictly()
    {
        using qd::delayedjob::parseDbTime;
        const QDateTime utc(QDate(2026, 11, 25), QTime(9, 5, 7), Qt::UTC);
        QCOMPARE(parseDbTime(QStringLiteral("2026-11-25 09:05:07")), utc);
        QCOMPARE(parseDbTime(QStringLiteral("2026-11-25T09:05:07")), utc);
        QCOMPARE(parseDbTime(QStringLiteral("2026-11-25 09:05:07.123456")), utc.addMSecs(123));
        QCOMPARE(parseDbTime(QStringLiteral("2026-11-25 09:05:07.5")), utc.addMSecs(500));
        QCOMPARE(parseDbTime(QStringLiteral("2026-11-25 09:05:07.")), utc);
        QCOMPARE(parseDbTime(QStringLiteral("2026-11-25 09:05:07.5")).timeSpec(), Qt::UTC);
        QVERIFY(!parseDbTime(QStringLiteral("2026-11-25")).isValid());
        QVERIFY(!parseDbTime(QStringLiteral("2026-13-25 09:05:07")).isValid());
        QVERIFY(!parseDbTime(QStringLiteral("2026-11-25 24:05:07")).isValid());
        QVERIFY(!parseDbTime(QStringLiteral("2026/11/25 09:05:07")).isValid());
        QVERIFY(!parseDbTime(QStringLiteral("20x6-11-25 09:05:07")).isValid());
        QVERIFY(!parseDbTime(QString()).isValid());
    }

    void missingFileIsNeverCreatedAndRecovers()
    {
        const QString path = m_dir.filePath(QStringLiteral("later/app.sqlite3"));
        auto backend = createBackend(sqliteUrl(path)).value();
        Snapshot s;
        QVERIFY(failsCleanly(*backend, s));
        QVERIFY2(s.error.contains(QStringLiteral("does not exist")) && s.error.contains(path), qPrintable(s.error));
        QVERIFY(!QFile::exists(path));
        Snapshot again;
        QVERIFY(failsCleanly(*backend, again)); // still not created on a second try
        QVERIFY(!QFile::exists(path));
        // The application is deployed and migrates: the same backend now reads it.
        QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("later"))));
        QVERIFY(!fillDelayedJobs({QStringLiteral("sqlite3"), path}).isEmpty());
        const Snapshot ok = wait(backend->snapshot());
        QVERIFY2(ok.ok(), qPrintable(ok.error));
        QCOMPARE(backend->state(), ConnectionState::Connected);
        QCOMPARE(backend->lastError(), QString());
    }

    void directoryIsNotADatabaseFile()
    {
        auto backend = createBackend(sqliteUrl(m_dir.path())).value();
        Snapshot s;
        QVERIFY(failsCleanly(*backend, s));
        QVERIFY2(s.error.contains(QStringLiteral("not a readable file")), qPrintable(s.error));
    }

    void notADatabase()
    {
        const QString path = m_dir.filePath(QStringLiteral("garbage.sqlite3"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4096, 'x'));
        f.close();
        auto backend = createBackend(sqliteUrl(path)).value();
        Snapshot s;
        QVERIFY(failsCleanly(*backend, s));
        QVERIFY2(s.error.contains(QStringLiteral("not a readable SQLite database")), qPrintable(s.error));
        QCOMPARE(QFileInfo(path).size(), 4096); // untouched
    }

    void tableMissingThenMigrated()
    {
        const QString path = m_dir.filePath(QStringLiteral("empty.sqlite3"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("mk"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QVERIFY(QSqlQuery(db).exec(QStringLiteral("CREATE TABLE users (id integer)")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("mk"));
        auto backend = createBackend(sqliteUrl(path)).value();
        Snapshot s;
        QVERIFY(failsCleanly(*backend, s));
        QVERIFY2(s.error.contains(QStringLiteral("delayed_jobs\" not found in ") + path), qPrintable(s.error));
        // The application runs its migration: the next poll recovers without a restart.
        QVERIFY(!fillDelayedJobs({QStringLiteral("sqlite3"), path}).isEmpty());
        s = wait(backend->snapshot());
        QVERIFY2(s.ok(), qPrintable(s.error));
        QCOMPARE(backend->state(), ConnectionState::Connected);
    }

    void otherTableNameAndMissingColumnsAreNamed()
    {
        const QString path = m_dir.filePath(QStringLiteral("odd.sqlite3"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("mk"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QVERIFY(QSqlQuery(db).exec(QStringLiteral("CREATE TABLE jobs (id integer, handler text, queue text, "
                                                      "priority integer, attempts integer, last_error text, "
                                                      "failed_at datetime, locked_by varchar, created_at datetime)")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("mk"));
        auto backend = createBackend(sqliteUrl(path) + u"?table=jobs").value();
        Snapshot s;
        QVERIFY(failsCleanly(*backend, s));
        QVERIFY2(s.error.contains(QStringLiteral("missing column(s) run_at, locked_at")), qPrintable(s.error));
        QVERIFY2(s.error.contains(QStringLiteral("\"jobs\"")), qPrintable(s.error));
    }

    void refusedConnection()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close(); // a free port nobody listens on
        auto backend = createBackend(QStringLiteral("delayedjob+postgresql://nobody:s3cret@127.0.0.1:%1/app").arg(port)).value();
        Snapshot s;
        QVERIFY(failsCleanly(*backend, s));
        QVERIFY2(s.error.contains(QStringLiteral("Cannot open")) && s.error.contains(QString::number(port)),
                 qPrintable(s.error));
        QVERIFY2(s.error.contains(QStringLiteral("refused")), qPrintable(s.error));
        QVERIFY2(!s.error.contains(QStringLiteral("s3cret")), qPrintable(s.error)); // never echo the password
    }

    void passwordsFromTheUrlOrPgpassword()
    {
        QD_REQUIRE_PG();
        const auto t = pgTarget();
        QVERIFY(t);
        QVERIFY(!fillDelayedJobs(t->fixtureArgs).isEmpty());
        // The services' own user is trusted; this role must give its password (scram on loopback).
        const QString role = QStringLiteral("qd_pw_") + QUuid::createUuid().toString(QUuid::Id128).left(8);
        QCOMPARE(pgAdminExec(QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD 'right-pw'").arg(role)), QString());
        const ConnectionUrl u = ConnectionUrl::parse(t->url).value();
        QCOMPARE(pgAdminExec(QStringLiteral("GRANT SELECT ON delayed_jobs TO %1").arg(role), u.path), QString());
        const QString base = QStringLiteral("delayedjob+postgresql://%1%2@%3:%4/%5").arg(role);
        const QString port = QString::number(u.port);

        auto wrong = createBackend(base.arg(QStringLiteral(":wrong-pw"), u.host, port, u.path)).value();
        Snapshot bad;
        QVERIFY(failsCleanly(*wrong, bad));
        QVERIFY2(bad.error.contains(QStringLiteral("password authentication failed")), qPrintable(bad.error));
        QVERIFY2(!bad.error.contains(QStringLiteral("wrong-pw")), qPrintable(bad.error));

        auto right = createBackend(base.arg(QStringLiteral(":right-pw"), u.host, port, u.path)).value();
        const Snapshot good = wait(right->snapshot());
        QVERIFY2(good.ok(), qPrintable(good.error));
        QCOMPARE(good.queue(QStringLiteral("print"))->waiting, std::optional<qint64>(3));

        // No password in the URL: libpq's usual environment.
        const QByteArray saved = qgetenv("PGPASSWORD");
        qputenv("PGPASSWORD", "right-pw");
        auto fromEnv = createBackend(base.arg(QString(), u.host, port, u.path)).value();
        const Snapshot env = wait(fromEnv->snapshot());
        qputenv("PGPASSWORD", saved);
        QVERIFY2(env.ok(), qPrintable(env.error));
    }

    void unknownDatabaseThenCreated()
    {
        QD_REQUIRE_PG();
        const QString name = QStringLiteral("dj_later_") + QUuid::createUuid().toString(QUuid::Id128).left(8);
        const QString url = QStringLiteral("delayedjob+postgresql://%1@%2:%3/%4")
                                .arg(qEnvironmentVariable("QD_TEST_PG_USER"), qEnvironmentVariable("QD_TEST_PG_HOST"),
                                     qEnvironmentVariable("QD_TEST_PG_PORT"), name);
        auto backend = createBackend(url).value();
        Snapshot s;
        QVERIFY(failsCleanly(*backend, s));
        QVERIFY2(s.error.contains(name) && s.error.contains(QStringLiteral("does not exist")), qPrintable(s.error));

        QCOMPARE(pgAdminExec(QStringLiteral("CREATE DATABASE ") + name), QString());
        Snapshot noTable;
        QVERIFY(failsCleanly(*backend, noTable));
        QVERIFY2(noTable.error.contains(QStringLiteral("\"delayed_jobs\" not found in ") + name), qPrintable(noTable.error));

        QVERIFY(!fillDelayedJobs({QStringLiteral("postgresql"), qEnvironmentVariable("QD_TEST_PG_HOST"),
                                  qEnvironmentVariable("QD_TEST_PG_PORT"), qEnvironmentVariable("QD_TEST_PG_USER"), name})
                     .isEmpty());
        const Snapshot ok = wait(backend->snapshot());
        QVERIFY2(ok.ok(), qPrintable(ok.error));
        QCOMPARE(backend->state(), ConnectionState::Connected);
    }

    void serverGoneMidSessionThenBack()
    {
        // A connection that worked, then the table's server-side session dies (DBA kill, failover): the poll
        // fails cleanly and the next one reconnects.
        QD_REQUIRE_PG();
        const auto t = pgTarget();
        QVERIFY(t);
        QVERIFY(!fillDelayedJobs(t->fixtureArgs).isEmpty());
        auto backend = createBackend(t->url).value();
        QVERIFY(wait(backend->snapshot()).ok());
        const QString db = ConnectionUrl::parse(t->url)->path;
        QCOMPARE(pgAdminExec(QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                            "WHERE datname = '%1' AND pid <> pg_backend_pid()").arg(db)),
                 QString());
        const Snapshot lost = wait(backend->snapshot());
        if (lost.ok()) {
            QWARN("the driver reconnected within the same poll");
        } else {
            qInfo().noquote() << lost.error;
            QVERIFY2(!lost.error.contains(u'\n'), qPrintable(lost.error));
            QCOMPARE(backend->state(), ConnectionState::Error);
        }
        const Snapshot back = wait(backend->snapshot());
        QVERIFY2(back.ok(), qPrintable(back.error));
        QCOMPARE(backend->state(), ConnectionState::Connected);
    }

    void timestamptzColumnsInAnotherSessionTimeZone()
    {
        // Some schemas use timestamptz; with a non-UTC session time zone the comparisons must still hold.
        QD_REQUIRE_PG();
        const auto t = pgTarget();
        QVERIFY(t);
        QVERIFY(!fillDelayedJobs(t->fixtureArgs).isEmpty());
        const QString db = ConnectionUrl::parse(t->url)->path;
        QCOMPARE(pgAdminExec(QStringLiteral("ALTER TABLE delayed_jobs ALTER run_at TYPE timestamptz USING run_at AT TIME "
                                            "ZONE 'UTC', ALTER locked_at TYPE timestamptz USING locked_at AT TIME ZONE "
                                            "'UTC', ALTER failed_at TYPE timestamptz USING failed_at AT TIME ZONE 'UTC'"),
                             db),
                 QString());
        QCOMPARE(pgAdminExec(QStringLiteral("ALTER DATABASE %1 SET timezone = 'Pacific/Kiritimati'").arg(db)), QString());
        auto backend = createBackend(t->url).value();
        const Snapshot s = wait(backend->snapshot());
        QVERIFY2(s.ok(), qPrintable(s.error));
        QCOMPARE(s.queue(QStringLiteral("print"))->waiting, std::optional<qint64>(3));
        QCOMPARE(s.queue(QStringLiteral("print"))->scheduled, std::optional<qint64>(1));
        QVERIFY(*s.queue(QStringLiteral("print"))->oldestAgeSeconds < 600);
        QCOMPARE(s.workerSummary().lost, std::optional<int>(1));
        QCOMPARE(s.workerSummary().busy, std::optional<int>(1));
    }
};

QTEST_GUILESS_MAIN(TestDelayedJobErrors)
#include "tst_delayedjob_errors.moc"
