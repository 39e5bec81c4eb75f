// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "demofleet.h"

#include "demoschema.h"

#include <QCoreApplication>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <cmath>
#include <numbers>

namespace qd::demo {

namespace {

struct QueueProfile
{
    const char *name;
    double perSecond; ///< mean arrivals at the daily peak
    int priority;
};

// Like the incident: print jobs are few but matter; mixpanel pings are many and low priority.
constexpr QueueProfile kQueues[] = {
    {"default", 0.5, 0},
    {"mailers", 0.35, 0},
    {"print", 0.3, 0},
    {"mixpanel", 0.9, 10},
};
constexpr double kReportsPerSecond = 1.6; // the new job class that lands on an unmonitored queue
constexpr double kFailureRate = 0.02;

const char *kBacktrace = "\n/app/lib/print_job.rb:41:in `perform'\n"
                         "/var/lib/gems/delayed_job-4.1.9/lib/delayed/backend/base.rb:81:in `block in invoke_job'\n"
                         "/var/lib/gems/delayed_job-4.1.9/lib/delayed/worker.rb:237:in `run'";

} // namespace

DemoFleet::DemoFleet(QString connectionName, const DemoOptions &options)
    : m_name(std::move(connectionName)), m_options(options), m_rng(options.seed)
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
    hireWorkers(1);

    // A realistic starting state: a little backlog, retries waiting for their time, a few dead-ends kept.
    m_db.transaction();
    for (int i = 0; i < 24; ++i) {
        const auto &q = kQueues[i % 4];
        const QString queue = QString::fromLatin1(q.name);
        enqueue(queue, q.priority, randomHandler(queue), now.addSecs(-m_rng.bounded(90)), now);
    }
    for (int i = 0; i < 6; ++i) {
        const int attempts = 1 + int(m_rng.bounded(4));
        const QString handler = randomHandler(QStringLiteral("mailers"));
        enqueue(QStringLiteral("mailers"), 0, handler, now.addSecs(5 + qint64(std::pow(attempts, 4))), now, attempts,
                errorFor(handler));
    }
    for (int i = 0; i < 4; ++i) {
        const QString handler = randomHandler(QStringLiteral("print"));
        enqueue(QStringLiteral("print"), 0, handler, now.addSecs(-7200), now, 25, errorFor(handler));
        QSqlQuery(QStringLiteral("UPDATE delayed_jobs SET failed_at = '%1', locked_at = '%1', locked_by = "
                                 "'host:demo-web3 pid:4107' WHERE id = last_insert_rowid()")
                      .arg(arTime(now.addSecs(-3600 - i * 600))),
                  m_db);
    }
    // The poison job: a print job whose card data makes the renderer crash, every single time.
    // It has been due for two minutes, so a worker takes it first, and it fails again and again from the start.
    enqueue(QStringLiteral("print"), 0, printJobHandler(1013, 66666), now.addSecs(-120), now);
    {
        QSqlQuery q(QStringLiteral("SELECT last_insert_rowid()"), m_db);
        m_poisonId = q.next() ? q.value(0).toLongLong() : 0;
    }
    m_db.commit();
    return {};
}

void DemoFleet::hireWorkers(int generation)
{
    m_workers.clear();
    for (int i = 0; i < m_options.workers; ++i) {
        Worker w;
        w.name = QStringLiteral("host:demo-web%1 pid:%2").arg(i % 3 + 1).arg(4000 + generation * 100 + i);
        m_workers.append(w);
    }
}

QString DemoFleet::randomHandler(const QString &queue)
{
    const int user = 1001 + int(m_rng.bounded(60)); // the 60 users whose print jobs were delayed
    if (queue == u"print") {
        return printJobHandler(user, 50000 + int(m_rng.bounded(9000)));
    }
    if (queue == u"mailers") {
        return QStringLiteral("--- !ruby/object:Delayed::PerformableMailer\nobject: !ruby/class 'UserMailer'\n"
                              "method_name: :card_ready\nargs:\n- %1\n")
            .arg(user);
    }
    if (queue == u"mixpanel") {
        return structHandler(QStringLiteral("MixpanelPing"), {{QStringLiteral("user_id"), QString::number(user)},
                                                              {QStringLiteral("event"), QStringLiteral("card_viewed")}});
    }
    if (queue == u"reports") {
        return structHandler(QStringLiteral("CoverageReportJob"),
                             {{QStringLiteral("build_id"), QString::number(700000 + m_rng.bounded(99999))},
                              {QStringLiteral("user_id"), QString::number(user)}});
    }
    return structHandler(QStringLiteral("ThumbnailJob"), {{QStringLiteral("user_id"), QString::number(user)},
                                                          {QStringLiteral("image_id"), QString::number(m_rng.bounded(1 << 20))}});
}

QString DemoFleet::errorFor(const QString &handler) const
{
    if (handler.contains(QStringLiteral("card_id: 66666"))) {
        return QStringLiteral("NoMethodError: undefined method `render' for nil:NilClass") + QString::fromLatin1(kBacktrace);
    }
    if (handler.contains(QStringLiteral("PerformableMailer"))) {
        return QStringLiteral("Net::ReadTimeout: Net::ReadTimeout with #<TCPSocket:(closed)>") + QString::fromLatin1(kBacktrace);
    }
    return QStringLiteral("Errno::ECONNREFUSED: Connection refused - connect(2) for \"printer-gw\" port 9100") +
           QString::fromLatin1(kBacktrace);
}

void DemoFleet::enqueue(const QString &queue, int priority, const QString &handler, const QDateTime &runAt,
                        const QDateTime &now, int attempts, const QString &lastError)
{
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("INSERT INTO delayed_jobs (priority, attempts, handler, last_error, run_at, queue,"
                             " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(priority);
    q.addBindValue(attempts);
    q.addBindValue(handler);
    q.addBindValue(lastError.isEmpty() ? QVariant() : QVariant(lastError));
    q.addBindValue(arTime(runAt));
    q.addBindValue(queue == u"default" ? QVariant() : QVariant(queue)); // delayed_job leaves the default queue NULL
    q.addBindValue(arTime(std::min(runAt, now)));
    q.addBindValue(arTime(now));
    q.exec();
}

void DemoFleet::arrivals(const QDateTime &now, double seconds)
{
    // A daily pattern, compressed so a demo hour passes in a minute: the demo opens at 10:00, peaks at
    // 15:00 (five minutes in), is quiet in the small hours and comes back, whatever time the viewer watches.
    const double hour = std::fmod(10.0 + double(m_start.msecsTo(now)) / 60000.0, 24.0);
    const double daily = 0.55 + 0.45 * std::sin((hour - 9.0) / 24.0 * 2.0 * std::numbers::pi);
    auto arrive = [&](const QString &queue, double perSecond, int priority) {
        const double mean = perSecond * daily * seconds;
        int n = int(mean);
        if (m_rng.generateDouble() < mean - n) {
            ++n;
        }
        for (int i = 0; i < n; ++i) {
            enqueue(queue, priority, randomHandler(queue), now, now);
        }
    };
    for (const auto &q : kQueues) {
        arrive(QString::fromLatin1(q.name), q.perSecond, q.priority);
    }
    if (m_reportsOn) {
        arrive(QStringLiteral("reports"), kReportsPerSecond, 0);
    }
}

bool DemoFleet::reserve(Worker &w, const QDateTime &now)
{
    const QString nowText = arTime(now);
    const QString expired = arTime(now.addSecs(-m_options.maxRunTimeSeconds));
    QSqlQuery pick(m_db);
    pick.prepare(QStringLiteral("SELECT id FROM delayed_jobs WHERE run_at <= ? AND failed_at IS NULL AND"
                                " (locked_at IS NULL OR locked_at < ?) ORDER BY priority ASC, run_at ASC LIMIT 1"));
    pick.addBindValue(nowText);
    pick.addBindValue(expired);
    if (!pick.exec() || !pick.next()) {
        return false;
    }
    const qint64 id = pick.value(0).toLongLong();
    pick.finish();
    // delayed_job's reservation: conditional, so two workers can never take the same job.
    QSqlQuery lock(m_db);
    lock.prepare(QStringLiteral("UPDATE delayed_jobs SET locked_at = ?, locked_by = ? WHERE id = ? AND failed_at IS NULL"
                                " AND (locked_at IS NULL OR locked_at < ?)"));
    lock.addBindValue(nowText);
    lock.addBindValue(w.name);
    lock.addBindValue(id);
    lock.addBindValue(expired);
    if (!lock.exec() || lock.numRowsAffected() != 1) {
        return false;
    }
    w.jobId = id;
    // 1–5 s per job: eight workers run at roughly three quarters of capacity, so a backlog forms at the peak.
    w.busyUntilMs = now.toMSecsSinceEpoch() + 1000 + qint64(m_rng.bounded(4000));
    w.fails = id == m_poisonId || m_rng.generateDouble() < kFailureRate;
    return true;
}

void DemoFleet::finish(Worker &w, const QDateTime &now)
{
    QSqlQuery q(m_db);
    if (!w.fails) {
        q.prepare(QStringLiteral("DELETE FROM delayed_jobs WHERE id = ? AND locked_by = ?"));
        q.addBindValue(w.jobId);
        q.addBindValue(w.name);
        q.exec();
    } else {
        QSqlQuery h(m_db);
        h.prepare(QStringLiteral("SELECT attempts, handler FROM delayed_jobs WHERE id = ?"));
        h.addBindValue(w.jobId);
        if (h.exec() && h.next()) {
            const int attempts = h.value(0).toInt() + 1;
            const QString error = errorFor(h.value(1).toString());
            h.finish();
            if (attempts >= 25) {
                // delayed_job sets failed_at and leaves the lock in place.
                q.prepare(QStringLiteral("UPDATE delayed_jobs SET attempts = ?, last_error = ?, failed_at = ?,"
                                         " updated_at = ? WHERE id = ?"));
                q.addBindValue(attempts);
                q.addBindValue(error);
                q.addBindValue(arTime(now));
            } else {
                q.prepare(QStringLiteral("UPDATE delayed_jobs SET attempts = ?, last_error = ?, run_at = ?,"
                                         " locked_at = NULL, locked_by = NULL, updated_at = ? WHERE id = ?"));
                q.addBindValue(attempts);
                q.addBindValue(error);
                q.addBindValue(arTime(now.addSecs(5 + qint64(std::pow(attempts, 4)))));
            }
            q.addBindValue(arTime(now));
            q.addBindValue(w.jobId);
            q.exec();
        }
    }
    w.jobId = 0;
}

void DemoFleet::work(const QDateTime &now)
{
    for (Worker &w : m_workers) {
        if (w.jobId != 0 && w.busyUntilMs <= now.toMSecsSinceEpoch()) {
            finish(w, now);
        }
        if (w.jobId == 0) {
            reserve(w, now);
        }
    }
}

QStringList DemoFleet::step(const QDateTime &now)
{
    QStringList events;
    const qint64 elapsed = m_start.secsTo(now);
    const double seconds = std::clamp(double(m_last.msecsTo(now)) / 1000.0, 0.0, 5.0);
    m_last = now;
    if (m_options.incidents) {
        if (!m_reportsOn && elapsed >= m_options.newQueueAt) {
            m_reportsOn = true;
            events << tr("New job class CoverageReportJob lands on a new queue \"reports\"");
        }
        if (!m_workersDead && elapsed >= m_options.workersDieAt) {
            m_workersDead = true;
            m_workers.clear(); // killed mid-job by the OS upgrade: their locks stay behind
            events << tr("All workers died (OS upgrade); the backlog grows");
        }
        if (m_workersDead && !m_workersBack && elapsed >= m_options.workersBackAt) {
            m_workersBack = true;
            hireWorkers(2);
            events << tr("Workers restarted; draining the backlog");
        }
    }
    m_db.transaction();
    arrivals(now, seconds);
    work(now);
    m_db.commit();
    return events;
}

} // namespace qd::demo
