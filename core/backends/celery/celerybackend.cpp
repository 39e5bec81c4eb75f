// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/backends/celery/celerybackend_p.h"

#include "core/clock.h"

#include <QDateTime>
#include <QHash>
#include <QSet>

#include <algorithm>
#include <tuple>

namespace qd::celery {

using redis::Batch;
using redis::Command;
using redis::Connection;
using redis::Reply;

namespace {

// KEYS: `_kombu.binding.*` sets; ARGV: the time budget (µs) for counting the prefetched messages (HSCAN of
// `unacked` in adaptive chunks; past the budget they are not counted: -1), the fingerprint of `unacked` when its
// messages were last counted or found uncountable (the same now: not read again, -2), then queue names to poll
// anyway.
// Returns {fingerprint of `unacked` now, then per queue, sorted by name:
// {name, waiting (-1: unreadable), error or nil, prefetched (unacked; -1: not counted, -2: unchanged), prefetched
//  with an ETA, head1 tag, head1 eta, head2 tag, head2 eta, …}} — the next message of the plain list and of each
// priority list.
const redis::Script kQueues(QByteArrayLiteral(QD_REDIS_LUA_BUDGET(1) R"lua(
local sep = '\6\22'
local names, seen = {}, {}
local function add(q) if q ~= '' and not seen[q] then seen[q] = true; names[#names + 1] = q end end
for i = 3, #ARGV do add(ARGV[i]) end
for _, k in ipairs(KEYS) do
  local members = redis.pcall('SMEMBERS', k)
  if type(members) == 'table' and members.err == nil then
    for _, m in ipairs(members) do
      local last = m
      local s, e = string.find(last, sep, 1, true)
      while s do last = string.sub(last, e + 1); s, e = string.find(last, sep, 1, true) end
      add(last)
    end
  end
end
table.sort(names)
local unacked, unackedEta = {}, {}
local cursor, counted = '0', true
local fp = ''
local size = redis.pcall('HLEN', 'unacked')
if type(size) == 'number' then
  fp = tostring(size)
  for _, at in ipairs({0, -1}) do
    local e = redis.pcall('ZRANGE', 'unacked_index', at, at, 'WITHSCORES')
    if type(e) == 'table' and e.err == nil then fp = fp .. ' ' .. table.concat(e, ' ') end
  end
end
local same = fp ~= '' and fp == ARGV[2]
while not same do
  local step = redis.pcall('HSCAN', 'unacked', cursor, 'COUNT', chunk)
  if type(step) ~= 'table' or step.err ~= nil then break end
  cursor = step[1]
  local bytes = 0
  for k = 2, #step[2], 2 do
    local v = step[2][k]
    bytes = bytes + #v
    local rk = string.match(v, '"([^"]*)"%s*%]%s*$') or ''
    unacked[rk] = (unacked[rk] or 0) + 1
    if string.find(v, '"eta": "', 1, true) or string.find(v, '"eta":"', 1, true) then
      unackedEta[rk] = (unackedEta[rk] or 0) + 1
    end
  end
  if cursor ~= '0' and chunkDone(#step[2] / 2, bytes) then counted = false end
  if cursor == '0' or not counted then break end
end
-- A string field of a message by plain search (linear and memchr-fast on a 64 KiB body, unlike a pattern that
-- tries every position): kombu writes `"key": "value"`, a compact writer `"key":"value"`.
local function field(m, key)
  for _, sep in ipairs({'": "', '":"'}) do
    local _, e = string.find(m, '"' .. key .. sep, 1, true)
    if e then return string.match(m, '^([^"]*)"', e + 1) end
  end
  return nil
end
local function head(key)
  local m = redis.pcall('LINDEX', key, -1)
  if type(m) ~= 'string' then return nil end
  local tag = field(m, 'delivery_tag') or string.sub(redis.sha1hex(m), 1, 16)
  local eta = field(m, 'eta') or ''
  return tag, eta
end
local out = {}
for _, q in ipairs(names) do
  local total, err = 0, false
  local row = {q, 0, false, same and -2 or counted and (unacked[q] or 0) or -1, counted and (unackedEta[q] or 0) or -1}
  local lists = {q}
  for d = 0, 9 do lists[#lists + 1] = q .. sep .. d end
  for _, key in ipairs(lists) do
    local n = redis.pcall('LLEN', key)
    if type(n) == 'table' then
      err = key .. ': ' .. tostring(n.err); total = -1
    elseif total >= 0 then
      total = total + n
      if n > 0 then
        local tag, eta = head(key)
        if tag then row[#row + 1] = tag; row[#row + 1] = eta end
      end
    end
  end
  row[2] = total
  row[3] = err
  out[#out + 1] = row
end
return {fp, out}
)lua"));

// KEYS: result keys from one SCAN step; returns how many hold a FAILURE.
const redis::Script kFailures(QByteArrayLiteral(R"lua(
local n = 0
for _, k in ipairs(KEYS) do
  local v = redis.pcall('GET', k)
  if type(v) == 'string' and string.find(v, '"status":%s*"FAILURE"') then n = n + 1 end
end
return n
)lua"));


QString text(const QByteArray &b)
{
    return QString::fromUtf8(b);
}

std::optional<double> parseEta(const QByteArray &eta)
{
    if (eta.isEmpty()) {
        return std::nullopt;
    }
    QDateTime t = QDateTime::fromString(QString::fromLatin1(eta), Qt::ISODateWithMs);
    if (!t.isValid()) {
        return std::nullopt;
    }
    if (t.timeSpec() == Qt::LocalTime) {
        t.setTimeSpec(Qt::UTC); // Celery writes naive times in UTC
    }
    return double(t.toMSecsSinceEpoch()) / 1000.0;
}

} // namespace

CeleryBackend::CeleryBackend(const ConnectionUrl &url, Clock *clock, QObject *parent)
    : RedisBackend(url, clock, parent), d(std::make_unique<Private>(url))
{
}

CeleryBackend::~CeleryBackend()
{
    shutdownConnection();
}

Capabilities CeleryBackend::capabilities() const
{
    Capabilities c;
    c.exactCounts = true;
    c.cancel = !d->readOnly; // waiting messages only; nothing can be retried (see celerybackend.h)
    return c;
}

void CeleryBackend::poll(Connection &c, Finish finish)
{
    QList<Command> alongside;
    if (d->results) {
        alongside << d->resultScan.command("celery-task-meta-*");
    }
    d->bindingDiscovery.run(c, alongside, [this, &c, finish](const redis::KeyDiscovery::Outcome &found) {
        Snapshot s;
        if (!found.error.isEmpty()) {
            s.error = found.error;
            finish(s);
            return;
        }
        if (!found.warning.isEmpty()) {
            s.warnings << found.warning;
        }
        QByteArrayList bindings;
        for (const QByteArray &k : found.keys) {
            // kombu's remote-control mailboxes (`<namespace>.pidbox`, `reply.<namespace>.pidbox`) bind one
            // queue per worker host while it runs, and keep it after a crash: not job queues.
            if (!k.endsWith(".pidbox")) {
                bindings << k;
            }
        }
        const bool recount = clock()->nowMs() - d->prefetchedCountedAtMs >= Private::kPrefetchedRefreshMs;
        QList<Command> second{kQueues.evalsha(
            bindings, QByteArrayList{QByteArray::number(d->scanBudgetUs), recount ? QByteArray() : d->prefetchedFingerprint}
                          + d->configured)};
        bool resultCycleDone = false;
        if (d->results) {
            const QByteArrayList keys = d->resultScan.take(found.alongside.value(0));
            resultCycleDone = d->resultScan.passComplete();
            second << kFailures.evalsha(keys);
        }
        c.send(second, [this, finish, resultCycleDone, s](Batch b2) mutable {
            if (redis::finishedWithError(b2, finish)) {
                return;
            }
            const Reply &answer = b2.replies.at(0);
            if (answer.isError() || answer.elements.size() != 2) {
                Snapshot failed;
                failed.error = tr("The Celery queue script failed: %1")
                                   .arg(answer.isError() ? answer.errorText() : tr("unexpected reply"));
                finish(failed);
                return;
            }
            const QByteArray fingerprint = answer.elements.at(0).str;
            const Reply &rows = answer.elements.at(1);
            QHash<QString, std::pair<qint64, qint64>> prefetchedNow;
            bool prefetchedSame = false;
            const double now = double(clock()->nowMs()) / 1000.0;
            QHash<QByteArray, double> seen;
            bool prefetchedUncounted = false;
            for (const Reply &row : rows.elements) {
                if (!row.isArray() || row.elements.size() < 5) {
                    continue;
                }
                QueueStats q;
                q.name = text(row.elements.at(0).str);
                const qint64 waiting = row.elements.at(1).toInteger().value_or(-1);
                if (waiting < 0) {
                    q.countExactness = Exactness::Unknown;
                    s.warnings << tr("Queue %1: %2").arg(q.name, text(row.elements.at(2).str));
                } else {
                    q.waiting = waiting;
                }
                // Prefetched by a worker, not yet acknowledged: being worked on, or held until its ETA.
                qint64 prefetched = row.elements.at(3).toInteger().value_or(-1);
                qint64 withEta = row.elements.at(4).toInteger().value_or(-1);
                if (prefetched == -2) { // `unacked` unchanged since it was last counted
                    prefetchedSame = true;
                    const std::pair<qint64, qint64> none = d->prefetchedComplete ? std::pair<qint64, qint64>{0, 0}
                                                                                 : std::pair<qint64, qint64>{-1, -1};
                    std::tie(prefetched, withEta) = d->prefetched.value(q.name, none);
                }
                prefetchedNow.insert(q.name, {prefetched, withEta});
                if (prefetched >= 0 && withEta >= 0) {
                    q.running = prefetched - withEta;
                    q.scheduled = withEta;
                } else {
                    prefetchedUncounted = true;
                }
                if (waiting == 0) {
                    q.oldestAgeSeconds = 0.0;
                } else if (waiting > 0) {
                    std::optional<double> age;
                    bool observedOnly = true; // no ETA gave a real time: how long Queuedeck watched, a lower bound
                    for (qsizetype i = 5; i + 1 < row.elements.size(); i += 2) {
                        const QByteArray key = row.elements.at(0).str + '\0' + row.elements.at(i).str;
                        const auto seenAt = d->firstSeen.constFind(key);
                        const double since = seenAt == d->firstSeen.cend() ? now : *seenAt;
                        seen.insert(key, since);
                        std::optional<double> candidate;
                        if (seenAt != d->firstSeen.cend()) {
                            candidate = now - since;
                        }
                        bool fromEta = false;
                        if (const auto eta = parseEta(row.elements.at(i + 1).str); eta && *eta < now) {
                            fromEta = !candidate || now - *eta >= *candidate;
                            candidate = std::max(candidate.value_or(0.0), now - *eta);
                        }
                        if (candidate && (!age || *candidate >= *age)) {
                            observedOnly = !fromEta;
                        }
                        if (candidate) {
                            age = std::max(age.value_or(0.0), *candidate);
                        }
                    }
                    q.oldestAgeSeconds = age; // unknown until the same message is seen waiting twice
                    q.oldestAgeIsLowerBound = age.has_value() && observedOnly;
                }
                s.queues.append(q);
            }
            if (prefetchedUncounted) {
                s.warnings << tr("Too many prefetched (unacked) messages to count per queue within scan_budget_ms: "
                                 "running and scheduled counts are unknown.");
            }
            d->firstSeen = seen; // forget messages that have moved on
            if (!prefetchedSame) {
                // Counted, or found too big to count within the budget (-1): either way the same `unacked` is not
                // read again until it changes, or a minute has passed.
                d->prefetched = prefetchedNow;
                d->prefetchedFingerprint = fingerprint;
                d->prefetchedComplete = !prefetchedUncounted;
                d->prefetchedCountedAtMs = clock()->nowMs();
            }
            if (d->results) {
                d->failuresThisCycle += b2.replies.at(1).toInteger().value_or(0);
                if (resultCycleDone) {
                    d->failuresLastCycle = d->failuresThisCycle;
                    d->failuresThisCycle = 0;
                }
                s.totals.failed = d->failuresLastCycle; // known once a full pass over the results finished
            }
            s.workersComplete = false;
            s.workersKnown = false; // Celery shows workers only in its event stream
            finish(s);
        });
    });
}

} // namespace qd::celery
