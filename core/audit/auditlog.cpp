// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/audit/auditlog.h"
#include "core/processlease.h"
#include "core/privatefiles.h"

#include "core/clock.h"
#include "core/serialexecutor.h"
#include "core/sqlthread.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QUuid>
#include <QVariant>

namespace qd {

namespace {
/// lupdate files Tr::tr() strings under the context the runtime looks them up in.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(qd::AuditLog)
};
} // namespace

struct AuditLog::Private
{
    QString path;
    Clock *clock;
    QString name = QStringLiteral("qd-audit-") + QUuid::createUuid().toString(QUuid::Id128);
    bool opened = false;
    SerialExecutor executor{QStringLiteral("audit")};
};

AuditLog::AuditLog(const QString &path, Clock *clock) : d(std::make_unique<Private>())
{
    d->path = path;
    d->clock = clock ? clock : Clock::system();
}

AuditLog::~AuditLog()
{
    closeDatabaseOn(d->executor, d->name);
}

QString AuditLog::path() const
{
    return d->path;
}

QString AuditLog::defaultPath()
{
    const QString env = qEnvironmentVariable("QD_AUDIT_DB");
    if (!env.isEmpty()) {
        return env;
    }
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/queuedeck/audit.sqlite3");
}

QString AuditLog::open()
{
    if (!makePrivateDataFile(d->path)) { // job payloads before/after an edit: the owner's only
        return Tr::tr("Cannot create the directory of the audit log %1.").arg(d->path);
    }
    Private *p = d.get();
    return p->executor.run([p]() -> QString {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), p->name);
        db.setDatabaseName(p->path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open()) {
            return Tr::tr("Cannot open the audit log %1: %2").arg(p->path, db.lastError().text());
        }
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("PRAGMA journal_mode=WAL")) ||
            !q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY, t INTEGER NOT NULL,"
                                   " operator TEXT NOT NULL, connection TEXT NOT NULL, action TEXT NOT NULL,"
                                   " expected TEXT NOT NULL, job_ids TEXT NOT NULL, filter TEXT NOT NULL,"
                                   " succeeded INTEGER NOT NULL, skipped INTEGER NOT NULL, dry_run INTEGER NOT NULL,"
                                   " result TEXT NOT NULL)")) ||
            !q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS bulk_runs (id INTEGER PRIMARY KEY, started INTEGER NOT NULL,"
                                   " updated INTEGER NOT NULL, operator TEXT NOT NULL, connection TEXT NOT NULL,"
                                   " action TEXT NOT NULL, expected TEXT NOT NULL, filter TEXT NOT NULL,"
                                   " job_ids TEXT NOT NULL, next INTEGER NOT NULL, succeeded INTEGER NOT NULL,"
                                   " skipped INTEGER NOT NULL, state TEXT NOT NULL, result TEXT NOT NULL)"))) {
            return Tr::tr("%1 is not a usable audit log: %2").arg(p->path, q.lastError().text());
        }
        // Logs written before edit and resend existed get its two columns; old rows keep them empty.
        QStringList columns;
        if (q.exec(QStringLiteral("PRAGMA table_info(audit)"))) {
            while (q.next()) {
                columns << q.value(1).toString();
            }
        }
        for (const char *column : {"payload_before", "payload_after"}) {
            if (!columns.contains(QLatin1String(column))
                && !q.exec(QStringLiteral("ALTER TABLE audit ADD COLUMN %1 TEXT NOT NULL DEFAULT ''").arg(QLatin1String(column)))) {
                return Tr::tr("%1 is not a usable audit log: %2").arg(p->path, q.lastError().text());
            }
        }
        // Journals written before runs were leased get the lease columns (no lease: anyone may resume).
        QStringList bulkColumns;
        if (q.exec(QStringLiteral("PRAGMA table_info(bulk_runs)"))) {
            while (q.next()) {
                bulkColumns << q.value(1).toString();
            }
        }
        for (const char *column : {"lease_owner TEXT", "lease_until INTEGER"}) {
            const QString name = QString::fromLatin1(column).section(u' ', 0, 0);
            if (!bulkColumns.contains(name)
                && !q.exec(QStringLiteral("ALTER TABLE bulk_runs ADD COLUMN %1").arg(QLatin1String(column)))) {
                return Tr::tr("%1 is not a usable audit log: %2").arg(p->path, q.lastError().text());
            }
        }
        p->opened = true;
        return {};
    }).result();
}

QFuture<void> AuditLog::append(AuditRecord r)
{
    if (!r.at.isValid()) {
        r.at = d->clock->now();
    }
    Private *p = d.get();
    return p->executor.run([p, r] {
        if (!p->opened) {
            return;
        }
        QSqlQuery q(QSqlDatabase::database(p->name, false));
        q.prepare(QStringLiteral("INSERT INTO audit (t, operator, connection, action, expected, job_ids, filter,"
                                 " succeeded, skipped, dry_run, result, payload_before, payload_after)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        // A null QString binds as SQL NULL; the columns are NOT NULL, so empty text it is.
        auto text = [](const QString &t) { return t.isNull() ? QStringLiteral("") : t; };
        q.addBindValue(r.at.toMSecsSinceEpoch());
        q.addBindValue(text(r.operatorName));
        q.addBindValue(text(r.connection));
        q.addBindValue(text(r.action));
        q.addBindValue(text(r.expectedState));
        q.addBindValue(text(r.jobIds.join(u','))); // an empty list joins to a null string
        q.addBindValue(text(r.filter));
        q.addBindValue(r.succeeded);
        q.addBindValue(r.skipped);
        q.addBindValue(r.dryRun ? 1 : 0);
        q.addBindValue(text(r.result));
        q.addBindValue(text(r.payloadBefore));
        q.addBindValue(text(r.payloadAfter));
        q.exec();
    });
}

namespace {
constexpr auto kAuditColumns =
    "t, operator, connection, action, expected, job_ids, filter, succeeded, skipped, dry_run, result, payload_before, payload_after";

AuditRecord auditFrom(const QSqlQuery &q)
{
    AuditRecord r;
    r.at = QDateTime::fromMSecsSinceEpoch(q.value(0).toLongLong(), Qt::UTC);
    r.operatorName = q.value(1).toString();
    r.connection = q.value(2).toString();
    r.action = q.value(3).toString();
    r.expectedState = q.value(4).toString();
    r.jobIds = q.value(5).toString().split(u',', Qt::SkipEmptyParts);
    r.filter = q.value(6).toString();
    r.succeeded = q.value(7).toInt();
    r.skipped = q.value(8).toInt();
    r.dryRun = q.value(9).toInt() != 0;
    r.result = q.value(10).toString();
    r.payloadBefore = q.value(11).toString();
    r.payloadAfter = q.value(12).toString();
    return r;
}
} // namespace

QFuture<QList<AuditRecord>> AuditLog::recent(int limit)
{
    Private *p = d.get();
    return p->executor.run([p, limit] {
        QList<AuditRecord> out;
        if (!p->opened) {
            return out;
        }
        QSqlQuery q(QSqlDatabase::database(p->name, false));
        q.prepare(QStringLiteral("SELECT %1 FROM audit ORDER BY id DESC LIMIT ?").arg(QLatin1String(kAuditColumns)));
        q.addBindValue(limit);
        if (q.exec()) {
            while (q.next()) {
                out.append(auditFrom(q));
            }
        }
        return out;
    });
}

QFuture<QList<AuditRecord>> AuditLog::between(const QString &connection, const QDateTime &from, const QDateTime &to, int limit)
{
    Private *p = d.get();
    return p->executor.run([p, connection, from, to, limit] {
        QList<AuditRecord> out;
        if (!p->opened) {
            return out;
        }
        QSqlQuery q(QSqlDatabase::database(p->name, false));
        q.prepare(QStringLiteral("SELECT %1 FROM audit WHERE connection = ? AND t >= ? AND t <= ? ORDER BY id LIMIT ?")
                      .arg(QLatin1String(kAuditColumns)));
        q.addBindValue(connection);
        q.addBindValue(from.toMSecsSinceEpoch());
        q.addBindValue(to.toMSecsSinceEpoch());
        q.addBindValue(limit);
        if (q.exec()) {
            while (q.next()) {
                out.append(auditFrom(q));
            }
        }
        return out;
    });
}

namespace {
constexpr auto kBulkColumns = "id, started, updated, operator, connection, action, expected, filter, job_ids, next,"
                              " succeeded, skipped, state, result";

BulkJournalEntry bulkFrom(const QSqlQuery &q)
{
    BulkJournalEntry e;
    e.id = q.value(0).toLongLong();
    e.startedAt = QDateTime::fromMSecsSinceEpoch(q.value(1).toLongLong(), Qt::UTC);
    e.updatedAt = QDateTime::fromMSecsSinceEpoch(q.value(2).toLongLong(), Qt::UTC);
    e.operatorName = q.value(3).toString();
    e.connection = q.value(4).toString();
    e.action = q.value(5).toString();
    e.expectedState = q.value(6).toString();
    e.filter = q.value(7).toString();
    e.jobIds = q.value(8).toString().split(u'\n', Qt::SkipEmptyParts);
    e.next = q.value(9).toLongLong();
    e.succeeded = q.value(10).toLongLong();
    e.skipped = q.value(11).toLongLong();
    e.state = q.value(12).toString();
    e.result = q.value(13).toString();
    return e;
}
} // namespace

QFuture<qint64> AuditLog::beginBulk(BulkJournalEntry e)
{
    const qint64 now = d->clock->nowMs();
    Private *p = d.get();
    return p->executor.run([p, e, now]() -> qint64 {
        if (!p->opened) {
            return 0;
        }
        QSqlQuery q(QSqlDatabase::database(p->name, false));
        q.prepare(QStringLiteral("INSERT INTO bulk_runs (started, updated, operator, connection, action, expected, filter,"
                                 " job_ids, next, succeeded, skipped, state, result, lease_owner, lease_until)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 'running', '', ?, ?)"));
        auto text = [](const QString &t) { return t.isNull() ? QStringLiteral("") : t; };
        q.addBindValue(now);
        q.addBindValue(now);
        q.addBindValue(text(e.operatorName));
        q.addBindValue(text(e.connection));
        q.addBindValue(text(e.action));
        q.addBindValue(text(e.expectedState));
        q.addBindValue(text(e.filter));
        q.addBindValue(e.jobIds.join(u'\n')); // ids never contain a newline: the backends build them
        q.addBindValue(processLeaseOwner()); // the run is this process's until it ends
        q.addBindValue(now + kBulkLeaseMs);
        return q.exec() ? q.lastInsertId().toLongLong() : 0;
    });
}

QFuture<void> AuditLog::updateBulk(qint64 id, qint64 next, qint64 succeeded, qint64 skipped, const QString &state,
                                   const QString &result)
{
    const qint64 now = d->clock->nowMs();
    Private *p = d.get();
    return p->executor.run([p, id, next, succeeded, skipped, state, result, now] {
        if (!p->opened) {
            return;
        }
        QSqlQuery q(QSqlDatabase::database(p->name, false));
        // Each batch renews the lease; a run that ends (done, cancelled, interrupted) gives it back.
        const bool running = state == u"running";
        q.prepare(QStringLiteral("UPDATE bulk_runs SET updated = ?, next = ?, succeeded = ?, skipped = ?, state = ?,"
                                 " result = ?, lease_owner = ?, lease_until = ? WHERE id = ?"));
        q.addBindValue(now);
        q.addBindValue(next);
        q.addBindValue(succeeded);
        q.addBindValue(skipped);
        q.addBindValue(state);
        q.addBindValue(result.isNull() ? QStringLiteral("") : result);
        q.addBindValue(running ? QVariant(processLeaseOwner()) : QVariant(QMetaType(QMetaType::QString)));
        q.addBindValue(running ? QVariant(now + kBulkLeaseMs) : QVariant(QMetaType(QMetaType::LongLong)));
        q.addBindValue(id);
        q.exec();
    });
}

QFuture<QString> AuditLog::leaseBulk(qint64 id)
{
    const qint64 now = d->clock->nowMs();
    Private *p = d.get();
    return p->executor.run([p, id, now]() -> QString {
        if (!p->opened) {
            return Tr::tr("The audit log is not open.");
        }
        QSqlDatabase db = QSqlDatabase::database(p->name, false);
        QSqlQuery q(db);
        // IMMEDIATE: the write lock is taken before reading, so two processes cannot both find the run free.
        if (!q.exec(QStringLiteral("BEGIN IMMEDIATE"))) {
            return Tr::tr("The audit log is busy: %1").arg(q.lastError().text());
        }
        q.prepare(QStringLiteral("SELECT lease_owner, lease_until, state FROM bulk_runs WHERE id = ?"));
        q.addBindValue(id);
        if (!q.exec() || !q.next()) {
            q.finish();
            QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
            return Tr::tr("There is no bulk run %1 in the journal.").arg(id);
        }
        const QString owner = q.value(0).toString();
        const qint64 until = q.value(1).toLongLong();
        const QString state = q.value(2).toString();
        q.finish();
        const QString me = processLeaseOwner();
        if (state == u"done") {
            QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
            return Tr::tr("Bulk run %1 is already done.").arg(id);
        }
        if (!owner.isEmpty() && owner != me && until > now && !processLeaseOwnerGone(owner)) {
            QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
            return Tr::tr("Bulk run %1 is being resumed by %2 (host/process); it is left to it. Resume it when that "
                          "process has ended, or at the latest after %3.")
                .arg(id)
                .arg(owner, QDateTime::fromMSecsSinceEpoch(until).toString(Qt::ISODate));
        }
        QSqlQuery take(db);
        take.prepare(QStringLiteral("UPDATE bulk_runs SET lease_owner = ?, lease_until = ?, state = 'running',"
                                    " updated = ? WHERE id = ?"));
        take.addBindValue(me);
        take.addBindValue(now + kBulkLeaseMs);
        take.addBindValue(now);
        take.addBindValue(id);
        if (!take.exec() || !QSqlQuery(db).exec(QStringLiteral("COMMIT"))) {
            const QString error = take.lastError().text();
            QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
            return Tr::tr("The audit log refused the lease: %1").arg(error);
        }
        return {};
    });
}

QFuture<std::optional<BulkJournalEntry>> AuditLog::bulk(qint64 id)
{
    Private *p = d.get();
    return p->executor.run([p, id]() -> std::optional<BulkJournalEntry> {
        if (!p->opened) {
            return std::nullopt;
        }
        QSqlQuery q(QSqlDatabase::database(p->name, false));
        q.prepare(QStringLiteral("SELECT %1 FROM bulk_runs WHERE id = ?").arg(QLatin1String(kBulkColumns)));
        q.addBindValue(id);
        if (q.exec() && q.next()) {
            return bulkFrom(q);
        }
        return std::nullopt;
    });
}

QFuture<QList<BulkJournalEntry>> AuditLog::unfinishedBulks(const QString &connection)
{
    Private *p = d.get();
    return p->executor.run([p, connection] {
        QList<BulkJournalEntry> out;
        if (!p->opened) {
            return out;
        }
        QSqlQuery q(QSqlDatabase::database(p->name, false));
        q.prepare(QStringLiteral("SELECT %1 FROM bulk_runs WHERE state <> 'done' AND (? = '' OR connection = ?)"
                                 " ORDER BY id DESC LIMIT 20")
                      .arg(QLatin1String(kBulkColumns)));
        q.addBindValue(connection.isNull() ? QStringLiteral("") : connection);
        q.addBindValue(connection.isNull() ? QStringLiteral("") : connection);
        if (q.exec()) {
            while (q.next()) {
                out.append(bulkFrom(q));
            }
        }
        return out;
    });
}

} // namespace qd
