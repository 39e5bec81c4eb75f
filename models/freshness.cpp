// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "models/freshness.h"

#include <QLocale>

#include <cmath>

namespace qd {

QString Freshness::count(std::optional<qint64> value, Exactness exactness)
{
    if (!value || exactness == Exactness::Unknown) {
        return unknown();
    }
    const QString n = QLocale().toString(*value);
    return exactness == Exactness::Approximate ? u"≈" + n : n;
}

QString Freshness::rate(std::optional<double> perMinute, Exactness exactness)
{
    if (!perMinute || exactness == Exactness::Unknown) {
        return unknown();
    }
    const double v = *perMinute;
    const QString n = QLocale().toString(v, 'f', v < 10 ? 1 : 0);
    //: jobs per minute
    const QString s = tr("%1/min").arg(n);
    return exactness == Exactness::Approximate ? u"≈" + s : s;
}

QString Freshness::rateNumber(std::optional<double> perMinute, Exactness exactness)
{
    if (!perMinute || exactness == Exactness::Unknown) {
        return unknown();
    }
    const QString n = QLocale().toString(*perMinute, 'f', *perMinute < 10 ? 1 : 0);
    return exactness == Exactness::Approximate ? u"≈" + n : n;
}

QString Freshness::oldestAge(const QueueStats &queue)
{
    const QString d = duration(queue.oldestAgeSeconds);
    //: a lower bound: the job has waited at least this long (Queuedeck watched it that long)
    return queue.oldestAgeIsLowerBound && queue.oldestAgeSeconds ? tr("≥ %1").arg(d) : d;
}

QString Freshness::duration(std::optional<double> seconds)
{
    if (!seconds || !std::isfinite(*seconds)) {
        return unknown();
    }
    const qint64 s = std::max<qint64>(0, std::llround(*seconds));
    if (s < 60) {
        //: duration in seconds
        return tr("%1 s").arg(s);
    }
    if (s < 3600) {
        //: duration in minutes and seconds
        return tr("%1 m %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    }
    if (s < 86400) {
        //: duration in hours and minutes
        return tr("%1 h %2 m").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    }
    //: duration in days and hours
    return tr("%1 d %2 h").arg(s / 86400).arg((s % 86400) / 3600);
}

bool Freshness::isStale(const QDateTime &takenAt, const QDateTime &now, qint64 staleAfterMs)
{
    return !takenAt.isValid() || takenAt.msecsTo(now) > staleAfterMs;
}

QString Freshness::age(const QDateTime &takenAt, const QDateTime &now, qint64 staleAfterMs)
{
    if (!takenAt.isValid()) {
        return tr("never updated");
    }
    if (isStale(takenAt, now, staleAfterMs)) {
        return tr("stale since %1").arg(QLocale().toString(takenAt.toLocalTime().time(), QLocale::LongFormat)
                                            .section(u' ', 0, 0));
    }
    const qint64 s = std::max<qint64>(0, takenAt.secsTo(now));
    return tr("updated %1 ago").arg(duration(double(s)));
}

} // namespace qd
