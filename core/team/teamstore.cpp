// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/team/teamstore.h"

#include "core/sqlthread.h"

#include <QCoreApplication>
#include <QDate>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace qd {

namespace {

/// The advisory lock key of the team server's leader ("queuedeck" in ASCII, as a number).
constexpr qint64 kLeaderLock = 0x7175657565646563;

/// Each version's statements, applied in order, each version in one transaction.
const QList<QStringList> &migrations()
{
    static const QList<QStringList> all = {
        {
            QStringLiteral("CREATE TABLE connections (name text PRIMARY KEY, backend text NOT NULL, url text NOT NULL, "
                           "polled_at timestamptz, interval_seconds double precision NOT NULL DEFAULT 5, error text, "
                           "poll_seconds double precision, workers_busy integer, "
                           "workers_idle integer, workers_lost integer, warnings jsonb NOT NULL DEFAULT '[]')"),
            QStringLiteral("CREATE TABLE queues (connection text NOT NULL REFERENCES connections(name) ON DELETE CASCADE, "
                           "name text NOT NULL, waiting bigint, running bigint, scheduled bigint, failed bigint, dead bigint, "
                           "oldest_age_seconds double precision, oldest_age_lower_bound boolean NOT NULL DEFAULT false, "
                           "consumers integer, in_per_minute double precision, out_per_minute double precision, "
                           "approximate boolean NOT NULL DEFAULT false, polled_at timestamptz NOT NULL, "
                           "PRIMARY KEY (connection, name))"),
            QStringLiteral("CREATE TABLE samples (connection text NOT NULL, queue text NOT NULL, at timestamptz NOT NULL, "
                           "waiting bigint, running bigint, failed bigint, oldest_age_seconds double precision) "
                           "PARTITION BY RANGE (at)"),
            QStringLiteral("CREATE INDEX ON samples (connection, queue, at)"),
            QStringLiteral("CREATE TABLE alerts (connection text NOT NULL, queue text NOT NULL, rule text NOT NULL, "
                           "state text NOT NULL, message text NOT NULL, value double precision, since timestamptz NOT NULL, "
                           "PRIMARY KEY (connection, queue, rule))"),
        },
    };
    return all;
}

QString errorOf(const QSqlQuery &q)
{
    return q.lastError().databaseText().isEmpty() ? q.lastError().text() : q.lastError().databaseText();
}

QJsonValue orNull(const std::optional<qint64> &v)
{
    return v ? QJsonValue(double(*v)) : QJsonValue();
}

QJsonValue orNull(const std::optional<double> &v)
{
    return v ? QJsonValue(*v) : QJsonValue();
}

QJsonValue orNull(const std::optional<int> &v)
{
    return v ? QJsonValue(*v) : QJsonValue();
}

QString stateName(AlertState s)
{
    switch (s) {
    case AlertState::Ok: return QStringLiteral("ok");
    case AlertState::Warn: return QStringLiteral("warning");
    case AlertState::Crit: return QStringLiteral("critical");
    case AlertState::Unknown: return QStringLiteral("unknown");
    }
    return {};
}

QByteArray queueRows(const Snapshot &s)
{
    QJsonArray rows;
    for (const QueueStats &q : s.queues) {
        rows.append(QJsonObject{{QStringLiteral("name"), q.name},
                                {QStringLiteral("waiting"), orNull(q.waiting)},
                                {QStringLiteral("running"), orNull(q.running)},
                                {QStringLiteral("scheduled"), orNull(q.scheduled)},
                                {QStringLiteral("failed"), orNull(q.failed)},
                                {QStringLiteral("dead"), orNull(q.dead)},
                                {QStringLiteral("oldest_age_seconds"), orNull(q.oldestAgeSeconds)},
                                {QStringLiteral("oldest_age_lower_bound"), q.oldestAgeIsLowerBound},
                                {QStringLiteral("consumers"), orNull(q.consumers)},
                                {QStringLiteral("in_per_minute"), orNull(q.inPerMinute)},
                                {QStringLiteral("out_per_minute"), orNull(q.outPerMinute)},
                                {QStringLiteral("approximate"), q.countExactness != Exactness::Exact}});
    }
    return QJsonDocument(rows).toJson(QJsonDocument::Compact);
}

QByteArray alertRows(const QList<Alert> &active)
{
    QJsonArray rows;
    for (const Alert &a : active) {
        rows.append(QJsonObject{{QStringLiteral("queue"), a.queue},
                                {QStringLiteral("rule"), a.ruleId},
                                {QStringLiteral("state"), stateName(a.state)},
                                {QStringLiteral("message"), a.message},
                                {QStringLiteral("value"), orNull(a.value)},
                                {QStringLiteral("since"), a.since.toUTC().toString(Qt::ISODateWithMs)}});
    }
    return QJsonDocument(rows).toJson(QJsonDocument::Compact);
}

} // namespace

struct TeamStore::Private
{
    TeamDatabase database;
    double intervalSeconds = 5;
    QString connectionName = QStringLiteral("queuedeck-team-") + QUuid::createUuid().toString(QUuid::WithoutBraces);

    QSqlDatabase db() const { return QSqlDatabase::database(connectionName, false); }

    /// Runs `sql` with `values` bound in order; empty, or the database's error.
    QString exec(const QString &sql, const QVariantList &values = {}) const
    {
        QSqlQuery q(db());
        if (values.isEmpty()) {
            return q.exec(sql) ? QString() : errorOf(q); // DDL cannot be prepared
        }
        if (!q.prepare(sql)) {
            return errorOf(q);
        }
        for (const QVariant &v : values) {
            q.addBindValue(v);
        }
        return q.exec() ? QString() : errorOf(q);
    }

    QString migrate() const
    {
        if (const QString e = exec(QStringLiteral("CREATE TABLE IF NOT EXISTS queuedeck_schema (version integer PRIMARY KEY, "
                                                  "applied_at timestamptz NOT NULL DEFAULT now())"));
            !e.isEmpty()) {
            return e;
        }
        QSqlQuery q(db());
        if (!q.exec(QStringLiteral("SELECT coalesce(max(version), 0) FROM queuedeck_schema")) || !q.next()) {
            return errorOf(q);
        }
        const int current = q.value(0).toInt();
        if (current > kSchemaVersion) {
            return QCoreApplication::translate("qd::TeamStore", "the database has schema version %1, newer than this "
                                                                "Queuedeck (%2): upgrade queuedeckctl")
                .arg(current)
                .arg(kSchemaVersion);
        }
        for (int version = current + 1; version <= kSchemaVersion; ++version) {
            QSqlDatabase d = db();
            d.transaction();
            // Two servers starting at once: the second waits here, then finds the version applied.
            exec(QStringLiteral("LOCK TABLE queuedeck_schema IN EXCLUSIVE MODE"));
            QSqlQuery again(d);
            if (again.exec(QStringLiteral("SELECT 1 FROM queuedeck_schema WHERE version = %1").arg(version)) && again.next()) {
                d.rollback();
                continue;
            }
            for (const QString &sql : migrations().at(version - 1)) {
                if (const QString e = exec(sql); !e.isEmpty()) {
                    d.rollback();
                    return QStringLiteral("schema version %1: %2").arg(version).arg(e);
                }
            }
            exec(QStringLiteral("INSERT INTO queuedeck_schema (version) VALUES (?)"), {version});
            if (!d.commit()) {
                return d.lastError().text();
            }
        }
        return {};
    }

    QString ensurePartitions() const
    {
        const QDate today = QDateTime::currentDateTimeUtc().date();
        for (int i = 0; i <= 1; ++i) {
            const QDate day = today.addDays(i);
            const QString sql = QStringLiteral("CREATE TABLE IF NOT EXISTS samples_%1 PARTITION OF samples FOR VALUES FROM "
                                               "('%2 00:00+00') TO ('%3 00:00+00')")
                                    .arg(day.toString(QStringLiteral("yyyyMMdd")), day.toString(Qt::ISODate),
                                         day.addDays(1).toString(Qt::ISODate));
            if (const QString e = exec(sql); !e.isEmpty()) {
                return e;
            }
        }
        QSqlQuery q(db());
        if (!q.exec(QStringLiteral("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                                   "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'samples'"))) {
            return errorOf(q);
        }
        const QString oldest = today.addDays(-kSampleDays).toString(QStringLiteral("yyyyMMdd"));
        QStringList drop;
        while (q.next()) {
            const QString name = q.value(0).toString();
            if (name.startsWith(u"samples_") && name.mid(8) < oldest) {
                drop << name;
            }
        }
        for (const QString &name : std::as_const(drop)) {
            exec(QStringLiteral("DROP TABLE IF EXISTS %1").arg(name)); // names come from pg_class, samples_YYYYMMDD
        }
        return {};
    }

    QString writePoll(const QString &connection, const QString &url, const Snapshot &s, const QList<Alert> &active) const
    {
        QSqlDatabase d = db();
        if (!d.transaction()) {
            return d.lastError().text();
        }
        const auto fail = [&d](const QString &e) {
            d.rollback();
            return e;
        };
        const WorkerSummary w = s.workerSummary();
        const auto intOrNull = [](const std::optional<int> &v) { return v ? QVariant(*v) : QVariant(QMetaType(QMetaType::Int)); };
        const QVariant polledAt = s.takenAt.toUTC();
        QString e = exec(QStringLiteral(
                             "INSERT INTO connections (name, backend, url, polled_at, interval_seconds, error, poll_seconds, "
                             "workers_busy, workers_idle, workers_lost, warnings) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb)) "
                             "ON CONFLICT (name) DO UPDATE SET backend = excluded.backend, url = excluded.url, "
                             "polled_at = excluded.polled_at, interval_seconds = excluded.interval_seconds, "
                             "error = excluded.error, poll_seconds = excluded.poll_seconds, "
                             "workers_busy = excluded.workers_busy, workers_idle = excluded.workers_idle, "
                             "workers_lost = excluded.workers_lost, warnings = excluded.warnings"),
                         {connection, s.backend, url, polledAt, intervalSeconds, s.error.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(s.error),
                          s.pollSeconds ? QVariant(*s.pollSeconds) : QVariant(QMetaType(QMetaType::Double)),
                          s.ok() && s.workersKnown ? intOrNull(w.busy) : QVariant(QMetaType(QMetaType::Int)),
                          s.ok() && s.workersKnown ? intOrNull(w.idle) : QVariant(QMetaType(QMetaType::Int)),
                          s.ok() && s.workersKnown ? intOrNull(w.lost) : QVariant(QMetaType(QMetaType::Int)),
                          QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(s.warnings)).toJson(QJsonDocument::Compact))});
        if (!e.isEmpty()) {
            return fail(e);
        }
        if (s.ok()) {
            // A failed poll keeps the last known numbers (with their own polled_at): the connection row says it failed.
            const QString rows = QString::fromUtf8(queueRows(s));
            const QString recordset = QStringLiteral(
                "json_to_recordset(CAST(? AS json)) AS r(name text, waiting bigint, running bigint, scheduled bigint, "
                "failed bigint, dead bigint, oldest_age_seconds double precision, oldest_age_lower_bound boolean, "
                "consumers integer, in_per_minute double precision, out_per_minute double precision, approximate boolean)");
            e = exec(QStringLiteral("INSERT INTO queues (connection, name, waiting, running, scheduled, failed, dead, "
                                    "oldest_age_seconds, oldest_age_lower_bound, consumers, in_per_minute, out_per_minute, "
                                    "approximate, polled_at) SELECT ?, r.name, r.waiting, r.running, r.scheduled, r.failed, "
                                    "r.dead, r.oldest_age_seconds, r.oldest_age_lower_bound, r.consumers, r.in_per_minute, "
                                    "r.out_per_minute, r.approximate, ? FROM ")
                         + recordset
                         + QStringLiteral(" ON CONFLICT (connection, name) DO UPDATE SET waiting = excluded.waiting, "
                                          "running = excluded.running, scheduled = excluded.scheduled, failed = excluded.failed, "
                                          "dead = excluded.dead, oldest_age_seconds = excluded.oldest_age_seconds, "
                                          "oldest_age_lower_bound = excluded.oldest_age_lower_bound, consumers = excluded.consumers, "
                                          "in_per_minute = excluded.in_per_minute, out_per_minute = excluded.out_per_minute, "
                                          "approximate = excluded.approximate, polled_at = excluded.polled_at"),
                     {connection, polledAt, rows});
            if (e.isEmpty()) {
                e = exec(QStringLiteral("DELETE FROM queues WHERE connection = ? AND polled_at <> ?"), {connection, polledAt});
            }
            if (e.isEmpty()) {
                // From the rows just written: the JSON is parsed once.
                e = exec(QStringLiteral("INSERT INTO samples (connection, queue, at, waiting, running, failed, oldest_age_seconds) "
                                        "SELECT connection, name, polled_at, waiting, running, failed, oldest_age_seconds "
                                        "FROM queues WHERE connection = ?"),
                         {connection});
            }
            if (!e.isEmpty()) {
                return fail(e);
            }
        }
        e = exec(QStringLiteral("DELETE FROM alerts WHERE connection = ?"), {connection});
        if (e.isEmpty()) {
            e = exec(QStringLiteral("INSERT INTO alerts (connection, queue, rule, state, message, value, since) "
                                    "SELECT ?, r.queue, r.rule, r.state, r.message, r.value, r.since FROM "
                                    "json_to_recordset(CAST(? AS json)) AS r(queue text, rule text, state text, message text, "
                                    "value double precision, since timestamptz)"),
                     {connection, QString::fromUtf8(alertRows(active))});
        }
        if (e.isEmpty()) {
            e = exec(QStringLiteral("SELECT pg_notify('queuedeck_snapshot', ?)"), {connection});
        }
        if (!e.isEmpty()) {
            return fail(e);
        }
        return d.commit() ? QString() : d.lastError().text();
    }
};

TeamStore::TeamStore(TeamDatabase database) : d(std::make_unique<Private>())
{
    d->database = std::move(database);
}

void TeamStore::setPollInterval(double seconds)
{
    m_executor.run([p = d.get(), seconds] { p->intervalSeconds = seconds; });
}

TeamStore::~TeamStore()
{
    closeDatabaseOn(m_executor, d->connectionName);
}

QFuture<QString> TeamStore::open()
{
    return m_executor.run([p = d.get()]() -> QString {
        if (const QString e = p->database.open(p->connectionName, QStringLiteral("queuedeck-serve")); !e.isEmpty()) {
            return e;
        }
        if (const QString e = p->migrate(); !e.isEmpty()) {
            return e;
        }
        return p->ensurePartitions();
    });
}

QFuture<bool> TeamStore::tryLead()
{
    return m_executor.run([p = d.get()] {
        QSqlQuery q(p->db());
        return q.exec(QStringLiteral("SELECT pg_try_advisory_lock(%1)").arg(kLeaderLock)) && q.next() && q.value(0).toBool();
    });
}

QFuture<QString> TeamStore::writePoll(const QString &connection, const QString &url, const Snapshot &snapshot,
                                      const QList<Alert> &active)
{
    return m_executor.run([p = d.get(), connection, url, snapshot, active] { return p->writePoll(connection, url, snapshot, active); });
}

QFuture<QString> TeamStore::upkeep()
{
    return m_executor.run([p = d.get()] { return p->ensurePartitions(); });
}

QFuture<bool> TeamStore::isConnected()
{
    return m_executor.run([p = d.get()] {
        QSqlQuery q(p->db());
        return q.exec(QStringLiteral("SELECT 1")) && q.next();
    });
}

} // namespace qd
