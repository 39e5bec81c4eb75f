// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/jobs.h"
#include "core/result.h"

#include <QSqlDatabase>

namespace qd::delayedjob {

/// Job listing, detail and conditional actions on a Delayed::Job table. Run on the backend's thread.
JobPage listJobs(QSqlDatabase &db, const QString &table, const JobQuery &query, const QDateTime &now,
                 qint64 maxRunTimeSeconds);
JobDetail jobDetail(QSqlDatabase &db, const QString &table, const QString &id, const QDateTime &now,
                    qint64 maxRunTimeSeconds);
/// Every row changes only with `WHERE id = ? AND <the state the operator saw>`, in one transaction per call:
/// a job that moved on (retried by someone else, picked up, finished) is skipped, never harmed.
ActionResult applyAction(QSqlDatabase &db, const QString &table, const JobAction &action, const QDateTime &now,
                         qint64 maxRunTimeSeconds);

/// The waiting rows of a queue by handler class: all of them up to `sampleLimit`, else the next `sampleLimit`
/// to run (by priority and run_at), marked as a sample. Only the start of each handler is read.
ClassBreakdown classBreakdown(QSqlDatabase &db, const QString &table, const QString &queue, const QDateTime &now,
                              qint64 sampleLimit);

/// "PrintJob", "UserMailer#card_ready", "User#send_welcome" from a delayed_job YAML handler, read as text
/// (tags are never instantiated).
QString handlerClassName(const QString &handler);

} // namespace qd::delayedjob
