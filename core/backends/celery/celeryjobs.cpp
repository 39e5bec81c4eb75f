// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Celery drill-down and actions on the kombu Redis transport. A job id is `<queue>:<task id>` (the queue up to
// the first colon): the message lives in that queue's lists (the plain one, then the priority lists
// `<queue>\x06\x16<digit>`, in the order a worker takes them) or, prefetched by a worker, in `unacked`.
// Deleting a waiting message removes exactly the element that was found, inside one Lua script.
#include "core/backends/celery/celerybackend_p.h"

#include "core/clock.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <optional>
#include <utility>

namespace qd::celery {

using redis::Batch;
using redis::Command;
using redis::Connection;
using redis::Reply;

namespace {

// Lua: the lists of queue q in the order kombu's Redis transport serves them (plain = priority 0 first).
#define QD_CELERY_LUA_LISTS                                                                                            \
    "local function listsOf(q)\n"                                                                                      \
    "  local l = {q}\n"                                                                                                \
    "  for d = 0, 9 do l[#l + 1] = q .. '\\6\\22' .. d end\n"                                                          \
    "  return l\n"                                                                                                     \
    "end\n"

// Waiting messages of one queue, next to be delivered first (kombu LPUSHes and BRPOPs: the next is at -1 of
// each list). ARGV: queue, start index, limit, text filter, most messages to look at, time budget in microseconds
// (0: none; the scan stops after the chunk that used it up), the first chunk's size (the last call's answer).
// Returns {next index or -1 at the end, messages in the lists, next call's first chunk, message1, message2, …}.
// LRANGE deep in a list walks to its start from the nearer end (about 4 ms in the middle of a million 1 KB
// messages), so a chunk there costs a seek whatever its size: the next call starts with a chunk of about 64 KiB,
// not with a few messages (which would make a deep page a seek per message), and a call whose chunk took longer
// than the budget has left ends there.
const redis::Script kWaiting(QByteArrayLiteral(QD_CELERY_LUA_LISTS QD_REDIS_LUA_BUDGET(6) R"lua(
local i, limit, search, maxScan = tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5])
chunk = math.max(1, math.min(500, tonumber(ARGV[7]) or chunk))
local lists, sizes, total = listsOf(ARGV[1]), {}, 0
for k, key in ipairs(lists) do sizes[k] = redis.call('LLEN', key); total = total + sizes[k] end
local function locate(g)
  for k = 1, #lists do
    if g < sizes[k] then return k, g end
    g = g - sizes[k]
  end
  return nil, nil
end
local out = {-1, total, chunk}
local found, scanned = 0, 0
while found < limit and scanned < maxScan do
  local k, off = locate(i)
  if k == nil then return out end
  local raw = redis.call('LRANGE', lists[k], -(off + chunk), -(off + 1))
  if #raw == 0 then return out end
  local bytes, seen = 0, 0
  for n = #raw, 1, -1 do
    local m = raw[n]
    i = i + 1
    scanned = scanned + 1
    seen = seen + 1
    bytes = bytes + #m
    if search == '' or string.find(m, search, 1, true) then
      out[#out + 1] = m
      found = found + 1
      if found >= limit then break end
    end
    if scanned >= maxScan then break end
  end
  out[3] = math.max(1, math.min(500, math.floor(seen * 65536 / math.max(bytes, 1))))
  if chunkDone(seen, bytes) then break end
end
if locate(i) ~= nil then out[1] = i end
return out
)lua"));

// Messages a worker prefetched (`unacked`, in delivery order by `unacked_index`) for one queue, with an ETA
// (held until then) or without (being worked on). ARGV: queue, start index, limit, text filter, most entries to
// look at, with ETA (1|0), time budget in microseconds (0: none; adaptive chunks, as the waiting page). Returns
// {next index or -1, entries in unacked_index, entry1, delivered at1, …}; an entry is kombu's JSON [message,
// exchange, routing key].
const redis::Script kUnacked(QByteArrayLiteral(QD_REDIS_LUA_BUDGET(7) R"lua(
local q, i, limit, search, maxScan, wantEta = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], tonumber(ARGV[5]), ARGV[6] == '1'
local out = {-1, redis.call('ZCARD', 'unacked_index')}
local found, scanned = 0, 0
while found < limit and scanned < maxScan do
  local want = chunk
  local raw = redis.call('ZRANGE', 'unacked_index', i, i + want - 1, 'WITHSCORES')
  if #raw == 0 then return out end
  local bytes = 0
  for n = 1, #raw, 2 do
    i = i + 1
    scanned = scanned + 1
    local v = redis.call('HGET', 'unacked', raw[n])
    if v then
      bytes = bytes + #v
      local rk = string.match(v, '"([^"]*)"%s*%]%s*$') or ''
      local eta = string.find(v, '"eta":%s*"') ~= nil
      if rk == q and eta == wantEta and (search == '' or string.find(v, search, 1, true)) then
        out[#out + 1] = v
        out[#out + 1] = raw[n + 1]
        found = found + 1
        if found >= limit then break end
      end
    end
    if scanned >= maxScan then break end
  end
  if #raw < 2 * want and found < limit then return out end
  if chunkDone(#raw / 2, bytes) then break end
end
if i < redis.call('ZCARD', 'unacked_index') then out[1] = i end
return out
)lua"));

// Finds task ARGV[2] of queue ARGV[1] (headers.id, Celery's message protocol 2) and, per ARGV[3]: 'check'
// answers whether it is waiting, 'find' also looks among the prefetched ones, 'delete' LREMs exactly the
// waiting element found. ARGV[4]: most waiting messages to look at, oldest first. Returns {1, message, where}
// (where: 'waiting' or 'unacked'; a prefetched message is only ever found), {0} when it is nowhere, or {-2} when
// it was not found among the ARGV[4] oldest but the queue holds more (not reached: it may be there).
const redis::Script kTake(QByteArrayLiteral(QD_CELERY_LUA_LISTS R"lua(
local q, id, mode, maxScan = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local function isIt(m)
  if not string.find(m, id, 1, true) then return false end
  local ok, j = pcall(cjson.decode, m)
  return ok and type(j) == 'table' and type(j['headers']) == 'table' and j['headers']['id'] == id
end
local scanned, more = 0, false
for _, key in ipairs(listsOf(q)) do
  local n, i = redis.call('LLEN', key), 0
  while i < n and scanned < maxScan do
    local want = math.min(500, maxScan - scanned)
    local raw = redis.call('LRANGE', key, -(i + want), -(i + 1))
    for k = #raw, 1, -1 do
      if isIt(raw[k]) then
        if mode == 'delete' and redis.call('LREM', key, 1, raw[k]) ~= 1 then return {0} end
        return {1, raw[k], 'waiting'}
      end
    end
    i = i + want
    scanned = scanned + #raw
  end
  if i < n then more = true end
end
if mode == 'find' then
  for _, v in ipairs(redis.call('HVALS', 'unacked')) do
    if string.find(v, id, 1, true) then
      local ok, e = pcall(cjson.decode, v)
      if ok and type(e) == 'table' and e[3] == q and type(e[1]) == 'table' and type(e[1]['headers']) == 'table'
         and e[1]['headers']['id'] == id then
        return {1, cjson.encode(e[1]), 'unacked'}
      end
    end
  end
end
if more then return {-2} end
return {0}
)lua"));

QString text(const QByteArray &b)
{
    return QString::fromUtf8(b);
}

/// A task beyond what one lookup may read: nothing is known of it, and nothing was changed.
QString notReached(const QString &task, qint64 scanLimit)
{
    return CeleryBackend::tr("task %1 was not reached: it is not among the oldest %L2 waiting messages of its queue "
                             "(scan_limit), so it may still be there and nothing was changed. Add scan_limit=N to "
                             "the URL to look further.")
        .arg(task.left(200))
        .arg(scanLimit);
}

QDateTime isoTime(const QJsonValue &v)
{
    if (!v.isString()) {
        return {};
    }
    QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
    if (t.isValid() && t.timeSpec() == Qt::LocalTime) {
        t.setTimeSpec(Qt::UTC); // Celery writes naive times in UTC
    }
    return t.toUTC();
}

struct Message
{
    QJsonObject headers;
    QJsonObject readable; ///< task, id, args, kwargs, … as far as the body is JSON
    QString taskId;
    QString task;
};

/// A kombu message as data: the body is decoded when it is base64 JSON (Celery's default serializer); any
/// other serializer (pickle, yaml, msgpack) is left as bytes and only the headers' argsrepr/kwargsrepr show.
Message decode(const QByteArray &raw)
{
    Message m;
    const QJsonObject msg = QJsonDocument::fromJson(raw).object();
    m.headers = msg.value(QStringLiteral("headers")).toObject();
    const QJsonObject props = msg.value(QStringLiteral("properties")).toObject();
    QByteArray body = msg.value(QStringLiteral("body")).toString().toUtf8();
    if (props.value(QStringLiteral("body_encoding")).toString() == u"base64") {
        body = QByteArray::fromBase64(body);
    }
    const QJsonDocument doc = msg.value(QStringLiteral("content-type")).toString() == u"application/json"
                                  ? QJsonDocument::fromJson(body)
                                  : QJsonDocument();
    QJsonObject o;
    if (m.headers.contains(QStringLiteral("task"))) { // message protocol 2: body = [args, kwargs, embed]
        m.task = m.headers.value(QStringLiteral("task")).toString();
        m.taskId = m.headers.value(QStringLiteral("id")).toString();
        if (doc.isArray()) {
            o.insert(QStringLiteral("args"), doc.array().at(0));
            o.insert(QStringLiteral("kwargs"), doc.array().at(1));
        }
    } else if (doc.isObject()) { // protocol 1: everything in the body
        o = doc.object();
        m.task = o.value(QStringLiteral("task")).toString();
        m.taskId = o.value(QStringLiteral("id")).toString();
    }
    if (!doc.isArray() && !doc.isObject()) {
        o.insert(QStringLiteral("body_bytes"), body.size());
        o.insert(QStringLiteral("content_type"), msg.value(QStringLiteral("content-type")));
    }
    o.insert(QStringLiteral("task"), m.task);
    o.insert(QStringLiteral("id"), m.taskId);
    for (const char *h :
         {"retries", "eta", "expires", "root_id", "parent_id", "group", "origin", "argsrepr", "kwargsrepr"}) {
        const QJsonValue v = m.headers.value(QLatin1String(h));
        if (!v.isUndefined() && !v.isNull()) {
            o.insert(QLatin1String(h), v);
        }
    }
    m.readable = o;
    return m;
}

JobSummary summarize(const QByteArray &raw, const QString &queue, JobState state, bool withPayload)
{
    const Message m = decode(raw);
    JobSummary s;
    s.id = m.taskId.isEmpty() ? QString() : queue + u':' + m.taskId; // no task id: listed, not addressable
    s.queue = queue;
    s.state = state;
    s.className = m.task;
    const QJsonValue retries = m.headers.value(QStringLiteral("retries"));
    if (retries.isDouble()) {
        s.attempts = qint64(retries.toDouble());
    }
    s.runAt = isoTime(m.headers.value(QStringLiteral("eta")));
    if (withPayload) {
        s.payload = text(QJsonDocument(m.readable).toJson(QJsonDocument::Compact));
    }
    return s;
}

/// "<queue>:<task id>" split at the first colon.
std::optional<std::pair<QString, QString>> parseId(const QString &id)
{
    const qsizetype colon = id.indexOf(u':');
    if (colon <= 0 || colon + 1 >= id.size()) {
        return std::nullopt;
    }
    return std::make_pair(id.left(colon), id.mid(colon + 1));
}

} // namespace

QFuture<JobPage> CeleryBackend::jobs(const JobQuery &query)
{
    JobPage page;
    page.error = configError();
    if (page.error.isEmpty() && query.queue.isEmpty()) {
        page.error = tr("Name a queue to list its Celery messages.");
    }
    if (page.error.isEmpty() && (query.state == JobState::Failed || query.state == JobState::Dead)) {
        page.notice = tr("Celery on Redis keeps no failed or dead tasks: a failure exists only as a result "
                         "(celery-task-meta-<id>) when a result backend is configured, without the task's arguments.");
        return QtFuture::makeReadyFuture(page);
    }
    if (!page.error.isEmpty()) {
        return QtFuture::makeReadyFuture(page);
    }
    const bool waiting = query.state == JobState::Waiting;
    // A waiting page's cursor is "<index>/<first chunk>" (see kWaiting); a prefetched page's is the index.
    const QStringList cursor = query.after.split(u'/');
    const QByteArrayList args{
        query.queue.toUtf8(), QByteArray::number(cursor.at(0).toLongLong()),
        QByteArray::number(std::clamp(query.limit, 1, 5000)), query.search.toUtf8(), QByteArray::number(d->scanLimit)};
    const Command cmd =
        waiting ? kWaiting.evalsha({}, args + QByteArrayList{QByteArray::number(d->scanBudgetUs),
                                                             cursor.value(1).toLatin1()})
                : kUnacked.evalsha({}, args + QByteArrayList{query.state == JobState::Scheduled ? "1" : "0",
                                                             QByteArray::number(d->scanBudgetUs)});
    return onConnection<JobPage>(
        [cmd, query, waiting](Connection &c, std::function<void(JobPage)> reply) {
            c.send({cmd}, [query, waiting, reply](Batch b) {
                JobPage out;
                if (!b.ok()) {
                    out.error = b.error;
                } else if (b.replies.at(0).isError()) {
                    out.error = tr("Celery messages could not be read: %1").arg(b.replies.at(0).errorText());
                } else {
                    const QList<Reply> &e = b.replies.at(0).elements;
                    const qint64 next = e.isEmpty() ? -1 : e.at(0).toInteger().value_or(-1);
                    const qsizetype first = waiting ? 3 : 2; // waiting: the next call's first chunk at 2
                    out.nextCursor = next < 0 ? QString()
                                     : waiting && e.size() > 2
                                         ? QStringLiteral("%1/%2").arg(next).arg(e.at(2).toInteger().value_or(4))
                                         : QString::number(next);
                    out.scanTotal = e.size() > 1 ? e.at(1).toInteger() : std::nullopt;
                    out.scanned = next >= 0 ? std::optional<qint64>(next) : out.scanTotal;
                    const qsizetype stride = waiting ? 1 : 2;
                    for (qsizetype i = first; i + stride - 1 < e.size(); i += stride) {
                        QByteArray raw = e.at(i).str;
                        if (!waiting) { // [message, exchange, routing key]
                            raw = QJsonDocument(QJsonDocument::fromJson(raw).array().at(0).toObject())
                                      .toJson(QJsonDocument::Compact);
                        }
                        out.jobs << summarize(raw, query.queue, query.state, query.withPayload);
                    }
                    if (!waiting) {
                        out.notice = tr("Prefetched by a worker (kombu's unacked hash): these cannot be deleted here; "
                                        "use `celery control revoke`.");
                    }
                }
                reply(out);
            });
        },
        page);
}

QFuture<JobDetail> CeleryBackend::job(const QString &id)
{
    JobDetail unavailable;
    unavailable.failure = configError();
    const auto where = parseId(id);
    if (!where) {
        JobDetail d;
        d.failure = tr("\"%1\" is not a Celery job id (<queue>:<task id>).").arg(id.left(120));
        return QtFuture::makeReadyFuture(d);
    }
    const Command cmd =
        kTake.evalsha({}, {where->first.toUtf8(), where->second.toUtf8(), "find", QByteArray::number(d->scanLimit)});
    const qint64 scanLimit = d->scanLimit;
    return onConnection<JobDetail>(
        [cmd, where = *where, scanLimit](Connection &c, std::function<void(JobDetail)> reply) {
            c.send({cmd}, [where, scanLimit, reply](Batch b) {
                JobDetail detail;
                const Reply *r = b.ok() ? &b.replies.at(0) : nullptr;
                if (!r) {
                    detail.failure = b.error;
                } else if (r->isError()) {
                    detail.failure = r->errorText();
                } else if (!r->elements.isEmpty() && r->elements.at(0).toInteger() == -2) {
                    detail.failure = notReached(where.second, scanLimit);
                } else if (r->elements.size() < 3 || r->elements.at(0).toInteger() != 1) {
                    detail.failure =
                        tr("Task %1 is no longer in queue %2.").arg(where.second.left(200), where.first.left(200));
                } else {
                    const QByteArray raw = r->elements.at(1).str;
                    const bool unacked = r->elements.at(2).str == "unacked";
                    const Message m = decode(raw);
                    const bool eta = m.headers.value(QStringLiteral("eta")).isString();
                    detail.summary =
                        summarize(raw, where.first,
                                  unacked ? (eta ? JobState::Scheduled : JobState::Running) : JobState::Waiting, false);
                    QJsonObject shown = m.readable;
                    shown.insert(QStringLiteral("message"), QJsonDocument::fromJson(raw).object());
                    detail.payload = text(QJsonDocument(shown).toJson(QJsonDocument::Indented));
                }
                reply(detail);
            });
        },
        unavailable);
}

QFuture<ActionResult> CeleryBackend::act(const JobAction &action)
{
    ActionResult refused;
    refused.dryRun = action.dryRun;
    if (d->readOnly) {
        refused.error = tr("This connection is read-only (readonly=1): no message was changed.");
    } else if (!configError().isEmpty()) {
        refused.error = configError();
    } else if (action.kind != ActionKind::Cancel) {
        refused.error = tr("Celery on Redis keeps no failed tasks to retry or move: a task's message is gone once a "
                           "worker acknowledged it.");
    } else if (action.expected != JobState::Waiting) {
        refused.error = tr("Only waiting Celery messages can be deleted: a worker holds the prefetched ones (revoke "
                           "them with `celery control revoke`).");
    }
    if (!refused.error.isEmpty()) {
        return QtFuture::makeReadyFuture(refused);
    }
    QList<Command> commands;
    QStringList ids;
    ActionResult skippedUpFront;
    for (const QString &id : action.jobIds) {
        const auto where = parseId(id);
        if (!where) {
            skippedUpFront.skipped << id;
            continue;
        }
        commands << kTake.evalsha({}, {where->first.toUtf8(), where->second.toUtf8(),
                                       action.dryRun ? "check" : "delete", QByteArray::number(d->scanLimit)});
        ids << id;
    }
    skippedUpFront.dryRun = action.dryRun;
    const qint64 scanLimit = d->scanLimit;
    return runJobScripts(commands, ids, skippedUpFront, [scanLimit](qint64 code, const QString &id) {
        return code == -2 ? notReached(id, scanLimit) : QString();
    });
}

} // namespace qd::celery
