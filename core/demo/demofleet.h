// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "demosimulator.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QStringList>

namespace qd::demo {

/// The simulated world behind the demo: arrivals, delayed_job-like workers and the incident script.
/// Lives on the simulator's thread; step() advances it to `now` in one transaction.
class DemoFleet final
{
    Q_DECLARE_TR_FUNCTIONS(qd::demo::DemoFleet)

public:
    DemoFleet(QString connectionName, const DemoOptions &options);
    ~DemoFleet();
    Q_DISABLE_COPY_MOVE(DemoFleet)

    QString open(const QString &path, const QDateTime &now); ///< schema + a realistic starting state
    QStringList step(const QDateTime &now);                  ///< returns incident descriptions that began/ended

private:
    struct Worker
    {
        QString name;
        qint64 jobId = 0;
        qint64 busyUntilMs = 0;
        bool fails = false;
    };
    void enqueue(const QString &queue, int priority, const QString &handler, const QDateTime &runAt,
                 const QDateTime &now, int attempts = 0, const QString &lastError = {});
    void arrivals(const QDateTime &now, double seconds);
    void work(const QDateTime &now);
    bool reserve(Worker &w, const QDateTime &now);
    void finish(Worker &w, const QDateTime &now);
    void hireWorkers(int generation);
    QString randomHandler(const QString &queue);
    QString errorFor(const QString &handler) const;

    QString m_name;
    DemoOptions m_options;
    QSqlDatabase m_db;
    QRandomGenerator m_rng;
    QList<Worker> m_workers;
    QDateTime m_start;
    QDateTime m_last;
    qint64 m_poisonId = 0;
    bool m_reportsOn = false;
    bool m_workersDead = false;
    bool m_workersBack = false;
};

} // namespace qd::demo
