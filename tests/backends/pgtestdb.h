// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QSqlDatabase>
#include <QSqlError>
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

inline bool pgAvailable()
{
    return !qEnvironmentVariable("QD_TEST_PG_HOST").isEmpty();
}

/// Runs one statement as the services' (trusted) user on `database` (default: QD_TEST_PG_DB); the error or
/// an empty string.
inline QString pgAdminExec(const QString &sql, const QString &database = {})
{
    QString error;
    {
        QSqlDatabase admin = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("qd-test-admin"));
        admin.setHostName(qEnvironmentVariable("QD_TEST_PG_HOST"));
        admin.setPort(qEnvironmentVariable("QD_TEST_PG_PORT").toInt());
        admin.setUserName(qEnvironmentVariable("QD_TEST_PG_USER"));
        admin.setDatabaseName(database.isEmpty() ? qEnvironmentVariable("QD_TEST_PG_DB") : database);
        if (!admin.open()) {
            error = admin.lastError().text();
        } else if (QSqlQuery q(admin); !q.exec(sql)) {
            error = q.lastError().text();
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("qd-test-admin"));
    return error;
}

inline std::optional<PgDatabase> freshPgDatabase(const QString &prefix)
{
    PgDatabase db{qEnvironmentVariable("QD_TEST_PG_HOST"), qEnvironmentVariable("QD_TEST_PG_PORT"),
                  qEnvironmentVariable("QD_TEST_PG_USER"),
                  prefix + QUuid::createUuid().toString(QUuid::Id128).left(12)};
    if (db.host.isEmpty()) {
        return std::nullopt;
    }
    if (const QString err = pgAdminExec(QStringLiteral("CREATE DATABASE ") + db.name); !err.isEmpty()) {
        qWarning() << "cannot create database" << db.name << err;
    }
    return db;
}

inline bool inCi()
{
    return qEnvironmentVariable("CI") == u"true";
}

} // namespace qd::test

/// In a test function: skip without a PostgreSQL from scripts/services, but fail in CI, where one must run.
#define QD_REQUIRE_PG()                                                                                              \
    do {                                                                                                             \
        if (!qd::test::pgAvailable()) {                                                                              \
            if (qd::test::inCi()) {                                                                                  \
                QFAIL("QD_TEST_PG_HOST is not set in CI: scripts/services start did not run or failed");            \
            }                                                                                                        \
            QSKIP("PostgreSQL not started: run scripts/services start and source $QD_SERVICES_DIR/env");           \
        }                                                                                                            \
    } while (false)
