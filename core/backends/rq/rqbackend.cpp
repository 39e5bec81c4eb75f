// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/backends/rq/rqbackend_p.h"

#include "core/clock.h"

#include <QDateTime>
#include <QSet>

#include <algorithm>

namespace qd::rq {

using redis::Batch;
using redis::Command;
using redis::Connection;
using redis::Reply;

namespace {

// Per queue name (ARGV, after the key prefix "rq:" in ARGV[1]): {length, oldest enqueued_at or nil, started,
// failed, scheduled, deferred, errors or nil, finished}; -1 for a count that could not be read.
const redis::Script kQueues(QByteArrayLiteral(R"lua(
local p = ARGV[1]
local out = {}
local function count(cmd, key, errs)
  local n = redis.pcall(cmd, key)
  if type(n) == 'table' then errs[#errs + 1] = key .. ': ' .. tostring(n.err); return -1 end
  return n
end
for i = 2, #ARGV do
  local q = ARGV[i]
  local errs = {}
  local row = {count('LLEN', p .. 'queue:' .. q, errs), false}
  if row[1] > 0 then
    local id = redis.pcall('LINDEX', p .. 'queue:' .. q, 0)
    if type(id) == 'string' then
      local at = redis.pcall('HGET', p .. 'job:' .. id, 'enqueued_at')
      if type(at) == 'string' then row[2] = at end
    end
  end
  row[3] = count('ZCARD', p .. 'wip:' .. q, errs)
  row[4] = count('ZCARD', p .. 'failed:' .. q, errs)
  row[5] = count('ZCARD', p .. 'scheduled:' .. q, errs)
  row[6] = count('ZCARD', p .. 'deferred:' .. q, errs)
  row[8] = count('ZCARD', p .. 'finished:' .. q, errs)
  if #errs > 0 then row[7] = table.concat(errs, '; ') else row[7] = false end
  out[#out + 1] = row
end
return out
)lua"));


QString text(const QByteArray &b)
{
    return QString::fromUtf8(b);
}

} // namespace

std::optional<double> parseRqTime(const QByteArray &raw)
{
    QByteArray t = raw.trimmed();
    if (t.isEmpty()) {
        return std::nullopt;
    }
    // Qt reads milliseconds; RQ writes microseconds. Keep the whole seconds exact and add the fraction.
    double fraction = 0;
    const qsizetype dot = t.indexOf('.');
    if (dot > 0) {
        qsizetype end = dot + 1;
        while (end < t.size() && std::isdigit(static_cast<unsigned char>(t.at(end)))) {
            ++end;
        }
        fraction = QByteArray("0" + t.mid(dot, end - dot)).toDouble();
        t.remove(dot, end - dot);
    }
    if (!t.endsWith('Z') && !t.contains('+')) {
        t += 'Z';
    }
    const QDateTime at = QDateTime::fromString(QString::fromLatin1(t), Qt::ISODate);
    if (!at.isValid()) {
        return std::nullopt;
    }
    return double(at.toSecsSinceEpoch()) + fraction;
}

RqBackend::RqBackend(const ConnectionUrl &url, Clock *clock, QObject *parent)
    : RedisBackend(url, clock, parent), d(std::make_unique<Private>(url))
{
}

RqBackend::~RqBackend()
{
    shutdownConnection();
}

Capabilities RqBackend::capabilities() const
{
    Capabilities c;
    c.workers = true;
    c.exactCounts = true;
    c.retry = c.cancel = !d->readOnly;
    c.stopWorkers = !d->readOnly;
    return c;
}

void RqBackend::poll(Connection &c, Finish finish)
{
    const QByteArray queuePrefix = QByteArrayLiteral("rq:queue:");
    QList<Command> first{
        {"SMEMBERS", "rq:queues"},
        {"SMEMBERS", "rq:workers"},
    };
    // Queue lists missing from `rq:queues` are found by a full pass on the first poll (the first call's batch
    // carries the commands above), then one budgeted call about once a minute.
    d->discovery.run(c, first, [this, &c, finish, queuePrefix, first](const redis::KeyDiscovery::Outcome &found) {
        Snapshot s;
        s.error = found.pollError(first, 2, tr("RQ keys are not what RQ writes: %1"));
        if (!s.error.isEmpty()) {
            finish(s);
            return;
        }
        if (!found.warning.isEmpty()) {
            s.warnings << found.warning;
        }
        QSet<QByteArray> registered;
        for (const QByteArray &k : found.alongside.at(0).toByteArrayList()) {
            if (k.startsWith(queuePrefix) && k.size() > queuePrefix.size()) {
                registered.insert(k.mid(queuePrefix.size()));
            }
        }
        QSet<QByteArray> all = registered;
        all.unite(found.namesAfter(queuePrefix));
        QList<QByteArray> names(all.begin(), all.end());
        std::sort(names.begin(), names.end());
        const QByteArrayList workerKeys = found.alongside.at(1).toByteArrayList();

        QList<Command> second;
        second << redis::callsInChunks(kQueues, names, {"rq:"}, true);
        const qsizetype queueCalls = second.size();
        for (const QByteArray &w : workerKeys) {
            second << Command{"HMGET", w, "queues", "state", "last_heartbeat", "current_job", "birth"};
        }
        c.send(second, [this, finish, names, registered, workerKeys, queueCalls, s](Batch b2) mutable {
            if (redis::finishedWithError(b2, finish)) {
                return;
            }
            const double now = double(clock()->nowMs()) / 1000.0;
            const Reply rows = redis::joinArrays(b2.replies.mid(0, queueCalls));
            if (rows.isError()) {
                Snapshot failed;
                failed.error = tr("The RQ queue script failed: %1").arg(rows.errorText());
                finish(failed);
                return;
            }
            for (qsizetype i = 0; i < names.size() && i < rows.elements.size(); ++i) {
                const Reply &row = rows.elements.at(i);
                QueueStats q;
                q.name = text(names.at(i));
                auto count = [&row](int j) -> std::optional<qint64> {
                    const qint64 v = row.elements.value(j).toInteger().value_or(-1);
                    return v >= 0 ? std::optional<qint64>(v) : std::nullopt;
                };
                q.waiting = count(0);
                q.running = count(2);
                q.failed = count(3);
                if (count(4) && count(5)) {
                    q.scheduled = *count(4) + *count(5); // scheduled for later + deferred behind a dependency
                }
                if (!q.waiting) {
                    // Not a list (WRONGTYPE): its length cannot be told. A key discovery found as a list that is
                    // no longer one is not a queue any more.
                    if (!registered.contains(names.at(i))) {
                        continue;
                    }
                    q.countExactness = Exactness::Unknown;
                } else {
                    if (*q.waiting == 0) {
                        q.oldestAgeSeconds = 0.0;
                        if (!registered.contains(names.at(i))) {
                            continue; // the list is gone since discovery saw it, and it was never registered
                        }
                    } else if (const auto at = parseRqTime(row.elements.value(1).str)) {
                        q.oldestAgeSeconds = std::max(0.0, now - *at);
                    } else {
                        s.warnings << tr("The oldest job in queue %1 has no enqueued_at time: its age is unknown.").arg(q.name);
                    }
                }
                q.completed = count(7);
                if (row.elements.value(6).isString()) {
                    s.warnings << tr("Queue %1: %2").arg(q.name, text(row.elements.value(6).str));
                }
                s.queues.append(q);
            }
            for (qsizetype i = 0; i < workerKeys.size(); ++i) {
                const Reply &h = b2.replies.at(queueCalls + i);
                WorkerInfo w;
                w.id = text(workerKeys.at(i)).mid(QStringLiteral("rq:worker:").size());
                const bool alive = h.isArray() && h.elements.size() == 5
                                   && std::any_of(h.elements.cbegin(), h.elements.cend(), [](const Reply &r) { return !r.isNil(); });
                if (!alive) {
                    // Its hash expired (RQ keeps it worker_ttl + 60 s after the last heartbeat): gone without
                    // saying goodbye. RQ's own Worker.all() would silently drop it.
                    w.state = WorkerState::Lost;
                    s.workers.append(w);
                    continue;
                }
                w.queues = text(h.elements.at(0).str).split(u',', Qt::SkipEmptyParts);
                w.currentJob = text(h.elements.at(3).str);
                const auto beat = parseRqTime(h.elements.at(2).str);
                if (beat) {
                    w.lastSeenAgeSeconds = std::max(0.0, now - *beat);
                }
                if (!beat || *w.lastSeenAgeSeconds > d->heartbeatTimeout) {
                    w.state = WorkerState::Lost;
                } else {
                    w.state = h.elements.at(1).str == "busy" ? WorkerState::Busy : WorkerState::Idle;
                }
                s.workers.append(w);
            }
            s.workersComplete = true;
            finish(s);
        });
    });
}

} // namespace qd::rq
