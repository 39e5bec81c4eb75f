// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/alerts/alertrule.h"

#include <QCoreApplication>

#include <optional>

namespace qd {

/// The sentences alerts say, in one place: plain text, naming the queue, the value and the levels.
class AlertMessages final
{
    Q_DECLARE_TR_FUNCTIONS(qd::AlertMessages)

public:
    static QString duration(double seconds);
    /// `lowerBound`: the age is only how long Queuedeck has watched the job wait (said "at least").
    static QString oldestAge(const QString &queue, std::optional<double> seconds, const AlertRule &rule,
                             bool lowerBound = false);
    static QString depth(const QString &queue, std::optional<qint64> waiting, const AlertRule &rule);
    static QString depthGrowing(const QString &queue, qint64 from, qint64 to, qint64 windowMs,
                                std::optional<double> inPerMin, std::optional<double> outPerMin);
    static QString noWorkers(qint64 waiting, int lost, bool idleInvisible);
    static QString workersLost(int lost, const QStringList &names = {});
    static QString stuckWork(const QString &queue, qint64 jobs, const QStringList &holders, qint64 idleMs);
    static QString poison(const QString &queue, qint64 attempts);
    static QString failureRate(const QString &queue, double perMinute);
    static QString newQueue(const QString &queue);
    static QString unserved(const QString &queue, qint64 waiting, int liveWorkers);
    static QString notDraining(const QString &queue, qint64 waiting, int polls, std::optional<double> outPerMin);
    static QString deadLetters(const QString &queue, qint64 letters, const QStringList &from, qint64 grew,
                               qint64 windowMs);
    static QString unreachable(const QString &error);
    static QString stale(double intervals);
};

} // namespace qd
