// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QDateTime>
#include <QSqlDatabase>
#include <QString>

namespace qd::demo {

/// The delayed_jobs table exactly as delayed_job_active_record's migration creates it on SQLite.
QString createDelayedJobsTable(QSqlDatabase &db);
/// ActiveRecord's SQLite text form of a UTC time: "YYYY-MM-DD HH:MM:SS.ffffff", or without the fraction
/// when it is zero (as ActiveRecord 6.1 writes it).
QString arTime(const QDateTime &utc);
/// A handler as delayed_job serialises a Struct job.
QString printJobHandler(int userId, int cardId);
QString structHandler(const QString &className, const QList<QPair<QString, QString>> &fields);

} // namespace qd::demo
