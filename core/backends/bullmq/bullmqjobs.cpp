// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// BullMQ drill-down and actions. A job id is `<queue>:<BullMQ job id>` (BullMQ forbids ':' in queue names, not in
// job ids: scheduler jobs are `repeat:<key>:<ms>`). The state an action expects selects where the job must still
// be: waiting = `wait`, `paused` or `prioritized`; scheduled = `delayed`; failed; completed.
#include "core/backends/bullmq/bullmqbackend_p.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace qd::bullmq {

using redis::Batch;
using redis::Command;
using redis::Connection;
using redis::Reply;

namespace {

// One page. KEYS[1]: the base key `<prefix>:<queue>:`. ARGV: state (waiting|active|delayed|failed|completed), start
// position over the state's collections in order, limit, text filter (id, name, data or failedReason), most jobs to
// look at, '1' to send the data back. Lists are read from the right (BullMQ LPUSHes and workers take from the right),
// so waiting and active jobs come oldest first; delayed soonest first; failed and completed newest first.
// ARGV[7]: time budget in microseconds (0: none; the scan stops after the chunk that used it up).
// Returns {next position or -1 at the end, jobs in the state's collections, {id, collection, score, name, data,
// atm, failedReason, timestamp, processedOn, finishedOn, delay, pb}, …}.
const redis::Script kPage(QByteArrayLiteral(QD_REDIS_LUA_BUDGET(7) R"lua(
local base, state, i, limit, search, maxScan = KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])
local withData = ARGV[6] == '1'
local segs
if state == 'waiting' then segs = {{'paused', 'list'}, {'wait', 'list'}, {'prioritized', 'asc'}}
elseif state == 'active' then segs = {{'active', 'list'}}
elseif state == 'delayed' then segs = {{'delayed', 'asc'}}
else segs = {{state, 'desc'}} end
local total = 0
for _, seg in ipairs(segs) do
  if seg[2] == 'list' then seg[3] = redis.call('LLEN', base .. seg[1]) else seg[3] = redis.call('ZCARD', base .. seg[1]) end
  total = total + seg[3]
end
local out = {-1, total}
local found, scanned, offset, spent = 0, 0, 0, false
for _, seg in ipairs(segs) do
  local key, kind, n = base .. seg[1], seg[2], seg[3]
  while i < offset + n and found < limit and scanned < maxScan do
    local j = i - offset
    local want = math.min(chunk, n - j)
    local ids, scores = {}, {}
    if kind == 'list' then
      local raw = redis.call('LRANGE', key, -(j + want), -(j + 1))
      for k = #raw, 1, -1 do ids[#ids + 1] = raw[k]; scores[#scores + 1] = false end
    else
      local cmd = 'ZREVRANGE'
      if kind == 'asc' then cmd = 'ZRANGE' end
      local raw = redis.call(cmd, key, j, j + want - 1, 'WITHSCORES')
      for k = 1, #raw, 2 do ids[#ids + 1] = raw[k]; scores[#scores + 1] = raw[k + 1] end
    end
    if #ids == 0 then i = offset + n; break end
    local bytes = 0
    for k, id in ipairs(ids) do
      i = i + 1
      scanned = scanned + 1
      local h = redis.call('HMGET', base .. id, 'name', 'data', 'atm', 'failedReason', 'timestamp', 'processedOn',
                           'finishedOn', 'delay', 'pb')
      for f = 1, 9 do if h[f] then bytes = bytes + #h[f] end end
      local match = search == ''
      if not match then
        for _, v in ipairs({id, h[1] or '', h[2] or '', h[4] or ''}) do
          if string.find(v, search, 1, true) then match = true; break end
        end
      end
      if match then
        if not withData then h[2] = false end
        out[#out + 1] = {id, seg[1], scores[k], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9]}
        found = found + 1
        if found >= limit then break end
      end
      if scanned >= maxScan then break end
    end
    if found < limit and scanned < maxScan and chunkDone(#ids, bytes) then spent = true; break end
  end
  offset = offset + n
  if found >= limit or scanned >= maxScan or spent then break end
end
if i < total then out[1] = i end
return out
)lua"));

// One job. KEYS[1]: the base key; ARGV[1]: the job id. Returns {false} when its hash is gone, else {collection it is in
// or false, its score there or false, {name, data, opts, atm, failedReason, stacktrace, timestamp, processedOn,
// finishedOn, delay, pb}}.
const redis::Script kJob(QByteArrayLiteral(R"lua(
local base, id = KEYS[1], ARGV[1]
local jobKey = base .. id
if redis.call('EXISTS', jobKey) == 0 then return {false} end
local where, score = false, false
for _, z in ipairs({'completed', 'failed', 'delayed', 'prioritized', 'waiting-children'}) do
  score = redis.call('ZSCORE', base .. z, id)
  if score then where = z; break end
end
if not where then
  for _, l in ipairs({'active', 'wait', 'paused'}) do
    if redis.call('LPOS', base .. l, id) then where = l; break end
  end
end
return {where, score, redis.call('HMGET', jobKey, 'name', 'data', 'opts', 'atm', 'failedReason', 'stacktrace',
                                   'timestamp', 'processedOn', 'finishedOn', 'delay', 'pb')}
)lua"));

// Retry or delete one job, only while it is still in the state the operator saw. KEYS[1]: the job's hash. ARGV:
// base key, action
// (retry|delete), expected (waiting|delayed|failed|completed), job id, '1' for a dry run (checks only).
// Retry mirrors BullMQ 5's own scripts: a delayed job is promoted (promote.lua); a failed or completed job loses
// finishedOn/processedOn/failedReason|returnvalue and goes back to wait, or to paused while BullMQ < 6 pauses the
// queue, or to prioritized for a job with a priority (reprocessJob.lua, retryJob.lua), then the marker that v5
// workers block on is set unless the queue is paused or at its global concurrency, the parent of a flow child
// counts it as pending again, and a `waiting` event goes to the events stream. Delete mirrors removeJob.lua for
// jobs outside flows: the job's keys and deduplication key go, then a `removed` event.
// Returns {1, collection} (done, or would be), {0} (not there any more), {-1} hash gone, {-2} locked by a worker,
// {-3} part of a flow (delete), {-4} the next run of a job scheduler (delete).
const redis::Script kAct(QByteArrayLiteral(R"lua(
local base, action, expected, id, dry = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5] == '1'
local jobKey = base .. id
local where = nil
if expected == 'waiting' then
  if redis.call('LPOS', base .. 'wait', id) then where = 'wait'
  elseif redis.call('LPOS', base .. 'paused', id) then where = 'paused'
  elseif redis.call('ZSCORE', base .. 'prioritized', id) then where = 'prioritized' end
elseif redis.call('ZSCORE', base .. expected, id) then
  where = expected
end
if where == nil then return {0} end
local exists = redis.call('EXISTS', jobKey) == 1
if redis.call('EXISTS', jobKey .. ':lock') == 1 then return {-2} end
if action == 'retry' and not exists then return {-1} end
if action == 'delete' then
  if redis.call('HGET', jobKey, 'parentKey') or redis.call('SCARD', jobKey .. ':dependencies') > 0 then return {-3} end
  local rjk = redis.call('HGET', jobKey, 'rjk')
  if rjk then
    local prev = redis.call('ZSCORE', base .. 'repeat', rjk)
    if prev and id == 'repeat:' .. rjk .. ':' .. prev then return {-4} end
  end
end
if dry then return {1, where} end

local meta = redis.call('HMGET', base .. 'meta', 'paused', 'concurrency', 'version', 'opts.maxLenEvents')
local maxEvents = tonumber(meta[4]) or 10000
local function event(name, prev)
  redis.call('XADD', base .. 'events', 'MAXLEN', '~', maxEvents, '*', 'event', name, 'jobId', id, 'prev', prev)
end

if where == 'wait' or where == 'paused' then
  if redis.call('LREM', base .. where, 1, id) ~= 1 then return {0} end
elseif redis.call('ZREM', base .. where, id) ~= 1 then
  return {0}
end

if action == 'delete' then
  local deid = redis.call('HGET', jobKey, 'deid')
  if deid and redis.call('GET', base .. 'de:' .. deid) == id then
    redis.call('DEL', base .. 'de:' .. deid, base .. 'dn:' .. deid)
  end
  redis.call('DEL', jobKey, jobKey .. ':logs', jobKey .. ':dependencies', jobKey .. ':processed', jobKey .. ':failed',
             jobKey .. ':unsuccessful')
  if exists then event('removed', where) end
  return {1, where}
end

-- BullMQ 5 keeps a paused queue's jobs in `paused`, 6 in `wait` with meta.paused set.
local paused = meta[1] ~= false
local target = base .. 'wait'
if paused then
  local major = tonumber(string.match(meta[3] or '', '^bullmq:(%d+)%.'))
  if major == nil or major < 6 then target = base .. 'paused' end
end
local hold = paused
if not paused and meta[2] then
  hold = redis.call('LLEN', base .. 'active') >= (tonumber(meta[2]) or math.huge)
end
if where == 'delayed' then
  -- A BullMQ 4 delay marker ("0:<ms>") at the head of the wait list is no longer needed.
  local head = redis.call('LINDEX', target, 0)
  if head and string.sub(head, 1, 2) == '0:' then redis.call('LPOP', target) end
  redis.call('HSET', jobKey, 'delay', 0)
else
  local reset = 'returnvalue'
  if where == 'failed' then reset = 'failedReason' end
  redis.call('HDEL', jobKey, 'finishedOn', 'processedOn', reset)
  local parentKey = redis.call('HGET', jobKey, 'parentKey')
  if parentKey and redis.call('EXISTS', parentKey) == 1 then
    local pending = false
    if where == 'failed' then
      pending = redis.call('ZREM', parentKey .. ':unsuccessful', jobKey) == 1 or
                redis.call('HDEL', parentKey .. ':failed', jobKey) == 1
    else
      pending = redis.call('HDEL', parentKey .. ':processed', jobKey) == 1
    end
    if pending then redis.call('SADD', parentKey .. ':dependencies', jobKey) end
  end
end
local h = redis.call('HMGET', jobKey, 'priority', 'opts')
local priority = tonumber(h[1]) or 0
if priority > 0 then
  local score = priority * 0x100000000 + redis.call('INCR', base .. 'pc') % 0x100000000
  redis.call('ZADD', base .. 'prioritized', score, id)
elseif h[2] and string.find(h[2], '"lifo":true', 1, true) then
  redis.call('RPUSH', target, id)
else
  redis.call('LPUSH', target, id)
end
if not hold then redis.call('ZADD', base .. 'marker', 0, '0') end
event('waiting', where)
return {1, where}
)lua"));

struct Location
{
    QString queue;
    QString jobId;
};

std::optional<Location> parseId(const QString &id)
{
    const qsizetype colon = id.indexOf(u':');
    if (colon <= 0 || colon + 1 >= id.size()) {
        return std::nullopt;
    }
    return Location{id.left(colon), id.mid(colon + 1)};
}

/// The script's word for a state: the collections it lists (jobs) or checks (act).
QByteArray collectionsOf(JobState s)
{
    switch (s) {
    case JobState::Waiting:
        return QByteArrayLiteral("waiting");
    case JobState::Running:
        return QByteArrayLiteral("active");
    case JobState::Scheduled:
        return QByteArrayLiteral("delayed");
    case JobState::Failed:
        return QByteArrayLiteral("failed");
    case JobState::Completed:
        return QByteArrayLiteral("completed");
    case JobState::Dead:
        break;
    }
    return {};
}

std::optional<JobState> stateOf(const QByteArray &collection)
{
    if (collection == "wait" || collection == "paused" || collection == "prioritized") {
        return JobState::Waiting;
    }
    if (collection == "active") {
        return JobState::Running;
    }
    // A flow parent waiting for its children is not runnable yet: closest to scheduled.
    if (collection == "delayed" || collection == "waiting-children") {
        return JobState::Scheduled;
    }
    if (collection == "failed") {
        return JobState::Failed;
    }
    if (collection == "completed") {
        return JobState::Completed;
    }
    return std::nullopt;
}

QDateTime msTime(const Reply &r)
{
    const auto ms = r.toDouble();
    return ms && *ms > 0 ? QDateTime::fromMSecsSinceEpoch(qint64(*ms), Qt::UTC) : QDateTime();
}

struct Fields
{
    QByteArray name, data, atm, failedReason, timestamp, processedOn, finishedOn, delay, pb;
};

JobSummary summarize(const QString &queue, const QByteArray &jobId, const QByteArray &collection, const Reply &score,
                     const Fields &f, JobState state)
{
    JobSummary s;
    s.id = queue + u':' + QString::fromUtf8(jobId);
    s.queue = queue;
    s.className = QString::fromUtf8(f.name);
    s.state = state;
    bool ok = false;
    const qint64 atm = f.atm.toLongLong(&ok);
    s.attempts = ok ? atm : 0;
    const auto ms = [](const QByteArray &b) {
        bool good = false;
        const double v = b.toDouble(&good);
        return good && v > 0 ? QDateTime::fromMSecsSinceEpoch(qint64(v), Qt::UTC) : QDateTime();
    };
    s.enqueuedAt = ms(f.timestamp);
    if (collection == "delayed") {
        // Score = run-at ms × 4096 + a counter.
        const auto raw = score.toDouble();
        s.runAt = raw ? QDateTime::fromMSecsSinceEpoch(qint64(*raw / 4096.0), Qt::UTC) : QDateTime();
        if (!s.runAt.isValid() && s.enqueuedAt.isValid()) {
            s.runAt = s.enqueuedAt.addMSecs(f.delay.toLongLong());
        }
    }
    if (state == JobState::Failed) {
        s.failedAt = ms(f.finishedOn);
    }
    s.worker = QString::fromUtf8(f.pb);
    s.errorLine = QString::fromUtf8(f.failedReason).section(u'\n', 0, 0);
    return s;
}

QString errorText(const QByteArray &failedReason, const QByteArray &stacktrace)
{
    QString text = QString::fromUtf8(failedReason);
    // BullMQ keeps one stack per failed attempt (up to opts.stackTraceLimit), the latest last.
    const QJsonArray stacks = QJsonDocument::fromJson(stacktrace).array();
    if (!stacks.isEmpty()) {
        text += u'\n' + stacks.last().toString();
    }
    return text;
}

} // namespace

QFuture<JobPage> BullMqBackend::jobs(const JobQuery &query)
{
    JobPage page;
    if (query.state == JobState::Dead) {
        page.notice = tr("BullMQ keeps no dead set: jobs that used up their attempts are in failed.");
        return QtFuture::makeReadyFuture(page);
    }
    if (query.queue.isEmpty()) {
        page.error = tr("Name a queue to list its BullMQ jobs.");
        return QtFuture::makeReadyFuture(page);
    }
    page.error = configError();
    const QByteArray start = query.after.isEmpty() ? QByteArray("0") : query.after.toLatin1();
    const Command cmd =
        kPage.evalsha({d->base(query.queue)},
                      {collectionsOf(query.state), start, QByteArray::number(std::clamp(query.limit, 1, 5000)),
                       query.search.toUtf8(), QByteArray::number(d->scanLimit), query.withPayload ? "1" : "0",
                       QByteArray::number(d->scanBudgetUs)});
    return onConnection<JobPage>(
        [cmd, query](Connection &c, std::function<void(JobPage)> reply) {
            c.send({cmd}, [query, reply](Batch b) {
                JobPage out;
                if (!b.ok()) {
                    out.error = b.error;
                    reply(out);
                    return;
                }
                const Reply &r = b.replies.at(0);
                if (r.isError() || !r.isArray() || r.elements.isEmpty()) {
                    out.error = tr("BullMQ jobs could not be read: %1").arg(r.errorText());
                    reply(out);
                    return;
                }
                const qint64 next = r.elements.at(0).toInteger().value_or(-1);
                out.nextCursor = next >= 0 ? QString::number(next) : QString();
                out.scanTotal = r.elements.size() > 1 ? r.elements.at(1).toInteger() : std::nullopt;
                out.scanned = next >= 0 ? std::optional<qint64>(next) : out.scanTotal;
                for (qsizetype i = 2; i < r.elements.size(); ++i) {
                    const QList<Reply> &e = r.elements.at(i).elements;
                    if (e.size() < 12) {
                        continue;
                    }
                    const Fields f{e.at(3).str, e.at(4).str, e.at(5).str,  e.at(6).str, e.at(7).str,
                                   e.at(8).str, e.at(9).str, e.at(10).str, e.at(11).str};
                    JobSummary s = summarize(query.queue, e.at(0).str, e.at(1).str, e.at(2), f, query.state);
                    if (query.withPayload) {
                        s.payload = QString::fromUtf8(f.data); // the job's data exactly as BullMQ stored it
                    }
                    out.jobs << s;
                }
                reply(out);
            });
        },
        page);
}

QFuture<JobDetail> BullMqBackend::job(const QString &id)
{
    const auto where = parseId(id);
    if (!where) {
        JobDetail bad;
        bad.failure = tr("\"%1\" is not a BullMQ job id (<queue>:<job id>).").arg(id.left(120));
        return QtFuture::makeReadyFuture(bad);
    }
    JobDetail unavailable;
    unavailable.failure = configError();
    const Command cmd = kJob.evalsha({d->base(where->queue)}, {where->jobId.toUtf8()});
    return onConnection<JobDetail>(
        [cmd, where = *where](Connection &c, std::function<void(JobDetail)> reply) {
            c.send({cmd}, [where, reply](Batch b) {
                JobDetail detail;
                const Reply *r = b.ok() ? &b.replies.at(0) : nullptr;
                if (!r) {
                    detail.failure = b.error;
                } else if (r->isError() || !r->isArray() || r->elements.isEmpty()) {
                    detail.failure = tr("The BullMQ job could not be read: %1").arg(r->errorText());
                } else if (r->elements.size() < 3 || r->elements.at(2).elements.size() < 11) {
                    detail.failure = tr("Job %1 no longer exists in queue %2.").arg(where.jobId, where.queue);
                } else {
                    const QByteArray collection = r->elements.at(0).str;
                    const QList<Reply> &h = r->elements.at(2).elements;
                    const auto state = stateOf(collection);
                    if (!state) {
                        detail.failure = tr("Job %1 of queue %2 has data but is in none of BullMQ's states.")
                                             .arg(where.jobId, where.queue);
                    }
                    const Fields f{h.at(0).str, h.at(1).str, h.at(3).str, h.at(4).str, h.at(6).str,
                                   h.at(7).str, h.at(8).str, h.at(9).str, h.at(10).str};
                    detail.summary = summarize(where.queue, where.jobId.toUtf8(), collection, r->elements.at(1), f,
                                               state.value_or(JobState::Waiting));
                    if (state == JobState::Completed) {
                        detail.summary.runAt = msTime(h.at(7)); // when it last started
                    }
                    const QJsonDocument doc = QJsonDocument::fromJson(f.data);
                    detail.payload = doc.isNull() ? QString::fromUtf8(f.data)
                                                  : QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
                    detail.error = errorText(f.failedReason, h.at(5).str);
                }
                reply(detail);
            });
        },
        unavailable);
}

// BullMQ 5's pause-7.lua, as Queue.pause()/resume() run it, plus "already so" first: {changed, paused now}.
// KEYS: wait, paused, meta, prioritized, events, delayed, marker. ARGV[1]: "paused" or "resumed".
const redis::Script kPause(QByteArrayLiteral(R"lua(
local rcall = redis.call
local want = ARGV[1] == 'paused'
local isPaused = rcall('HEXISTS', KEYS[3], 'paused') == 1
if isPaused == want then return {0, isPaused and 1 or 0} end
local from, to = KEYS[1], KEYS[2]
if not want then from, to = KEYS[2], KEYS[1] end
local hasJobs = rcall('EXISTS', from) == 1
if hasJobs then rcall('RENAME', from, to) end
if want then
  rcall('HSET', KEYS[3], 'paused', 1)
  rcall('DEL', KEYS[7])
else
  rcall('HDEL', KEYS[3], 'paused')
  if hasJobs or rcall('ZCARD', KEYS[4]) > 0 then
    rcall('ZADD', KEYS[7], 0, '0')
  else
    local first = rcall('ZRANGE', KEYS[6], 0, 0, 'WITHSCORES')
    local next = tonumber(first[2])
    if next ~= nil then rcall('ZADD', KEYS[7], next / 0x1000, '1') end
  end
end
rcall('XADD', KEYS[5], '*', 'event', ARGV[1])
return {1, want and 1 or 0}
)lua"));

QString BullMqBackend::pauseUnsupportedReason() const
{
    return d->readOnly ? tr("This connection is read-only (readonly=1): queues cannot be paused from it.") : QString();
}

QFuture<PauseResult> BullMqBackend::setQueuePaused(const QString &queue, bool paused)
{
    PauseResult refused;
    refused.queue = queue;
    refused.paused = !paused;
    refused.error = !configError().isEmpty() ? configError() : pauseUnsupportedReason();
    if (!refused.error.isEmpty()) {
        return QtFuture::makeReadyFuture(refused);
    }
    const QByteArray base = d->base(queue);
    const Command command = kPause.evalsha({base + "wait", base + "paused", base + "meta", base + "prioritized",
                                            base + "events", base + "delayed", base + "marker"},
                                           {paused ? QByteArrayLiteral("paused") : QByteArrayLiteral("resumed")});
    PauseResult unavailable = refused;
    unavailable.error = tr("No connection to Redis.");
    return onConnection<PauseResult>(
        [command, refused](Connection &c, std::function<void(PauseResult)> reply) {
            c.send({command}, [refused, reply](const Batch &b) {
                PauseResult r = refused;
                const Reply *answer = b.ok() && !b.replies.isEmpty() ? &b.replies.constFirst() : nullptr;
                if (!answer) {
                    r.error = tr("Nothing was changed: %1").arg(b.error);
                } else if (answer->isError() || answer->elements.size() != 2) {
                    r.error = tr("Nothing was changed: %1").arg(answer->errorText());
                } else {
                    r.changed = answer->elements.at(0).integer == 1;
                    r.paused = answer->elements.at(1).integer == 1;
                }
                reply(r);
            });
        },
        unavailable);
}

QFuture<ActionResult> BullMqBackend::act(const JobAction &action)
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
    if (action.kind == ActionKind::Move) {
        refused.error = tr("BullMQ jobs cannot be moved to another queue: a job's data lives under its queue's keys.");
    } else if (action.expected == JobState::Running) {
        refused.error = tr("Active BullMQ jobs cannot be retried or cancelled from here: a worker holds them.");
    } else if (action.expected == JobState::Dead) {
        refused.error = tr("BullMQ keeps no dead set: jobs that used up their attempts are in failed.");
    } else if (retry && action.expected == JobState::Waiting) {
        refused.error =
            tr("Waiting BullMQ jobs are already queued: only delayed, failed and completed jobs can be retried.");
    }
    if (!refused.error.isEmpty()) {
        return QtFuture::makeReadyFuture(refused);
    }
    QList<Command> commands;
    QStringList ids;
    for (const QString &id : action.jobIds) {
        const auto where = parseId(id);
        if (!where) {
            refused.skipped << id; // nothing can address it
            continue;
        }
        const QByteArray base = d->base(where->queue);
        commands << kAct.evalsha({base + where->jobId.toUtf8()},
                                 {base, retry ? "retry" : "delete", collectionsOf(action.expected),
                                  where->jobId.toUtf8(), action.dryRun ? "1" : "0"});
        ids << id;
    }
    return runJobScripts(commands, ids, refused, [](qint64 code, const QString &id) {
        switch (code) {
        case -1: return tr("job %1 has no data any more (its hash is gone); it was left where it is").arg(id);
        case -2: return tr("job %1 is locked by a worker; it was left alone").arg(id);
        case -3: return tr("job %1 is part of a flow (parent or children); remove it with BullMQ's own API").arg(id);
        case -4: return tr("job %1 is the next run of a job scheduler; remove the scheduler instead").arg(id);
        default: return QString();
        }
    });
}

} // namespace qd::bullmq
