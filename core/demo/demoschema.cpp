// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/demo/demoschema.h"

#include <QSqlError>
#include <QSqlQuery>

namespace qd::demo {

QString createDelayedJobsTable(QSqlDatabase &db)
{
    // What `CreateDelayedJobs` produces through ActiveRecord 6.1's SQLite adapter.
    const char *statements[] = {
        "PRAGMA journal_mode=WAL",
        "CREATE TABLE IF NOT EXISTS \"delayed_jobs\" (\"id\" integer PRIMARY KEY AUTOINCREMENT NOT NULL,"
        " \"priority\" integer DEFAULT 0 NOT NULL, \"attempts\" integer DEFAULT 0 NOT NULL,"
        " \"handler\" text NOT NULL, \"last_error\" text, \"run_at\" datetime, \"locked_at\" datetime,"
        " \"failed_at\" datetime, \"locked_by\" varchar, \"queue\" varchar,"
        " \"created_at\" datetime(6), \"updated_at\" datetime(6))",
        "CREATE INDEX IF NOT EXISTS \"delayed_jobs_priority\" ON \"delayed_jobs\" (\"priority\", \"run_at\")",
    };
    QSqlQuery q(db);
    for (const char *sql : statements) {
        if (!q.exec(QString::fromLatin1(sql))) {
            return q.lastError().text();
        }
    }
    return {};
}

QString arTime(const QDateTime &utc)
{
    // ActiveRecord's quoted_date appends the microseconds only when they are not zero.
    const QDateTime t = utc.toUTC();
    const QString seconds = t.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    return t.time().msec() == 0 ? seconds : seconds + t.toString(QStringLiteral(".zzz")) + QStringLiteral("000");
}

QString structHandler(const QString &className, const QList<QPair<QString, QString>> &fields)
{
    QString h = QStringLiteral("--- !ruby/struct:") + className + u'\n';
    for (const auto &[k, v] : fields) {
        h += k + QStringLiteral(": ") + v + u'\n';
    }
    return h;
}

QString printJobHandler(int userId, int cardId)
{
    return structHandler(QStringLiteral("PrintJob"),
                         {{QStringLiteral("user_id"), QString::number(userId)},
                          {QStringLiteral("card_id"), QString::number(cardId)}});
}

} // namespace qd::demo
