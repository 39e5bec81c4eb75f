// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// bench_export: a Delayed::Job table (SQLite) with 1,000,000 failed print jobs, exported through the real backend,
// page by page, to CSV and to JSON Lines with the user column filled by a rule (what `queuedeckctl jobs
// --format csv|jsonl --all --user-field /user_id` does). Prints rows per second and the resident memory while
// it runs: the target (issue 10) is flat memory, i.e. the same few MiB at 10 % and at 100 % of the rows.
#include "core/backend.h"
#include "bench/common/benchproc.h"
#include "core/backendfactory.h"
#include "core/demo/demoschema.h"
#include "core/export/jobexport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <cstdio>

using namespace qd;

namespace {

constexpr int kRows = 1'000'000;
constexpr int kPage = 1000;


QString fill(const QString &path)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("fill"));
    db.setDatabaseName(path);
    if (!db.open()) {
        return db.lastError().text();
    }
    if (const QString err = demo::createDelayedJobsTable(db); !err.isEmpty()) {
        return err;
    }
    QSqlQuery q(db);
    db.transaction();
    q.prepare(QStringLiteral("INSERT INTO delayed_jobs (priority, attempts, handler, last_error, run_at, failed_at, queue, "
                             "created_at, updated_at) VALUES (0, 25, ?, ?, ?, ?, 'print', ?, ?)"));
    const QString at = demo::arTime(QDateTime::fromSecsSinceEpoch(1'750'000'000, Qt::UTC));
    for (int i = 0; i < kRows; ++i) {
        q.addBindValue(demo::printJobHandler(100'000 + i % 50'000, i));
        q.addBindValue(QStringLiteral("Printer offline (PrintJob %1)\n/app/jobs/print_job.rb:12:in `perform'").arg(i));
        for (int k = 0; k < 4; ++k) {
            q.addBindValue(at);
        }
        if (!q.exec()) {
            return q.lastError().text();
        }
    }
    db.commit();
    db.close();
    return {};
}

bool run(const std::shared_ptr<Backend> &backend, ExportFormat format, const char *name, const QString &out)
{
    QFile file(out);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        return false;
    }
    JobExportWriter writer(&file, format, UserRule::parse(QStringLiteral("/user_id")).value());
    writer.writeHeader();
    JobQuery q;
    q.queue = QStringLiteral("print");
    q.state = JobState::Failed;
    q.limit = kPage;
    q.withPayload = true;
    const double before = bench::rssMiB();
    double at10 = 0;
    double peak = before;
    QElapsedTimer t;
    t.start();
    for (;;) {
        QFuture<JobPage> f = backend->jobs(q);
        f.waitForFinished();
        const JobPage page = f.result();
        if (!page.error.isEmpty()) {
            std::fprintf(stderr, "bench_export: %s\n", qPrintable(page.error));
            return false;
        }
        writer.write(page.jobs);
        peak = std::max(peak, bench::rssMiB());
        if (at10 == 0 && writer.rows() >= kRows / 10) {
            at10 = bench::rssMiB();
        }
        if (page.nextCursor.isEmpty() || page.jobs.isEmpty()) {
            break;
        }
        q.after = page.nextCursor;
    }
    file.close();
    const double seconds = double(t.nsecsElapsed()) / 1e9;
    std::printf("%-6s %9lld rows  %7.1f s  %9.0f rows/s  %6.0f MiB file\n", name, writer.rows(), seconds,
                double(writer.rows()) / seconds, double(QFile(out).size()) / (1 << 20));
    std::printf("%-6s resident memory: %.0f MiB before, %.0f MiB at 10 %%, %.0f MiB peak (growth after 10 %%: %.1f MiB)  "
                "target: flat  %s\n",
                name, before, at10, peak, peak - at10, writer.rows() == kRows && peak - at10 < 32 ? "PASS" : "MISS");
    return writer.rows() == kRows;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    const QString db = dir.filePath(QStringLiteral("jobs.sqlite3"));
    QElapsedTimer t;
    t.start();
    if (const QString err = fill(db); !err.isEmpty()) {
        std::fprintf(stderr, "bench_export: %s\n", qPrintable(err));
        return 1;
    }
    std::printf("filled %d failed Delayed::Job rows in %.1f s\n", kRows, double(t.elapsed()) / 1000.0);
    auto backend = createBackend(QStringLiteral("delayedjob+sqlite://%1?readonly=1").arg(db));
    if (!backend) {
        std::fprintf(stderr, "bench_export: %s\n", qPrintable(backend.error()));
        return 1;
    }
    const bool ok = run(backend.value(), ExportFormat::Csv, "csv", dir.filePath(QStringLiteral("jobs.csv"))) &&
                    run(backend.value(), ExportFormat::JsonLines, "jsonl", dir.filePath(QStringLiteral("jobs.jsonl")));
    return ok ? 0 : 1;
}
