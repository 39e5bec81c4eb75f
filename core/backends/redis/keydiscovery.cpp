// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/backends/redis/keydiscovery.h"

#include "core/backends/redis/redisbackend.h"

#include <algorithm>
#include <memory>

namespace qd::redis {

namespace {

// ARGV: cursor, MATCH pattern, TYPE ('' for any), time budget (µs; 0: none). SCAN steps until the pass ends or
// the budget is used up; COUNT is work, not bytes, so chunkDone() sizes each step by time alone (a quarter of
// the budget, at most 500 buckets). SCAN is allowed in scripts (Redis 7 replicates effects, never the script).
// Returns {next cursor ("0": pass complete), matching keys, SCAN steps, µs spent (0 without a budget)}.
const Script kDiscover(QByteArrayLiteral(QD_REDIS_LUA_BUDGET(4) R"lua(
local cursor, found, steps = ARGV[1], {}, 0
chunk = 100
repeat
  local r
  if ARGV[3] == '' then
    r = redis.call('SCAN', cursor, 'MATCH', ARGV[2], 'COUNT', chunk)
  else
    r = redis.call('SCAN', cursor, 'MATCH', ARGV[2], 'COUNT', chunk, 'TYPE', ARGV[3])
  end
  cursor = r[1]
  steps = steps + 1
  for _, k in ipairs(r[2]) do found[#found + 1] = k end
  local spent = chunkDone(chunk, 0)
until cursor == '0' or spent
return {cursor, found, steps, budget > 0 and (micros() - started) or 0}
)lua"));

} // namespace

qint64 discoveryBudgetUs(const ConnectionUrl &url)
{
    if (!url.option(QStringLiteral("discovery")).isEmpty() && !url.flag(QStringLiteral("discovery"))) {
        return -1;
    }
    bool ok = false;
    const double ms = url.option(QStringLiteral("discovery_budget_ms")).toDouble(&ok);
    return ok && ms >= 0 ? std::max<qint64>(qint64(ms * 1000.0), ms > 0 ? 1 : 0) : 3'000'000;
}

KeyDiscovery::KeyDiscovery(QByteArray pattern, QByteArray type, qint64 callBudgetUs, qint64 firstPassBudgetUs,
                           LaterRuns laterRuns)
    : m_pattern(std::move(pattern)), m_type(std::move(type)), m_callBudgetUs(callBudgetUs),
      m_firstPassBudgetUs(firstPassBudgetUs), m_laterRuns(laterRuns)
{
}

double KeyDiscovery::coveredFraction(quint64 cursor)
{
    quint64 reversed = 0;
    for (int i = 0; i < 64; ++i) {
        reversed = (reversed << 1) | (cursor & 1U);
        cursor >>= 1;
    }
    return double(reversed) / 18446744073709551616.0; // 2^64
}

void KeyDiscovery::run(Connection &c, const QList<Command> &alongside, std::function<void(const Outcome &)> done)
{
    if (off()) {
        runWithoutCall(c, alongside, std::move(done));
        return;
    }
    qint64 budgetUs = m_firstPassBudgetUs;
    if (m_progress.calls > 0) {
        // Occasional: one call (a budget of 1 µs is used up by the first call, whatever it covered), and once a pass
        // has completed only every kOccasionalRuns runs.
        const bool occasional = m_laterRuns == LaterRuns::Occasional;
        if (occasional && m_progress.passes > 0 && ++m_runsWithoutCall < kOccasionalRuns) {
            runWithoutCall(c, alongside, std::move(done));
            return;
        }
        m_runsWithoutCall = 0;
        const qint64 later = occasional ? 1 : kLaterRunUs;
        budgetUs = budgetUs > 0 ? std::min(budgetUs, later) : later;
    }
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    m_alongside.clear();
    call(c, alongside, std::move(timer), budgetUs, std::move(done));
}

void KeyDiscovery::call(Connection &c, const QList<Command> &alongside, std::shared_ptr<QElapsedTimer> timer,
                        qint64 budgetUs, std::function<void(const Outcome &)> done)
{
    const QList<Command> batch =
        QList<Command>{kDiscover.evalsha({}, {m_cursor, m_pattern, m_type, QByteArray::number(m_callBudgetUs)})}
        + alongside;
    c.send(batch, [this, &c, timer = std::move(timer), budgetUs, done = std::move(done)](const Batch &b) {
        if (!b.ok()) {
            done(outcome(b.error));
            return;
        }
        m_alongside += b.replies.mid(1);
        const Reply &reply = b.replies.at(0);
        if (reply.isError()) {
            done(outcome(tr("Redis refused the queue discovery script: %1").arg(reply.errorText())));
            return;
        }
        const qint64 passesBefore = m_progress.passes;
        if (!take(reply)) {
            done(outcome(tr("The queue discovery script answered something unexpected.")));
            return;
        }
        const qint64 ranUs = timer->nsecsElapsed() / 1000;
        if (m_progress.passes == passesBefore && (budgetUs == 0 || ranUs < budgetUs)) {
            call(c, {}, timer, budgetUs, done); // the pass goes on while this run has time; a new one waits for the next
            return;
        }
        if (passesBefore == 0) {
            m_progress.elapsedUs += ranUs;
        }
        done(outcome());
    });
}

void KeyDiscovery::runWithoutCall(Connection &c, const QList<Command> &alongside, std::function<void(const Outcome &)> done)
{
    m_alongside.clear();
    if (alongside.isEmpty()) {
        done(outcome());
        return;
    }
    c.send(alongside, [this, done = std::move(done)](const Batch &b) {
        if (!b.ok()) {
            done(outcome(b.error));
            return;
        }
        m_alongside = b.replies;
        done(outcome());
    });
}

bool KeyDiscovery::take(const Reply &reply)
{
    if (!reply.isArray() || reply.elements.size() != 4 || !reply.elements.at(1).isArray()) {
        m_cursor = QByteArrayLiteral("0"); // start the pass over rather than trust an odd cursor
        m_thisPass.clear();
        return false;
    }
    m_cursor = reply.elements.at(0).str;
    for (const Reply &key : reply.elements.at(1).elements) {
        m_thisPass.insert(key.str);
    }
    ++m_progress.calls;
    m_progress.steps += reply.elements.at(2).integer;
    m_progress.longestCallUs = std::max(m_progress.longestCallUs, reply.elements.at(3).integer);
    if (m_cursor == "0") {
        // Keys gone since the last pass drop out now; keys found in this one stay until the next ends.
        m_lastPass = std::move(m_thisPass);
        m_thisPass.clear();
        ++m_progress.passes;
    }
    return true;
}

QSet<QByteArray> KeyDiscovery::Outcome::namesAfter(const QByteArray &prefix) const
{
    QSet<QByteArray> names;
    for (const QByteArray &k : keys) {
        if (k.startsWith(prefix) && k.size() > prefix.size()) {
            names.insert(k.mid(prefix.size()));
        }
    }
    return names;
}

QString KeyDiscovery::Outcome::pollError(const QList<Command> &first, qsizetype count, const QString &wrongKeys) const
{
    if (alongside.size() >= count) {
        if (QString notRedis = notAList(first, alongside, count); !notRedis.isEmpty()) {
            return notRedis;
        }
    }
    if (!error.isEmpty()) {
        return error;
    }
    if (alongside.size() < count) {
        return tr("unexpected reply");
    }
    for (qsizetype i = 0; i < count; ++i) {
        if (alongside.at(i).isError()) {
            return wrongKeys.arg(alongside.at(i).errorText());
        }
    }
    return {};
}

KeyDiscovery::Outcome KeyDiscovery::outcome(QString error) const
{
    Outcome o;
    o.keys = m_lastPass;
    o.keys.unite(m_thisPass);
    o.error = std::move(error);
    o.alongside = m_alongside;
    if (m_progress.passes == 0 && o.error.isEmpty() && !off()) {
        const int percent = std::clamp(int(coveredFraction(m_cursor.toULongLong()) * 100.0), 0, 99);
        o.warning = tr("Queue discovery covered about %1 % of the keyspace in %2 s; the rest follows in the next "
                       "polls.")
                        .arg(percent)
                        .arg(double(m_progress.elapsedUs) / 1e6, 0, 'f', 1);
    }
    return o;
}

} // namespace qd::redis
