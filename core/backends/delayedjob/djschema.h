// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/result.h"
#include "core/snapshot.h"

#include <QHash>
#include <QSqlDatabase>
#include <QSqlError>

#include <optional>

namespace qd::delayedjob {

/// The SQL side of the Delayed::Job backend: schema check and the few aggregate queries one poll needs.
/// All functions run on the backend's executor thread, inside one read transaction per poll.

/// Empty string, or a clear error: not a database, table missing, required columns missing.
QString checkSchema(QSqlDatabase &db, const QString &table);

/// Per-queue waiting/scheduled/running/failed counts and oldest waiting age (one GROUP BY query).
Result<QList<QueueStats>> readQueueCounts(QSqlDatabase &db, const QString &table, const QDateTime &now,
                                          qint64 maxRunTimeSeconds);

/// Workers seen through their locks (busy, or lost when the newest lock is older than max_run_time).
Result<QList<WorkerInfo>> readWorkers(QSqlDatabase &db, const QString &table, const QDateTime &now,
                                      qint64 maxRunTimeSeconds);

struct Arrivals
{
    QHash<QString, qint64> perQueue; ///< rows with id above the watermark, by queue
    qint64 maxId = 0;                ///< highest id seen (the next watermark)
};
/// Rows above `watermark` (ids only grow: autoincrement / sequence), and the new maximum id. Without a
/// watermark (the first poll, when no rate can be known yet) only the maximum id, from the primary key.
Result<Arrivals> readArrivals(QSqlDatabase &db, const QString &table, std::optional<qint64> watermark);

/// A driver's error on one line: libpq's messages span lines ("…failed: Connection refused\n\tIs the server
/// running…"), and errors end up in one-line places (status strip, CLI, Nagios output).
QString sqlErrorText(const QSqlError &error);

/// SQL building blocks shared by the snapshot and the job queries.
bool isPostgres(const QSqlDatabase &db);
QString sqlTimeText(const QSqlDatabase &db, const QString &column); ///< a time column as canonical text
QString sqlParam(const QSqlDatabase &db, const QString &placeholder); ///< a bound time parameter
QString sqlQueueExpr();                                               ///< NULL/'' queue is "default"

/// "YYYY-MM-DD HH:MM:SS[.ffffff]" (ActiveRecord's SQLite text, PostgreSQL to_char) or ISO 8601, as UTC.
QDateTime parseDbTime(const QString &text);
/// The same text form for binding "now" into comparisons.
QString formatDbTime(const QDateTime &utc);

} // namespace qd::delayedjob
