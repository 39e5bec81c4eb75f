// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QObject>
#include <QString>

#include <chrono>
#include <memory>

namespace qd {
class Clock;
}

namespace qd::demo {

struct DemoOptions
{
    int workers = 8;                          ///< simulated delayed_job worker processes
    std::chrono::milliseconds tick{250};      ///< simulation step
    bool incidents = true;                    ///< run the scripted incidents
    quint32 seed = 20100213;
    /// Scripted timeline (seconds after start): a new queue appears, all workers die, workers come back.
    int newQueueAt = 45;
    int workersDieAt = 75;
    int workersBackAt = 270;
    int maxRunTimeSeconds = 60;               ///< demo's delayed_job max_run_time (lost-worker threshold)
    /// Extra workers started with the restart to drain the backlog; they stop once it is drained.
    int catchUpWorkers = 8;
    /// Seconds of wall time per hour of the simulated day. 60 compresses a day into 24 minutes (starting at
    /// 10:00) so the daily pattern shows in a demo; 3600 or more follows the local wall-clock hour instead.
    int secondsPerDemoHour = 60;
    /// Arrivals pause while the table holds this many rows, so a demo left running for hours stays small.
    int maxRows = 20000;
};

/// The embedded demo: a Delayed::Job SQLite database (same schema and row shapes as delayed_job_active_record
/// writes) fed by a simulated fleet of workers on its own thread — enqueueing with a daily pattern across
/// several queues, locking rows like delayed_job does, deleting on success, backing off on failure — plus
/// scripted incidents: a poison job that fails every attempt, a new queue, and all workers dying (their locks
/// left behind) until they come back. The GUI reads the database through the real DelayedJobBackend.
class DemoSimulator final : public QObject
{
    Q_OBJECT
public:
    explicit DemoSimulator(const QString &databasePath, DemoOptions options = {}, Clock *clock = nullptr,
                           QObject *parent = nullptr);
    ~DemoSimulator() override; ///< stops the simulation thread and deletes the database it created
    Q_DISABLE_COPY_MOVE(DemoSimulator)

    /// Creates the database (schema like delayed_job's migration) and starts the simulation thread.
    /// Returns an empty string or a clear error.
    QString start();
    /// Stops the simulation; once it returns, the simulator writes nothing more (safe to read or copy the DB).
    void stop();
    bool isRunning() const;
    /// Simulation steps done so far (tests wait on it instead of sleeping).
    quint64 steps() const;

    /// `delayedjob+sqlite:///<path>?max_run_time=<options.maxRunTimeSeconds>`
    QString connectionUrl() const;
    QString databasePath() const;
    /// <AppDataLocation>/demo/delayed_jobs-<pid>.sqlite3
    static QString defaultDatabasePath();

Q_SIGNALS:
    /// A scripted incident started or ended, e.g. "All workers died" (emitted from the simulation thread,
    /// so connect with a context object: the emission is queued to it).
    void incident(const QString &description);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace qd::demo
