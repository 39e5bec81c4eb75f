// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/backend.h"
#include "core/connectionurl.h"
#include "tests/backends/pgtestdb.h"

#include <QDir>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QUuid>
#include <QVariant>

#include <optional>

namespace qd::test {

inline QString fixturePath(const QString &name)
{
    const QString source = qEnvironmentVariable("QD_SOURCE_DIR", QStringLiteral(QD_SOURCE_DIR));
    return QDir(source).filePath(QStringLiteral("tests/backends/fixtures/") + name);
}

/// Runs a Ruby fixture (the real delayed_job gem) and returns its stdout; empty on failure (stderr is logged).
inline QByteArray runRuby(const QString &script, const QStringList &args)
{
    QProcess ruby;
    ruby.start(QStringLiteral("/usr/bin/ruby"), QStringList{fixturePath(script)} + args);
    if (!ruby.waitForFinished(120000) || ruby.exitStatus() != QProcess::NormalExit || ruby.exitCode() != 0) {
        qWarning().noquote() << script << "failed:" << ruby.errorString() << ruby.readAllStandardError();
        return {};
    }
    return ruby.readAllStandardOutput();
}

/// Fills a table through delayed_job; the fixture's own expectations (JSON), empty on failure.
inline QJsonObject fillDelayedJobs(const QStringList &args)
{
    return QJsonDocument::fromJson(runRuby(QStringLiteral("fill_delayed_jobs.rb"), args)).object();
}

template<typename T>
T wait(QFuture<T> f)
{
    f.waitForFinished();
    return f.result();
}

/// One database to test against: the backend URL, the fixture's arguments and how to open it directly.
struct DjTarget
{
    QString url;
    QStringList fixtureArgs;
    QString driver;

    /// A plain connection of the test's own (independent of the backend's code), under `name`.
    QSqlDatabase open(const QString &name) const
    {
        const ConnectionUrl u = ConnectionUrl::parse(url).value();
        QSqlDatabase db = QSqlDatabase::addDatabase(driver, name);
        db.setDatabaseName(u.path);
        db.setHostName(u.host);
        db.setPort(u.port);
        db.setUserName(u.user);
        db.open();
        return db;
    }
};

inline DjTarget sqliteTarget(const QTemporaryDir &dir)
{
    const QString path = dir.filePath(QStringLiteral("dj-%1.sqlite3").arg(QUuid::createUuid().toString(QUuid::Id128)));
    return {QStringLiteral("delayedjob+sqlite://") + path, {QStringLiteral("sqlite3"), path}, QStringLiteral("QSQLITE")};
}

inline std::optional<DjTarget> pgTarget(const QString &prefix = QStringLiteral("dj_"))
{
    const auto pg = freshPgDatabase(prefix);
    if (!pg) {
        return std::nullopt;
    }
    return DjTarget{pg->url(QStringLiteral("delayedjob+postgresql")), pg->fixtureArgs(), QStringLiteral("QPSQL")};
}

/// Per queue, counted the long way: one plain WHERE query per state (not the backend's single CASE pass).
struct IndependentQueue
{
    qint64 waiting = 0;
    qint64 scheduled = 0;
    qint64 running = 0;
    qint64 failed = 0;
    QString oldestWaitingRunAt; ///< MIN(run_at) of waiting rows as "YYYY-MM-DD HH:MM:SS.ffffff", empty if none
};

struct IndependentCounts
{
    QHash<QString, IndependentQueue> queues;
    QHash<QString, QString> workerNewestLock; ///< locked_by → MAX(locked_at) text, non-failed locks only
    qint64 rows = 0;
    QString error;
};

inline IndependentCounts countIndependently(QSqlDatabase &db, const QDateTime &now, const QString &table = QStringLiteral("delayed_jobs"))
{
    IndependentCounts out;
    const bool pg = db.driverName() == u"QPSQL";
    const QString nowText = now.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
    const QString nowSql = pg ? QStringLiteral("CAST(:now AS timestamp)") : QStringLiteral(":now");
    const QString asText = pg ? QStringLiteral("to_char(%1, 'YYYY-MM-DD HH24:MI:SS.US')") : QStringLiteral("%1");
    const QString queue = QStringLiteral("CASE WHEN queue IS NULL OR queue = '' THEN 'default' ELSE queue END");
    auto run = [&](const QString &sql, auto &&onRow) {
        QSqlQuery q(db);
        q.prepare(sql);
        if (sql.contains(u":now")) {
            q.bindValue(QStringLiteral(":now"), nowText);
        }
        if (!q.exec()) {
            out.error = q.lastError().text() + u" in " + sql;
            return;
        }
        while (q.next()) {
            onRow(q);
        }
    };
    const QString perQueue = QStringLiteral("SELECT %1, COUNT(*) FROM %2 WHERE %3 GROUP BY %1");
    run(perQueue.arg(queue, table, QStringLiteral("failed_at IS NULL AND locked_at IS NULL AND run_at <= ") + nowSql),
        [&](QSqlQuery &q) { out.queues[q.value(0).toString()].waiting = q.value(1).toLongLong(); });
    run(perQueue.arg(queue, table, QStringLiteral("failed_at IS NULL AND locked_at IS NULL AND run_at > ") + nowSql),
        [&](QSqlQuery &q) { out.queues[q.value(0).toString()].scheduled = q.value(1).toLongLong(); });
    run(perQueue.arg(queue, table, QStringLiteral("failed_at IS NULL AND locked_at IS NOT NULL")),
        [&](QSqlQuery &q) { out.queues[q.value(0).toString()].running = q.value(1).toLongLong(); });
    run(perQueue.arg(queue, table, QStringLiteral("failed_at IS NOT NULL")),
        [&](QSqlQuery &q) { out.queues[q.value(0).toString()].failed = q.value(1).toLongLong(); });
    run(QStringLiteral("SELECT %1, %2 FROM %3 WHERE failed_at IS NULL AND locked_at IS NULL AND run_at <= %4 GROUP BY %1")
            .arg(queue, asText.arg(QStringLiteral("MIN(run_at)")), table, nowSql),
        [&](QSqlQuery &q) { out.queues[q.value(0).toString()].oldestWaitingRunAt = q.value(1).toString(); });
    run(QStringLiteral("SELECT locked_by, %1 FROM %2 WHERE locked_at IS NOT NULL AND failed_at IS NULL GROUP BY locked_by")
            .arg(asText.arg(QStringLiteral("MAX(locked_at)")), table),
        [&](QSqlQuery &q) { out.workerNewestLock.insert(q.value(0).toString(), q.value(1).toString()); });
    run(QStringLiteral("SELECT COUNT(*) FROM %1").arg(table), [&](QSqlQuery &q) { out.rows = q.value(0).toLongLong(); });
    return out;
}

/// "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC, parsed independently of the backend's parser.
inline QDateTime utcFromDbText(const QString &text)
{
    const QDate date = QDate::fromString(text.left(10), Qt::ISODate);
    QTime time = QTime::fromString(text.mid(11, 12), QStringLiteral("HH:mm:ss.zzz"));
    if (!time.isValid()) {
        time = QTime::fromString(text.mid(11, 8), QStringLiteral("HH:mm:ss"));
    }
    return QDateTime(date, time, Qt::UTC);
}

} // namespace qd::test
