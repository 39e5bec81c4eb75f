// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/backend.h"

#include <memory>

namespace qd::delayedjob {

/// Delayed::Job tables (delayed_job_active_record) on SQLite or PostgreSQL, through QtSql on the
/// backend's own thread. URL options: `table` (default delayed_jobs), `max_run_time` in seconds
/// (default 14400, delayed_job's 4 h): a lock older than that on a non-failed row is a lost worker;
/// `readonly=1` refuses every action. Polls use a read-only connection; actions open their own.
class DelayedJobBackend final : public Backend
{
    Q_OBJECT
public:
    explicit DelayedJobBackend(const ConnectionUrl &url, Clock *clock = nullptr, QObject *parent = nullptr);
    ~DelayedJobBackend() override;
    Q_DISABLE_COPY_MOVE(DelayedJobBackend)

    QString kind() const override { return QStringLiteral("delayedjob"); }
    Capabilities capabilities() const override;
    QFuture<Snapshot> snapshot() override;
    QFuture<JobPage> jobs(const JobQuery &query) override;
    QFuture<JobDetail> job(const QString &id) override;
    QFuture<ClassBreakdown> classBreakdown(const QString &queue) override;
    QFuture<ActionResult> act(const JobAction &action) override;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace qd::delayedjob
