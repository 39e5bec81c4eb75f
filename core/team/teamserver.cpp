// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/team/teamserver.h"

#include "core/backendfactory.h"
#include "core/collector.h"
#include "core/futurewatch.h"
#include "core/session/session.h"
#include "core/team/metricsserver.h"
#include "core/team/teamstore.h"

#include <QCoreApplication>

namespace qd {

namespace {

QByteArray roleName(TeamServer::Role role)
{
    switch (role) {
    case TeamServer::Role::Starting: return "starting";
    case TeamServer::Role::Standby: return "standby";
    case TeamServer::Role::Leader: return "leader";
    case TeamServer::Role::DatabaseLost: return "database lost";
    }
    return {};
}

} // namespace

TeamServer::TeamServer(TeamConfig config, QObject *parent) : QObject(parent), m_config(std::move(config))
{
    m_contend.setInterval(int(m_config.intervalSeconds * 1000));
    connect(&m_contend, &QTimer::timeout, this, &TeamServer::contend);
    m_upkeep.setInterval(3600 * 1000);
    connect(&m_upkeep, &QTimer::timeout, this, [this] {
        if (m_role == Role::Leader) {
            m_store->upkeep();
        }
    });
}

TeamServer::~TeamServer()
{
    if (m_session) {
        m_session->collector()->stop();
    }
}

QString TeamServer::start()
{
    const auto db = TeamDatabase::fromDsn(m_config.database, m_config.databasePasswordFile);
    if (!db) {
        return tr("database: %1").arg(db.error());
    }
    m_session = std::make_unique<Session>(Session::Stores{});
    Collector *collector = m_session->collector();
    collector->setInterval(std::chrono::milliseconds(qint64(m_config.intervalSeconds * 1000)));
    for (const TeamConnection &c : std::as_const(m_config.connections)) {
        const auto url = c.resolve();
        if (!url) {
            return url.error();
        }
        auto backend = createBackend(url.value());
        if (!backend) {
            return tr("%1: %2").arg(c.name, backend.error());
        }
        collector->addConnection(c.name, c.name, backend.value());
    }
    connect(m_session.get(), &Session::alertsEvaluated, this,
            [this](const QString &id, const Snapshot &s, const QList<AlertChange> &) { onPoll(id, s); });
    m_store = std::make_unique<TeamStore>(db.value());
    m_store->setPollInterval(m_config.intervalSeconds);
    if (const QString e = m_store->open().result(); !e.isEmpty()) {
        return tr("database %1: %2").arg(m_config.database, e);
    }
    m_http = new MetricsServer([this] { return m_metrics.exposition(); },
                               [this] {
                                   return MetricsServer::Health{m_role == Role::Leader || m_role == Role::Standby, roleName(m_role)};
                               },
                               this);
    if (const QString e = m_http->listen(m_config.metricsAddress, m_config.metricsPort); !e.isEmpty()) {
        return e;
    }
    m_upkeep.start();
    m_contend.start();
    contend();
    return {};
}

quint16 TeamServer::metricsPort() const
{
    return m_http ? m_http->port() : 0;
}

/// Standby: try to take the lead. Leader: make sure the database is still there (else stop polling: another
/// server may lead by now).
void TeamServer::contend()
{
    if (m_contending) {
        return;
    }
    m_contending = true;
    if (m_role == Role::Leader) {
        whenFinished(m_store->isConnected(), this, [this](bool connected) {
            m_contending = false;
            if (!connected) {
                m_session->collector()->stop();
                setRole(Role::DatabaseLost, tr("the database does not answer; polling stopped"));
            }
        });
        return;
    }
    const bool reconnect = m_role == Role::DatabaseLost;
    auto ready = reconnect ? m_store->open() : QtFuture::makeReadyFuture(QString());
    whenFinished(ready, this, [this](const QString &error) {
        if (!error.isEmpty()) {
            m_contending = false;
            setRole(Role::DatabaseLost, error);
            return;
        }
        whenFinished(m_store->tryLead(), this, [this](bool leads) {
            m_contending = false;
            if (leads) {
                setRole(Role::Leader, tr("holds the lead: polling every %1 s").arg(m_config.intervalSeconds));
                m_session->collector()->start();
            } else {
                setRole(Role::Standby, tr("another server leads; waiting"));
            }
        });
    });
}

void TeamServer::setRole(Role role, const QString &why)
{
    if (role != m_role) {
        m_role = role;
        Q_EMIT roleChanged(role, why);
    }
}

void TeamServer::onPoll(const QString &connection, const Snapshot &snapshot)
{
    const QList<Alert> active = m_session->alerts()->active(connection);
    m_metrics.recordPoll(connection, snapshot, active);
    if (m_role != Role::Leader) {
        return;
    }
    const Backend *backend = m_session->collector()->backend(connection);
    const QString url = backend ? backend->url().toDisplayString() : QString();
    whenFinished(m_store->writePoll(connection, url, snapshot, active), this,
                 [this, connection](const QString &error) { Q_EMIT pollWritten(connection, error); });
}

} // namespace qd
