// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/backends/delayedjob/djjobs.h"

#include "core/backends/delayedjob/djschema.h"

#include <QCoreApplication>
#include <QHash>
#include <QRegularExpression>
#include <QSqlError>
#include <QSet>
#include <QSqlQuery>
#include <QVariant>

namespace qd::delayedjob {

namespace {

/// lupdate files Tr::tr() strings under the context the runtime looks them up in.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(qd::DelayedJobBackend)
};

/// The state predicate, with ":now" and ":expired" placeholders (each used at most once per predicate).
QString statePredicate(const QSqlDatabase &db, JobState state)
{
    const QString now = sqlParam(db, QStringLiteral(":now"));
    const QString expired = sqlParam(db, QStringLiteral(":expired"));
    switch (state) {
    case JobState::Waiting: return QStringLiteral("failed_at IS NULL AND locked_at IS NULL AND run_at <= ") + now;
    case JobState::Running: return QStringLiteral("failed_at IS NULL AND locked_at IS NOT NULL");
    case JobState::Scheduled:
        return QStringLiteral("failed_at IS NULL AND locked_at IS NULL AND (run_at > %1 OR run_at IS NULL)").arg(now);
    case JobState::Failed: return QStringLiteral("failed_at IS NOT NULL");
    case JobState::Dead:      // delayed_job has no dead set
    case JobState::Completed: // success deletes the row
        return QStringLiteral("1 = 0");
    }
    Q_UNUSED(expired)
    return QStringLiteral("1 = 0");
}

/// Binds :now / :expired only where the SQL uses them (QPSQL rejects unused bindings).
void bindTimes(QSqlQuery &q, const QString &sql, const QDateTime &now, qint64 maxRunTimeSeconds)
{
    if (sql.contains(u":now")) {
        q.bindValue(QStringLiteral(":now"), formatDbTime(now));
    }
    if (sql.contains(u":expired")) {
        q.bindValue(QStringLiteral(":expired"), formatDbTime(now.addSecs(-maxRunTimeSeconds)));
    }
}

QString writeTime(const QDateTime &t)
{
    return t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")) + QStringLiteral("000");
}

JobState stateOf(const QSqlQuery &q, const QDateTime &now)
{
    if (!q.value(7).isNull() && !q.value(7).toString().isEmpty()) {
        return JobState::Failed;
    }
    if (!q.value(6).isNull() && !q.value(6).toString().isEmpty()) {
        return JobState::Running;
    }
    const QDateTime runAt = parseDbTime(q.value(5).toString());
    return runAt.isValid() && runAt > now ? JobState::Scheduled : JobState::Waiting;
}

QString columns(const QSqlDatabase &db)
{
    return QStringLiteral("id, %1, attempts, handler, last_error, %2, %3, %4, locked_by, %5")
        .arg(sqlQueueExpr(), sqlTimeText(db, QStringLiteral("run_at")), sqlTimeText(db, QStringLiteral("locked_at")),
             sqlTimeText(db, QStringLiteral("failed_at")), sqlTimeText(db, QStringLiteral("created_at")));
}

JobSummary summaryOf(const QSqlQuery &q, const QDateTime &now, bool withPayload = false)
{
    JobSummary s;
    s.id = q.value(0).toString();
    s.queue = q.value(1).toString();
    s.attempts = q.value(2).toLongLong();
    s.className = handlerClassName(q.value(3).toString());
    s.errorLine = q.value(4).toString().section(u'\n', 0, 0).left(300);
    s.runAt = parseDbTime(q.value(5).toString());
    s.failedAt = parseDbTime(q.value(7).toString());
    s.worker = q.value(8).toString();
    s.enqueuedAt = parseDbTime(q.value(9).toString());
    s.state = stateOf(q, now);
    if (withPayload) {
        s.payload = q.value(3).toString(); // the YAML handler, as delayed_job wrote it
    }
    return s;
}

} // namespace

QString handlerClassName(const QString &handler)
{
    static const QRegularExpression tag(QStringLiteral("^---\\s*!ruby/(?:struct|object):([A-Za-z_][\\w:]*)"));
    static const QRegularExpression target(QStringLiteral("\\n\\s*object:\\s*!ruby/(?:class\\s+'|object:|struct:)([A-Za-z_][\\w:]*)"));
    static const QRegularExpression method(QStringLiteral("\\n\\s*method_name:\\s*:?([A-Za-z_]\\w*[?!]?)"));
    const QString head = handler.left(4096);
    const auto t = tag.match(head);
    if (!t.hasMatch()) {
        return QStringLiteral("?");
    }
    const QString cls = t.captured(1);
    if (cls.startsWith(u"Delayed::Performable")) {
        const auto o = target.match(head);
        const auto m = method.match(head);
        if (o.hasMatch() && m.hasMatch()) {
            return o.captured(1) + u'#' + m.captured(1);
        }
    }
    return cls;
}

ClassBreakdown classBreakdown(QSqlDatabase &db, const QString &table, const QString &queue, const QDateTime &now,
                              qint64 sampleLimit)
{
    ClassBreakdown out;
    const QString where = QStringLiteral(" FROM %1 WHERE %2 AND %3 = :queue")
                              .arg(table, statePredicate(db, JobState::Waiting), sqlQueueExpr());
    QSqlQuery count(db);
    count.setForwardOnly(true);
    if (!count.prepare(QStringLiteral("SELECT COUNT(*)") + where)) {
        out.error = Tr::tr("Counting jobs failed: %1").arg(sqlErrorText(count.lastError()));
        return out;
    }
    bindTimes(count, where, now, 0);
    count.bindValue(QStringLiteral(":queue"), queue);
    if (!count.exec() || !count.next()) {
        out.error = Tr::tr("Counting jobs failed: %1").arg(sqlErrorText(count.lastError()));
        return out;
    }
    out.total = count.value(0).toLongLong();
    const QString sql = QStringLiteral("SELECT substr(handler, 1, 400)") + where
                        + QStringLiteral(" ORDER BY priority, run_at LIMIT :limit");
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(sql)) {
        out.error = Tr::tr("Reading jobs failed: %1").arg(sqlErrorText(q.lastError()));
        return out;
    }
    bindTimes(q, sql, now, 0);
    q.bindValue(QStringLiteral(":queue"), queue);
    q.bindValue(QStringLiteral(":limit"), sampleLimit);
    if (!q.exec()) {
        out.error = Tr::tr("Reading jobs failed: %1").arg(sqlErrorText(q.lastError()));
        return out;
    }
    QHash<QString, qint64> counts;
    QStringList order;
    while (q.next()) {
        const QString c = handlerClassName(q.value(0).toString());
        if (!counts.contains(c)) {
            order << c;
        }
        counts[c] += 1;
        ++out.examined;
    }
    for (const QString &c : std::as_const(order)) {
        out.classes.append({c, counts.value(c)});
    }
    std::stable_sort(out.classes.begin(), out.classes.end(),
                     [](const ClassBreakdown::Entry &a, const ClassBreakdown::Entry &b) { return a.count > b.count; });
    return out;
}

JobPage listJobs(QSqlDatabase &db, const QString &table, const JobQuery &query, const QDateTime &now,
                 qint64 maxRunTimeSeconds)
{
    JobPage page;
    QString sql = QStringLiteral("SELECT %1 FROM %2 WHERE %3").arg(columns(db), table, statePredicate(db, query.state));
    if (!query.queue.isEmpty()) {
        sql += u" AND " + sqlQueueExpr() + u" = :queue";
    }
    if (!query.search.isEmpty()) {
        sql += isPostgres(db) ? QStringLiteral(" AND (strpos(handler, :s1) > 0 OR strpos(COALESCE(last_error, ''), :s2) > 0)")
                              : QStringLiteral(" AND (instr(handler, :s1) > 0 OR instr(COALESCE(last_error, ''), :s2) > 0)");
    }
    // Keyset paging either way: no OFFSET, so page 1,000 costs what page 1 does.
    const bool byAttempts = query.order == JobOrder::MostAttempts;
    qint64 afterAttempts = 0;
    qint64 afterId = 0;
    if (!query.after.isEmpty()) {
        if (byAttempts) {
            const QStringList parts = query.after.split(u':');
            bool okA = parts.size() == 2;
            bool okB = okA;
            if (okA) {
                afterAttempts = parts.at(0).toLongLong(&okA);
                afterId = parts.at(1).toLongLong(&okB);
            }
            if (!okA || !okB) {
                page.error = Tr::tr("Bad page cursor \"%1\"").arg(query.after.left(40));
                return page;
            }
            sql += QStringLiteral(" AND (attempts < :after_attempts OR (attempts = :after_attempts2 AND id > :after))");
        } else {
            afterId = query.after.toLongLong();
            sql += QStringLiteral(" AND id > :after");
        }
    }
    sql += byAttempts ? QStringLiteral(" ORDER BY attempts DESC, id LIMIT :limit") : QStringLiteral(" ORDER BY id LIMIT :limit");
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.prepare(sql)) {
        page.error = Tr::tr("Query for jobs failed: %1").arg(sqlErrorText(q.lastError()));
        return page;
    }
    bindTimes(q, sql, now, maxRunTimeSeconds);
    if (!query.queue.isEmpty()) {
        q.bindValue(QStringLiteral(":queue"), query.queue);
    }
    if (!query.search.isEmpty()) {
        q.bindValue(QStringLiteral(":s1"), query.search);
        q.bindValue(QStringLiteral(":s2"), query.search);
    }
    if (!query.after.isEmpty()) {
        q.bindValue(QStringLiteral(":after"), afterId);
        if (byAttempts) {
            q.bindValue(QStringLiteral(":after_attempts"), afterAttempts);
            q.bindValue(QStringLiteral(":after_attempts2"), afterAttempts);
        }
    }
    const int limit = std::clamp(query.limit, 1, 1000);
    q.bindValue(QStringLiteral(":limit"), limit + 1); // one more tells whether another page exists
    if (!q.exec()) {
        page.error = Tr::tr("Query for jobs failed: %1").arg(sqlErrorText(q.lastError()));
        return page;
    }
    while (q.next()) {
        if (page.jobs.size() == limit) {
            const JobSummary &last = page.jobs.last();
            page.nextCursor = byAttempts ? QStringLiteral("%1:%2").arg(last.attempts.value_or(0)).arg(last.id) : last.id;
            break;
        }
        page.jobs.append(summaryOf(q, now, query.withPayload));
    }
    return page;
}

JobDetail jobDetail(QSqlDatabase &db, const QString &table, const QString &id, const QDateTime &now, qint64)
{
    JobDetail d;
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT %1 FROM %2 WHERE id = :id").arg(columns(db), table));
    q.bindValue(QStringLiteral(":id"), id.toLongLong());
    if (!q.exec()) {
        d.failure = Tr::tr("Query for job %1 failed: %2").arg(id, sqlErrorText(q.lastError()));
        return d;
    }
    if (!q.next()) {
        d.failure = Tr::tr("Job %1 is gone: delayed_job deletes a job when it succeeds.").arg(id);
        return d;
    }
    d.summary = summaryOf(q, now);
    d.payload = q.value(3).toString();
    d.error = q.value(4).toString();
    return d;
}

ActionResult applyAction(QSqlDatabase &db, const QString &table, const JobAction &action, const QDateTime &now,
                         qint64 maxRunTimeSeconds)
{
    ActionResult r;
    r.dryRun = action.dryRun;
    if (action.kind == ActionKind::Retry && action.expected == JobState::Waiting) {
        r.error = Tr::tr("Waiting jobs are already due; there is nothing to retry.");
        return r;
    }
    if (action.kind == ActionKind::Move && (action.expected == JobState::Running || action.targetQueue.trimmed().isEmpty())) {
        r.error = action.expected == JobState::Running ? Tr::tr("A running job cannot be moved: a worker holds it.")
                                                       : Tr::tr("Name the queue to move the jobs to.");
        return r;
    }
    QString predicate = statePredicate(db, action.expected);
    if (action.expected == JobState::Running) {
        // Only a lock that outlived max_run_time (a dead worker's) may be taken back; a live worker keeps its job.
        predicate += u" AND locked_at < " + sqlParam(db, QStringLiteral(":expired"));
    }
    // One statement for the whole batch (a bulk retry of 6,000 jobs is 12 statements, not 6,000): ids are
    // parsed as integers, so the list is literal numbers; RETURNING tells which rows the predicate still held.
    QStringList numbers;
    for (const QString &id : action.jobIds) {
        bool isNumber = false;
        const qint64 n = id.toLongLong(&isNumber);
        if (isNumber) {
            numbers << QString::number(n);
        }
    }
    const QString ids = numbers.isEmpty() ? QStringLiteral("NULL") : numbers.join(u',');
    QString sql;
    if (action.dryRun) {
        sql = QStringLiteral("SELECT id FROM %1 WHERE id IN (%2) AND %3").arg(table, ids, predicate);
    } else if (action.kind == ActionKind::Cancel) {
        sql = QStringLiteral("DELETE FROM %1 WHERE id IN (%2) AND %3 RETURNING id").arg(table, ids, predicate);
    } else if (action.kind == ActionKind::Move) {
        // The job keeps its state, attempts and schedule: only the queue a worker takes it from changes.
        sql = QStringLiteral("UPDATE %1 SET queue = :target, updated_at = %2 WHERE id IN (%3) AND %4 RETURNING id")
                  .arg(table, sqlParam(db, QStringLiteral(":updated")), ids, predicate);
    } else {
        // A manual retry costs no attempt and clears what delayed_job leaves on a failed row (its lock).
        const QString runAt = sqlParam(db, QStringLiteral(":run_at"));
        sql = QStringLiteral("UPDATE %1 SET failed_at = NULL, locked_at = NULL, locked_by = NULL, run_at = %2, "
                             "updated_at = %3%4 WHERE id IN (%5) AND %6 RETURNING id")
                  .arg(table, runAt, sqlParam(db, QStringLiteral(":updated")),
                       action.expected == JobState::Failed ? QStringLiteral(", attempts = 0") : QString(), ids, predicate);
    }
    if (!db.transaction()) {
        r.error = Tr::tr("Cannot start a transaction: %1").arg(sqlErrorText(db.lastError()));
        return r;
    }
    QSqlQuery q(db);
    if (!q.prepare(sql)) {
        r.error = Tr::tr("Cannot prepare the action: %1").arg(sqlErrorText(q.lastError()));
        db.rollback();
        return r;
    }
    bindTimes(q, sql, now, maxRunTimeSeconds);
    if (sql.contains(u":run_at")) {
        q.bindValue(QStringLiteral(":run_at"), writeTime(now));
    }
    if (sql.contains(u":updated")) {
        q.bindValue(QStringLiteral(":updated"), writeTime(now));
    }
    if (sql.contains(u":target")) {
        q.bindValue(QStringLiteral(":target"), action.targetQueue.trimmed());
    }
    if (!q.exec()) {
        r.error = Tr::tr("The action failed: %1 — nothing was changed.").arg(sqlErrorText(q.lastError()));
        db.rollback();
        return r;
    }
    QSet<qint64> hit;
    while (q.next()) {
        hit.insert(q.value(0).toLongLong());
    }
    q.finish();
    for (const QString &id : action.jobIds) {
        bool isNumber = false;
        const qint64 n = id.toLongLong(&isNumber);
        (isNumber && hit.contains(n) ? r.succeeded : r.skipped) << id;
    }
    if (!db.commit()) {
        r.error = Tr::tr("The action could not be committed: %1 — nothing was changed.").arg(sqlErrorText(db.lastError()));
        db.rollback();
        r.succeeded.clear();
        r.skipped.clear();
    }
    return r;
}

} // namespace qd::delayedjob
