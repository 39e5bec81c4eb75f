// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/backends/sidekiq/sidekiqsets.h"

#include "core/backends/sidekiq/sidekiqbackend_p.h"

#include <QDateTime>

namespace qd::sidekiq {

using redis::Command;
using redis::Reply;

namespace {

// One bounded step of a set's per-queue breakdown. KEYS[1]: the sorted set. ARGV: time budget (µs, 0: none), most
// members a set may have to be broken down, the score to continue from (inclusive; '-inf' to start), how many
// members at that score were already counted, read retry_count (1|0), and the fingerprint of the last complete
// breakdown ('' for none). Members are read by score, so members taken out below the position between two calls
// (Sidekiq's poller takes the due ones) shift nothing. Every pattern is anchored or a plain search: the cost is
// linear in the bytes read, whatever the members hold.
// Returns {-1, error}, {card} when over the limit, {card, fingerprint, 'same'} when unchanged, or
// {card, fingerprint (at the start only), next score or nil when done, members counted at that score,
//  queue1, count1, max retry_count1 (-1: none), …}.
const redis::Script
    kBreakdown(QByteArrayLiteral(QD_SIDEKIQ_LUA_QUEUE_OF QD_REDIS_LUA_LAST_NUMBER QD_REDIS_LUA_BUDGET(1) R"lua(
local key, limit, from, skip = KEYS[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local wantRetry, lastFp = ARGV[5] == '1', ARGV[6]
local n = redis.pcall('ZCARD', key)
if type(n) == 'table' then return {-1, n.err or 'error'} end
if n > limit then return {n} end
local fp = ''
if from == '-inf' and skip == 0 then
  fp = tostring(n)
  if n > 0 then
    local lo = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    local hi = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
    -- Cheap on 64 KiB members too: each end member's size, score, first and last 48 bytes (queue, class, jid at
    -- the head; retry_count, failed_at at the tail).
    local function ends(m) return #m .. ':' .. string.sub(m, 1, 48) .. string.sub(m, -48) end
    fp = fp .. ' ' .. lo[2] .. ' ' .. ends(lo[1]) .. ' ' .. hi[2] .. ' ' .. ends(hi[1])
  end
  if fp == lastFp then return {n, fp, 'same'} end
end
local counts, retries, order = {}, {}, {}
local finished = false
while true do
  local want = chunk
  local raw = redis.call('ZRANGEBYSCORE', key, from, '+inf', 'WITHSCORES', 'LIMIT', skip, want)
  local got, bytes = #raw / 2, 0
  for k = 1, #raw, 2 do
    local m, score = raw[k], raw[k + 1]
    bytes = bytes + #m
    local q = queueOf(m)
    if counts[q] == nil then counts[q] = 0; retries[q] = -1; order[#order + 1] = q end
    counts[q] = counts[q] + 1
    if wantRetry then
      local _, _, rc = lastNumber(m, 'retry_count')
      rc = tonumber(rc)
      if rc ~= nil and rc > retries[q] then retries[q] = rc end
    end
    if score == from then skip = skip + 1 else from = score; skip = 1 end
  end
  if got < want then finished = true; break end
  if chunkDone(got, bytes) then break end
end
local row = {n, fp, false, skip}
if not finished then row[3] = from end
for _, q in ipairs(order) do
  row[#row + 1] = q; row[#row + 1] = counts[q]; row[#row + 1] = retries[q]
end
return row
)lua"));

const char *const kSetNames[SetWalk::kSets] = {"retry", "schedule", "dead"};

void merge(QHash<QString, qint64> &counts, QHash<QString, qint64> &maxRetry, const Reply &row, qsizetype from)
{
    for (qsizetype i = from; i + 2 < row.elements.size(); i += 3) {
        const QString q = QString::fromUtf8(row.elements.at(i).str);
        counts[q] += row.elements.at(i + 1).toInteger().value_or(0);
        const qint64 rc = row.elements.at(i + 2).toInteger().value_or(-1);
        maxRetry[q] = std::max(maxRetry.value(q, -1), rc);
    }
}

} // namespace

void SetWalk::configure(const QByteArrayList &keys, qint64 limit, qint64 budgetUs)
{
    for (int k = 0; k < kSets && k < keys.size(); ++k) {
        m_sets[k].key = keys.at(k);
    }
    m_limit = limit;
    m_budgetUs = budgetUs;
}

Command SetWalk::command(const Set &set, int index, const QByteArray &lastFingerprint) const
{
    return kBreakdown.evalsha({set.key}, {QByteArray::number(m_budgetUs), QByteArray::number(m_limit), set.walk.from,
                                          QByteArray::number(set.walk.skip), index == 1 ? "0" : "1", lastFingerprint});
}

QList<Command> SetWalk::begin(qint64 nowMs)
{
    m_rounds = 1;
    QList<Command> commands;
    for (int k = 0; k < kSets; ++k) {
        Set &set = m_sets[k];
        set.card = -1;
        set.error.clear();
        set.overLimit = false;
        set.pending = true;
        set.sizeOnly = false;
        QByteArray lastFingerprint;
        if (!set.walk.active) {
            set.walk = Walk();
            if (set.done.valid && nowMs - set.done.atMs < kRefreshMs) {
                if (nowMs - set.done.checkedAtMs < kFingerprintMs) {
                    set.sizeOnly = true;
                    commands << Command{"ZCARD", set.key};
                    continue;
                }
                lastFingerprint = set.done.fingerprint;
            }
        }
        commands << command(set, k, lastFingerprint);
    }
    return commands;
}

bool SetWalk::take(const QList<Reply> &replies, qint64 nowMs)
{
    qsizetype at = 0;
    bool more = false;
    for (Set &set : m_sets) {
        if (!set.pending) {
            continue;
        }
        const Reply &r = at < replies.size() ? replies.at(at) : Reply();
        ++at;
        if (set.sizeOnly) {
            more = takeSize(set, r) || more;
            continue;
        }
        const qint64 card = r.isArray() && !r.elements.isEmpty() ? r.elements.at(0).toInteger().value_or(-1) : -1;
        if (card < 0) {
            set.error = r.isError()                            ? r.errorText()
                        : r.isArray() && r.elements.size() > 1 ? QString::fromUtf8(r.elements.at(1).str)
                                                               : tr("unexpected reply");
            set.walk = Walk();
            set.done = Done();
            set.pending = false;
            continue;
        }
        set.card = card;
        if (r.elements.size() == 1) {
            set.overLimit = true;
            set.walk = Walk();
            set.done = Done();
            set.pending = false;
            continue;
        }
        if (r.elements.size() == 3 && r.elements.at(2).str == "same") {
            set.done.card = card;
            set.done.checkedAtMs = nowMs;
            set.pending = false;
            continue;
        }
        if (r.elements.size() < 4) {
            set.error = tr("unexpected reply");
            set.walk = Walk();
            set.pending = false;
            continue;
        }
        if (!set.walk.active) {
            set.walk.active = true;
            set.walk.fingerprint = r.elements.at(1).str;
        }
        merge(set.walk.perQueue, set.walk.maxRetry, r, 4);
        if (r.elements.at(2).isNil()) {
            set.done = Done{true, set.walk.fingerprint, nowMs, set.walk.perQueue, set.walk.maxRetry, card, nowMs};
            set.walk = Walk();
            set.pending = false;
            continue;
        }
        set.walk.from = r.elements.at(2).str;
        set.walk.skip = r.elements.at(3).toInteger().value_or(0);
        more = true;
    }
    if (more && m_rounds >= kRoundsPerPoll) {
        // The rest waits for the next poll: a poll stays short, and Redis is never held long.
        for (Set &set : m_sets) {
            set.pending = false;
        }
        return false;
    }
    if (more) {
        ++m_rounds;
    }
    return more;
}

bool SetWalk::takeSize(Set &set, const Reply &r)
{
    set.sizeOnly = false;
    const std::optional<qint64> card = r.type == Reply::Type::Integer ? std::optional<qint64>(r.integer) : std::nullopt;
    if (!card) {
        set.error = r.isError() ? r.errorText() : tr("unexpected reply");
        set.walk = Walk();
        set.done = Done();
        set.pending = false;
        return false;
    }
    set.card = *card;
    if (*card == set.done.card) {
        set.pending = false; // the same size: the last breakdown stands until the next fingerprint
        return false;
    }
    set.walk = Walk(); // changed: broken down again from the start, in the next round
    return true;
}

QList<Command> SetWalk::next() const
{
    QList<Command> commands;
    for (int k = 0; k < kSets; ++k) {
        if (m_sets[k].pending) {
            commands << command(m_sets[k], k, {});
        }
    }
    return commands;
}

void SetWalk::result(SetCounts out[kSets], QStringList &warnings) const
{
    for (int k = 0; k < kSets; ++k) {
        const Set &set = m_sets[k];
        SetCounts &c = out[k];
        c = SetCounts();
        const QLatin1String name(kSetNames[k]);
        if (!set.error.isEmpty()) {
            warnings << (set.error.startsWith(u"WRONGTYPE") ? tr("The %1 set is not a sorted set: %2")
                                                            : tr("Could not read the %1 set: %2"))
                            .arg(name, set.error);
            continue;
        }
        if (set.overLimit) {
            warnings << tr("The %1 set holds %L2 jobs, more than breakdown_limit (%L3): its per-queue counts are "
                           "unknown.")
                            .arg(name)
                            .arg(set.card)
                            .arg(m_limit);
            continue;
        }
        if (!set.done.valid) {
            warnings << tr("The %1 set (%L2 jobs) is still being read in short steps: its per-queue counts are "
                           "unknown until the next poll.")
                            .arg(name)
                            .arg(set.card);
            continue;
        }
        if (set.walk.active) {
            warnings << tr("The %1 set is still being read in short steps: its per-queue counts are from %2.")
                            .arg(name, QDateTime::fromMSecsSinceEpoch(set.done.atMs).toString(u"HH:mm:ss"));
        }
        c.known = true;
        c.perQueue = set.done.perQueue;
        c.maxRetry = set.done.maxRetry;
    }
}

} // namespace qd::sidekiq
