// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Job actions at incident scale (drill-down issue):
//  1. the first page of a 1,000,000-job Sidekiq dead set — target < 100 ms;
//  2. a bulk retry of 35,000 Sidekiq retries through BulkRun (listing, batches of 500, journal, audit rows) —
//     target < 3 s — side by side with Sidekiq's own `RetrySet#retry_all` on identical data (written by the
//     Sidekiq gem: tests/backends/fixtures/sidekiq/fill_retries.rb);
//  3. a bulk retry of 6,000 failed Delayed::Jobs on PostgreSQL (one transaction per batch) — target < 0.5 s —
//     when scripts/services' PostgreSQL is there (QD_TEST_PG_*).
#include "core/actions/bulkrun.h"
#include "core/audit/auditlog.h"
#include "core/backendfactory.h"
#include "core/backends/sidekiq/sidekiqbackend.h"
#include "bench/common/benchredis.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace qd;

namespace {

constexpr int kDead = 1'000'000;
constexpr int kRetries = 35'000;
constexpr int kDjFailed = 6'000;

struct Timed
{
    BulkSummary summary;
    double resolveMs = 0;
    double totalMs = 0;
};

/// Runs a bulk retry of every failed job of `queue` (the GUI's "Retry All Matching").
Timed bulkRetryAll(Backend &backend, AuditLog &audit, const QString &queue)
{
    BulkSpec spec;
    spec.kind = ActionKind::Retry;
    spec.expected = JobState::Failed;
    JobQuery q;
    q.queue = queue;
    spec.filter = q;
    spec.filterText = QStringLiteral("bench");
    spec.operatorName = QStringLiteral("bench");
    BulkRun run(&backend, &audit, spec);
    QEventLoop loop;
    Timed t;
    QElapsedTimer clock;
    QObject::connect(&run, &BulkRun::resolved, &loop, [&] { t.resolveMs = double(clock.nsecsElapsed()) / 1e6; });
    QObject::connect(&run, &BulkRun::finished, &loop, [&](const BulkSummary &s) {
        t.totalMs = double(clock.nsecsElapsed()) / 1e6;
        t.summary = s;
        loop.quit();
    });
    QObject::connect(&run, &BulkRun::failed, &loop, [&](const QString &e) {
        t.summary.error = e;
        loop.quit();
    });
    clock.start();
    run.start();
    loop.exec();
    return t;
}

QByteArray fill(const QStringList &args)
{
    QProcess ruby;
    ruby.start(QStringLiteral("ruby"), args);
    ruby.waitForFinished(600'000);
    if (ruby.exitCode() != 0) {
        std::fprintf(stderr, "ruby failed: %s\n", ruby.readAllStandardError().right(400).constData());
    }
    return ruby.readAllStandardOutput().trimmed().split('\n').last();
}

void sidekiqFigures(QTemporaryDir &dir)
{
    const bench::PrivateRedis server;
    redis::Options o;
    o.port = quint16(server.port());
    redis::Client c(o, QStringLiteral("fill"));

    // 1. A million dead jobs: the first page.
    QElapsedTimer fillTimer;
    fillTimer.start();

    const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    QList<redis::Command> batch;
    for (int start = 0; start < kDead; start += 1000) {
        redis::Command add{"ZADD", "dead"};
        for (int i = start; i < start + 1000; ++i) {
            add << QByteArray::number(now - kDead + i, 'f', 3)
                << "{\"retry\":true,\"queue\":\"print\",\"class\":\"PrintJob\",\"args\":[" + QByteArray::number(1000 + i % 5000)
                       + "],\"jid\":\"dead" + QByteArray::number(i) + "\",\"error_class\":\"Net::ReadTimeout\","
                       "\"error_message\":\"printer offline\",\"failed_at\":" + QByteArray::number(now - kDead + i, 'f', 3)
                       + ",\"retry_count\":25}";
        }
        batch << add;
        if (batch.size() == 20) {
            bench::flushOrDie(c, batch);
        }
    }
    bench::flushOrDie(c, batch);
    std::printf("filled a dead set of %d jobs in %.1f s\n", kDead, double(fillTimer.elapsed()) / 1000.0);
    {
        sidekiq::SidekiqBackend backend(ConnectionUrl::parse(QStringLiteral("sidekiq+redis://127.0.0.1:%1/0").arg(server.port())).value());
        JobQuery q;
        q.state = JobState::Dead;
        q.limit = 50;
        QList<double> times;
        int rows = 0;
        for (int i = 0; i < 21; ++i) {
            QElapsedTimer t;
            t.start();
            const JobPage page = backend.jobs(q).result();
            times << double(t.nsecsElapsed()) / 1e6;
            rows = int(page.jobs.size());
        }
        times.removeFirst(); // the first one loads the script
        std::sort(times.begin(), times.end());
        std::printf("%-44s %8.1f ms median, %.1f ms max (%d rows)   target < 100 ms\n", "first page of a 1 M-job dead set",
                    times.at(times.size() / 2), times.last(), rows);
    }

    // 2. 35,000 retries: BulkRun vs Sidekiq's retry_all, on identical data written by the Sidekiq gem.
    const QString url1 = QStringLiteral("redis://127.0.0.1:%1/1").arg(server.port());
    const QString fixture = QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/sidekiq/fill_retries.rb");
    fill({fixture, url1, QString::number(kRetries), QStringLiteral("print")});
    AuditLog audit(dir.filePath(QStringLiteral("audit.sqlite3")));
    audit.open();
    Timed qd;
    qint64 qdCommands = 0;
    {
        sidekiq::SidekiqBackend backend(ConnectionUrl::parse(QStringLiteral("sidekiq+redis://127.0.0.1:%1/1").arg(server.port())).value());
        const auto s0 = bench::serverStats(c);
        qd = bulkRetryAll(backend, audit, QStringLiteral("print"));
        const auto s1 = bench::serverStats(c);
        qdCommands = s1.value("total_commands_processed") - s0.value("total_commands_processed") - 1;
    }
    const QJsonObject ruby = [&] {
        c.pipeline({{"SELECT", "1"}, {"FLUSHDB"}}).waitForFinished();
        fill({fixture, url1, QString::number(kRetries), QStringLiteral("print")});
        const auto s0 = bench::serverStats(c);
        QJsonObject o2 = QJsonDocument::fromJson(fill({QStringLiteral(QD_SOURCE_DIR "/bench/actions/retry_all.rb"), url1})).object();
        const auto s1 = bench::serverStats(c);
        o2.insert(QStringLiteral("commands"), double(s1.value("total_commands_processed") - s0.value("total_commands_processed") - 1));
        return o2;
    }();
    std::printf("\nbulk retry of %d Sidekiq retries                 time     commands\n", kRetries);
    std::printf("%-44s %8.0f ms %10lld   (listing %.0f ms, %lld retried, %lld skipped%s)   target < 3 s\n",
                "Queuedeck BulkRun (batches of 500, audited)", qd.totalMs, qdCommands, qd.resolveMs,
                qd.summary.succeeded, qd.summary.skipped, qd.summary.error.isEmpty() ? "" : ", FAILED");
    std::printf("%-44s %8.0f ms %10.0f   (%d enqueued after)\n", "Sidekiq 6.4 RetrySet#retry_all",
                ruby.value(QStringLiteral("elapsed_s")).toDouble() * 1000.0, ruby.value(QStringLiteral("commands")).toDouble(),
                ruby.value(QStringLiteral("enqueued_after")).toInt());
}

void delayedJobOnPostgres(QTemporaryDir &dir)
{
    if (qEnvironmentVariable("QD_TEST_PG_HOST").isEmpty()) {
        std::printf("\n(no PostgreSQL: run through scripts/bench for the Delayed::Job figure)\n");
        return;
    }
    const QString table = QStringLiteral("bench_delayed_jobs");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("bench-fill"));
        db.setHostName(qEnvironmentVariable("QD_TEST_PG_HOST"));
        db.setPort(qEnvironmentVariable("QD_TEST_PG_PORT").toInt());
        db.setUserName(qEnvironmentVariable("QD_TEST_PG_USER"));
        db.setDatabaseName(qEnvironmentVariable("QD_TEST_PG_DB"));
        if (!db.open()) {
            std::fprintf(stderr, "postgresql: %s\n", qPrintable(db.lastError().text()));
            return;
        }
        QSqlQuery q(db);
        // What delayed_job's migration makes through ActiveRecord's PostgreSQL adapter.
        const QStringList statements{
            QStringLiteral("SET client_min_messages TO warning"),
            QStringLiteral("DROP TABLE IF EXISTS %1").arg(table),
            QStringLiteral("CREATE TABLE %1 (id bigserial PRIMARY KEY, priority integer DEFAULT 0 NOT NULL,"
                           " attempts integer DEFAULT 0 NOT NULL, handler text NOT NULL, last_error text, run_at timestamp,"
                           " locked_at timestamp, failed_at timestamp, locked_by varchar, queue varchar,"
                           " created_at timestamp(6) NOT NULL, updated_at timestamp(6) NOT NULL)")
                .arg(table),
            QStringLiteral("CREATE INDEX %1_priority ON %1 (priority, run_at)").arg(table),
            QStringLiteral("INSERT INTO %1 (attempts, handler, last_error, run_at, failed_at, queue, created_at, updated_at)"
                           " SELECT 25, '--- !ruby/struct:PrintJob' || chr(10) || 'user_id: ' || (1000 + g % 60) || chr(10),"
                           " 'Net::ReadTimeout: printer offline', now() - interval '12 hours', now() - interval '1 hour',"
                           " 'print', now() - interval '12 hours', now() - interval '1 hour' FROM generate_series(1, %2) g")
                .arg(table)
                .arg(kDjFailed),
            QStringLiteral("ANALYZE %1").arg(table),
        };
        for (const QString &sql : statements) {
            if (!q.exec(sql)) {
                std::fprintf(stderr, "postgresql: %s\n", qPrintable(q.lastError().text()));
                return;
            }
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("bench-fill"));
    auto backend = createBackend(QStringLiteral("delayedjob+postgresql://%1@%2:%3/%4?table=%5")
                                     .arg(qEnvironmentVariable("QD_TEST_PG_USER"), qEnvironmentVariable("QD_TEST_PG_HOST"),
                                          qEnvironmentVariable("QD_TEST_PG_PORT"), qEnvironmentVariable("QD_TEST_PG_DB"), table));
    if (!backend) {
        std::fprintf(stderr, "%s\n", qPrintable(backend.error()));
        return;
    }
    AuditLog audit(dir.filePath(QStringLiteral("audit-dj.sqlite3")));
    audit.open();
    const Timed t = bulkRetryAll(*backend.value(), audit, QStringLiteral("print"));
    std::printf("\n%-44s %8.0f ms   (listing %.0f ms, retrying %.0f ms in %lld transactions; %lld retried%s)   target < 0.5 s\n",
                "retry 6,000 failed Delayed::Jobs (PostgreSQL)", t.totalMs, t.resolveMs, t.totalMs - t.resolveMs,
                (t.summary.total + 499) / 500, t.summary.succeeded, t.summary.error.isEmpty() ? "" : ", FAILED");
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    QTemporaryDir dir;
    sidekiqFigures(dir);
    delayedJobOnPostgres(dir);
    return 0;
}
