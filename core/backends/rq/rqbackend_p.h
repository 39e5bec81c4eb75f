// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/backends/rq/rqbackend.h"

#include "core/backends/redis/keydiscovery.h"

#include <QSet>

namespace qd::rq {

struct RqBackend::Private
{
    explicit Private(const ConnectionUrl &url)
        : discovery("rq:queue:*", "list", redis::scanBudgetUs(url), redis::discoveryBudgetUs(url),
                    redis::KeyDiscovery::LaterRuns::Occasional)
    {
        bool ok = false;
        const double hb = url.option(QStringLiteral("heartbeat_timeout")).toDouble(&ok);
        if (ok && hb > 0) {
            heartbeatTimeout = hb;
        }
        scanBudgetUs = redis::scanBudgetUs(url);
        const qint64 scan = url.option(QStringLiteral("scan_limit")).toLongLong(&ok);
        if (ok && scan > 0) {
            scanLimit = scan;
        }
        readOnly = url.flag(QStringLiteral("readonly"));
    }
    double heartbeatTimeout = 480;
    bool readOnly = false;
    qint64 scanLimit = 20'000; ///< most queue or registry entries one page or action looks at
    qint64 scanBudgetUs = 2'000; ///< most time one page's Lua call scans for (scan_budget_ms; 0: no bound)
    // Connection thread only:
    redis::KeyDiscovery discovery; // every queue list, also those missing from `rq:queues`
};

} // namespace qd::rq
