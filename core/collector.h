// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/pollwithin.h"
#include "core/snapshot.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <memory>

namespace qd {

class Backend;
class Clock;

/// Polls every connection on an interval and publishes the snapshots. Lives on the GUI (or CLI) thread
/// but never blocks it: each backend does its I/O on its own thread and answers with a QFuture. A connection
/// whose previous poll has not ended is skipped (no pile-up on a slow server); a poll still unanswered at its
/// deadline is published as failed, so a hung or dripping server shows as such. Every published snapshot carries
/// takenAt; a failed poll is published too, so views can say "unreachable since …".
class Collector final : public QObject
{
    Q_OBJECT
public:
    static constexpr std::chrono::milliseconds kDefaultInterval{5000};

    explicit Collector(Clock *clock = nullptr, QObject *parent = nullptr);
    ~Collector() override;
    Q_DISABLE_COPY_MOVE(Collector)

    Clock *clock() const { return m_clock; }
    void setInterval(std::chrono::milliseconds interval);
    std::chrono::milliseconds interval() const;
    /// How long one poll may take before it is published as failed (default kDefaultPollDeadline, 30 s).
    void setPollDeadline(std::chrono::milliseconds deadline);
    std::chrono::milliseconds pollDeadline() const { return m_pollDeadline; }

    /// Adds a connection under a stable id and polls it at once if the collector runs.
    void addConnection(const QString &id, const QString &displayName, std::shared_ptr<Backend> backend);
    void removeConnection(const QString &id);
    QStringList connectionIds() const; ///< in insertion order
    QString displayName(const QString &id) const;
    Backend *backend(const QString &id) const;

    /// The newest snapshot (ok or failed) and the newest successful one; default-constructed if none yet.
    Snapshot latest(const QString &id) const;
    Snapshot lastGood(const QString &id) const;
    /// True when the newest good snapshot is older than `staleAfterIntervals` poll intervals (or absent).
    bool isStale(const QString &id, int staleAfterIntervals = 3) const;

    void start();
    void stop();
    bool isRunning() const;
    /// Polls every connection that has no poll in flight, now.
    void pollNow();

Q_SIGNALS:
    void connectionAdded(const QString &id);
    void connectionRemoved(const QString &id);
    void snapshotReady(const QString &id, const qd::Snapshot &snapshot);
    /// A queue name not seen before on this connection (not emitted for the first snapshot).
    void queueDiscovered(const QString &id, const QString &queue);

private:
    struct Entry
    {
        QString name;
        std::shared_ptr<Backend> backend;
        Snapshot latest;
        Snapshot lastGood;
        QSet<QString> knownQueues;
        bool inFlight = false; ///< a poll has not ended (it may have been published as abandoned already)
        bool seenFirst = false;
        quint64 generation = 0;
    };
    void poll(const QString &id);
    void deliver(const QString &id, quint64 generation, Snapshot snapshot);

    Clock *m_clock;
    QTimer m_timer;
    QStringList m_order;
    QHash<QString, Entry> m_entries;
    quint64 m_nextGeneration = 1;
    std::chrono::milliseconds m_pollDeadline = kDefaultPollDeadline;
};

} // namespace qd
