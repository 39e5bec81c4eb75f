// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/collector.h"

#include "core/backend.h"
#include "core/clock.h"

#include <QElapsedTimer>
#include <QFuture>

namespace qd {

Collector::Collector(Clock *clock, QObject *parent) : QObject(parent), m_clock(clock ? clock : Clock::system())
{
    qRegisterMetaType<qd::Snapshot>();
    m_timer.setInterval(kDefaultInterval);
    m_timer.setTimerType(Qt::CoarseTimer);
    connect(&m_timer, &QTimer::timeout, this, &Collector::pollNow);
}

Collector::~Collector() = default;

void Collector::setInterval(std::chrono::milliseconds interval)
{
    m_timer.setInterval(std::max(interval, std::chrono::milliseconds(100)));
}

void Collector::setPollDeadline(std::chrono::milliseconds deadline)
{
    m_pollDeadline = std::max(deadline, std::chrono::milliseconds(100));
}

std::chrono::milliseconds Collector::interval() const
{
    return m_timer.intervalAsDuration();
}

void Collector::addConnection(const QString &id, const QString &displayName, std::shared_ptr<Backend> backend)
{
    Q_ASSERT(backend);
    if (m_entries.contains(id)) {
        removeConnection(id);
    }
    Entry e;
    e.name = displayName;
    e.backend = std::move(backend);
    e.generation = m_nextGeneration++;
    m_entries.insert(id, std::move(e));
    m_order.append(id);
    Q_EMIT connectionAdded(id);
    if (isRunning()) {
        poll(id);
    }
}

void Collector::removeConnection(const QString &id)
{
    // A poll still in flight keeps its backend alive through the continuation's shared_ptr; its result is
    // dropped because the generation no longer matches.
    if (m_entries.remove(id)) {
        m_order.removeAll(id);
        Q_EMIT connectionRemoved(id);
    }
}

QStringList Collector::connectionIds() const
{
    return m_order;
}

QString Collector::displayName(const QString &id) const
{
    const auto it = m_entries.constFind(id);
    return it == m_entries.cend() ? QString() : it->name;
}

Backend *Collector::backend(const QString &id) const
{
    const auto it = m_entries.constFind(id);
    return it == m_entries.cend() ? nullptr : it->backend.get();
}

Snapshot Collector::latest(const QString &id) const
{
    return m_entries.value(id).latest;
}

Snapshot Collector::lastGood(const QString &id) const
{
    return m_entries.value(id).lastGood;
}

bool Collector::isStale(const QString &id, int staleAfterIntervals) const
{
    const auto it = m_entries.constFind(id);
    if (it == m_entries.cend() || !it->lastGood.takenAt.isValid()) {
        return true;
    }
    const qint64 age = it->lastGood.takenAt.msecsTo(m_clock->now());
    return age > qint64(staleAfterIntervals) * m_timer.interval();
}

void Collector::start()
{
    m_timer.start();
    pollNow();
}

void Collector::stop()
{
    m_timer.stop();
}

bool Collector::isRunning() const
{
    return m_timer.isActive();
}

void Collector::pollNow()
{
    const QStringList ids = m_order; // poll() may not mutate the order, but be safe against re-entrancy
    for (const QString &id : ids) {
        poll(id);
    }
}

void Collector::poll(const QString &id)
{
    auto it = m_entries.find(id);
    if (it == m_entries.end() || it->inFlight) {
        return;
    }
    it->inFlight = true;
    const quint64 generation = it->generation;
    QElapsedTimer took;
    took.start();
    // A poll past its deadline is published as failed at once, but the next one waits until it has really ended.
    pollWithin(
        it->backend, m_pollDeadline, this,
        [this, id, generation, took](Snapshot s) {
            s.pollSeconds = double(took.nsecsElapsed()) / 1e9;
            deliver(id, generation, std::move(s));
        },
        [this, id, generation] {
            auto e = m_entries.find(id);
            if (e != m_entries.end() && e->generation == generation) {
                e->inFlight = false;
            }
        });
}

void Collector::deliver(const QString &id, quint64 generation, Snapshot snapshot)
{
    auto it = m_entries.find(id);
    if (it == m_entries.end() || it->generation != generation) {
        return; // removed or replaced while the poll was in flight
    }
    if (!snapshot.takenAt.isValid()) {
        snapshot.takenAt = m_clock->now();
    }
    it->latest = snapshot;
    if (snapshot.ok()) {
        it->lastGood = snapshot;
        QStringList discovered;
        for (const auto &q : std::as_const(snapshot.queues)) {
            if (!it->knownQueues.contains(q.name)) {
                it->knownQueues.insert(q.name);
                if (it->seenFirst) {
                    discovered << q.name;
                }
            }
        }
        it->seenFirst = true;
        Q_EMIT snapshotReady(id, snapshot);
        for (const QString &q : std::as_const(discovered)) {
            Q_EMIT queueDiscovered(id, q);
        }
    } else {
        Q_EMIT snapshotReady(id, snapshot);
    }
}

} // namespace qd
