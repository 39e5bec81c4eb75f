// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/backends/sidekiq/sidekiqbackend.h"
#include "core/backends/sidekiq/sidekiqsets.h"

#include "core/backends/redis/keydiscovery.h"

#include <QSet>

namespace qd::sidekiq {

// Lua shared by the Sidekiq scripts: queueOf(member) is the queue of a job as Sidekiq writes it ("queue" before
// any nested value, read with a pattern), else decoded.
#define QD_SIDEKIQ_LUA_QUEUE_OF                                                                                      \
    "local function queueOf(m)\n"                                                                                    \
    "  local q = string.match(m, '^{[^{%[]-\"queue\":\"([^\"\\\\]*)\"')\n"                                          \
    "  if q == nil then\n"                                                                                          \
    "    local ok, j = pcall(cjson.decode, m)\n"                                                                     \
    "    if ok and type(j) == 'table' and type(j['queue']) == 'string' then q = j['queue'] else q = '' end\n"       \
    "  end\n"                                                                                                       \
    "  return q\n"                                                                                                  \
    "end\n"

struct SidekiqBackend::Private
{
    explicit Private(const ConnectionUrl &url)
        : prefix(namespacePrefix(url)),
          discovery(redis::globEscape(key("queue:")) + '*', "list", redis::scanBudgetUs(url), redis::discoveryBudgetUs(url),
                    redis::KeyDiscovery::LaterRuns::Occasional)
    {
        bool ok = false;
        const double hb = url.option(QStringLiteral("heartbeat_timeout")).toDouble(&ok);
        if (ok && hb > 0) {
            heartbeatTimeout = hb;
        }
        const qint64 limit = url.option(QStringLiteral("breakdown_limit")).toLongLong(&ok);
        if (ok && limit >= 0) {
            breakdownLimit = limit;
        }
        const qint64 scan = url.option(QStringLiteral("scan_limit")).toLongLong(&ok);
        if (ok && scan > 0) {
            scanLimit = scan;
        }
        scanBudgetUs = redis::scanBudgetUs(url);
        const qint64 sample = url.option(QStringLiteral("sample_limit")).toLongLong(&ok);
        if (ok && sample >= 100) {
            sampleLimit = sample;
        }
        readOnly = url.flag(QStringLiteral("readonly"));
        sets.configure({key("retry"), key("schedule"), key("dead")}, breakdownLimit, scanBudgetUs);
    }
    static QByteArray namespacePrefix(const ConnectionUrl &url)
    {
        const QString ns = url.option(QStringLiteral("namespace"));
        return ns.isEmpty() ? QByteArray() : ns.toUtf8() + ':';
    }
    QByteArray key(const QByteArray &k) const { return prefix + k; }

    const QByteArray prefix;
    bool readOnly = false;
    qint64 scanLimit = 20'000;
    qint64 scanBudgetUs = 2'000; ///< most time one page's Lua call may scan for (scan_budget_ms; 0: no bound)
    qint64 sampleLimit = 10'000;
    double heartbeatTimeout = 30;
    qint64 breakdownLimit = 50'000;
    qint64 decodeLimit = 1024 * 1024;
    // Connection thread only:
    redis::KeyDiscovery discovery; // every queue list, also those missing from the `queues` set
    SetWalk sets;                // the retry/schedule/dead breakdown, carried from poll to poll
};

} // namespace qd::sidekiq
