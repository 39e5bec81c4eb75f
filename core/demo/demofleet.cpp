// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/demo/demofleet.h"

#include "core/demo/demoschema.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <utility>

namespace qd::demo {

namespace {

constexpr int kMaxAttempts = 25; // Delayed::Worker.max_attempts
constexpr int kReadAhead = 5;    // Delayed::Worker.read_ahead

qint64 backoffSeconds(int attempts) // Delayed::Backend::Base#reschedule_at
{
    return 5 + qint64(attempts) * attempts * attempts * attempts;
}

QVariant timeOrNull(const QDateTime &t)
{
    return t.isValid() ? QVariant(arTime(t)) : QVariant();
}

// delayed_job's ready_to_run scope: due and unlocked, or locked longer than max_run_time ago (its worker died),
// or locked by this very worker name (a restarted worker takes its own jobs back); never a failed row.
const char *const kReady = "((run_at <= :now AND (locked_at IS NULL OR locked_at < :expired)) OR locked_by = :name)"
                           " AND failed_at IS NULL";

} // namespace

DemoFleet::DemoFleet(QString connectionName, const DemoOptions &options)
    : m_name(std::move(connectionName)), m_options(options), m_workload(options), m_script(options)
{
}

DemoFleet::~DemoFleet()
{
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_name);
}

QString DemoFleet::open(const QString &path, const QDateTime &now)
{
    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
    m_db.setDatabaseName(path);
    m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=2000"));
    if (!m_db.open()) {
        return m_db.lastError().text();
    }
    if (QString err = createDelayedJobsTable(m_db); !err.isEmpty()) {
        return err;
    }
    m_start = m_last = now;
    hire(m_options.workers, 1, false);
    m_db.transaction();
    seed(now);
    if (!m_db.commit()) {
        return m_db.lastError().text();
    }
    return {};
}

qint64 DemoFleet::insert(const Row &r)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("INSERT INTO delayed_jobs (priority, attempts, handler, last_error, run_at, locked_at,"
                             " failed_at, locked_by, queue, created_at, updated_at)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(r.priority);
    q.addBindValue(r.attempts);
    q.addBindValue(r.handler);
    q.addBindValue(r.lastError.isEmpty() ? QVariant() : QVariant(r.lastError));
    q.addBindValue(timeOrNull(r.runAt));
    q.addBindValue(timeOrNull(r.lockedAt));
    q.addBindValue(timeOrNull(r.failedAt));
    q.addBindValue(r.lockedBy.isEmpty() ? QVariant() : QVariant(r.lockedBy));
    q.addBindValue(r.queue.isEmpty() || r.queue == u"default" ? QVariant() : QVariant(r.queue));
    q.addBindValue(timeOrNull(r.createdAt));
    q.addBindValue(timeOrNull(r.updatedAt));
    return q.exec() ? q.lastInsertId().toLongLong() : 0;
}

void DemoFleet::seed(const QDateTime &now)
{
    // A window opened on a fresh demo should not be empty: a little backlog in every queue...
    const QList<QueueProfile> queues = m_workload.queues(false);
    for (int i = 0; i < 24; ++i) {
        const QueueProfile &p = queues.at(i % queues.size());
        Row r;
        r.queue = p.name;
        r.priority = p.priority;
        r.handler = m_workload.handler(p.name);
        r.runAt = now.addMSecs(-qint64(m_workload.rng().bounded(90000)));
        r.createdAt = r.updatedAt = r.runAt;
        insert(r);
    }
    // ...mailers that failed a few times and wait for their retry (run_at = failure + 5 + attempts^4 s)...
    for (int i = 0; i < 6; ++i) {
        Row r;
        r.queue = QStringLiteral("mailers");
        r.attempts = 1 + int(m_workload.rng().bounded(4));
        r.handler = m_workload.handler(r.queue);
        r.lastError = m_workload.lastError(r.handler);
        r.updatedAt = now.addSecs(-qint64(m_workload.rng().bounded(5)));
        r.runAt = r.updatedAt.addSecs(backoffSeconds(r.attempts));
        r.createdAt = r.updatedAt.addSecs(-60 * r.attempts);
        insert(r);
    }
    // ...and print jobs that used up their 25 attempts (about 19 days of backoff): kept, because the demo runs
    // with destroy_failed_jobs = false, and still locked, because delayed_job's fail! leaves the lock.
    qint64 allBackoff = 0;
    for (int a = 1; a < kMaxAttempts; ++a) {
        allBackoff += backoffSeconds(a);
    }
    for (int i = 0; i < 4; ++i) {
        Row r;
        r.queue = QStringLiteral("print");
        r.attempts = kMaxAttempts;
        r.handler = m_workload.handler(r.queue);
        r.lastError = m_workload.lastError(r.handler);
        r.failedAt = r.updatedAt = now.addSecs(-3600 - i * 600);
        r.lockedAt = r.failedAt.addMSecs(-2000);
        r.lockedBy = QStringLiteral("host:demo-web3 pid:4107");
        r.runAt = r.lockedAt.addMSecs(-500);
        r.createdAt = r.failedAt.addSecs(-allBackoff);
        insert(r);
    }
    // The poison job: due for two minutes, so a worker takes it first and it fails from the very start.
    Row poison;
    poison.queue = QStringLiteral("print");
    poison.handler = DemoWorkload::poisonHandler();
    poison.runAt = poison.createdAt = poison.updatedAt = now.addSecs(-120);
    insert(poison);
}

void DemoFleet::hire(int count, int generation, bool catchUp)
{
    const int first = int(m_workers.size());
    for (int i = 0; i < count; ++i) {
        Worker w;
        const int n = first + i;
        w.name = QStringLiteral("host:demo-web%1 pid:%2")
                     .arg(n % 3 + 1 + (catchUp ? 3 : 0))
                     .arg(4000 + generation * 100 + n);
        w.catchUp = catchUp;
        m_workers.append(w);
    }
}

DemoFleet::Counts DemoFleet::counts(const QDateTime &now)
{
    QSqlQuery q(m_db);
    // Ready = what a worker could take now, including the jobs still under a dead worker's expired lock.
    q.prepare(QStringLiteral("SELECT COUNT(*), COALESCE(SUM(failed_at IS NULL AND run_at <= ? AND"
                             " (locked_at IS NULL OR locked_at < ?)), 0) FROM delayed_jobs"));
    q.addBindValue(arTime(now));
    q.addBindValue(arTime(now.addSecs(-m_options.maxRunTimeSeconds)));
    Counts c;
    if (q.exec() && q.next()) {
        c.rows = q.value(0).toLongLong();
        c.ready = q.value(1).toLongLong();
    }
    return c;
}

void DemoFleet::enqueue(const QueueProfile &p, const QDateTime &now)
{
    Row r;
    r.queue = p.name;
    r.priority = p.priority;
    r.handler = m_workload.handler(p.name);
    r.runAt = r.createdAt = r.updatedAt = now;
    insert(r);
}

void DemoFleet::arrivals(const QDateTime &now, double seconds)
{
    const double intensity = m_workload.intensity(m_start, now);
    for (const QueueProfile &p : m_workload.queues(m_reportsOn)) {
        const int n = m_workload.arrivals(p.perSecond * intensity, seconds);
        for (int i = 0; i < n; ++i) {
            enqueue(p, now);
        }
    }
}

bool DemoFleet::reserve(Worker &w, const QDateTime &now)
{
    const QString nowText = arTime(now);
    const QString expired = arTime(now.addSecs(-m_options.maxRunTimeSeconds));
    QSqlQuery pick(m_db);
    pick.prepare(QStringLiteral("SELECT id FROM delayed_jobs WHERE %1 ORDER BY priority ASC, run_at ASC LIMIT %2")
                     .arg(QString::fromLatin1(kReady))
                     .arg(kReadAhead));
    pick.bindValue(QStringLiteral(":now"), nowText);
    pick.bindValue(QStringLiteral(":expired"), expired);
    pick.bindValue(QStringLiteral(":name"), w.name);
    QList<qint64> candidates;
    if (pick.exec()) {
        while (pick.next()) {
            candidates << pick.value(0).toLongLong();
        }
    }
    // reserve_with_scope_using_default_sql: lock the first candidate that is still ready, conditionally,
    // so two workers can never both take a job.
    for (const qint64 id : candidates) {
        QSqlQuery lock(m_db);
        lock.prepare(QStringLiteral("UPDATE delayed_jobs SET locked_at = :now, locked_by = :name WHERE id = :id AND %1")
                         .arg(QString::fromLatin1(kReady)));
        lock.bindValue(QStringLiteral(":now"), nowText);
        lock.bindValue(QStringLiteral(":expired"), expired);
        lock.bindValue(QStringLiteral(":name"), w.name);
        lock.bindValue(QStringLiteral(":id"), id);
        if (!lock.exec() || lock.numRowsAffected() != 1) {
            continue;
        }
        QSqlQuery job(m_db);
        job.prepare(QStringLiteral("SELECT COALESCE(queue, 'default'), handler FROM delayed_jobs WHERE id = ?"));
        job.addBindValue(id);
        if (!job.exec() || !job.next()) {
            continue;
        }
        const QString queue = job.value(0).toString();
        const qint64 limitMs = qint64(m_options.maxRunTimeSeconds) * 1000;
        const qint64 workMs = m_workload.workMs(queue);
        w.jobId = id;
        // Like Timeout.timeout(max_run_time): a job that would run longer is cut off and fails.
        w.timedOut = workMs > limitMs;
        w.busyUntilMs = now.toMSecsSinceEpoch() + std::min(workMs, limitMs);
        w.fails = w.timedOut || m_workload.fails(queue, job.value(1).toString());
        return true;
    }
    return false;
}

void DemoFleet::finish(Worker &w, const QDateTime &now, QStringList &events)
{
    const qint64 id = std::exchange(w.jobId, 0);
    QSqlQuery q(m_db);
    if (!w.fails) {
        q.prepare(QStringLiteral("DELETE FROM delayed_jobs WHERE id = ?")); // success: the row is gone, no trace
        q.addBindValue(id);
        q.exec();
        return;
    }
    QSqlQuery h(m_db);
    h.prepare(QStringLiteral("SELECT attempts, handler FROM delayed_jobs WHERE id = ?"));
    h.addBindValue(id);
    if (!h.exec() || !h.next()) {
        return; // an operator deleted it meanwhile
    }
    const int attempts = h.value(0).toInt() + 1;
    const QString handler = h.value(1).toString();
    const QString error =
        w.timedOut ? DemoWorkload::timeoutError(m_options.maxRunTimeSeconds) : m_workload.lastError(handler);
    h.finish();
    if (DemoWorkload::isPoison(handler) && !m_poisonReported) {
        m_poisonReported = true;
        events << IncidentScript::describe(Incident::PoisonJob);
    }
    if (attempts >= kMaxAttempts) {
        // fail!: failed_at set, the lock left in place (destroy_failed_jobs = false keeps the row).
        q.prepare(QStringLiteral("UPDATE delayed_jobs SET attempts = ?, last_error = ?, failed_at = ?, updated_at = ?"
                                 " WHERE id = ?"));
        q.addBindValue(attempts);
        q.addBindValue(error);
        q.addBindValue(arTime(now));
    } else {
        q.prepare(QStringLiteral("UPDATE delayed_jobs SET attempts = ?, last_error = ?, run_at = ?, locked_at = NULL,"
                                 " locked_by = NULL, updated_at = ? WHERE id = ?"));
        q.addBindValue(attempts);
        q.addBindValue(error);
        q.addBindValue(arTime(now.addSecs(backoffSeconds(attempts))));
    }
    q.addBindValue(arTime(now));
    q.addBindValue(id);
    q.exec();
}

void DemoFleet::work(const QDateTime &now, QStringList &events)
{
    for (Worker &w : m_workers) {
        if (w.jobId != 0 && w.busyUntilMs <= now.toMSecsSinceEpoch()) {
            finish(w, now, events);
        }
        if (w.jobId == 0 && !w.retiring) {
            reserve(w, now);
        }
    }
    m_workers.removeIf([](const Worker &w) { return w.retiring && w.jobId == 0; });
}

void DemoFleet::apply(Incident incident, const QDateTime &now)
{
    switch (incident) {
    case Incident::NewQueue: {
        m_reportsOn = true;
        // The deploy that introduced the job class backfills at once: the queue exists from this moment on,
        // whatever the arrival dice say afterwards.
        for (int i = 0; i < 5; ++i) {
            enqueue(m_workload.profile(QStringLiteral("reports")), now);
        }
        break;
    }
    case Incident::WorkersDie:
        m_workers.clear(); // killed mid-job: nobody unlocks their rows, the locks stay behind
        break;
    case Incident::WorkersBack:
        hire(m_options.workers, 2, false);
        hire(m_options.catchUpWorkers, 2, true);
        break;
    case Incident::BacklogDrained:
        for (Worker &w : m_workers) {
            w.retiring = w.retiring || w.catchUp;
        }
        break;
    case Incident::PoisonJob:
        break;
    }
}

QStringList DemoFleet::step(const QDateTime &now)
{
    QStringList events;
    const qint64 elapsed = m_start.secsTo(now);
    // A stalled thread (a suspended laptop) must not turn into one huge burst of arrivals.
    const double seconds = std::clamp(double(m_last.msecsTo(now)) / 1000.0, 0.0, 5.0);
    m_last = now;
    for (const Incident incident : m_script.due(elapsed)) {
        apply(incident, now);
        events << IncidentScript::describe(incident);
    }
    m_db.transaction();
    const Counts c = counts(now);
    if (m_script.catchingUp() && c.ready <= m_options.workers) {
        m_script.markDrained();
        apply(Incident::BacklogDrained, now);
        events << IncidentScript::describe(Incident::BacklogDrained);
    }
    if (c.rows < m_options.maxRows) {
        arrivals(now, seconds);
    }
    work(now, events);
    m_db.commit();
    return events;
}

} // namespace qd::demo
