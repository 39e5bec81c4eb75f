// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/team/teammirror.h"

#include "core/clock.h"
#include "core/sqlthread.h"
#include "core/team/teamconfig.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace qd {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("qd::TeamMirrorBackend", text);
}

template <typename T>
std::optional<T> optionalOf(const QVariant &v)
{
    return v.isNull() ? std::nullopt : std::optional<T>(v.value<T>());
}

/// Opens the team database of `url` as the connection `name` unless it is open; empty, or the database's words.
QString ensureOpen(const QString &name, const ConnectionUrl &url)
{
    if (QSqlDatabase::contains(name) && QSqlDatabase::database(name, false).isOpen()) {
        return {};
    }
    const TeamDatabase team{url.host, url.port > 0 ? url.port : 5432, url.path, url.user, url.password};
    return team.open(name, QStringLiteral("queuedeck-viewer"));
}

/// The connection's row: the backend it polls, its last poll and how often it polls; false (with the error in
/// `s`) if it cannot be read or there is none.
bool readConnection(QSqlDatabase &db, const QString &connection, Snapshot &s, QDateTime &polledAt, double &interval)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT backend, polled_at, interval_seconds, error, poll_seconds, workers_busy, workers_idle, "
                             "workers_lost, warnings::text FROM connections WHERE name = ?"));
    q.addBindValue(connection);
    if (!q.exec()) {
        s.error = q.lastError().databaseText().trimmed();
        return false;
    }
    if (!q.next()) {
        s.error = tr("The team server has no connection named \"%1\".").arg(connection);
        return false;
    }
    s.backend = q.value(0).toString();
    polledAt = q.value(1).toDateTime().toUTC();
    interval = q.value(2).toDouble();
    s.error = q.value(3).toString();
    s.pollSeconds = optionalOf<double>(q.value(4));
    if (!q.value(5).isNull()) {
        s.workerCounts = WorkerSummary{optionalOf<int>(q.value(5)), optionalOf<int>(q.value(6)), optionalOf<int>(q.value(7))};
        s.workersComplete = s.workerCounts->idle.has_value();
    } else {
        s.workersKnown = false;
    }
    for (const QJsonValue &w : QJsonDocument::fromJson(q.value(8).toByteArray()).array()) {
        s.warnings << w.toString();
    }
    return true;
}

QString readQueues(QSqlDatabase &db, const QString &connection, Snapshot &s)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT name, waiting, running, scheduled, failed, dead, oldest_age_seconds, "
                             "oldest_age_lower_bound, consumers, in_per_minute, out_per_minute, approximate "
                             "FROM queues WHERE connection = ? ORDER BY name"));
    q.addBindValue(connection);
    if (!q.exec()) {
        return q.lastError().databaseText().trimmed();
    }
    while (q.next()) {
        QueueStats qs;
        qs.name = q.value(0).toString();
        qs.waiting = optionalOf<qint64>(q.value(1));
        qs.running = optionalOf<qint64>(q.value(2));
        qs.scheduled = optionalOf<qint64>(q.value(3));
        qs.failed = optionalOf<qint64>(q.value(4));
        qs.dead = optionalOf<qint64>(q.value(5));
        qs.oldestAgeSeconds = optionalOf<double>(q.value(6));
        qs.oldestAgeIsLowerBound = q.value(7).toBool();
        qs.consumers = optionalOf<int>(q.value(8));
        qs.inPerMinute = optionalOf<double>(q.value(9));
        qs.outPerMinute = optionalOf<double>(q.value(10));
        qs.rateExactness = qs.inPerMinute ? Exactness::Approximate : Exactness::Unknown;
        qs.countExactness = q.value(11).toBool() ? Exactness::Approximate : Exactness::Exact;
        s.queues.append(qs);
    }
    return {};
}

} // namespace

TeamMirrorBackend::TeamMirrorBackend(ConnectionUrl url, Clock *clock, QObject *parent)
    : Backend(std::move(url), clock, parent), m_connectionName(this->url().option(QStringLiteral("connection"))),
      m_dbName(QStringLiteral("queuedeck-mirror-") + QUuid::createUuid().toString(QUuid::WithoutBraces))
{
}

TeamMirrorBackend::~TeamMirrorBackend()
{
    closeDatabaseOn(m_executor, m_dbName);
}

QFuture<Snapshot> TeamMirrorBackend::snapshot()
{
    return m_executor.run([url = url(), name = m_dbName, connection = m_connectionName, clock = clock()] {
        Snapshot s;
        s.backend = QStringLiteral("team");
        if (connection.isEmpty()) {
            s.error = tr("The URL names no connection of the team server: add ?connection=NAME.");
            return s;
        }
        if (const QString e = ensureOpen(name, url); !e.isEmpty()) {
            s.error = tr("The team database %1 cannot be read: %2").arg(url.toDisplayString(), e);
            return s;
        }
        QSqlDatabase db = QSqlDatabase::database(name, false);
        QDateTime polledAt;
        double interval = 5;
        if (!readConnection(db, connection, s, polledAt, interval)) {
            if (!db.isOpen() || !QSqlQuery(db).exec(QStringLiteral("SELECT 1"))) {
                db.close(); // reopened on the next poll
            }
            return s;
        }
        s.takenAt = polledAt;
        if (!s.error.isEmpty()) {
            return s; // the server's own poll failed: its words
        }
        const double age = polledAt.isValid() ? double(clock->nowMs() - polledAt.toMSecsSinceEpoch()) / 1000.0 : 1e9;
        if (age > 3 * std::max(1.0, interval)) {
            s.error = tr("No team server has polled %1 since %2 (every %3 s before): these numbers are not current.")
                          .arg(connection, polledAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")))
                          .arg(interval);
            s.takenAt = clock->now();
            return s;
        }
        if (const QString e = readQueues(db, connection, s); !e.isEmpty()) {
            s.error = e;
        }
        return s;
    });
}

} // namespace qd
