// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Sidekiq drill-down and actions. Job ids say where a job lives, so an action can check it is still there:
//   queue:<queue name>:<jid>        waiting in queue:<queue name>
//   retry|schedule|dead:<score>:<jid>   in that sorted set with that score (as Sidekiq's Web UI keys them)
//   running:<process identity>:<jid>    in that process's work hash
#include "core/backends/sidekiq/sidekiqbackend_p.h"

#include "core/clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QJsonObject>
#include <QUuid>

#include <algorithm>
#include <memory>

namespace qd::sidekiq {

using redis::Batch;
using redis::Command;
using redis::Connection;
using redis::Reply;

namespace {


// One page. KEYS[1]: a queue list or a sorted set. ARGV: kind (list|zset), start index counted from the oldest
// (list) or lowest score (zset), limit, queue filter, text filter, most entries to look at, and a time budget in
// microseconds (0: none): the scan stops after the chunk that used it up, so one call never holds Redis much
// longer than that however big the list (a search over a million jobs is many short calls, not one long one).
// Returns {next index or -1 when the end was reached, entries in the list or set, member1, score1, …}.
const redis::Script kPage(QByteArrayLiteral(QD_SIDEKIQ_LUA_QUEUE_OF QD_REDIS_LUA_BUDGET(7) R"lua(
local kind, i, limit, queue, search, maxScan = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], ARGV[5], tonumber(ARGV[6])
local total = kind == 'list' and redis.call('LLEN', KEYS[1]) or redis.call('ZCARD', KEYS[1])
local out = {-1, total}
local found, scanned = 0, 0
while found < limit and scanned < maxScan do
  local want, bytes = chunk, 0
  local items, scores = {}, {}
  if kind == 'list' then
    local raw = redis.call('LRANGE', KEYS[1], -(i + want), -(i + 1))
    for k = #raw, 1, -1 do items[#items + 1] = raw[k]; scores[#scores + 1] = '' end
  else
    local raw = redis.call('ZRANGE', KEYS[1], i, i + want - 1, 'WITHSCORES')
    for k = 1, #raw, 2 do items[#items + 1] = raw[k]; scores[#scores + 1] = raw[k + 1] end
  end
  if #items == 0 then return out end
  for k, m in ipairs(items) do
    i = i + 1
    scanned = scanned + 1
    bytes = bytes + #m
    if (queue == '' or queueOf(m) == queue) and (search == '' or string.find(m, search, 1, true)) then
      out[#out + 1] = m
      out[#out + 1] = scores[k]
      found = found + 1
      if found >= limit then break end
    end
    if scanned >= maxScan then break end
  end
  if #items < want and found < limit then return out end
  local spent = chunkDone(#items, bytes)
  if found < limit and scanned < maxScan and spent then break end
end
if i >= total then return out end -- looked at everything: no empty last round trip
out[1] = i
return out
)lua"));

// Finds one job and, unless ARGV[1] is 'check', takes it out: 'delete' drops it, 'retry' pushes it back on its
// queue with a fresh enqueued_at (and, for the retry and dead sets, one retry_count given back, as Sidekiq's own
// retry does). KEYS[1]: the set or list; KEYS[2]: the `queues` set. ARGV: mode, kind (zset|list), score, jid,
// queue key prefix, now (epoch seconds text), most list entries to search, give back an attempt (1|0), and for
// 'move' the target queue. Returns {1, queue} when done, {0} when the job is no longer there, {-1} when a job to
// move has no "queue" field where Sidekiq writes it (left untouched), {-2} when it is not among the list's oldest
// `scan_limit` entries (not reached: nothing is known of it, nothing changed).
// findJob(key, kind, score, jid, max): the member of a sorted set (at that score) or a list (among its `max`
// oldest entries) whose "jid" is jid, or nil and whether the search reached every entry (false: the list is longer
// than `max`, so the job may be further back — not reached, which is not "gone").
#define QD_SIDEKIQ_LUA_FIND_JOB                                                                                      \
    "local function findJob(key, kind, score, jid, max)\n"                                                           \
    "  local needle = '\"jid\":\"' .. jid .. '\"'\n"                                                                 \
    "  if kind == 'zset' then\n"                                                                                    \
    "    for _, c in ipairs(redis.call('ZRANGEBYSCORE', key, score, score)) do\n"                                    \
    "      if string.find(c, needle, 1, true) then return c end\n"                                                  \
    "    end\n"                                                                                                     \
    "    return nil, true\n"                                                                                        \
    "  end\n"                                                                                                       \
    "  local n, i = redis.call('LLEN', key), 0\n"                                                                   \
    "  while i < n and i < max do\n"                                                                                \
    "    local step = math.min(1000, max - i)\n"                                                                     \
    "    for _, c in ipairs(redis.call('LRANGE', key, -(i + step), -(i + 1))) do\n"                                 \
    "      if string.find(c, needle, 1, true) then return c end\n"                                                  \
    "    end\n"                                                                                                     \
    "    i = i + step\n"                                                                                            \
    "  end\n"                                                                                                       \
    "  return nil, n <= max\n"                                                                                      \
    "end\n"

const redis::Script kTake(QByteArrayLiteral(QD_SIDEKIQ_LUA_QUEUE_OF QD_SIDEKIQ_LUA_FIND_JOB QD_REDIS_LUA_LAST_NUMBER R"lua(
local mode, kind, score, jid = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local m, reached = findJob(KEYS[1], kind, score, jid, tonumber(ARGV[7]))
if m == nil then return {reached and 0 or -2} end
local q = queueOf(m)
if mode == 'check' then return {1, q} end
local moved = nil
if mode == 'move' then
  -- Rewrite the job's own "queue" (where Sidekiq writes it, before the arguments) before taking it out.
  local n
  moved, n = string.gsub(m, '^({[^{%[]-"queue":")([^"\\]*)(")', function(a, _, c) return a .. ARGV[9] .. c end, 1)
  if n ~= 1 then return {-1} end
end
if kind == 'zset' then
  if redis.call('ZREM', KEYS[1], m) ~= 1 then return {0} end
elseif redis.call('LREM', KEYS[1], 1, m) ~= 1 then
  return {0}
end
if mode == 'delete' then return {1, q} end
if mode == 'move' then
  redis.call('SADD', KEYS[2], ARGV[9])
  redis.call('LPUSH', ARGV[5] .. ARGV[9], moved)
  return {1, ARGV[9]}
end
local function setNumber(s, field, text)
  local a, b = lastNumber(s, field)
  if a then return string.sub(s, 1, a - 1) .. '"' .. field .. '":' .. text .. string.sub(s, b + 1) end
  return string.sub(s, 1, #s - 1) .. ',"' .. field .. '":' .. text .. '}'
end
local now = ARGV[6]
local _, _, old = lastNumber(m, 'enqueued_at')
if old and not string.find(old, '.', 1, true) and tonumber(old) > 1e11 then
  now = string.format('%.0f', tonumber(now) * 1000)
end
m = setNumber(m, 'enqueued_at', now)
if ARGV[8] == '1' then
  local _, _, rc = lastNumber(m, 'retry_count')
  if rc then m = setNumber(m, 'retry_count', tostring(math.floor(tonumber(rc)) - 1)) end
end
redis.call('SADD', KEYS[2], q)
redis.call('LPUSH', ARGV[5] .. q, m)
return {1, q}
)lua"));

// Edit and resend. KEYS[1]: the set or list the original is in; KEYS[2]: the `queues` set; KEYS[3]: the queue
// list the edit goes to. ARGV: mode (check|new|replace), kind (zset|list), score, the original's jid, most list
// entries to search, the edited job (already checked and normalised), its queue. Returns {1, original} when done
// ('replace' takes the original out first), {0} when the original is no longer there (nothing is enqueued).
const redis::Script kResend(QByteArrayLiteral(QD_SIDEKIQ_LUA_FIND_JOB R"lua(
local m = findJob(KEYS[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]))
if m == nil then return {0} end
if ARGV[1] == 'check' then return {1, m} end
if ARGV[1] == 'replace' then
  local gone = ARGV[2] == 'zset' and redis.call('ZREM', KEYS[1], m) or redis.call('LREM', KEYS[1], 1, m)
  if gone ~= 1 then return {0} end
end
redis.call('SADD', KEYS[2], ARGV[7])
redis.call('LPUSH', KEYS[3], ARGV[6])
return {1, m}
)lua"));

struct Location
{
    QString kind;      ///< queue, retry, schedule, dead, running
    QString middle;    ///< queue name, score, or process identity
    QString jid;
};

std::optional<Location> parseId(const QString &id)
{
    const qsizetype first = id.indexOf(u':');
    const qsizetype last = id.lastIndexOf(u':');
    if (first <= 0 || last <= first) {
        return std::nullopt;
    }
    Location l{id.left(first), id.mid(first + 1, last - first - 1), id.mid(last + 1)};
    static const QStringList kinds = {QStringLiteral("queue"), QStringLiteral("retry"), QStringLiteral("schedule"),
                                      QStringLiteral("dead"), QStringLiteral("running")};
    if (!kinds.contains(l.kind) || l.jid.isEmpty() || l.middle.isEmpty()) {
        return std::nullopt;
    }
    return l;
}

QString setName(JobState s)
{
    switch (s) {
    case JobState::Scheduled: return QStringLiteral("schedule");
    case JobState::Failed: return QStringLiteral("retry");
    case JobState::Dead: return QStringLiteral("dead");
    case JobState::Waiting: return QStringLiteral("queue");
    case JobState::Running: return QStringLiteral("running");
    case JobState::Completed: return {}; // Sidekiq keeps no finished jobs
    }
    return {};
}

QDateTime epoch(const QJsonValue &v)
{
    if (!v.isDouble()) {
        return {};
    }
    const auto s = redis::epochSeconds(v.toDouble());
    return s ? QDateTime::fromMSecsSinceEpoch(qint64(*s * 1000.0), Qt::UTC) : QDateTime();
}

/// The class an operator knows: ActiveJob wraps jobs in JobWrapper and names the real one in "wrapped".
QString className(const QJsonObject &job)
{
    const QString wrapped = job.value(QStringLiteral("wrapped")).toString();
    return wrapped.isEmpty() ? job.value(QStringLiteral("class")).toString() : wrapped;
}

JobSummary summarize(const QByteArray &member, const QString &idKind, const QString &middle, JobState state,
                     const QString &worker = {}, bool withPayload = false)
{
    const QJsonObject job = QJsonDocument::fromJson(member).object();
    JobSummary s;
    const QString jid = job.value(QStringLiteral("jid")).toString();
    s.id = idKind + u':' + middle + u':' + jid;
    s.queue = job.value(QStringLiteral("queue")).toString();
    s.className = className(job);
    s.state = state;
    const QJsonValue rc = job.value(QStringLiteral("retry_count"));
    s.attempts = rc.isDouble() ? qint64(rc.toDouble()) + 1 : 0;
    s.enqueuedAt = epoch(job.value(QStringLiteral("enqueued_at")));
    if (!s.enqueuedAt.isValid()) {
        s.enqueuedAt = epoch(job.value(QStringLiteral("created_at")));
    }
    if (state == JobState::Scheduled || state == JobState::Failed) {
        bool ok = false;
        const double at = middle.toDouble(&ok);
        if (ok) {
            s.runAt = QDateTime::fromMSecsSinceEpoch(qint64(at * 1000.0), Qt::UTC);
        }
    }
    s.failedAt = epoch(job.value(QStringLiteral("failed_at")));
    s.worker = worker;
    const QString message = job.value(QStringLiteral("error_message")).toString();
    const QString errorClass = job.value(QStringLiteral("error_class")).toString();
    if (!message.isEmpty() || !errorClass.isEmpty()) {
        s.errorLine = (errorClass.isEmpty() ? message : errorClass + QStringLiteral(": ") + message).section(u'\n', 0, 0);
    }
    if (jid.isEmpty()) {
        s.id.clear(); // not a Sidekiq job: listed, but nothing can address it
    }
    if (withPayload) {
        s.payload = QString::fromUtf8(member); // the job's JSON exactly as Sidekiq stored it
    }
    return s;
}

QString errorText(const QJsonObject &job)
{
    QString text;
    const QString errorClass = job.value(QStringLiteral("error_class")).toString();
    const QString message = job.value(QStringLiteral("error_message")).toString();
    if (errorClass.isEmpty() && message.isEmpty()) {
        return {};
    }
    text = errorClass.isEmpty() ? message : errorClass + QStringLiteral(": ") + message;
    const QJsonValue bt = job.value(QStringLiteral("error_backtrace"));
    if (bt.isArray()) {
        for (const QJsonValue &line : bt.toArray()) {
            text += u'\n' + line.toString();
        }
    } else if (bt.isString()) {
        // Sidekiq 7 stores the backtrace as base64 of zlib-deflated JSON.
        const QByteArray packed = QByteArray::fromBase64(bt.toString().toLatin1());
        QByteArray sized(4, '\0');
        const quint32 guess = quint32(std::min<qsizetype>(packed.size() * 20 + 1024, 16 * 1024 * 1024));
        sized[0] = char(guess >> 24);
        sized[1] = char(guess >> 16);
        sized[2] = char(guess >> 8);
        sized[3] = char(guess);
        const QJsonArray lines = QJsonDocument::fromJson(qUncompress(sized + packed)).array();
        for (const QJsonValue &line : lines) {
            text += u'\n' + line.toString();
        }
    }
    return text;
}


/// The edited job, checked the way Sidekiq's client checks a push: a JSON object with a "class" string, an
/// "args" array and a "queue" name. Empty: fine; else what is wrong.
QString editedJobProblem(const QJsonDocument &doc)
{
    static const QRegularExpression queueName(QStringLiteral("^[A-Za-z0-9_.:-]{1,200}$"));
    const QJsonObject job = doc.object();
    if (!doc.isObject()) {
        return SidekiqBackend::tr("A Sidekiq job is a JSON object ({\"class\": …, \"args\": […], \"queue\": …}).");
    }
    if (!job.value(QStringLiteral("class")).isString() || job.value(QStringLiteral("class")).toString().trimmed().isEmpty()) {
        return SidekiqBackend::tr("\"class\" must name the job class, as a string.");
    }
    if (!job.value(QStringLiteral("args")).isArray()) {
        return SidekiqBackend::tr("\"args\" must be an array (Sidekiq passes it to perform).");
    }
    if (!queueName.match(job.value(QStringLiteral("queue")).toString()).hasMatch()) {
        return SidekiqBackend::tr("\"queue\" must name a queue (letters, digits, _ . : -).");
    }
    return {};
}


/// Finds a waiting job in a (possibly huge) queue list: page after page of the page script, each within the
/// scan budget, until its jid is found or the list ends. `found` gets the member (empty: not there) or an error.
void findInList(Connection &c, const QByteArray &key, const QByteArray &needle, qint64 start, qint64 budgetUs,
                std::function<void(QByteArray member, QString error)> found)
{
    c.send({kPage.evalsha({key}, {"list", QByteArray::number(start), "1", QByteArray(), needle, "1000000000",
                                   QByteArray::number(budgetUs)})},
           [&c, key, needle, start, budgetUs, found = std::move(found)](Batch b) {
               const Reply *r = b.ok() ? &b.replies.at(0) : nullptr;
               if (!r || r->isError()) {
                   found({}, r ? r->errorText() : b.error);
                   return;
               }
               if (r->elements.size() >= 4) {
                   found(r->elements.at(2).str, {});
                   return;
               }
               const qint64 next = r->elements.isEmpty() ? -1 : r->elements.at(0).toInteger().value_or(-1);
               if (next > start) {
                   findInList(c, key, needle, next, budgetUs, found);
               } else {
                   found({}, {});
               }
           });
}

} // namespace

QFuture<JobPage> SidekiqBackend::jobs(const JobQuery &query)
{
    JobPage unavailable;
    unavailable.error = configError();
    const QByteArray prefix = d->prefix;
    const qint64 scanLimit = d->scanLimit;
    const qint64 budgetUs = d->scanBudgetUs;
    return onConnection<JobPage>(
        [this, query, prefix, scanLimit, budgetUs](Connection &c, std::function<void(JobPage)> reply) {
            if (query.state == JobState::Running) {
                c.send({{"SMEMBERS", prefix + "processes"}}, [&c, query, prefix, reply](Batch b) {
                    JobPage page;
                    if (!b.ok()) {
                        page.error = b.error;
                        reply(page);
                        return;
                    }
                    const QByteArrayList processes = b.replies.at(0).toByteArrayList();
                    QList<Command> work;
                    for (const QByteArray &p : processes) {
                        work << Command{"HVALS", prefix + p + ":workers"} << Command{"HVALS", prefix + p + ":work"};
                    }
                    c.send(work, [query, processes, reply](Batch w) {
                        JobPage running;
                        if (!w.ok()) {
                            running.error = w.error;
                            reply(running);
                            return;
                        }
                        for (qsizetype i = 0; i < processes.size(); ++i) {
                            for (const Reply *hash : {&w.replies.at(2 * i), &w.replies.at(2 * i + 1)}) {
                                for (const QByteArray &v : hash->toByteArrayList()) {
                                    const QJsonObject entry = QJsonDocument::fromJson(v).object();
                                    if (!query.queue.isEmpty() && entry.value(QStringLiteral("queue")).toString() != query.queue) {
                                        continue;
                                    }
                                    const QJsonValue payload = entry.value(QStringLiteral("payload"));
                                    const QByteArray job = payload.isObject()
                                                               ? QJsonDocument(payload.toObject()).toJson(QJsonDocument::Compact)
                                                               : payload.toString().toUtf8();
                                    if (!query.search.isEmpty() && !job.contains(query.search.toUtf8())) {
                                        continue;
                                    }
                                    const QString identity = QString::fromUtf8(processes.at(i));
                                    running.jobs << summarize(job, QStringLiteral("running"), identity, JobState::Running, identity,
                                                               query.withPayload);
                                }
                            }
                        }
                        reply(running);
                    });
                });
                return;
            }
            if (query.state == JobState::Completed) {
                JobPage none;
                none.notice = tr("Sidekiq keeps no completed jobs: a job that succeeds is gone.");
                reply(none);
                return;
            }
            const bool list = query.state == JobState::Waiting;
            if (list && query.queue.isEmpty()) {
                JobPage page;
                page.error = tr("Name a queue to list its waiting jobs.");
                reply(page);
                return;
            }
            const QByteArray key = list ? QByteArray(prefix + "queue:" + query.queue.toUtf8())
                                        : QByteArray(prefix + setName(query.state).toUtf8());
            const qint64 start = query.after.isEmpty() ? 0 : query.after.toLongLong();
            c.send({kPage.evalsha({key}, {list ? "list" : "zset", QByteArray::number(start),
                                         QByteArray::number(std::clamp(query.limit, 1, 5000)),
                                         list ? QByteArray() : query.queue.toUtf8(), query.search.toUtf8(),
                                         QByteArray::number(scanLimit), QByteArray::number(budgetUs)})},
                   [query, list, reply](Batch b) {
                       JobPage page;
                       if (!b.ok()) {
                           page.error = b.error;
                       } else if (b.replies.at(0).isError()) {
                           page.error = tr("Sidekiq jobs could not be read: %1").arg(b.replies.at(0).errorText());
                       } else {
                           const QList<Reply> &e = b.replies.at(0).elements;
                           const qint64 next = e.isEmpty() ? -1 : e.at(0).toInteger().value_or(-1);
                           page.nextCursor = next >= 0 ? QString::number(next) : QString();
                           page.scanTotal = e.size() > 1 ? e.at(1).toInteger() : std::nullopt;
                           page.scanned = next >= 0 ? std::optional<qint64>(next) : page.scanTotal;
                           for (qsizetype i = 2; i + 1 < e.size(); i += 2) {
                               const QString middle = list ? query.queue : QString::fromLatin1(e.at(i + 1).str);
                               page.jobs << summarize(e.at(i).str, list ? QStringLiteral("queue") : setName(query.state),
                                                      middle, query.state, {}, query.withPayload);
                           }
                       }
                       reply(page);
                   });
        },
        unavailable);
}

QFuture<JobDetail> SidekiqBackend::job(const QString &id)
{
    JobDetail unavailable;
    unavailable.failure = configError();
    const auto where = parseId(id);
    if (!where) {
        JobDetail d;
        d.failure = tr("\"%1\" is not a Sidekiq job id (queue:<queue>:<jid>, retry|schedule|dead:<score>:<jid>).")
                        .arg(id.left(120));
        return QtFuture::makeReadyFuture(d);
    }
    const QByteArray prefix = d->prefix;
    const qint64 budgetUs = d->scanBudgetUs;
    return onConnection<JobDetail>(
        [where = *where, prefix, budgetUs, id](Connection &c, std::function<void(JobDetail)> reply) {
            Command cmd;
            JobState state = JobState::Waiting;
            if (where.kind == u"running") {
                cmd = {"EVAL",
                       "for _, k in ipairs(KEYS) do for _, v in ipairs(redis.call('HVALS', k)) do "
                       "if string.find(v, ARGV[1], 1, true) then return v end end end return false",
                       "2", prefix + where.middle.toUtf8() + ":workers", prefix + where.middle.toUtf8() + ":work",
                       "\"jid\":\"" + where.jid.toUtf8() + "\""};
                state = JobState::Running;
            } else {
                // A sorted set is searched at the score only; a queue list page by page (findInList below).
                cmd = {"EVAL",
                       "for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1])) do "
                       "if string.find(m, ARGV[2], 1, true) then return m end end return false",
                       "1", prefix + where.kind.toUtf8(), where.middle.toUtf8(), "\"jid\":\"" + where.jid.toUtf8() + "\""};
                state = where.kind == u"retry" ? JobState::Failed
                        : where.kind == u"dead" ? JobState::Dead
                        : where.kind == u"schedule" ? JobState::Scheduled
                                                    : JobState::Waiting;
            }
            const auto finish = [where, state, reply](const QByteArray &member, const QString &error) {
                JobDetail detail;
                if (!error.isEmpty()) {
                    detail.failure = error;
                } else if (member.isEmpty()) {
                    detail.failure = tr("Job %1 is no longer %2.").arg(where.jid, jobStateName(state));
                } else {
                    detail.summary = summarize(member, where.kind, where.middle, state,
                                               state == JobState::Running ? where.middle : QString());
                    const QJsonDocument doc = QJsonDocument::fromJson(member);
                    detail.payload = doc.isObject() ? QString::fromUtf8(doc.toJson(QJsonDocument::Indented))
                                                    : QString::fromUtf8(member);
                    detail.error = errorText(doc.object());
                }
                reply(detail);
            };
            if (where.kind == u"queue") {
                findInList(c, prefix + "queue:" + where.middle.toUtf8(), "\"jid\":\"" + where.jid.toUtf8() + "\"", 0,
                           budgetUs, finish);
                return;
            }
            c.send({cmd}, [finish](Batch b) {
                const Reply *r = b.ok() ? &b.replies.at(0) : nullptr;
                finish(r && r->isString() ? r->str : QByteArray(), !r ? b.error : r->isError() ? r->errorText() : QString());
            });
        },
        unavailable);
}

QFuture<ActionResult> SidekiqBackend::act(const JobAction &action)
{
    ActionResult refused;
    refused.dryRun = action.dryRun;
    if (d->readOnly) {
        refused.error = tr("This connection is read-only (readonly=1): no job was changed.");
        return QtFuture::makeReadyFuture(refused);
    }
    if (!configError().isEmpty()) {
        refused.error = configError();
        return QtFuture::makeReadyFuture(refused);
    }
    const bool retry = action.kind == ActionKind::Retry;
    const bool move = action.kind == ActionKind::Move;
    static const QRegularExpression queueName(QStringLiteral("^[A-Za-z0-9_.:-]{1,200}$"));
    if (move && (action.expected != JobState::Waiting || !queueName.match(action.targetQueue).hasMatch())) {
        refused.error = action.expected != JobState::Waiting
                            ? tr("Only waiting Sidekiq jobs can be moved to another queue.")
                            : tr("\"%1\" is not a queue name to move jobs to (letters, digits, _ . : -).").arg(action.targetQueue.left(80));
        return QtFuture::makeReadyFuture(refused);
    }
    if (action.expected == JobState::Running || (retry && action.expected == JobState::Waiting)) {
        refused.error = retry ? tr("Only scheduled, failed (retry set) and dead Sidekiq jobs can be retried.")
                              : tr("Running Sidekiq jobs cannot be cancelled: Sidekiq has no way to stop a job.");
        return QtFuture::makeReadyFuture(refused);
    }
    const QString expectedKind = setName(action.expected);
    QList<Command> commands;
    QStringList ids;
    ActionResult skippedUpFront;
    const QByteArray now = QByteArray::number(double(clock()->nowMs()) / 1000.0, 'f', 6);
    for (const QString &id : action.jobIds) {
        const auto where = parseId(id);
        if (!where || where->kind != expectedKind) {
            skippedUpFront.skipped << id; // not (or no longer) where the operator saw it
            continue;
        }
        const bool list = where->kind == u"queue";
        const QByteArray source = list ? d->key("queue:" + where->middle.toUtf8()) : d->key(where->kind.toUtf8());
        const QByteArray mode = action.dryRun ? "check" : retry ? "retry" : move ? "move" : "delete";
        commands << kTake.evalsha({source, d->key("queues")},
                                  {mode, list ? "list" : "zset", where->middle.toUtf8(), where->jid.toUtf8(),
                                   d->key("queue:"), now, QByteArray::number(d->scanLimit),
                                   where->kind == u"schedule" ? "0" : "1", action.targetQueue.toUtf8()});
        ids << id;
    }
    skippedUpFront.dryRun = action.dryRun;
    const qint64 scanLimit = d->scanLimit;
    return runJobScripts(commands, ids, skippedUpFront, [scanLimit](qint64 code, const QString &id) {
        if (code == -2) {
            return tr("job %1 was not reached: it is not among the oldest %L2 waiting jobs of its queue (scan_limit), "
                      "so nothing was changed — it was not taken by anyone. Add scan_limit=N to the URL to look further.")
                .arg(id)
                .arg(scanLimit);
        }
        return code == -1 ? tr("job %1 has no \"queue\" field where Sidekiq writes it; it was left where it is").arg(id)
                          : QString();
    });
}

QString SidekiqBackend::validatePayload(const QString &payload) const
{
    if (d->readOnly) {
        return tr("This connection is read-only (readonly=1): no job can be resent.");
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(payload.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError) {
        return tr("Not valid JSON: %1 (at character %2).").arg(error.errorString()).arg(error.offset);
    }
    return editedJobProblem(doc);
}

QFuture<ResendResult> SidekiqBackend::resend(const ResendRequest &request)
{
    ResendResult refused;
    refused.originalId = request.jobId;
    refused.inPlace = request.inPlace;
    refused.dryRun = request.dryRun;
    refused.error = !configError().isEmpty() ? configError() : validatePayload(request.payload);
    const auto where = parseId(request.jobId);
    const QString expectedKind = setName(request.expected);
    if (refused.error.isEmpty() && (!where || where->kind != expectedKind)) {
        refused.error = tr("Job %1 is not a %2 job: it was not resent.").arg(request.jobId.left(120), jobStateName(request.expected));
    }
    if (refused.error.isEmpty() && request.expected != JobState::Failed && request.expected != JobState::Dead
        && request.expected != JobState::Scheduled) {
        refused.error = tr("Only failed (retry set), dead and scheduled Sidekiq jobs can be edited and resent.");
    }
    if (!refused.error.isEmpty()) {
        return QtFuture::makeReadyFuture(refused);
    }
    // Normalised as Sidekiq's client would push it: a new jid for a copy (the original's for a replacement),
    // enqueued now; a copy starts afresh, without the original's failure and retry count.
    QJsonObject job = QJsonDocument::fromJson(request.payload.toUtf8()).object();
    const double now = double(clock()->nowMs()) / 1000.0;
    QString jid = where->jid;
    if (!request.inPlace) {
        jid = QUuid::createUuid().toString(QUuid::Id128).left(24);
        for (const char *field : {"error_message", "error_class", "error_backtrace", "failed_at", "retried_at", "retry_count"}) {
            job.remove(QLatin1String(field));
        }
        job.insert(QStringLiteral("created_at"), now);
    }
    job.insert(QStringLiteral("jid"), jid);
    job.insert(QStringLiteral("enqueued_at"), now);
    const QString queue = job.value(QStringLiteral("queue")).toString();
    const QByteArray edited = QJsonDocument(job).toJson(QJsonDocument::Compact);
    const bool list = where->kind == u"queue";
    const QByteArray source = list ? d->key("queue:" + where->middle.toUtf8()) : d->key(where->kind.toUtf8());
    const Command command = kResend.evalsha({source, d->key("queues"), d->key("queue:" + queue.toUtf8())},
                                            {request.dryRun ? "check" : request.inPlace ? "replace" : "new",
                                             list ? "list" : "zset", where->middle.toUtf8(), where->jid.toUtf8(),
                                             QByteArray::number(d->scanLimit), edited, queue.toUtf8()});
    ResendResult done = refused;
    done.edited = QString::fromUtf8(edited);
    done.newId = QStringLiteral("queue:%1:%2").arg(queue, jid);
    ResendResult unavailable = refused;
    unavailable.error = tr("No connection to Redis.");
    return onConnection<ResendResult>(
        [command, done](Connection &c, std::function<void(ResendResult)> reply) {
            c.send({command}, [done, reply](const Batch &b) {
                ResendResult r = done;
                const Reply *answer = b.ok() && !b.replies.isEmpty() ? &b.replies.constFirst() : nullptr;
                if (!answer || answer->isError()) {
                    r.error = tr("Nothing was resent: %1").arg(answer ? answer->errorText() : b.error);
                } else if (answer->elements.value(0).integer != 1) {
                    r.error = tr("Job %1 is no longer where you saw it (retried, deleted or run meanwhile): nothing was "
                                 "resent.")
                                  .arg(r.originalId);
                } else {
                    r.original = QString::fromUtf8(answer->elements.value(1).str);
                }
                if (!r.error.isEmpty()) {
                    r.newId.clear();
                }
                reply(r);
            });
        },
        unavailable);
}

} // namespace qd::sidekiq
