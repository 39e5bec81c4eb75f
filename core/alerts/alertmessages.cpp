// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/alerts/alertmessages.h"

#include "core/textsafety.h"

#include <cmath>

namespace qd {

namespace {
QString name(const QString &queue)
{
    return escapeForDisplay(queue, 80);
}

QString levels(const AlertRule &r, bool asDuration)
{
    auto fmt = [&](double v) { return asDuration ? AlertMessages::duration(v) : QString::number(v); };
    QStringList parts;
    if (r.warn) {
        parts << AlertMessages::tr("warn %1").arg(fmt(*r.warn));
    }
    if (r.crit) {
        parts << AlertMessages::tr("crit %1").arg(fmt(*r.crit));
    }
    return parts.isEmpty() ? QString() : QStringLiteral(" (") + parts.join(QStringLiteral(", ")) + u')';
}
} // namespace

QString AlertMessages::duration(double seconds)
{
    const qint64 s = std::max<qint64>(0, std::llround(seconds));
    if (s < 60) {
        return tr("%1 s").arg(s);
    }
    if (s < 3600) {
        return s % 60 ? tr("%1 m %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0')) : tr("%1 min").arg(s / 60);
    }
    return tr("%1 h %2 m").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

QString AlertMessages::oldestAge(const QString &queue, std::optional<double> seconds, const AlertRule &rule,
                                 bool lowerBound)
{
    if (!seconds) {
        return tr("%1: age of the oldest job is unknown").arg(name(queue));
    }
    if (lowerBound) {
        return tr("%1: oldest job waited at least %2 (as long as Queuedeck has watched it)%3")
            .arg(name(queue), duration(*seconds), levels(rule, true));
    }
    return tr("%1: oldest job waited %2%3").arg(name(queue), duration(*seconds), levels(rule, true));
}

QString AlertMessages::depth(const QString &queue, std::optional<qint64> waiting, const AlertRule &rule)
{
    if (!waiting) {
        return tr("%1: depth is unknown").arg(name(queue));
    }
    return tr("%1: %2 jobs waiting%3").arg(name(queue)).arg(*waiting).arg(levels(rule, false));
}

QString AlertMessages::depthGrowing(const QString &queue, qint64 from, qint64 to, qint64 windowMs,
                                    std::optional<double> inPerMin, std::optional<double> outPerMin)
{
    QString s = tr("%1: depth grew from %2 to %3 in %4").arg(name(queue)).arg(from).arg(to).arg(duration(double(windowMs) / 1000));
    if (inPerMin && outPerMin) {
        s += tr("; arriving %1/min, done %2/min").arg(*inPerMin, 0, 'f', 1).arg(*outPerMin, 0, 'f', 1);
        if (*outPerMin > *inPerMin) {
            s += tr("; drains in about %1").arg(duration(double(to) / (*outPerMin - *inPerMin) * 60));
        } else {
            s += tr("; not draining at this rate");
        }
    }
    return s;
}

QString AlertMessages::noWorkers(qint64 waiting, int lost, bool idleInvisible)
{
    QString s = tr("%1 jobs wait and no worker is taking them").arg(waiting);
    if (lost > 0) {
        s += tr(" (%1 worker(s) lost)").arg(lost);
    }
    if (idleInvisible) {
        s += tr("; this backend shows only workers holding a job");
    }
    return s;
}

QString AlertMessages::unserved(const QString &queue, qint64 waiting, int liveWorkers)
{
    QString s = tr("%1: %2 waiting, 0 consumers").arg(name(queue)).arg(waiting);
    if (liveWorkers > 0) {
        s += tr(" (the %1 live worker(s) serve other queues)").arg(liveWorkers);
    }
    return s;
}

QString AlertMessages::notDraining(const QString &queue, qint64 waiting, int polls, std::optional<double> outPerMin)
{
    return tr("%1: %2 jobs wait and the backlog has not drained for %3 polls (%4)")
        .arg(name(queue))
        .arg(waiting)
        .arg(polls)
        .arg(outPerMin ? tr("nothing completed") : tr("completions unknown"));
}

QString AlertMessages::deadLetters(const QString &queue, qint64 letters, const QStringList &from, qint64 grew,
                                   qint64 windowMs)
{
    QStringList sources;
    for (const QString &f : from) {
        sources << name(f);
    }
    QString s = tr("%1: %2 dead letters, rejected from %3").arg(name(queue)).arg(letters).arg(sources.join(QStringLiteral(", ")));
    if (grew > 0) {
        s += tr("; %1 new in the last %2").arg(grew).arg(duration(double(windowMs) / 1000));
    }
    return s;
}

QString AlertMessages::workersLost(int lost, const QStringList &names)
{
    QString s = tr("%1 worker(s) lost: their heartbeat or lock expired").arg(lost);
    if (!names.isEmpty()) {
        QStringList shown;
        for (const QString &n : names.mid(0, 3)) {
            shown << name(n);
        }
        s += QStringLiteral(" (") + shown.join(QStringLiteral(", "))
             + (names.size() > 3 ? tr(" and %1 more").arg(names.size() - 3) : QString()) + u')';
    }
    return s;
}

QString AlertMessages::stuckWork(const QString &queue, qint64 jobs, const QStringList &holders, qint64 idleMs)
{
    if (idleMs > 0) {
        return tr("%1: %2 taken jobs and nothing completed for %3: a consumer may hold them without working")
            .arg(name(queue))
            .arg(jobs)
            .arg(duration(double(idleMs) / 1000));
    }
    QStringList shown;
    for (const QString &h : holders.mid(0, 3)) {
        shown << name(h);
    }
    return shown.isEmpty() ? tr("%1: %2 jobs held by a lost worker").arg(name(queue)).arg(jobs)
                           : tr("%1: %2 jobs held by lost worker %3").arg(name(queue)).arg(jobs).arg(shown.join(QStringLiteral(", ")));
}

QString AlertMessages::poison(const QString &queue, qint64 attempts)
{
    return tr("%1: a job has failed %2 times and is still being retried").arg(name(queue)).arg(attempts);
}

QString AlertMessages::failureRate(const QString &queue, double perMinute)
{
    return tr("%1: %2 failures per minute").arg(name(queue)).arg(perMinute, 0, 'f', 1);
}

QString AlertMessages::newQueue(const QString &queue)
{
    return tr("new queue %1 discovered: is anything monitoring and working it?").arg(name(queue));
}

QString AlertMessages::unreachable(const QString &error)
{
    return tr("backend unreachable: %1").arg(error);
}

QString AlertMessages::stale(double intervals)
{
    return tr("no successful poll for %1 intervals").arg(intervals, 0, 'f', 0);
}

} // namespace qd
