// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/alerts/alertengine.h"
#include "core/serialexecutor.h"
#include "core/snapshot.h"
#include "core/team/teamconfig.h"

#include <QFuture>
#include <QString>

namespace qd {

/// The team's shared state in PostgreSQL, written by the one `queuedeckctl serve` that leads: per connection its
/// last poll, per queue its latest numbers, the samples of every poll (in daily partitions, so retention drops a
/// partition instead of deleting rows) and the active alerts. Each poll is one transaction and ends with
/// `NOTIFY queuedeck_snapshot, '<connection>'`, so attached desktops are told instead of asking.
///
/// The schema is versioned (table queuedeck_schema) and migrated on open(). Leadership is a session-level advisory
/// lock held on the store's own connection: a server that dies (even `kill -9`) loses its connection, so the lock,
/// and a standby takes over. Everything runs on the store's thread; the futures resolve there.
class TeamStore final
{
public:
    explicit TeamStore(TeamDatabase database);
    ~TeamStore();
    Q_DISABLE_COPY_MOVE(TeamStore)

    /// The schema version this build writes.
    static constexpr int kSchemaVersion = 1;
    /// How many days of samples are kept (whole daily partitions).
    static constexpr int kSampleDays = 2;

    /// The server's poll interval, written with each poll: readers tell a stale number by it.
    void setPollInterval(double seconds);
    /// Connects and migrates the schema. Empty, or a clear error (the database's own words).
    QFuture<QString> open();
    /// Tries to become the leader (non-blocking): true when this store holds the lock now.
    QFuture<bool> tryLead();
    /// Writes one poll of `connection` (`url`: without password) and the alerts active after it; empty, or the
    /// error (then the connection may be gone: see isConnected()).
    QFuture<QString> writePoll(const QString &connection, const QString &url, const Snapshot &snapshot,
                               const QList<Alert> &active);
    /// Creates the partitions for today and tomorrow and drops those past kSampleDays.
    QFuture<QString> upkeep();
    /// Whether the connection answers a trivial query now.
    QFuture<bool> isConnected();

private:
    struct Private;
    std::unique_ptr<Private> d;
    SerialExecutor m_executor{QStringLiteral("queuedeck-teamstore")};
};

} // namespace qd
