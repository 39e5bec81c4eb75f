// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/team/metrics.h"
#include "core/team/teamconfig.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace qd {

class MetricsServer;
class Session;
class TeamStore;

/// `queuedeckctl serve`: a core Session run headless for the team's connections. It polls each backend once per
/// interval for everyone — but only while it leads: of several servers on one database, the one holding the
/// store's advisory lock polls and writes, the others wait and try again every interval, so a leader that dies is
/// replaced within two intervals. Every poll goes to the PostgreSQL store (with NOTIFY) and to `/metrics`.
class TeamServer final : public QObject
{
    Q_OBJECT
public:
    enum class Role { Starting, Standby, Leader, DatabaseLost };
    Q_ENUM(Role)

    explicit TeamServer(TeamConfig config, QObject *parent = nullptr);
    ~TeamServer() override;
    Q_DISABLE_COPY_MOVE(TeamServer)

    /// Opens the backends, the database and the metrics endpoint, then leads or waits. Empty, or why it cannot start
    /// (a connection's URL or password, the database, the port).
    QString start();
    Role role() const { return m_role; }
    quint16 metricsPort() const;
    const TeamMetrics &metrics() const { return m_metrics; }

Q_SIGNALS:
    void roleChanged(qd::TeamServer::Role role, const QString &why);
    /// A poll was written to the store (empty error) or could not be.
    void pollWritten(const QString &connection, const QString &error);

private:
    void contend();
    void setRole(Role role, const QString &why);
    void onPoll(const QString &connection, const Snapshot &snapshot);

    TeamConfig m_config;
    std::unique_ptr<Session> m_session;
    std::unique_ptr<TeamStore> m_store;
    MetricsServer *m_http = nullptr;
    TeamMetrics m_metrics;
    QTimer m_contend;
    QTimer m_upkeep;
    Role m_role = Role::Starting;
    bool m_contending = false;
};

} // namespace qd
