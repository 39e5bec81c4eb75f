// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/backends/bullmq/bullmqbackend.h"

#include "core/backends/bullmq/bullmqbackend_p.h"

#include "core/clock.h"

#include <QHash>
#include <QSet>

#include <algorithm>

namespace qd::bullmq {

using redis::Batch;
using redis::Command;
using redis::Connection;
using redis::Reply;

namespace {

// Per queue base key "<prefix>:<queue>:", one row:
//  1-8  wait, active, delayed, prioritized, paused, completed, failed, waiting-children (-1: unreadable)
//  9    meta.paused ("1" when paused, BullMQ 6 keeps paused jobs in wait) or nil
//  10   due time (ms) of the oldest job waiting in wait/paused: timestamp + delay, or nil
//  11   errors, "state: message; …", or nil
//  12   for each active job (up to 1000), the named worker holding it ("pb"), "" when unnamed, prefixed with "!"
//       when the job's lock has expired: its worker stopped renewing it (stalled, as BullMQ's stalled check sees it)
// Called for 10 queues at a time (up to 1,000 active jobs each), so one call stays short however many queues.
const redis::Script kQueueState(QByteArrayLiteral(R"lua(
local kinds = {{'LLEN','wait'},{'LLEN','active'},{'ZCARD','delayed'},{'ZCARD','prioritized'},
               {'LLEN','paused'},{'ZCARD','completed'},{'ZCARD','failed'},{'ZCARD','waiting-children'}}
local out = {}
for i, base in ipairs(KEYS) do
  local row, err = {}, ''
  for j, k in ipairs(kinds) do
    local n = redis.pcall(k[1], base .. k[2])
    if type(n) == 'table' then row[j] = -1; err = err .. k[2] .. ': ' .. tostring(n.err) .. '; ' else row[j] = n end
  end
  local p = redis.pcall('HGET', base .. 'meta', 'paused')
  if type(p) ~= 'string' then p = false end
  row[9] = p
  local oldest = false
  for _, list in ipairs({'wait', 'paused'}) do
    local id = redis.pcall('LINDEX', base .. list, -1)
    if type(id) == 'string' then
      local h = redis.pcall('HMGET', base .. id, 'timestamp', 'delay')
      if type(h) == 'table' and h[1] then
        local due = (tonumber(h[1]) or 0) + (tonumber(h[2] or '0') or 0)
        if due > 0 and (oldest == false or due < oldest) then oldest = due end
      end
    end
  end
  if oldest ~= false then oldest = string.format('%.0f', oldest) end
  row[10] = oldest
  if err == '' then err = false end
  row[11] = err
  local holders = {}
  local active = redis.pcall('LRANGE', base .. 'active', 0, 999)
  if type(active) == 'table' and active.err == nil then
    for _, id in ipairs(active) do
      local pb = redis.pcall('HGET', base .. id, 'pb')
      if type(pb) ~= 'string' then pb = '' end
      if redis.pcall('EXISTS', base .. id .. ':lock') == 0 then pb = '!' .. pb end
      holders[#holders + 1] = pb
    end
  end
  row[12] = holders
  out[i] = row
end
return out
)lua"));


QString text(const QByteArray &b)
{
    return QString::fromUtf8(b);
}

struct ClientEntry
{
    QByteArray queue;  ///< decoded from base64
    QString workerName; ///< empty for unnamed workers
    QString addr;
};

// BullMQ names each worker's blocking connection "<prefix>:<base64 queue>" or "<prefix>:<base64 queue>:w:<name>"
// (that is how its own Queue#getWorkers finds them). CLIENT LIST is server-wide: keep our database only.
QList<ClientEntry> parseClients(const QByteArray &list, const QByteArray &prefix, int db)
{
    QList<ClientEntry> out;
    const QByteArray namePrefix = prefix + ':';
    for (const QByteArray &line : list.split('\n')) {
        QByteArray name, addr;
        int clientDb = -1;
        for (const QByteArray &field : line.trimmed().split(' ')) {
            if (field.startsWith("name=")) {
                name = field.mid(5);
            } else if (field.startsWith("db=")) {
                clientDb = field.mid(3).toInt();
            } else if (field.startsWith("addr=")) {
                addr = field.mid(5);
            }
        }
        if (clientDb != db || !name.startsWith(namePrefix)) {
            continue;
        }
        const QByteArray rest = name.mid(namePrefix.size());
        const qsizetype w = rest.indexOf(":w:");
        const QByteArray encoded = w >= 0 ? rest.left(w) : rest;
        const auto decoded = QByteArray::fromBase64Encoding(encoded, QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded || encoded.contains(':')) {
            continue;
        }
        out.append({*decoded, w >= 0 ? text(rest.mid(w + 3)) : QString(), text(addr)});
    }
    return out;
}

} // namespace

BullMqBackend::BullMqBackend(const ConnectionUrl &url, Clock *clock, QObject *parent)
    : RedisBackend(url, clock, parent), d(std::make_unique<Private>(url))
{
}

BullMqBackend::~BullMqBackend()
{
    shutdownConnection();
}

Capabilities BullMqBackend::capabilities() const
{
    Capabilities c;
    c.workers = true;
    c.exactCounts = true;
    c.retry = !d->readOnly;  // failed and completed jobs back to wait, delayed jobs promoted
    c.cancel = !d->readOnly; // waiting, delayed, failed and completed jobs removed (never active ones)
    c.pause = !d->readOnly;  // BullMQ's own paused state, which its workers respect
    return c;
}

void BullMqBackend::poll(Connection &c, Finish finish)
{
    d->discovery.run(c, {}, [this, &c, finish](const redis::KeyDiscovery::Outcome &found) {
        Snapshot s;
        if (!found.error.isEmpty()) {
            s.error = found.error;
            finish(s);
            return;
        }
        if (!found.warning.isEmpty()) {
            s.warnings << found.warning;
        }
        const QByteArray head = d->prefix + ':';
        QSet<QByteArray> all = d->configured;
        for (const QByteArray &k : found.keys) {
            if (k.startsWith(head) && k.endsWith(":meta") && k.size() > head.size() + 5) {
                all.insert(k.mid(head.size(), k.size() - head.size() - 5));
            }
        }
        QList<QByteArray> names(all.begin(), all.end());
        std::sort(names.begin(), names.end());
        if (names.isEmpty() && d->discovery.off()) {
            s.warnings << tr("Queue discovery is off (discovery=off) and no queue is named (queues=a,b): there is "
                             "nothing to watch.");
        }

        QByteArrayList bases;
        for (const QByteArray &q : std::as_const(names)) {
            bases << d->prefix + ':' + q + ':';
        }
        QList<Command> second = redis::callsInChunks(kQueueState, bases, {}, false, 10);
        second << Command{"CLIENT", "LIST"};
        c.send(second, [this, finish, names, s](Batch b2) mutable {
            if (redis::finishedWithError(b2, finish)) {
                return;
            }
            const Reply &clients = b2.replies.constLast();
            QList<ClientEntry> workers;
            bool workersKnown = false;
            if (clients.isString()) {
                workers = parseClients(clients.str, d->prefix, d->db);
                workersKnown = true;
            } else {
                s.warnings << tr("CLIENT LIST was refused (%1): BullMQ workers are unknown. Grant the user "
                                 "+client|list.")
                                  .arg(clients.errorText());
                s.workersKnown = false;
            }
            const Reply rows = redis::joinArrays(b2.replies.mid(0, b2.replies.size() - 1));
            if (rows.isError()) {
                Snapshot failed;
                failed.error = tr("The BullMQ state script failed: %1").arg(rows.errorText());
                finish(failed);
                return;
            }
            const double nowMs = double(clock()->nowMs());
            QHash<QString, QHash<QString, int>> heldBy; // queue → worker name ("" unnamed) → active jobs
            for (qsizetype i = 0; i < names.size() && i < rows.elements.size(); ++i) {
                const Reply &row = rows.elements.at(i);
                QueueStats q;
                q.name = text(names.at(i));
                if (!row.isArray() || row.elements.size() < 12) {
                    q.countExactness = Exactness::Unknown;
                    s.queues.append(q);
                    continue;
                }
                auto count = [&row](int j) -> std::optional<qint64> {
                    const qint64 v = row.elements.at(j).toInteger().value_or(-1);
                    return v >= 0 ? std::optional<qint64>(v) : std::nullopt;
                };
                const auto wait = count(0), active = count(1), delayed = count(2), prioritized = count(3),
                           pausedList = count(4), failed = count(6);
                if (wait && prioritized && pausedList) {
                    q.waiting = *wait + *prioritized + *pausedList;
                }
                q.running = active;
                q.scheduled = delayed;
                q.failed = failed;
                q.completed = count(5);
                q.paused = row.elements.at(8).str == "1" || (pausedList && *pausedList > 0);
                if (q.waiting) {
                    if (*q.waiting == 0) {
                        q.oldestAgeSeconds = 0.0;
                    } else if (const auto due = row.elements.at(9).toDouble()) {
                        q.oldestAgeSeconds = std::max(0.0, (nowMs - *due) / 1000.0);
                    } else if (*wait + *pausedList == 0) {
                        // Only prioritized jobs wait: their zset is ordered by priority, not age.
                        s.warnings << tr("Queue %1 has only prioritized jobs waiting: their age is not read.").arg(q.name);
                    }
                }
                if (row.elements.at(10).isString()) {
                    s.warnings << tr("Queue %1: %2").arg(q.name, text(row.elements.at(10).str).trimmed());
                    q.countExactness = Exactness::Approximate;
                }
                q.stuck = 0;
                for (const Reply &lock : row.elements.at(11).elements) {
                    QString name = text(lock.str);
                    if (name.startsWith(u'!')) { // lock expired: stalled, held by nobody alive
                        name.remove(0, 1);
                        *q.stuck += 1;
                        const QString holder = name.isEmpty() ? tr("an unnamed worker") : name;
                        if (!q.stuckHolders.contains(holder)) {
                            q.stuckHolders << holder;
                        }
                        continue;
                    }
                    heldBy[q.name][name] += 1;
                }
                s.queues.append(q);
            }
            if (workersKnown) {
                QHash<QString, int> unnamedSeen;
                for (const ClientEntry &w : workers) {
                    WorkerInfo info;
                    const QString queue = text(w.queue);
                    info.queues = {queue};
                    info.lastSeenAgeSeconds = 0.0; // connected right now; a dead worker's connection is gone
                    const auto &held = heldBy.value(queue);
                    if (!w.workerName.isEmpty()) {
                        info.id = w.workerName;
                        info.state = held.value(w.workerName) > 0 ? WorkerState::Busy : WorkerState::Idle;
                    } else {
                        // Unnamed workers cannot be told apart in the job hashes: busy while unattributed
                        // active jobs remain, one per worker.
                        info.id = tr("unnamed worker at %1").arg(w.addr);
                        const int n = unnamedSeen[queue]++;
                        info.state = n < held.value(QString()) ? WorkerState::Busy : WorkerState::Idle;
                    }
                    s.workers.append(info);
                }
                s.workersComplete = true;
            }
            finish(s);
        });
    });
}

} // namespace qd::bullmq
