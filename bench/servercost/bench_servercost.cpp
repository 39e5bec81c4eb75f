// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// bench_servercost: what one Queuedeck poll and one search chunk cost the *server*, on the data shapes that once
// held Redis for seconds, side by side with Sidekiq's own Ruby API answering the dashboard's question (Stats,
// every queue's latency, the process set: bench/redis/sidekiq_api.rb). A private redis-server is filled by the
// real Sidekiq client (tests/backends/fixtures/sidekiq/fill_worstcase.rb):
//   x1: 10,000 scheduled jobs without retry_count (2,000 of them with 1 KB arguments), 10,000 retries,
//       20 dead jobs and 200 waiting jobs of 64 KB;
//   x5: the same with 50,000 scheduled jobs and 50,000 retries (breakdown_limit's size).
// Per shape: the longest single server call (SLOWLOG, every command logged) and redis-server's CPU time per poll
// (INFO cpu; SLOWLOG's own bookkeeping is included on both sides), for a first poll (a new connection: every set broken
// down) and a steady poll (unchanged sets are not read again); a search through the whole scheduled set for its last
// job; the peer's snapshot. Targets (do-no-harm issue): longest call < 5 ms; server CPU per steady poll no more than
// the peer's.
#include "backends/sidekiq/sidekiqbackend.h"
#include "common/benchredis.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <algorithm>
#include <cstdio>

using namespace qd;

namespace {

const QString kFixtures = QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/sidekiq/");

/// CPU time (user + system) redis-server has used, in milliseconds, from its own INFO cpu (getrusage: finer than
/// /proc's 10 ms ticks).
double cpuMs(redis::Client &admin)
{
    const redis::Batch b = admin.pipeline({{"INFO", "cpu"}}).result();
    double seconds = 0;
    for (const QByteArray &line : b.replies.value(0).str.split('\n')) {
        if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
            seconds += line.mid(line.indexOf(':') + 1).trimmed().toDouble();
        }
    }
    return seconds * 1000.0;
}

struct Figure
{
    double longestMs = 0;
    double cpuMs = 0; ///< per poll
    double wallMs = 0;
    double roundTrips = 0;
};

void line(const char *what, const Figure &f, const char *extra = "")
{
    const bool pass = f.longestMs < 5.0;
    std::printf("  %-34s longest call %6.2f ms (< 5: %s)  server CPU %7.2f ms  wall %7.1f ms  %5.1f round trips%s\n",
                what, f.longestMs, pass ? "PASS" : "MISS", f.cpuMs, f.wallMs, f.roundTrips, extra);
}

std::unique_ptr<sidekiq::SidekiqBackend> backend(int port)
{
    auto url = ConnectionUrl::parse(QStringLiteral("sidekiq+redis://127.0.0.1:%1/0").arg(port));
    return std::make_unique<sidekiq::SidekiqBackend>(url.value());
}

Figure polls(redis::Client &admin, sidekiq::SidekiqBackend &b, int n)
{
    bench::resetSlowlog(admin);
    const auto before = b.connectionStats();
    const double cpu0 = cpuMs(admin);
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < n; ++i) {
        const Snapshot s = b.snapshot().result();
        if (!s.ok()) {
            std::fprintf(stderr, "poll failed: %s\n", qPrintable(s.error));
            std::exit(1);
        }
    }
    Figure f;
    f.wallMs = double(t.nsecsElapsed()) / 1e6 / n;
    f.cpuMs = (cpuMs(admin) - cpu0) / n;
    f.roundTrips = double(b.connectionStats().roundTrips - before.roundTrips) / n;
    f.longestMs = double(bench::longestUs(admin, "queuedeck")) / 1000.0;
    return f;
}

void shape(int scale)
{
    bench::PrivateRedis server;
    const QString plain = QStringLiteral("redis://127.0.0.1:%1/0").arg(server.port());
    QProcess fill;
    fill.setStandardErrorFile(QProcess::nullDevice());
    fill.start(QStringLiteral("ruby"),
               {kFixtures + QStringLiteral("fill_worstcase.rb"), plain, QString::number(scale)});
    if (!fill.waitForFinished(600'000) || fill.exitCode() != 0) {
        std::fprintf(stderr, "fill failed\n");
        std::exit(1);
    }
    std::printf("\nshape x%d: %s", scale, fill.readAllStandardOutput().constData());

    redis::Options o;
    o.port = quint16(server.port());
    o.clientName = QByteArrayLiteral("bench-admin");
    redis::Client admin(o, QStringLiteral("admin"));

    // First polls: each by a new backend, so every set is broken down (the worst case). One warm-up first, so
    // that the server has the scripts (a first EVAL compiles them, once per server).
    backend(server.port())->snapshot().result();
    Figure first;
    constexpr int kFirst = 5;
    for (int i = 0; i < kFirst; ++i) {
        auto measured = backend(server.port());
        const Figure f = polls(admin, *measured, 1);
        first.longestMs = std::max(first.longestMs, f.longestMs);
        first.cpuMs += f.cpuMs / kFirst;
        first.wallMs += f.wallMs / kFirst;
        first.roundTrips += f.roundTrips / kFirst;
    }
    line("first poll (every set walked)", first, "  (includes connecting)");

    auto steadyBackend = backend(server.port());
    steadyBackend->snapshot().result();
    const Figure steady = polls(admin, *steadyBackend, 200);
    line("steady poll (sets unchanged)", steady);

    // A search through the scheduled set for its last job, page by page (every page one budgeted call).
    bench::resetSlowlog(admin);
    const double cpu0 = cpuMs(admin);
    QElapsedTimer t;
    t.start();
    JobQuery q;
    q.queue = QStringLiteral("default");
    q.state = JobState::Scheduled;
    q.search = QStringLiteral("\"args\":[%1]").arg(8000 * scale - 1);
    q.limit = 1;
    int pages = 0;
    bool found = false;
    while (!found && pages < 100'000) {
        const JobPage p = steadyBackend->jobs(q).result();
        ++pages;
        found = !p.jobs.isEmpty();
        if (p.nextCursor.isEmpty()) {
            break;
        }
        q.after = p.nextCursor;
    }
    Figure search;
    search.wallMs = double(t.nsecsElapsed()) / 1e6;
    search.cpuMs = cpuMs(admin) - cpu0;
    search.roundTrips = pages;
    search.longestMs = double(bench::longestUs(admin, "queuedeck")) / 1000.0;
    line(found ? "search to the set's last job" : "search (NOT FOUND)", search, "  (whole search)");

    // The peer: Sidekiq's own API drawing its dashboard's picture of the same data.
    bench::resetSlowlog(admin);
    constexpr int kPeer = 200;
    QProcess ruby;
    ruby.setStandardErrorFile(QProcess::nullDevice());
    const double peerCpu0 = cpuMs(admin);
    ruby.start(QStringLiteral("ruby"),
               {QStringLiteral(QD_SOURCE_DIR "/bench/redis/sidekiq_api.rb"), plain, QString::number(kPeer)});
    ruby.waitForFinished(600'000);
    const QJsonObject peer = QJsonDocument::fromJson(ruby.readAllStandardOutput().trimmed()).object();
    Figure api;
    api.cpuMs = (cpuMs(admin) - peerCpu0) / (kPeer + 2); // its run makes kPeer + 2 snapshots' worth
    api.wallMs = peer.value(u"median_ms").toDouble();
    api.roundTrips = peer.value(u"round_trips").toDouble();
    api.longestMs = double(bench::longestUs(admin, QByteArray())) / 1000.0;
    line("Sidekiq's Ruby API snapshot", api, "  (peer)");
    std::printf("  %-34s %s (Queuedeck %.2f ms vs Sidekiq API %.2f ms per poll; Queuedeck also counts every\n"
                "  %-34s retry/scheduled/dead job per queue, which the API does not)\n",
                "server CPU, steady poll vs peer", steady.cpuMs <= api.cpuMs ? "PASS" : "MISS", steady.cpuMs, api.cpuMs,
                "");
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    std::printf("queuedeck server-cost benchmark (Sidekiq on Redis; scan_budget_ms = 2)\n");
    shape(1);
    shape(5);
    return 0;
}
