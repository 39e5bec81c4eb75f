// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/backends/sidekiq/sidekiqbackend.h"

#include "core/backends/sidekiq/sidekiqbackend_p.h"

#include "core/clock.h"

#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonArray>
#include <QSet>

#include <algorithm>

namespace qd::sidekiq {

using redis::Batch;
using redis::Command;
using redis::Connection;
using redis::Reply;

namespace {

// Length and oldest job of each queue list (Sidekiq LPUSHes, so the oldest is at index -1). Returns per key
// {length, enqueued_at text or nil, size of the oldest job} or {-1, error}. A small job (up to 8 KiB) is decoded;
// a bigger one is searched for its last "enqueued_at" by plain search (linear, see QD_REDIS_LUA_LAST_NUMBER) —
// over its last 64 KiB when it is over ARGV[1] bytes — and never sent back whole. Called for
// redis::kQueuesPerCall queues at a time, so one call stays short however many queues there are.
const redis::Script kQueueHeads(QByteArrayLiteral(QD_REDIS_LUA_LAST_NUMBER R"lua(
local limit = tonumber(ARGV[1])
local out = {}
for i, key in ipairs(KEYS) do
  local n = redis.pcall('LLEN', key)
  if type(n) == 'table' then
    out[i] = {-1, n.err or 'error'}
  elseif n == 0 then
    out[i] = {0}
  else
    local head = redis.call('LINDEX', key, -1)
    local size = string.len(head)
    local at
    if size <= 8192 then
      local ok, job = pcall(cjson.decode, head)
      if ok and type(job) == 'table' then
        at = job['enqueued_at']
        if at == nil then at = job['created_at'] end
      end
    else
      if size > limit then head = string.sub(head, -65536) end
      local _, _, v = lastNumber(head, 'enqueued_at')
      if v == nil then _, _, v = lastNumber(head, 'created_at') end
      at = v
    end
    if type(at) == 'number' then at = string.format('%.6f', at) end
    if type(at) ~= 'string' then at = false end
    out[i] = {n, at, size}
  end
end
return out
)lua"));

// Continues the retry/schedule/dead breakdown in further short rounds until it is done or the poll's share of
// rounds is used up; `done` gets the error that broke the connection, if any.
void walkSets(Connection &c, SetWalk &walk, Clock *clock, std::function<void(QString)> done)
{
    c.send(walk.next(), [&c, &walk, clock, done = std::move(done)](Batch b) mutable {
        if (!b.ok()) {
            done(b.error);
        } else if (walk.take(b.replies, clock->nowMs())) {
            walkSets(c, walk, clock, std::move(done));
        } else {
            done({});
        }
    });
}

QString text(const QByteArray &b)
{
    return QString::fromUtf8(b);
}

} // namespace

SidekiqBackend::SidekiqBackend(const ConnectionUrl &url, Clock *clock, QObject *parent)
    : RedisBackend(url, clock, parent), d(std::make_unique<Private>(url))
{
}

SidekiqBackend::~SidekiqBackend()
{
    shutdownConnection();
}

Capabilities SidekiqBackend::capabilities() const
{
    Capabilities c;
    c.workers = true;
    c.exactCounts = true;
    c.retry = !d->readOnly;
    c.cancel = !d->readOnly;
    c.moveJobs = !d->readOnly; // waiting jobs, from one queue list to another
    c.quietWorkers = c.stopWorkers = !d->readOnly;
    c.payloadEdit = c.resendCopy = !d->readOnly;
    return c;
}

void SidekiqBackend::poll(Connection &c, Finish finish)
{
    const QByteArray queuePrefix = d->key("queue:");
    QList<Command> first{
        {"SMEMBERS", d->key("queues")},
        {"SMEMBERS", d->key("processes")},
        {"MGET", d->key("stat:processed"), d->key("stat:failed"),
         d->key("stat:processed:" + clock()->now().toUTC().date().toString(Qt::ISODate).toLatin1()),
         d->key("stat:failed:" + clock()->now().toUTC().date().toString(Qt::ISODate).toLatin1())},
    };
    // Queue lists missing from the `queues` set are found by a full pass on the first poll (the first call's batch
    // carries the commands above), then one budgeted call about once a minute.
    d->discovery.run(c, first, [this, &c, finish, queuePrefix, first](const redis::KeyDiscovery::Outcome &found) {
        Snapshot s;
        s.error = found.pollError(first, 3, tr("Sidekiq keys are not what Sidekiq writes: %1"));
        if (!s.error.isEmpty()) {
            finish(s);
            return;
        }
        if (!found.warning.isEmpty()) {
            s.warnings << found.warning;
        }
        QSet<QByteArray> registered;
        for (const QByteArray &q : found.alongside.at(0).toByteArrayList()) {
            registered.insert(q);
        }
        QSet<QByteArray> all = registered;
        all.unite(found.namesAfter(queuePrefix));
        QList<QByteArray> names(all.begin(), all.end());
        std::sort(names.begin(), names.end());
        const QByteArrayList processes = found.alongside.at(1).toByteArrayList();
        const Reply &stats = found.alongside.at(2);
        auto counter = [&stats](int i) -> qint64 {
            // Sidekiq::Stats reports a counter that was never incremented as 0.
            return stats.isArray() && stats.elements.size() == 4 ? stats.elements.at(i).toInteger().value_or(0) : 0;
        };
        s.totals.processed = counter(0);
        s.totals.failed = counter(1);
        s.totals.processedToday = counter(2); // stat:*:YYYY-MM-DD, UTC dates as Sidekiq writes them
        s.totals.failedToday = counter(3);

        QList<Command> second;
        QByteArrayList queueKeys;
        for (const QByteArray &q : std::as_const(names)) {
            queueKeys << queuePrefix + q;
        }
        second << redis::callsInChunks(kQueueHeads, queueKeys, {QByteArray::number(d->decodeLimit)});
        const qsizetype headCalls = second.size();
        second << d->sets.begin(clock()->nowMs());
        for (const QByteArray &p : processes) {
            second << Command{"HMGET", d->key(p), "info", "busy", "beat", "quiet"};
            second << Command{"HGETALL", d->key(p + ":workers")};
            second << Command{"HGETALL", d->key(p + ":work")};
        }
        c.send(second, [this, &c, finish, names, processes, registered, headCalls, s](Batch b2) mutable {
            if (redis::finishedWithError(b2, finish)) {
                return;
            }
            const double now = double(clock()->nowMs()) / 1000.0;
            const qsizetype setCalls = SetWalk::kSets;
            const bool more = d->sets.take(b2.replies.mid(headCalls, setCalls), clock()->nowMs());
            const auto running = readProcesses(b2.replies.mid(headCalls + setCalls), processes, now, s);
            readQueues(redis::joinArrays(b2.replies.mid(0, headCalls)), names, registered, now, running, s);
            auto complete = [this, finish, s](const QString &error) mutable {
                if (!error.isEmpty()) {
                    s.error = error;
                    finish(s);
                    return;
                }
                SetCounts sets[SetWalk::kSets];
                d->sets.result(sets, s.warnings);
                applySetCounts(sets, s);
                finish(s);
            };
            if (more) {
                walkSets(c, d->sets, clock(), std::move(complete));
            } else {
                complete({});
            }
        });
    });
}

std::optional<SidekiqBackend::RunningWork> SidekiqBackend::readProcesses(const QList<Reply> &replies,
                                                                         const QByteArrayList &processes, double now,
                                                                         Snapshot &s) const
{
    RunningWork work;
    bool runningKnown = true;
    qsizetype at = 0;
    for (const QByteArray &identity : processes) {
        const Reply &h = replies.at(at);
        const Reply &work6 = replies.at(at + 1);
        const Reply &work7 = replies.at(at + 2);
        at += 3;
        WorkerInfo w;
        w.id = text(identity);
        const bool alive = h.isArray() && h.elements.size() == 4 && !h.elements.at(0).isNil();
        if (!alive) {
            // The heartbeat key expired (Sidekiq lets it lapse 60 s after the last beat): gone without
            // a clean shutdown, or just pruned late. Sidekiq's own ProcessSet would drop it.
            w.state = WorkerState::Lost;
            s.workers.append(w);
            continue;
        }
        const QJsonObject info = QJsonDocument::fromJson(h.elements.at(0).str).object();
        for (const QJsonValue &q : info.value(QStringLiteral("queues")).toArray()) {
            w.queues << q.toString();
        }
        w.queues.removeDuplicates();
        const auto beat = h.elements.at(2).toDouble();
        if (beat) {
            w.lastSeenAgeSeconds = std::max(0.0, now - *beat);
        }
        const qint64 busy = h.elements.at(1).toInteger().value_or(0);
        if (!h.elements.at(3).isNil()) {
            w.quiet = h.elements.at(3).str == "true"; // Sidekiq writes its @done flag with each beat
        }
        const bool lost = !beat || *w.lastSeenAgeSeconds > d->heartbeatTimeout;
        if (lost) {
            w.state = WorkerState::Lost;
        } else {
            w.state = busy > 0 ? WorkerState::Busy : WorkerState::Idle;
        }
        for (const Reply *hash : {&work6, &work7}) {
            if (!hash->isArray()) {
                runningKnown = false;
                continue;
            }
            for (qsizetype i = 0; i + 1 < hash->elements.size(); i += 2) {
                const QJsonObject entry = QJsonDocument::fromJson(hash->elements.at(i + 1).str).object();
                const QString q = entry.value(QStringLiteral("queue")).toString();
                work.running[q] += 1;
                if (lost) { // its process stopped beating: nobody is working this job
                    work.stuck[q] += 1;
                    if (!work.stuckHolders[q].contains(w.id)) {
                        work.stuckHolders[q] << w.id;
                    }
                }
                if (w.currentJob.isEmpty()) {
                    const QJsonValue payload = entry.value(QStringLiteral("payload"));
                    const QJsonObject job = payload.isObject()
                                                ? payload.toObject()
                                                : QJsonDocument::fromJson(payload.toString().toUtf8()).object();
                    w.currentJob = job.value(QStringLiteral("jid")).toString();
                }
            }
        }
        s.workers.append(w);
    }
    s.workersComplete = true;
    if (!runningKnown) {
        return std::nullopt;
    }
    return work;
}

void SidekiqBackend::readQueues(const Reply &heads, const QByteArrayList &names,
                                const QSet<QByteArray> &registered, double now,
                                const std::optional<RunningWork> &running, Snapshot &s)
{
    for (qsizetype i = 0; i < names.size(); ++i) {
        QueueStats q;
        q.name = text(names.at(i));
        const Reply *head = heads.isArray() && i < heads.elements.size() ? &heads.elements.at(i) : nullptr;
        const qint64 len = head && head->isArray() && !head->elements.isEmpty()
                               ? head->elements.at(0).toInteger().value_or(-1)
                               : -1;
        if (len < 0) {
            s.warnings << tr("Queue %1 could not be read: %2")
                              .arg(q.name, head && head->elements.size() > 1 ? text(head->elements.at(1).str)
                                                                             : heads.errorText());
            q.countExactness = Exactness::Unknown;
        } else {
            q.waiting = len;
            if (len == 0) {
                q.oldestAgeSeconds = 0.0;
                if (!registered.contains(names.at(i))) {
                    continue; // the list is gone since discovery saw it, and it was never registered
                }
            } else if (head->elements.size() >= 3 && head->elements.at(1).isString()) {
                if (const auto t = head->elements.at(1).toDouble(); t && redis::epochSeconds(*t)) {
                    q.oldestAgeSeconds = std::max(0.0, now - *redis::epochSeconds(*t));
                }
            }
            if (len > 0 && !q.oldestAgeSeconds) {
                s.warnings << tr("The oldest job in queue %1 has no enqueued_at time: its age is unknown.").arg(q.name);
            }
        }
        if (running) {
            q.running = running->running.value(q.name, 0);
            q.stuck = running->stuck.value(q.name, 0);
            q.stuckHolders = running->stuckHolders.value(q.name);
        }
        s.queues.append(q);
    }
    std::sort(s.queues.begin(), s.queues.end(), [](const QueueStats &a, const QueueStats &b) { return a.name < b.name; });
}

void SidekiqBackend::applySetCounts(const SetCounts sets[], Snapshot &s)
{
    for (QueueStats &q : s.queues) {
        if (sets[0].known) {
            q.failed = sets[0].perQueue.value(q.name, 0);
        }
        if (sets[1].known) {
            q.scheduled = sets[1].perQueue.value(q.name, 0);
        }
        if (sets[2].known) {
            q.dead = sets[2].perQueue.value(q.name, 0);
        }
        if (sets[0].known && sets[2].known) {
            // retry_count 0 means one failure so far.
            const qint64 worst = std::max(sets[0].maxRetry.value(q.name, -1), sets[2].maxRetry.value(q.name, -1));
            q.maxAttempts = worst >= 0 ? worst + 1 : 0;
        }
    }
}

} // namespace qd::sidekiq
