// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// RQ drill-down and actions. Job ids are RQ's own; where a job is comes from its hash's `origin` and the state
// the operator saw, and every action first takes the job out of exactly that queue or registry (LREM/ZREM
// answering 1), so a job that moved on meanwhile is skipped, not harmed.
#include "core/backends/rq/rqbackend_p.h"

#include "core/clock.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>

namespace qd::rq {

using redis::Batch;
using redis::Command;
using redis::Connection;
using redis::Reply;

namespace {

// The job hash fields a listing reads, in this order (Field below).
#define QD_RQ_LUA_FIELDS                                                                                               \
    "local fields = {'status', 'origin', 'description', 'created_at', 'enqueued_at', 'started_at', 'ended_at',"        \
    " 'worker_name', 'exc_info', 'timeout', 'retries_left'}\n"

enum Field : quint8 {
    Status,
    Origin,
    Description,
    CreatedAt,
    EnqueuedAt,
    StartedAt,
    EndedAt,
    WorkerName,
    ExcInfo,
    Timeout,
    RetriesLeft,
    FieldCount
};

// One page over one queue list or one or two registries read as one sequence. KEYS: the sources in order.
// ARGV: kind (list|zset), start index in the sequence, limit, text filter (job id or description), most entries
// to look at, read the latest result (1|0), time budget in microseconds (0: none; the scan stops after the chunk
// that used it up). Returns {next index or -1 at the end, entries in the sequence, then per job: id, score,
// source index (1-based), {hash fields}, {latest result's fields} or nil, pickled data or nil (only when the
// description does not name the function)}.
const redis::Script kPage(QByteArrayLiteral(QD_RQ_LUA_FIELDS QD_REDIS_LUA_BUDGET(7) R"lua(
local kind, i, limit, search, maxScan, withResult = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5]), ARGV[6]
local sizes, total = {}, 0
for k, key in ipairs(KEYS) do
  if kind == 'list' then sizes[k] = redis.call('LLEN', key) else sizes[k] = redis.call('ZCARD', key) end
  total = total + sizes[k]
end
local function locate(g)
  for k = 1, #KEYS do
    if g < sizes[k] then return k, g end
    g = g - sizes[k]
  end
  return nil, nil
end
local out = {-1, total}
local found, scanned = 0, 0
while found < limit and scanned < maxScan do
  local k, off = locate(i)
  if k == nil then return out end
  local ids, scores = {}, {}
  if kind == 'list' then
    ids = redis.call('LRANGE', KEYS[k], off, off + chunk - 1)
    for n = 1, #ids do scores[n] = '' end
  else
    local raw = redis.call('ZRANGE', KEYS[k], off, off + chunk - 1, 'WITHSCORES')
    for n = 1, #raw, 2 do ids[#ids + 1] = raw[n]; scores[#scores + 1] = raw[n + 1] end
  end
  if #ids == 0 then return out end
  local bytes = 0
  for n, id in ipairs(ids) do
    i = i + 1
    scanned = scanned + 1
    local h = redis.call('HMGET', 'rq:job:' .. id, unpack(fields))
    for _, v in ipairs(h) do if v then bytes = bytes + #v end end
    local desc = h[3]
    if search == '' or string.find(id, search, 1, true) or (desc and string.find(desc, search, 1, true)) then
      local result = false
      if withResult == '1' then
        local r = redis.pcall('XREVRANGE', 'rq:results:' .. id, '+', '-', 'COUNT', 1)
        if type(r) == 'table' and r.err == nil and #r > 0 then result = r[1][2] end
      end
      local data = false
      if not desc or not string.find(desc, '^[%w_%.]+%(') then
        data = redis.call('HGET', 'rq:job:' .. id, 'data')
      end
      out[#out + 1] = id
      out[#out + 1] = scores[n]
      out[#out + 1] = k
      out[#out + 1] = h
      out[#out + 1] = result
      out[#out + 1] = data
      found = found + 1
      if found >= limit then break end
    end
    if scanned >= maxScan then break end
  end
  if chunkDone(#ids, bytes) then break end
end
if locate(i) ~= nil then out[1] = i end
return out
)lua"));

// One job, conditionally. ARGV: mode (check|retry|delete), state (waiting|running|scheduled|failed), job id,
// now (RQ's time format), most queue entries a check looks at. Returns {1, origin} when done (or, for check,
// when the job is there), {0} when it is no longer there, {-2} when a job to retry is deferred.
// retry is what RQ's Job.requeue() leaves behind for a failed job (started_at/ended_at cleared, exc_info =
// zlib of ''), then Queue.enqueue_job(): status queued, enqueued_at now, the queue registered, RPUSH.
// delete is Job.delete(): out of its queue or registry, then the hash, its dependency sets and its results.
const redis::Script kAct(QByteArrayLiteral(R"lua(
local mode, state, id, now, maxScan = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local jk = 'rq:job:' .. id
local origin = redis.call('HGET', jk, 'origin')
if not origin then return {0} end
local src, kind = nil, 'zset'
if state == 'waiting' then
  src, kind = 'rq:queue:' .. origin, 'list'
elseif state == 'running' then
  src = 'rq:wip:' .. origin
elseif state == 'failed' then
  src = 'rq:failed:' .. origin
elseif state == 'scheduled' then
  src = 'rq:scheduled:' .. origin
  if not redis.call('ZSCORE', src, id) then
    src = 'rq:deferred:' .. origin
    if mode == 'retry' then
      if redis.call('ZSCORE', src, id) then return {-2} end
      return {0}
    end
  end
else
  return {0}
end
if mode == 'check' then
  if kind == 'zset' then
    if redis.call('ZSCORE', src, id) then return {1, origin} end
    return {0}
  end
  local n, i = redis.call('LLEN', src), 0
  while i < n and i < maxScan do
    for _, c in ipairs(redis.call('LRANGE', src, i, i + 999)) do
      if c == id then return {1, origin} end
    end
    i = i + 1000
  end
  return {0}
end
if kind == 'zset' then
  if redis.call('ZREM', src, id) ~= 1 then return {0} end
elseif redis.call('LREM', src, 1, id) ~= 1 then
  return {0}
end
if mode == 'delete' then
  redis.call('DEL', jk, jk .. ':dependents', 'rq:job::' .. id .. ':dependencies', jk .. ':dependencies', 'rq:results:' .. id)
  return {1, origin}
end
if state == 'failed' then
  redis.call('HSET', jk, 'started_at', '', 'ended_at', '', 'exc_info', '\120\156\3\0\0\0\0\1')
end
redis.call('HSET', jk, 'status', 'queued', 'enqueued_at', now)
redis.call('SADD', 'rq:queues', 'rq:queue:' .. origin)
redis.call('RPUSH', 'rq:queue:' .. origin, id)
return {1, origin}
)lua"));

QString text(const QByteArray &b)
{
    return QString::fromUtf8(b);
}

QDateTime rqTime(const QByteArray &raw)
{
    const auto s = parseRqTime(raw);
    return s ? QDateTime::fromMSecsSinceEpoch(qint64(*s * 1000.0), Qt::UTC) : QDateTime();
}

/// zlib data as RQ writes it (exc_info, data, the results' exc_string), inflated; empty when it is not zlib or
/// more than 4 MB packed. qUncompress starts from a guess and grows its buffer as needed.
QByteArray inflate(const QByteArray &packed)
{
    if (packed.size() < 2 || packed.size() > 4 * 1024 * 1024 || quint8(packed.at(0)) != 0x78) {
        return {};
    }
    const quint32 guess = quint32(std::min<qsizetype>(packed.size() * 8 + 1024, 64 * 1024 * 1024));
    QByteArray sized(4, '\0');
    sized[0] = char(guess >> 24);
    sized[1] = char(guess >> 16);
    sized[2] = char(guess >> 8);
    sized[3] = char(guess);
    return qUncompress(sized + packed);
}

} // namespace

QString pickledFunctionName(const QByteArray &pickle)
{
    qsizetype i = 0;
    const auto at = [&pickle](qsizetype k) { return k < pickle.size() ? quint8(pickle.at(k)) : 0; };
    if (at(i) == 0x80) { // PROTO n
        i += 2;
    }
    if (at(i) == 0x95) { // FRAME, 8-byte length
        i += 9;
    }
    if (at(i) == '(') { // MARK of the tuple
        ++i;
    }
    qsizetype length = -1;
    qsizetype start = 0;
    switch (at(i)) {
    case 0x8c: // SHORT_BINUNICODE
        length = at(i + 1);
        start = i + 2;
        break;
    case 'X': // BINUNICODE, 4-byte little-endian length
        length =
            qsizetype(at(i + 1)) | qsizetype(at(i + 2)) << 8 | qsizetype(at(i + 3)) << 16 | qsizetype(at(i + 4)) << 24;
        start = i + 5;
        break;
    case 'V': { // UNICODE (protocol 0), up to the newline
        const qsizetype nl = pickle.indexOf('\n', i + 1);
        length = nl < 0 ? -1 : nl - i - 1;
        start = i + 1;
        break;
    }
    default:
        break;
    }
    if (length <= 0 || length > 1000 || start + length > pickle.size()) {
        return {};
    }
    return QString::fromUtf8(pickle.mid(start, length));
}

namespace {

/// What an operator calls the job: the function in `description` ("mod.func(…)"), else the pickled name.
QString className(const QByteArray &description, const QByteArray &data)
{
    static const QRegularExpression call(QStringLiteral("^([A-Za-z_][A-Za-z0-9_.]*)\\("));
    const QRegularExpressionMatch m = call.match(text(description));
    if (m.hasMatch()) {
        return m.captured(1);
    }
    const QString pickled = pickledFunctionName(inflate(data));
    return pickled.isEmpty() ? text(description).left(200) : pickled;
}

/// The traceback of the job's last failure: the results stream's exc_string (base64 of zlib, RQ 1.12+ on
/// Redis 5+), else the hash's exc_info (zlib).
QString traceback(const QHash<QByteArray, QByteArray> &result, const QByteArray &excInfo)
{
    if (result.value("type") == "2") {
        const QByteArray tb = inflate(QByteArray::fromBase64(result.value("exc_string")));
        if (!tb.isEmpty()) {
            return text(tb);
        }
    }
    return text(inflate(excInfo));
}

/// The exception a Python traceback ends with ("ValueError: boom for user 1"): the first line after the last
/// indented (frame) line, so a message spanning lines is shown by its first one.
QString exceptionLine(const QString &tb)
{
    const QStringList lines = tb.split(u'\n', Qt::SkipEmptyParts);
    qsizetype at = 0;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (lines.at(i).startsWith(u' ') || lines.at(i).startsWith(u'\t')) {
            at = i + 1;
        }
    }
    return at < lines.size() ? lines.at(at).trimmed() : QString();
}

QHash<QByteArray, QByteArray> pairs(const Reply &r)
{
    QHash<QByteArray, QByteArray> out;
    for (qsizetype i = 0; i + 1 < r.elements.size(); i += 2) {
        out.insert(r.elements.at(i).str, r.elements.at(i + 1).str);
    }
    return out;
}

JobState stateOfStatus(const QByteArray &status)
{
    if (status == "started") {
        return JobState::Running;
    }
    if (status == "scheduled" || status == "deferred") {
        return JobState::Scheduled;
    }
    if (status == "failed" || status == "stopped") {
        return JobState::Failed;
    }
    return JobState::Waiting;
}

/// The readable part of a job: every hash field that is text, the arguments as RQ's description shows them,
/// never the pickled data. Hostile text: views escape it.
QJsonObject readable(const QString &id, const QHash<QByteArray, QByteArray> &hash, const QString &function)
{
    QJsonObject o;
    o.insert(QStringLiteral("id"), id);
    o.insert(QStringLiteral("function"), function);
    const QString desc = text(hash.value("description"));
    const qsizetype open = desc.indexOf(u'(');
    if (open > 0 && desc.endsWith(u')')) {
        o.insert(QStringLiteral("arguments"), desc.mid(open + 1, desc.size() - open - 2));
    }
    for (auto it = hash.cbegin(); it != hash.cend(); ++it) {
        if (it.key() == "data" || it.key() == "exc_info" || it.key() == "meta" || it.key() == "result") {
            continue; // pickled or compressed
        }
        o.insert(text(it.key()), text(it.value()));
    }
    o.insert(QStringLiteral("data_bytes"), hash.value("data").size());
    return o;
}

/// Whether a failed job of a page reply (see kPage) holds `search` in its id, its call or its traceback (inflated).
bool failureMatches(const QList<Reply> &e, qsizetype at, const QString &search)
{
    const QList<Reply> &f = e.at(at + 3).elements;
    const auto field = [&f](Field k) { return f.value(k).str; };
    return text(e.at(at).str).contains(search) || text(field(Description)).contains(search)
           || traceback(pairs(e.at(at + 4)), field(ExcInfo)).contains(search);
}

JobSummary summarize(const QList<Reply> &e, qsizetype at, const QString &queue, JobState state, bool withPayload)
{
    JobSummary s;
    s.id = text(e.at(at).str);
    s.queue = queue;
    s.state = state;
    const QList<Reply> &f = e.at(at + 3).elements;
    const auto field = [&f](Field k) { return f.value(k).str; };
    if (!field(Origin).isEmpty()) {
        s.queue = text(field(Origin));
    }
    s.className = className(field(Description), e.at(at + 5).str);
    s.enqueuedAt = rqTime(field(EnqueuedAt));
    if (!s.enqueuedAt.isValid()) {
        s.enqueuedAt = rqTime(field(CreatedAt));
    }
    const bool deferred = state == JobState::Scheduled && e.at(at + 2).toInteger() == 2;
    if (state == JobState::Scheduled && !deferred) {
        if (const auto when = e.at(at + 1).toDouble()) {
            s.runAt = QDateTime::fromMSecsSinceEpoch(qint64(*when * 1000.0), Qt::UTC);
        }
    }
    if (state == JobState::Failed) {
        s.failedAt = rqTime(field(EndedAt));
        s.errorLine = exceptionLine(traceback(pairs(e.at(at + 4)), field(ExcInfo)));
    }
    if (state == JobState::Running || state == JobState::Failed) {
        s.worker = text(field(WorkerName));
    }
    if (withPayload) {
        QHash<QByteArray, QByteArray> hash;
        static const char *const names[FieldCount] = {"status",      "origin",     "description", "created_at",
                                                      "enqueued_at", "started_at", "ended_at",    "worker_name",
                                                      "exc_info",    "timeout",    "retries_left"};
        for (int k = 0; k < FieldCount; ++k) {
            if (!f.value(k).isNil()) {
                hash.insert(names[k], f.value(k).str);
            }
        }
        s.payload = text(QJsonDocument(readable(s.id, hash, s.className)).toJson(QJsonDocument::Compact));
    }
    return s;
}

} // namespace

QFuture<JobPage> RqBackend::jobs(const JobQuery &query)
{
    JobPage page;
    page.error = configError();
    if (page.error.isEmpty() && query.queue.isEmpty()) {
        page.error = tr("Name a queue to list its RQ jobs: RQ keeps its registries per queue.");
    }
    if (page.error.isEmpty() && query.state == JobState::Dead) {
        page.notice = tr("RQ has no dead jobs: a failed job stays in the failed registry until it expires there.");
        return QtFuture::makeReadyFuture(page);
    }
    if (!page.error.isEmpty()) {
        return QtFuture::makeReadyFuture(page);
    }
    const QByteArray q = query.queue.toUtf8();
    QByteArrayList keys;
    switch (query.state) {
    case JobState::Waiting:
        keys << "rq:queue:" + q;
        break;
    case JobState::Running:
        keys << "rq:wip:" + q;
        break;
    case JobState::Scheduled:
        keys << "rq:scheduled:" + q << "rq:deferred:" + q;
        break;
    case JobState::Failed:
        keys << "rq:failed:" + q;
        break;
    case JobState::Completed:
        keys << "rq:finished:" + q; // FinishedJobRegistry, kept result_ttl
        break;
    case JobState::Dead:
        break;
    }
    // RQ keeps a failure's traceback zlib-compressed (exc_info, the result's exc_string): Lua cannot read it, so a
    // search among failed jobs matches here, on each budgeted chunk the script returns (ids, call, error, traceback).
    const bool searchHere = query.state == JobState::Failed && !query.search.isEmpty();
    const Command cmd =
        kPage.evalsha(keys, {query.state == JobState::Waiting ? "list" : "zset",
                             QByteArray::number(query.after.isEmpty() ? 0 : query.after.toLongLong()),
                             QByteArray::number(std::clamp(query.limit, 1, 5000)),
                             searchHere ? QByteArray() : query.search.toUtf8(),
                             QByteArray::number(d->scanLimit), query.state == JobState::Failed ? "1" : "0",
                             QByteArray::number(d->scanBudgetUs)});
    return onConnection<JobPage>(
        [cmd, query, searchHere](Connection &c, std::function<void(JobPage)> reply) {
            c.send({cmd}, [query, reply, searchHere](Batch b) {
                JobPage out;
                if (!b.ok()) {
                    out.error = b.error;
                } else if (b.replies.at(0).isError()) {
                    out.error = tr("RQ jobs could not be read: %1").arg(b.replies.at(0).errorText());
                } else {
                    const QList<Reply> &e = b.replies.at(0).elements;
                    const qint64 next = e.isEmpty() ? -1 : e.at(0).toInteger().value_or(-1);
                    out.nextCursor = next >= 0 ? QString::number(next) : QString();
                    out.scanTotal = e.size() > 1 ? e.at(1).toInteger() : std::nullopt;
                    out.scanned = next >= 0 ? std::optional<qint64>(next) : out.scanTotal;
                    for (qsizetype i = 2; i + 5 < e.size(); i += 6) {
                        if (searchHere && !failureMatches(e, i, query.search)) {
                            continue;
                        }
                        out.jobs << summarize(e, i, query.queue, query.state, query.withPayload);
                    }
                    if (query.state == JobState::Scheduled) {
                        out.notice = tr("Scheduled RQ jobs come first, soonest first; then the jobs deferred until "
                                        "the jobs they depend on finish (no run time).");
                    }
                }
                reply(out);
            });
        },
        page);
}

QFuture<JobDetail> RqBackend::job(const QString &id)
{
    JobDetail unavailable;
    unavailable.failure = configError();
    const QByteArray raw = id.toUtf8();
    return onConnection<JobDetail>(
        [raw, id](Connection &c, std::function<void(JobDetail)> reply) {
            c.send({{"HGETALL", "rq:job:" + raw}, {"XREVRANGE", "rq:results:" + raw, "+", "-", "COUNT", "1"}},
                   [id, reply](Batch b) {
                       JobDetail detail;
                       if (!b.ok()) {
                           detail.failure = b.error;
                           reply(detail);
                           return;
                       }
                       const Reply &h = b.replies.at(0);
                       if (h.isError()) {
                           detail.failure = h.errorText();
                       } else if (h.elements.isEmpty()) {
                           detail.failure = tr("RQ job %1 does not exist (any more).").arg(id.left(200));
                       } else {
                           const QHash<QByteArray, QByteArray> hash = pairs(h);
                           const Reply &r = b.replies.at(1);
                           QHash<QByteArray, QByteArray> result;
                           if (r.isArray() && !r.elements.isEmpty() && r.elements.at(0).elements.size() == 2) {
                               result = pairs(r.elements.at(0).elements.at(1));
                           }
                           JobSummary &s = detail.summary;
                           s.id = id;
                           s.queue = text(hash.value("origin"));
                           s.state = stateOfStatus(hash.value("status"));
                           s.className = className(hash.value("description"), hash.value("data"));
                           s.enqueuedAt = rqTime(hash.value("enqueued_at"));
                           if (!s.enqueuedAt.isValid()) {
                               s.enqueuedAt = rqTime(hash.value("created_at"));
                           }
                           s.worker = text(hash.value("worker_name"));
                           detail.error = traceback(result, hash.value("exc_info"));
                           if (s.state == JobState::Failed) {
                               s.failedAt = rqTime(hash.value("ended_at"));
                               s.errorLine = exceptionLine(detail.error);
                           }
                           detail.payload =
                               text(QJsonDocument(readable(id, hash, s.className)).toJson(QJsonDocument::Indented));
                       }
                       reply(detail);
                   });
        },
        unavailable);
}

QFuture<ActionResult> RqBackend::act(const JobAction &action)
{
    ActionResult refused;
    refused.dryRun = action.dryRun;
    const bool retry = action.kind == ActionKind::Retry;
    if (d->readOnly) {
        refused.error = tr("This connection is read-only (readonly=1): no job was changed.");
    } else if (!configError().isEmpty()) {
        refused.error = configError();
    } else if (action.kind == ActionKind::Move) {
        refused.error = tr("RQ jobs cannot be moved to another queue from here.");
    } else if (action.expected == JobState::Dead) {
        refused.error = tr("RQ has no dead jobs.");
    } else if (action.expected == JobState::Completed) {
        refused.error = tr("Finished RQ jobs are only listed: RQ keeps them for their result, not to run again.");
    } else if (action.expected == JobState::Running) {
        refused.error =
            retry ? tr("Only failed and scheduled RQ jobs can be retried.")
                  : tr("Running RQ jobs cannot be cancelled here: only the worker running a job can stop it.");
    } else if (retry && action.expected == JobState::Waiting) {
        refused.error = tr("Only failed and scheduled RQ jobs can be retried.");
    }
    if (!refused.error.isEmpty()) {
        return QtFuture::makeReadyFuture(refused);
    }
    const QByteArray state = action.expected == JobState::Waiting     ? "waiting"
                             : action.expected == JobState::Scheduled ? "scheduled"
                                                                      : "failed";
    const QByteArray mode = action.dryRun ? "check" : retry ? "retry" : "delete";
    // RQ's own format: microseconds, UTC, "Z".
    const QByteArray now = QDateTime::fromMSecsSinceEpoch(clock()->nowMs(), Qt::UTC)
                               .toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss.zzz'000Z'"))
                               .toLatin1();
    QList<Command> commands;
    QStringList ids;
    ActionResult skippedUpFront;
    for (const QString &id : action.jobIds) {
        if (id.isEmpty() || id.size() > 1000) {
            skippedUpFront.skipped << id;
            continue;
        }
        commands << kAct.evalsha({}, {mode, state, id.toUtf8(), now, QByteArray::number(d->scanLimit)});
        ids << id;
    }
    skippedUpFront.dryRun = action.dryRun;
    return runJobScripts(commands, ids, skippedUpFront, [](qint64 code, const QString &id) {
        return code == -2 ? tr("job %1 is deferred: RQ enqueues it when the jobs it depends on have finished").arg(id)
                          : QString();
    });
}

} // namespace qd::rq
