// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/backend.h"
#include "core/serialexecutor.h"

namespace qd {

/// A team server's connection, read from its PostgreSQL database instead of from production:
/// `team+postgresql://viewer@db:5432/queuedeck?connection=print`. Whoever holds only a database role (support
/// staff) sees the numbers the leading `queuedeckctl serve` wrote at its last poll, stamped with that poll's time,
/// without any production credential. Read-only: it lists no jobs and runs no action.
///
/// A number older than three of the server's intervals is not passed off as current: the snapshot fails with the
/// time of the last poll ("no server has polled print since 14:02:10"), so views say how stale it is and the
/// staleness alerts fire, as they do for a backend that stopped answering.
class TeamMirrorBackend final : public Backend
{
public:
    explicit TeamMirrorBackend(ConnectionUrl url, Clock *clock = nullptr, QObject *parent = nullptr);
    ~TeamMirrorBackend() override;
    Q_DISABLE_COPY_MOVE(TeamMirrorBackend)

    QString kind() const override { return QStringLiteral("team"); }
    Capabilities capabilities() const override { return {}; }
    QFuture<Snapshot> snapshot() override;

private:
    QString m_connectionName;
    QString m_dbName;
    SerialExecutor m_executor{QStringLiteral("queuedeck-teammirror")};
};

} // namespace qd
