// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/snapshot.h"

namespace qd {

std::optional<qint64> QueueStats::total() const
{
    std::optional<qint64> sum;
    for (const auto &part : {waiting, running, scheduled, failed, dead}) {
        if (part) {
            sum = sum.value_or(0) + *part;
        }
    }
    return sum;
}

WorkerSummary Snapshot::workerSummary() const
{
    WorkerSummary s;
    if (!ok() || !workersKnown) {
        return s;
    }
    if (workerCounts) {
        return *workerCounts;
    }
    int busy = 0, idle = 0, lost = 0;
    for (const auto &w : workers) {
        switch (w.state) {
        case WorkerState::Busy: ++busy; break;
        case WorkerState::Idle: ++idle; break;
        case WorkerState::Lost: ++lost; break;
        }
    }
    s.busy = busy;
    s.lost = lost;
    if (workersComplete) {
        s.idle = idle;
    }
    return s;
}

bool Snapshot::servedQueuesKnown() const
{
    if (!ok() || !workersKnown || !workersComplete) {
        return false;
    }
    for (const WorkerInfo &w : workers) {
        if (w.state != WorkerState::Lost && w.queues.isEmpty()) {
            return false; // a live worker that does not say what it serves may serve anything
        }
    }
    return true;
}

QHash<QString, int> Snapshot::consumersFromWorkers() const
{
    QHash<QString, int> perQueue;
    if (!servedQueuesKnown()) {
        return perQueue;
    }
    for (const WorkerInfo &w : workers) {
        if (w.state == WorkerState::Lost) {
            continue;
        }
        for (const QString &q : w.queues) {
            perQueue[q] += 1;
        }
    }
    return perQueue;
}

void Snapshot::countConsumersFromWorkers()
{
    if (!servedQueuesKnown()) {
        return;
    }
    const QHash<QString, int> perQueue = consumersFromWorkers();
    for (QueueStats &q : queues) {
        if (!q.consumers) {
            q.consumers = perQueue.value(q.name);
        }
    }
}

const QueueStats *Snapshot::queue(const QString &name) const
{
    for (const auto &q : queues) {
        if (q.name == name) {
            return &q;
        }
    }
    return nullptr;
}

} // namespace qd
