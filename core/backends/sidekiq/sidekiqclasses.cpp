// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Sidekiq: waiting jobs of a queue by class, read on the server in budgeted calls.
#include "core/backends/sidekiq/sidekiqbackend_p.h"

#include <algorithm>
#include <memory>

namespace qd::sidekiq {

using redis::Batch;
using redis::Command;
using redis::Connection;
using redis::Reply;

namespace {

// Waiting jobs of one queue by class, in windows of 100 jobs: every job when the list holds at most ARGV[1], else
// that many in evenly spaced windows. KEYS[1]: the queue list; ARGV: most jobs to read, time budget (µs, 0: none),
// the position to start at (window * 100 + offset in it). Each window is read in adaptive chunks, so a call stays
// within the budget for 64 KiB jobs too. Returns {length, examined, next position or -1 when done, class1,
// count1, …}; the class is ActiveJob's "wrapped" if present, else "class" (the last one in the JSON: Sidekiq
// writes them after the arguments, so a "class" inside the args does not count). The caller continues from the
// next position in another call.
const redis::Script kClasses(QByteArrayLiteral(QD_REDIS_LUA_LAST_NUMBER QD_REDIS_LUA_BUDGET(2) R"lua(
local n = redis.call('LLEN', KEYS[1])
local limit, pos = tonumber(ARGV[1]), tonumber(ARGV[3])
local counts, order, examined = {}, {}, 0
local windows = n <= limit and math.ceil(n / 100) or math.floor(limit / 100)
local function windowStart(k)
  if n <= limit then return k * 100 end
  return math.floor(k * (n - 100) / math.max(windows - 1, 1))
end
while math.floor(pos / 100) < windows do
  local w, off = math.floor(pos / 100), pos % 100
  local first = windowStart(w) + off
  local want = math.min(chunk, 100 - off)
  local items = redis.call('LRANGE', KEYS[1], first, first + want - 1)
  local bytes = 0
  for _, m in ipairs(items) do
    local c = lastString(m, 'wrapped') or lastString(m, 'class') or '?'
    if counts[c] == nil then counts[c] = 0; order[#order + 1] = c end
    counts[c] = counts[c] + 1
    examined = examined + 1
    bytes = bytes + #m
  end
  if #items < want then pos = (w + 1) * 100 else pos = pos + want end
  if chunkDone(#items, bytes) then break end
end
local out = {n, examined, math.floor(pos / 100) < windows and pos or -1}
for _, c in ipairs(order) do out[#out + 1] = c; out[#out + 1] = counts[c] end
return out
)lua"));

// Reads kClasses from `position` on, call after call, adding to `out`, until the last window.
void readClasses(Connection &c, QByteArray key, qint64 limit, qint64 budgetUs, qint64 position,
                 std::shared_ptr<ClassBreakdown> out, std::function<void(ClassBreakdown)> reply)
{
    const Command call = kClasses.evalsha(
        {key}, {QByteArray::number(limit), QByteArray::number(budgetUs), QByteArray::number(position)});
    c.send({call}, [&c, key, limit, budgetUs, out, reply](Batch b) {
        const Reply *r = b.ok() ? &b.replies.at(0) : nullptr;
        if (!r) {
            out->error = b.error;
        } else if (r->isError() || !r->isArray() || r->elements.size() < 3) {
            out->error = SidekiqBackend::tr("The queue could not be read: %1").arg(r->errorText());
        } else {
            out->total = r->elements.at(0).toInteger();
            out->examined += r->elements.at(1).toInteger().value_or(0);
            for (qsizetype i = 3; i + 1 < r->elements.size(); i += 2) {
                const QString name = QString::fromUtf8(r->elements.at(i).str);
                const qint64 count = r->elements.at(i + 1).toInteger().value_or(0);
                auto it = std::find_if(out->classes.begin(), out->classes.end(),
                                       [&name](const ClassBreakdown::Entry &e) { return e.className == name; });
                if (it == out->classes.end()) {
                    out->classes.append({name, count});
                } else {
                    it->count += count;
                }
            }
            const qint64 next = r->elements.at(2).toInteger().value_or(-1);
            if (next >= 0) {
                readClasses(c, key, limit, budgetUs, next, out, reply);
                return;
            }
        }
        std::stable_sort(
            out->classes.begin(), out->classes.end(),
            [](const ClassBreakdown::Entry &a, const ClassBreakdown::Entry &x) { return a.count > x.count; });
        reply(*out);
    });
}

} // namespace

QFuture<ClassBreakdown> SidekiqBackend::classBreakdown(const QString &queue)
{
    ClassBreakdown unavailable;
    unavailable.error = configError();
    const QByteArray key = d->key("queue:" + queue.toUtf8());
    const qint64 limit = d->sampleLimit;
    const qint64 budgetUs = d->scanBudgetUs;
    return onConnection<ClassBreakdown>(
        [key, limit, budgetUs](Connection &c, std::function<void(ClassBreakdown)> reply) {
            readClasses(c, key, limit, budgetUs, 0, std::make_shared<ClassBreakdown>(), std::move(reply));
        },
        unavailable);
}

} // namespace qd::sidekiq
