// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/demo/demoincidents.h"
#include "core/demo/demosimulator.h"
#include "core/demo/demoworkload.h"

#include <QDateTime>
#include <QList>
#include <QSqlDatabase>
#include <QStringList>

namespace qd::demo {

/// The simulated delayed_job installation behind the demo: it enqueues what the workload says, runs workers
/// that reserve, work, delete and reschedule rows with delayed_job's own SQL semantics, and plays the incident
/// script. Lives on the simulator's thread (it owns that thread's database connection); step() advances the
/// world to `now` in one transaction, so a reader never sees half a step.
class DemoFleet final
{
public:
    DemoFleet(QString connectionName, const DemoOptions &options);
    ~DemoFleet();
    Q_DISABLE_COPY_MOVE(DemoFleet)

    QString open(const QString &path, const QDateTime &now); ///< schema + a realistic starting state
    QStringList step(const QDateTime &now);                  ///< incident descriptions that began/ended

private:
    struct Worker
    {
        QString name;
        qint64 jobId = 0;
        qint64 busyUntilMs = 0;
        bool fails = false;
        bool timedOut = false; ///< runs longer than max_run_time: delayed_job's timeout ends it
        bool catchUp = false;  ///< started only to drain the backlog
        bool retiring = false; ///< stops after its current job
    };
    /// A delayed_jobs row as ActiveRecord would insert it; an empty queue means delayed_job's NULL default.
    struct Row
    {
        QString queue;
        int priority = 0;
        int attempts = 0;
        QString handler;
        QString lastError;
        QDateTime runAt, lockedAt, failedAt;
        QString lockedBy;
        QDateTime createdAt, updatedAt;
    };
    struct Counts
    {
        qint64 rows = 0;
        qint64 ready = 0;
    };

    qint64 insert(const Row &row);
    void seed(const QDateTime &now);
    Counts counts(const QDateTime &now);
    void arrivals(const QDateTime &now, double seconds);
    void enqueue(const QueueProfile &profile, const QDateTime &now); ///< one new job, as the app enqueues it
    void work(const QDateTime &now, QStringList &events);
    bool reserve(Worker &w, const QDateTime &now);
    void finish(Worker &w, const QDateTime &now, QStringList &events);
    void hire(int count, int generation, bool catchUp);
    void apply(Incident incident, const QDateTime &now);

    QString m_name;
    DemoOptions m_options;
    QSqlDatabase m_db;
    DemoWorkload m_workload;
    IncidentScript m_script;
    QList<Worker> m_workers;
    QDateTime m_start;
    QDateTime m_last;
    bool m_reportsOn = false;
    bool m_poisonReported = false;
};

} // namespace qd::demo
