// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/snapshot.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QString>

#include <optional>

namespace qd {

/// Formatting of numbers that may be unknown, approximate or stale, shared by every view so the whole
/// app says "—" for unknown (never 0), "≈" for approximate and "updated 12 s ago" / "stale since 12:03".
class Freshness final
{
    Q_DECLARE_TR_FUNCTIONS(qd::Freshness)
public:
    static QString count(std::optional<qint64> value, Exactness exactness = Exactness::Exact);
    static QString rate(std::optional<double> perMinute, Exactness exactness);
    /// The number alone ("≈3.2", "—"), for compact places that say "/min" once.
    static QString rateNumber(std::optional<double> perMinute, Exactness exactness);
    /// Durations: "0 s", "45 s", "12 m 03 s", "2 h 03 m", "3 d 4 h"; unknown: "—".
    static QString duration(std::optional<double> seconds);
    /// A queue's oldest age: duration(), with "≥ " when it is only a lower bound (observed, not measured).
    static QString oldestAge(const QueueStats &queue);
    /// "updated 4 s ago", or "stale since 12:03:10" when older than staleAfterMs, or "never updated".
    static QString age(const QDateTime &takenAt, const QDateTime &now, qint64 staleAfterMs);
    static bool isStale(const QDateTime &takenAt, const QDateTime &now, qint64 staleAfterMs);
    static QString unknown() { return QStringLiteral("—"); }
};

} // namespace qd
