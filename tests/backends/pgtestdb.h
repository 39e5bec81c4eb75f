// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QUuid>

#include <optional>

namespace qd::test {

/// A fresh, empty database on the PostgreSQL that scripts/services started (QD_TEST_PG_*), so backend tests
/// stay independent of each other. Empty optional when no server was started (a developer run without it).
struct PgDatabase
{
    QString host;
    QString port;
    QString user;
    QString name;

    QString url(const QString &scheme) const
    {
        return QStringLiteral("%1://%2@%3:%4/%5").arg(scheme, user, host, port, name);
    }
    QStringList fixtureArgs() const { return {QStringLiteral("postgresql"), host, port, user, name}; }
};

inline std::optional<PgDatabase> freshPgDatabase(const QString &prefix)
{
    PgDatabase db{qEnvironmentVariable("QD_TEST_PG_HOST"), qEnvironmentVariable("QD_TEST_PG_PORT"),
                  qEnvironmentVariable("QD_TEST_PG_USER"),
                  prefix + QUuid::createUuid().toString(QUuid::Id128).left(12)};
    if (db.host.isEmpty()) {
        return std::nullopt;
    }
    {
        QSqlDatabase admin = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("qd-test-admin"));
        admin.setHostName(db.host);
        admin.setPort(db.port.toInt());
        admin.setUserName(db.user);
        admin.setDatabaseName(qEnvironmentVariable("QD_TEST_PG_DB"));
        if (!admin.open() || !QSqlQuery(admin).exec(QStringLiteral("CREATE DATABASE ") + db.name)) {
            qWarning() << "cannot create database" << db.name;
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("qd-test-admin"));
    return db;
}

inline bool inCi()
{
    return qEnvironmentVariable("CI") == u"true";
}

} // namespace qd::test
