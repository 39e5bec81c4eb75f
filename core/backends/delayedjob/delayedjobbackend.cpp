// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/backends/delayedjob/delayedjobbackend.h"

#include "core/clock.h"
#include "core/serialexecutor.h"
#include "core/backends/delayedjob/djjobs.h"
#include "core/backends/delayedjob/djschema.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

#include <deque>

namespace qd::delayedjob {

namespace {
constexpr qint64 kRateWindowMs = 60'000;
}

struct DelayedJobBackend::Private
{
    explicit Private(const ConnectionUrl &u)
        : url(u), table(u.option(QStringLiteral("table"), QStringLiteral("delayed_jobs"))),
          maxRunTimeSeconds(u.option(QStringLiteral("max_run_time"), QStringLiteral("14400")).toLongLong()),
          connectionName(QStringLiteral("qd-dj-") + QUuid::createUuid().toString(QUuid::Id128)),
          executor(QStringLiteral("delayedjob"))
    {
        if (maxRunTimeSeconds <= 0) {
            maxRunTimeSeconds = 14400;
        }
    }

    const ConnectionUrl url;
    const QString table;
    qint64 maxRunTimeSeconds;
    const QString connectionName;
    const QString writeConnectionName = connectionName + QStringLiteral("-w");
    const bool readOnly = url.flag(QStringLiteral("readonly"));
    // Touched only on the executor thread:
    bool schemaChecked = false;
    std::optional<qint64> watermark;          // max(id) at the previous poll
    QDateTime previousAt;
    QHash<QString, qint64> previous;          // non-failed rows per queue at the previous poll
    // Per queue, cumulative arrivals/completions seen since the connection started, sampled at each poll:
    // rates are taken over the last minute, not the last poll, so a 2 s poll does not turn 1 job into 30/min.
    struct Tally
    {
        qint64 tMs;
        qint64 in;
        qint64 out;
    };
    QHash<QString, std::deque<Tally>> tallies;
    QSet<QString> seen;                       // every queue seen on this connection
    SerialExecutor executor; // last member: destroyed first, so queued polls finish before the state above goes

    QString open(QSqlDatabase &db);
    QString openWrite(QSqlDatabase &db);
    Snapshot poll(const QDateTime &now);
    void close();    // after an error: the next poll reopens
    void shutdown(); // once, from the destructor
};

QString DelayedJobBackend::Private::open(QSqlDatabase &db)
{
    if (QSqlDatabase::contains(connectionName)) {
        db = QSqlDatabase::database(connectionName, false);
        if (db.isOpen()) {
            return {};
        }
        if (url.transport == u"sqlite") {
            db.close();
        }
    } else {
        const bool sqlite = url.transport == u"sqlite";
        db = QSqlDatabase::addDatabase(sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL"), connectionName);
    }
    if (url.transport == u"sqlite") {
        const QFileInfo fi(url.path);
        if (!fi.exists()) {
            return tr("SQLite database %1 does not exist.").arg(url.path);
        }
        if (!fi.isFile() || !fi.isReadable()) {
            return tr("SQLite database %1 is not a readable file.").arg(url.path);
        }
        db.setDatabaseName(url.path);
        // Read-only: a monitoring tool must never create or modify the application's database.
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=2000"));
    } else {
        db.setHostName(url.host);
        db.setPort(url.port);
        db.setDatabaseName(url.path);
        db.setUserName(url.user);
        QString password = url.password;
        if (password.isEmpty()) {
            password = qEnvironmentVariable("PGPASSWORD");
        }
        db.setPassword(password);
        db.setConnectOptions(QStringLiteral("connect_timeout=5;application_name=queuedeck"));
    }
    if (!db.open()) {
        return tr("Cannot open %1: %2").arg(url.toDisplayString(), sqlErrorText(db.lastError()));
    }
    if (isPostgres(db)) {
        // Times are UTC in the table and in "now"; a timestamptz column or to_char() must not shift them by
        // the server's or the role's default time zone.
        if (QSqlQuery tz(db); !tz.exec(QStringLiteral("SET TIME ZONE 'UTC'"))) {
            const QString error = sqlErrorText(tz.lastError());
            db.close();
            return tr("Cannot set the session time zone on %1: %2").arg(url.toDisplayString(), error);
        }
    }
    schemaChecked = false;
    return {};
}

QString DelayedJobBackend::Private::openWrite(QSqlDatabase &db)
{
    // Actions are the one place Queuedeck writes to the application's database, so they get their own
    // connection: the polling one stays read-only.
    if (QSqlDatabase::contains(writeConnectionName)) {
        db = QSqlDatabase::database(writeConnectionName, false);
        if (db.isOpen()) {
            return {};
        }
    } else {
        db = QSqlDatabase::addDatabase(url.transport == u"sqlite" ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL"),
                                       writeConnectionName);
    }
    QSqlDatabase reader;
    if (QString err = open(reader); !err.isEmpty()) {
        return err; // same checks (file exists, server reachable) and a clear message
    }
    db.setDatabaseName(reader.databaseName());
    db.setHostName(reader.hostName());
    db.setPort(reader.port());
    db.setUserName(reader.userName());
    db.setPassword(reader.password());
    db.setConnectOptions(url.transport == u"sqlite" ? QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000")
                                                     : QStringLiteral("connect_timeout=5;application_name=queuedeck"));
    if (!db.open()) {
        return tr("Cannot open %1 for writing: %2").arg(url.toDisplayString(), sqlErrorText(db.lastError()));
    }
    return {};
}

void DelayedJobBackend::Private::close()
{
    if (QSqlDatabase::contains(connectionName)) {
        QSqlDatabase::database(connectionName, false).close();
    }
}

void DelayedJobBackend::Private::shutdown()
{
    close();
    QSqlDatabase::removeDatabase(connectionName);
    if (QSqlDatabase::contains(writeConnectionName)) {
        QSqlDatabase::database(writeConnectionName, false).close();
        QSqlDatabase::removeDatabase(writeConnectionName);
    }
}

Snapshot DelayedJobBackend::Private::poll(const QDateTime &now)
{
    Snapshot s;
    s.backend = QStringLiteral("delayedjob");
    s.workersComplete = false; // idle delayed_job workers leave no trace in the table
    auto fail = [&](const QString &error) {
        s.error = error;
        close(); // reopen next time: the file may come back, the migration may run, the server may restart
        return s;
    };
    QSqlDatabase db;
    if (QString err = open(db); !err.isEmpty()) {
        return fail(err);
    }
    if (!schemaChecked) {
        if (QString err = checkSchema(db, table); !err.isEmpty()) {
            return fail(err);
        }
        schemaChecked = true;
    }
    // One read transaction, so counts, workers and arrivals describe the same moment.
    // A server that dropped the connection since the last poll fails here, with libpq's reason.
    if (!db.transaction()) {
        return fail(tr("Cannot read %1: %2").arg(url.toDisplayString(), sqlErrorText(db.lastError())));
    }
    if (isPostgres(db)) {
        QSqlQuery(QStringLiteral("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"), db);
    }
    auto counts = readQueueCounts(db, table, now, maxRunTimeSeconds);
    auto workers = counts ? readWorkers(db, table, now, maxRunTimeSeconds) : Result<QList<WorkerInfo>>(QList<WorkerInfo>{});
    auto arrivals = counts && workers ? readArrivals(db, table, watermark) : Result<Arrivals>(Arrivals{});
    if (counts && workers && arrivals) {
        db.commit();
    } else {
        db.rollback();
    }
    for (const QString &err : {counts.error(), workers.error(), arrivals.error()}) {
        if (!err.isEmpty()) {
            return fail(err);
        }
    }

    s.takenAt = now;
    const bool rates = watermark.has_value() && previousAt.isValid() && previousAt < now;
    QHash<QString, qint64> live;
    auto addRates = [&](QueueStats &q, qint64 liveNow) {
        if (!rates) {
            return;
        }
        // Lower bounds: a job created and finished between two polls is seen by neither figure.
        const qint64 in = arrivals->perQueue.value(q.name, 0);
        const qint64 out = std::max<qint64>(0, previous.value(q.name, 0) + in - liveNow);
        auto &series = tallies[q.name];
        if (series.empty()) {
            series.push_back({previousAt.toMSecsSinceEpoch(), 0, 0});
        }
        series.push_back({now.toMSecsSinceEpoch(), series.back().in + in, series.back().out + out});
        // Keep one tally at least a minute old as the baseline.
        while (series.size() > 2 && series[1].tMs <= now.toMSecsSinceEpoch() - kRateWindowMs) {
            series.pop_front();
        }
        const double window = double(series.back().tMs - series.front().tMs) / 60000.0;
        q.inPerMinute = double(series.back().in - series.front().in) / window;
        q.outPerMinute = double(series.back().out - series.front().out) / window;
        q.rateExactness = Exactness::Approximate;
    };
    for (QueueStats q : counts.value()) {
        const qint64 n = q.waiting.value_or(0) + q.running.value_or(0) + q.scheduled.value_or(0);
        live.insert(q.name, n);
        addRates(q, n);
        s.queues.append(q);
    }
    // delayed_job keeps no list of queues: a queue exists while it has rows. One seen earlier on this
    // connection and now without rows is known to be empty (exact zeros), not gone: keep showing it.
    for (const QString &name : std::as_const(seen)) {
        if (!live.contains(name)) {
            QueueStats q;
            q.name = name;
            q.waiting = q.running = q.scheduled = q.failed = 0;
            q.oldestAgeSeconds = 0.0;
            addRates(q, 0);
            live.insert(name, 0);
            s.queues.append(q);
        }
    }
    for (const QueueStats &q : std::as_const(s.queues)) {
        seen.insert(q.name);
    }
    std::sort(s.queues.begin(), s.queues.end(),
              [](const QueueStats &a, const QueueStats &b) { return a.name < b.name; });
    s.workers = workers.value();
    watermark = arrivals->maxId;
    previous = live;
    previousAt = now;
    return s;
}

DelayedJobBackend::DelayedJobBackend(const ConnectionUrl &url, Clock *clock, QObject *parent)
    : Backend(url, clock, parent), d(std::make_unique<Private>(url))
{
}

DelayedJobBackend::~DelayedJobBackend()
{
    // Close on the thread that opened the connection, then let the executor drain.
    Private *p = d.get();
    p->executor.run([p] { p->shutdown(); }).waitForFinished();
}

Capabilities DelayedJobBackend::capabilities() const
{
    Capabilities c;
    c.workers = true;
    c.exactCounts = true;
    c.retry = c.cancel = c.moveJobs = !d->readOnly;
    c.sortByAttempts = true;
    return c;
}

QFuture<JobPage> DelayedJobBackend::jobs(const JobQuery &query)
{
    Private *p = d.get();
    return p->executor.run([this, p, query] {
        QSqlDatabase db;
        if (QString err = p->open(db); !err.isEmpty()) {
            JobPage page;
            page.error = err;
            return page;
        }
        return listJobs(db, p->table, query, clock()->now(), p->maxRunTimeSeconds);
    });
}

QFuture<ClassBreakdown> DelayedJobBackend::classBreakdown(const QString &queue)
{
    Private *p = d.get();
    return p->executor.run([this, p, queue] {
        QSqlDatabase db;
        if (QString err = p->open(db); !err.isEmpty()) {
            ClassBreakdown b;
            b.error = err;
            return b;
        }
        return delayedjob::classBreakdown(db, p->table, queue, clock()->now(), 10'000);
    });
}

QFuture<JobDetail> DelayedJobBackend::job(const QString &id)
{
    Private *p = d.get();
    return p->executor.run([this, p, id] {
        QSqlDatabase db;
        if (QString err = p->open(db); !err.isEmpty()) {
            JobDetail detail;
            detail.failure = err;
            return detail;
        }
        return jobDetail(db, p->table, id, clock()->now(), p->maxRunTimeSeconds);
    });
}

QFuture<ActionResult> DelayedJobBackend::act(const JobAction &action)
{
    if (d->readOnly && !action.dryRun) {
        ActionResult r;
        r.error = tr("This connection is read-only (readonly=1): actions are refused.");
        return QtFuture::makeReadyFuture(r);
    }
    Private *p = d.get();
    return p->executor.run([this, p, action] {
        QSqlDatabase db;
        if (QString err = action.dryRun ? p->open(db) : p->openWrite(db); !err.isEmpty()) {
            ActionResult r;
            r.error = err;
            return r;
        }
        return applyAction(db, p->table, action, clock()->now(), p->maxRunTimeSeconds);
    });
}

QFuture<Snapshot> DelayedJobBackend::snapshot()
{
    if (state() == ConnectionState::Disconnected) {
        setState(ConnectionState::Connecting);
    }
    Private *p = d.get();
    return p->executor.run([this, p] {
        Snapshot s = p->poll(clock()->now());
        if (!s.takenAt.isValid()) {
            s.takenAt = clock()->now();
        }
        setState(s.ok() ? ConnectionState::Connected : ConnectionState::Error, s.error);
        return s;
    });
}

} // namespace qd::delayedjob
