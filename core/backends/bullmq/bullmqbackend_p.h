// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/backends/bullmq/bullmqbackend.h"

#include "core/backends/redis/keydiscovery.h"

#include <QSet>

namespace qd::bullmq {

struct BullMqBackend::Private
{
    explicit Private(const ConnectionUrl &url)
        : prefix(url.option(QStringLiteral("prefix"), QStringLiteral("bull")).toUtf8()),
          db(url.path.isEmpty() ? 0 : url.path.toInt()),
          discovery(redis::globEscape(prefix) + ":*:meta", "hash", redis::scanBudgetUs(url),
                    redis::discoveryBudgetUs(url))
    {
        for (const QString &q : url.option(QStringLiteral("queues")).split(u',', Qt::SkipEmptyParts)) {
            configured.insert(q.trimmed().toUtf8());
        }
        readOnly = url.flag(QStringLiteral("readonly"));
        bool ok = false;
        scanBudgetUs = redis::scanBudgetUs(url);
        const qint64 scan = url.option(QStringLiteral("scan_limit")).toLongLong(&ok);
        if (ok && scan > 0) {
            scanLimit = scan;
        }
    }
    /// `<prefix>:<queue>:`, the start of every key of a queue.
    QByteArray base(const QString &queue) const { return prefix + ':' + queue.toUtf8() + ':'; }

    const QByteArray prefix;
    const int db;
    QSet<QByteArray> configured;
    bool readOnly = false;
    qint64 scanLimit = 20'000; ///< most jobs one listing page looks at (searching reads each job's hash)
    qint64 scanBudgetUs = 2'000; ///< most time one page's Lua call scans for (scan_budget_ms; 0: no bound)
    // Connection thread only:
    redis::KeyDiscovery discovery; ///< `<prefix>:*:meta` hashes, one per queue
};

} // namespace qd::bullmq
