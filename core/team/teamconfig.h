// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/connectionurl.h"
#include "core/result.h"

#include <QHostAddress>
#include <QList>
#include <QString>

namespace qd {

/// One connection the team server polls. Its URL carries no password: the password comes from an environment
/// variable or a file only root (or the service user) can read, never from the configuration's plain text.
struct TeamConnection
{
    QString name;         ///< unique; the connection's id in the store and the `connection` label of the metrics
    QString url;          ///< without password
    QString passwordEnv;  ///< the environment variable holding the password, if any
    QString passwordFile; ///< or a 0600 file whose first line is the password
    /// The URL with its password filled in; or why it cannot be (a missing variable, an unreadable file).
    Result<ConnectionUrl> resolve() const;
};

/// `queuedeckctl serve --config FILE`: a YAML file such as
///
///     database: postgresql://queuedeck@db.internal:5432/queuedeck   # password: $PGPASSWORD or the file below
///     database_password_file: /etc/queuedeck/database.password
///     metrics: 127.0.0.1:9187        # /metrics and /healthz
///     interval: 5                    # seconds between polls of each backend
///     connections:
///       - name: print
///         url: sidekiq://redis.internal:6379/0
///         password_env: PRINT_REDIS_PASSWORD
///       - name: orders
///         url: rabbitmq+http://monitor@rabbit.internal:15672/%2F
///         password_file: /etc/queuedeck/orders.password
///
/// Parsing is strict: an unknown key, a name given twice, a password in a URL or an unparseable URL is an error that
/// names the line's key, so a typo never silently drops a connection.
struct TeamConfig
{
    QString database; ///< postgresql://user@host:port/dbname, without password
    QString databasePasswordFile;
    QHostAddress metricsAddress = QHostAddress::LocalHost;
    quint16 metricsPort = 9187;
    double intervalSeconds = 5;
    QList<TeamConnection> connections;

    static Result<TeamConfig> parse(const QByteArray &yaml);
    static Result<TeamConfig> readFile(const QString &path);
};

/// Where the team's PostgreSQL database is: host, port, name, user and password (from the DSN, else
/// database_password_file, else $PGPASSWORD).
struct TeamDatabase
{
    QString host;
    int port = 5432;
    QString name;
    QString user;
    QString password;
    /// Parses `dsn` (postgresql://user@host:port/dbname); a password in it is refused.
    static Result<TeamDatabase> fromDsn(const QString &dsn, const QString &passwordFile = {});
    /// (Re)opens the QPSQL connection `connectionName` of the calling thread to this database, naming the client
    /// `applicationName` in pg_stat_activity. Empty, or the database's own words.
    QString open(const QString &connectionName, const QString &applicationName) const;
};

} // namespace qd
