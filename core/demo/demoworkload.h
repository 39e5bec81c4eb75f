// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/demo/demosimulator.h"

#include <QDateTime>
#include <QList>
#include <QRandomGenerator>
#include <QString>

namespace qd::demo {

/// One queue of the simulated application: how busy it is at the daily peak and how its jobs behave.
struct QueueProfile
{
    QString name;
    double perSecond = 0; ///< mean arrivals at the daily peak
    int priority = 0;     ///< delayed_job priority: lower runs first
    int minWorkMs = 1000; ///< how long a worker takes for one job, uniformly in [min, max)
    int maxWorkMs = 5000;
    double failureRate = 0.02;
};

/// What the simulated application does, independent of the database: which jobs arrive when (a daily
/// sinusoid with slowly wandering noise), what their handlers look like, how long they take, whether they
/// fail and with which error. Deterministic for a given seed, so tests and screenshots repeat.
class DemoWorkload final
{
public:
    explicit DemoWorkload(const DemoOptions &options);

    /// The queues that receive jobs; `reports` only once the new job class has shipped.
    QList<QueueProfile> queues(bool withReports) const;
    const QueueProfile &profile(const QString &queue) const;

    /// Multiplier on every queue's peak rate at `now` (0.1 … ~1.3): the hour of the (simulated) day plus noise.
    /// Advances the noise, so call it once per step.
    double intensity(const QDateTime &start, const QDateTime &now);
    /// How many jobs arrive in `seconds` at a mean of `perSecond` (Poisson).
    int arrivals(double perSecond, double seconds);

    QString handler(const QString &queue);
    /// The handler of the poison job: a card whose data crashes the renderer on every attempt.
    static QString poisonHandler();
    static bool isPoison(const QString &handler);
    /// last_error exactly as delayed_job writes it: the exception message, a newline, the backtrace.
    QString lastError(const QString &handler);
    /// last_error of a job cut off by Timeout.timeout(max_run_time) (Delayed::WorkerTimeout).
    static QString timeoutError(int maxRunTimeSeconds);
    qint64 workMs(const QString &queue);
    bool fails(const QString &queue, const QString &handler);

    QRandomGenerator &rng() { return m_rng; }

private:
    double gaussian();

    DemoOptions m_options;
    QRandomGenerator m_rng;
    QList<QueueProfile> m_queues;
    QueueProfile m_reports;
    double m_noise = 0;
    QDateTime m_noiseAt;
};

} // namespace qd::demo
