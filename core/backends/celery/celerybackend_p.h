// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/backends/celery/celerybackend.h"

#include "core/backends/redis/keydiscovery.h"

#include <QHash>
#include <QSet>

#include <optional>

namespace qd::celery {

struct CeleryBackend::Private
{
    explicit Private(const ConnectionUrl &url)
        : bindingDiscovery("_kombu.binding.*", "set", redis::scanBudgetUs(url), redis::discoveryBudgetUs(url))
    {
        for (const QString &q :
             url.option(QStringLiteral("queues"), QStringLiteral("celery")).split(u',', Qt::SkipEmptyParts)) {
            configured << q.trimmed().toUtf8();
        }
        results = url.flag(QStringLiteral("results"));
        readOnly = url.flag(QStringLiteral("readonly"));
        bool ok = false;
        const qint64 scan = url.option(QStringLiteral("scan_limit")).toLongLong(&ok);
        if (ok && scan > 0) {
            scanLimit = scan;
        }
        scanBudgetUs = redis::scanBudgetUs(url);
    }
    QByteArrayList configured;
    bool results = false;
    bool readOnly = false;
    qint64 scanLimit = 20'000; ///< most messages one job page or action looks at
    qint64 scanBudgetUs = 2'000; ///< most time one page's Lua call scans for (scan_budget_ms; 0: no bound)
    // Connection thread only:
    redis::KeyDiscovery bindingDiscovery; ///< kombu's `_kombu.binding.<queue>` sets
    redis::ScanCursor resultScan;
    qint64 failuresThisCycle = 0;
    std::optional<qint64> failuresLastCycle;
    QHash<QByteArray, double> firstSeen; ///< "queue\0tag" → when that message was first seen next in line
    /// The prefetched (unacked) messages per queue as last counted: {all, with an ETA}, {-1, -1} when the hash was
    /// too big to count within the budget, with the fingerprint of `unacked` then (its size, the oldest and newest
    /// delivery in `unacked_index`). A poll that finds the same fingerprint does not read the hash again (but it is
    /// read again at least once a minute).
    QHash<QString, std::pair<qint64, qint64>> prefetched;
    QByteArray prefetchedFingerprint;
    bool prefetchedComplete = true;
    qint64 prefetchedCountedAtMs = 0;
    static constexpr qint64 kPrefetchedRefreshMs = 60'000;
};

} // namespace qd::celery
