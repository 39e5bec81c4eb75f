// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/backends/delayedjob/djschema.h"

#include <QCoreApplication>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QVariant>

namespace qd::delayedjob {

namespace {

/// lupdate files Tr::tr() strings under the context the runtime looks them up in.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(qd::DelayedJobBackend)
};

QString queryError(const QSqlQuery &q, const QString &what)
{
    return Tr::tr("Query for %1 failed: %2").arg(what, sqlErrorText(q.lastError()));
}

} // namespace

QString sqlErrorText(const QSqlError &error)
{
    // The database's own words say why; the driver's ("QPSQL: Unable to connect") only where there are none.
    QString text = error.databaseText().simplified();
    if (text.isEmpty()) {
        text = error.driverText().simplified();
    }
    return text.isEmpty() ? Tr::tr("unknown error") : text;
}

bool isPostgres(const QSqlDatabase &db)
{
    return db.driverName() == u"QPSQL";
}

QString sqlTimeText(const QSqlDatabase &db, const QString &column)
{
    return isPostgres(db) ? QStringLiteral("to_char(%1, 'YYYY-MM-DD HH24:MI:SS.US')").arg(column) : column;
}

QString sqlParam(const QSqlDatabase &db, const QString &placeholder)
{
    return isPostgres(db) ? QStringLiteral("CAST(%1 AS timestamp)").arg(placeholder) : placeholder;
}

QString sqlQueueExpr()
{
    return QStringLiteral("COALESCE(NULLIF(queue, ''), 'default')");
}

QDateTime parseDbTime(const QString &text)
{
    // "YYYY-MM-DD HH:MM:SS[.ffffff]" (or with a 'T'), always UTC. Parsed by hand: QDateTime::fromString with a
    // format goes through QDateTimeParser and local time, about 30 µs a call — three per row made listing
    // 6,000 jobs take half a second.
    if (text.size() < 19) {
        return {};
    }
    const auto number = [&text](qsizetype from, qsizetype length) {
        int n = 0;
        for (qsizetype i = from; i < from + length; ++i) {
            const char16_t c = text.at(i).unicode();
            if (c < u'0' || c > u'9') {
                return -1;
            }
            n = n * 10 + int(c - u'0');
        }
        return n;
    };
    const int y = number(0, 4), mo = number(5, 2), d = number(8, 2), h = number(11, 2), mi = number(14, 2),
              sec = number(17, 2);
    if (text.at(4) != u'-' || text.at(7) != u'-' || text.at(13) != u':' || text.at(16) != u':' || y < 0 || mo < 0 ||
        d < 0 || h < 0 || mi < 0 || sec < 0) {
        return {};
    }
    int ms = 0;
    if (text.size() > 20 && text.at(19) == u'.') {
        int digits = 0;
        for (qsizetype i = 20; i < text.size() && digits < 3 && text.at(i).isDigit(); ++i, ++digits) {
            ms = ms * 10 + text.at(i).digitValue();
        }
        for (; digits > 0 && digits < 3; ++digits) {
            ms *= 10;
        }
    }
    const QDate date(y, mo, d);
    const QTime time(h, mi, sec, ms);
    if (!date.isValid() || !time.isValid()) {
        return {};
    }
    return QDateTime(date, time, Qt::UTC);
}

QString formatDbTime(const QDateTime &utc)
{
    return utc.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
}

QString checkSchema(QSqlDatabase &db, const QString &table)
{
    if (!isPostgres(db)) {
        QSqlQuery probe(db);
        if (!probe.exec(QStringLiteral("SELECT count(*) FROM sqlite_master"))) {
            return Tr::tr("%1 is not a readable SQLite database: %2")
                .arg(db.databaseName(), sqlErrorText(probe.lastError()));
        }
    }
    const QSqlRecord record = db.record(table);
    if (record.isEmpty()) {
        return Tr::tr("Table \"%1\" not found in %2. Is this the application's database, and is the table name right "
                  "(URL option table=)?")
            .arg(table, db.databaseName());
    }
    static const QStringList required = {QStringLiteral("id"),        QStringLiteral("priority"),
                                         QStringLiteral("attempts"),  QStringLiteral("handler"),
                                         QStringLiteral("last_error"), QStringLiteral("run_at"),
                                         QStringLiteral("locked_at"), QStringLiteral("failed_at"),
                                         QStringLiteral("locked_by"), QStringLiteral("queue"),
                                         QStringLiteral("created_at")};
    QStringList missing;
    for (const QString &column : required) {
        if (!record.contains(column)) {
            missing << column;
        }
    }
    if (!missing.isEmpty()) {
        return Tr::tr("Table \"%1\" does not look like a Delayed::Job table: missing column(s) %2.")
            .arg(table, missing.join(u", "));
    }
    return {};
}

Result<QList<QueueStats>> readQueueCounts(QSqlDatabase &db, const QString &table, const QDateTime &now,
                                          qint64 maxRunTimeSeconds)
{
    Q_UNUSED(maxRunTimeSeconds)
    using R = Result<QList<QueueStats>>;
    const QString n = sqlParam(db, QStringLiteral(":now"));
    const QString n2 = sqlParam(db, QStringLiteral(":now2"));
    const QString n3 = sqlParam(db, QStringLiteral(":now3"));
    // One pass over the table. Placeholders are named apart because QPSQL binds each name once.
    const QString due = QStringLiteral("failed_at IS NULL AND locked_at IS NULL AND run_at <= ") + n;
    const QString sql = u"SELECT " + sqlQueueExpr() + u" AS q, SUM(CASE WHEN " + due +
                        u" THEN 1 ELSE 0 END), SUM(CASE WHEN failed_at IS NULL AND locked_at IS NULL AND "
                        u"(run_at > " + n2 + u" OR run_at IS NULL) THEN 1 ELSE 0 END), "
                        u"SUM(CASE WHEN failed_at IS NULL AND locked_at IS NOT NULL THEN 1 ELSE 0 END), "
                        u"SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END), "
                        u"MAX(CASE WHEN failed_at IS NULL THEN attempts END), " +
                        sqlTimeText(db, u"MIN(CASE WHEN failed_at IS NULL AND locked_at IS NULL AND run_at <= " + n3 +
                                         u" THEN run_at END)") +
                        u" FROM " + table + u" GROUP BY " + sqlQueueExpr() + u" ORDER BY q";
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(sql)) {
        return R::failure(queryError(q, Tr::tr("queue counts")));
    }
    const QString nowText = formatDbTime(now);
    q.bindValue(QStringLiteral(":now"), nowText);
    q.bindValue(QStringLiteral(":now2"), nowText);
    q.bindValue(QStringLiteral(":now3"), nowText);
    if (!q.exec()) {
        return R::failure(queryError(q, Tr::tr("queue counts")));
    }
    QList<QueueStats> out;
    while (q.next()) {
        QueueStats s;
        s.name = q.value(0).toString();
        s.waiting = q.value(1).toLongLong();
        s.scheduled = q.value(2).toLongLong();
        s.running = q.value(3).toLongLong();
        s.failed = q.value(4).toLongLong();
        s.maxAttempts = q.value(5).isNull() ? 0 : q.value(5).toLongLong();
        s.countExactness = Exactness::Exact;
        if (*s.waiting == 0) {
            s.oldestAgeSeconds = 0.0;
        } else {
            const QDateTime oldest = parseDbTime(q.value(6).toString());
            if (oldest.isValid()) {
                s.oldestAgeSeconds = std::max(0.0, double(oldest.msecsTo(now)) / 1000.0);
            }
        }
        out.append(s);
    }
    return out;
}

Result<QList<WorkerInfo>> readWorkers(QSqlDatabase &db, const QString &table, const QDateTime &now,
                                      qint64 maxRunTimeSeconds)
{
    using R = Result<QList<WorkerInfo>>;
    const QString sql = QStringLiteral("SELECT COALESCE(locked_by, ''), %1 AS q, %2 FROM %3"
                                       " WHERE locked_at IS NOT NULL AND failed_at IS NULL"
                                       " GROUP BY COALESCE(locked_by, ''), %1")
                            .arg(sqlQueueExpr(), sqlTimeText(db, QStringLiteral("MAX(locked_at)")), table);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(sql)) {
        return R::failure(queryError(q, Tr::tr("workers")));
    }
    QList<WorkerInfo> out;
    QHash<QString, qsizetype> index;
    QHash<QString, QDateTime> newest;
    while (q.next()) {
        QString id = q.value(0).toString();
        if (id.isEmpty()) {
            id = Tr::tr("(unknown worker)");
        }
        const QString queue = q.value(1).toString();
        const QDateTime lockedAt = parseDbTime(q.value(2).toString());
        auto it = index.find(id);
        if (it == index.end()) {
            it = index.insert(id, out.size());
            out.append(WorkerInfo{id, WorkerState::Busy, {}, std::nullopt, {}});
        }
        WorkerInfo &w = out[*it];
        w.queues << queue;
        if (lockedAt.isValid() && (!newest.contains(id) || newest.value(id) < lockedAt)) {
            newest.insert(id, lockedAt);
        }
    }
    for (WorkerInfo &w : out) {
        const QDateTime t = newest.value(w.id);
        if (t.isValid()) {
            const double age = std::max(0.0, double(t.msecsTo(now)) / 1000.0);
            w.lastSeenAgeSeconds = age;
            w.state = age > double(maxRunTimeSeconds) ? WorkerState::Lost : WorkerState::Busy;
        }
        w.queues.sort();
    }
    std::sort(out.begin(), out.end(), [](const WorkerInfo &a, const WorkerInfo &b) { return a.id < b.id; });
    return out;
}

Result<Arrivals> readArrivals(QSqlDatabase &db, const QString &table, std::optional<qint64> watermark)
{
    using R = Result<Arrivals>;
    QSqlQuery q(db);
    q.setForwardOnly(true);
    Arrivals a;
    if (!watermark) {
        // Grouping every row by queue would cost the first poll a second full scan for nothing.
        if (!q.exec(QStringLiteral("SELECT MAX(id) FROM %1").arg(table)) || !q.next()) {
            return R::failure(queryError(q, Tr::tr("arrivals")));
        }
        a.maxId = q.value(0).toLongLong(); // NULL (empty table) is 0
        return a;
    }
    if (!q.prepare(QStringLiteral("SELECT %1, COUNT(*), MAX(id) FROM %2 WHERE id > :w GROUP BY %1")
                       .arg(sqlQueueExpr(), table))) {
        return R::failure(queryError(q, Tr::tr("arrivals")));
    }
    q.bindValue(QStringLiteral(":w"), *watermark);
    if (!q.exec()) {
        return R::failure(queryError(q, Tr::tr("arrivals")));
    }
    a.maxId = *watermark;
    while (q.next()) {
        a.perQueue.insert(q.value(0).toString(), q.value(1).toLongLong());
        a.maxId = std::max(a.maxId, q.value(2).toLongLong());
    }
    return a;
}

} // namespace qd::delayedjob
