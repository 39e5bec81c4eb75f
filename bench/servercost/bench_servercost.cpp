// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// bench_servercost: what one Queuedeck poll and one search cost the *server*, on the data shapes that once held
// a server for seconds, side by side with each family's own API (or dashboard) answering the dashboard's question.
//   bench_servercost [sidekiq] [rq] [bullmq] [celery] [rabbitmq]   (default: all of them)
// Redis families run on a private redis-server filled by the family's real client library (the many copies of a
// job written server-side, field for field what the library wrote); RabbitMQ on the node scripts/services starts
// (scripts/bench does). Per shape: the longest single server call (Redis: SLOWLOG with every command logged, its
// own bookkeeping included on both sides; RabbitMQ: the longest HTTP request) and the server's CPU time per poll
// (Redis: INFO cpu; RabbitMQ: beam.smp's utime + stime), for a first poll (a new connection: every set read) and
// a steady poll, a search through the largest set, and the peer. Targets (do-no-harm issue): longest Redis call
// < 5 ms; server CPU per steady poll no more than the peer's.
//
// Sidekiq (this file): tests/backends/fixtures/sidekiq/fill_worstcase.rb, by the real Sidekiq client:
//   x1: 10,000 scheduled jobs without retry_count (2,000 of them with 1 KB arguments), 10,000 retries,
//       20 dead jobs and 200 waiting jobs of 64 KB;
//   x5: the same with 50,000 scheduled jobs and 50,000 retries (breakdown_limit's size).
// Peer: Sidekiq's own Ruby API (Stats, every queue's latency, the process set: bench/redis/sidekiq_api.rb).
#include "bench/common/benchredis.h"
#include "bench/servercost/servercost.h"

#include "core/backendfactory.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QProcess>

#include <algorithm>
#include <cstdio>

namespace qd::servercost {

void line(const char *what, const Figure &f, const char *extra, const Limit &limit)
{
    std::printf("  %-34s longest %s %7.2f ms (%s %.4g: %s)  server CPU %7.2f ms  wall %7.1f ms  %5.1f round trips%s\n",
                what, limit.noun, f.longestMs, limit.orEqual ? "<=" : "<", limit.ms,
                limit.pass(f.longestMs) ? "PASS" : "MISS", f.cpuMs, f.wallMs, f.roundTrips, extra);
    if (f.discoveryMs > 0.005) {
        std::printf("  %-34s of that CPU, queue discovery %.2f ms per poll (SLOWLOG); the rest %.2f ms\n", "",
                    f.discoveryMs, std::max(0.0, f.cpuMs - f.discoveryMs));
    }
}

namespace {

/// SLOWLOG's execution time (ms) of Queuedeck's queue-discovery calls: EVALSHA <sha> 0 <cursor> <MATCH pattern>
/// <TYPE> <budget> (KeyDiscovery), the only scripts without keys whose second argument is a pattern.
double discoveryMs(redis::Client &admin)
{
    const redis::Batch log = admin.pipeline({{"SLOWLOG", "GET", "-1"}}).result();
    qint64 us = 0;
    for (const redis::Reply &e : log.replies.value(0).elements) {
        if (e.elements.size() < 6 || !e.elements.at(5).str.startsWith("queuedeck")) {
            continue;
        }
        const QList<redis::Reply> &args = e.elements.at(3).elements;
        if (args.size() == 7 && args.at(0).str.toUpper() == "EVALSHA" && args.at(2).str == "0"
            && args.at(4).str.contains('*')) {
            us += e.elements.at(2).integer;
        }
    }
    return double(us) / 1000.0;
}

} // namespace

void cpuVerdict(const char *what, double ours, double peer, const char *peerName, const char *note)
{
    std::printf("  %-34s %s (Queuedeck %.2f ms vs %s %.2f ms per poll%s)\n", what, ours <= peer ? "PASS" : "MISS", ours,
                peerName, peer, note);
}

void pollVerdict(const Figure &steady, const Figure &peer, const char *peerName, const char *note)
{
    cpuVerdict("server CPU, steady poll vs peer", steady.cpuMs - steady.discoveryMs, peer.cpuMs, peerName, note);
    if (steady.discoveryMs > 0.005) {
        std::printf("  %-34s (the poll without discovery, which the peer does not do: with it %.2f ms)\n", "",
                    steady.cpuMs);
    }
}

double redisCpuMs(redis::Client &admin)
{
    const redis::Batch b = admin.pipeline({{"INFO", "cpu"}}).result();
    if (!b.ok()) {
        std::fprintf(stderr, "INFO cpu failed: %s\n", qPrintable(b.error));
        std::exit(1);
    }
    double seconds = 0;
    for (const QByteArray &l : b.replies.value(0).str.split('\n')) {
        if (l.startsWith("used_cpu_sys:") || l.startsWith("used_cpu_user:")) {
            seconds += l.mid(l.indexOf(':') + 1).trimmed().toDouble();
        }
    }
    return seconds * 1000.0;
}

std::unique_ptr<redis::Client> adminClient(int port)
{
    redis::Options o;
    o.port = quint16(port);
    o.clientName = QByteArrayLiteral("bench-admin");
    o.limits.maxReplyBytes = 2LL * 1024 * 1024 * 1024; // SLOWLOG GET of every call of 200 polls
    o.replyTimeoutMs = 120'000;
    return std::make_unique<redis::Client>(o, QStringLiteral("admin"));
}

std::shared_ptr<redis::RedisBackend> redisBackend(const QString &url)
{
    auto made = createBackend(url);
    auto b = made.ok() ? std::dynamic_pointer_cast<redis::RedisBackend>(made.value()) : nullptr;
    if (!b) {
        std::fprintf(stderr, "no Redis backend for %s\n", qPrintable(url));
        std::exit(1);
    }
    return b;
}

Figure polls(redis::Client &admin, redis::RedisBackend &b, int n)
{
    bench::resetSlowlog(admin);
    const auto before = b.connectionStats();
    const double cpu0 = redisCpuMs(admin);
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
    f.cpuMs = (redisCpuMs(admin) - cpu0) / n;
    f.roundTrips = double(b.connectionStats().roundTrips - before.roundTrips) / n;
    f.longestMs = double(bench::longestUs(admin, "queuedeck")) / 1000.0;
    f.discoveryMs = discoveryMs(admin) / n;
    return f;
}

void warmUp(redis::RedisBackend &b)
{
    for (int i = 0; i < 50; ++i) {
        const Snapshot s = b.snapshot().result();
        const QString warnings = s.warnings.join(u'\n');
        if (!warnings.contains(u"still being read") && !warnings.contains(u"Queue discovery covered")) {
            return;
        }
    }
}

Figure firstPolls(redis::Client &admin, const QString &url, int n)
{
    redisBackend(url)->snapshot().result();
    Figure first;
    for (int i = 0; i < n; ++i) {
        const Figure f = polls(admin, *redisBackend(url), 1);
        if (f.longestMs >= 5.0) {
            std::printf("  longest calls of first poll %d (SLOWLOG): %s\n", i + 1,
                        qPrintable(bench::longestCalls(admin, "queuedeck", 3).join(QStringLiteral("; "))));
        }
        first.longestMs = std::max(first.longestMs, f.longestMs);
        first.cpuMs += f.cpuMs / n;
        first.wallMs += f.wallMs / n;
        first.roundTrips += f.roundTrips / n;
        first.discoveryMs += f.discoveryMs / n;
    }
    return first;
}

void printPollCalls(redis::Client &admin, redis::RedisBackend &b)
{
    bench::resetSlowlog(admin);
    b.snapshot().result();
    const redis::Batch log = admin.pipeline({{"SLOWLOG", "GET", "-1"}}).result();
    std::printf("  %-34s", "calls of one steady poll (SLOWLOG):");
    // Oldest first; EVALSHA's first argument is the script's SHA, its key count then the first key name.
    for (qsizetype i = log.replies.value(0).elements.size() - 1; i >= 0; --i) {
        const redis::Reply &e = log.replies.value(0).elements.at(i);
        if (e.elements.size() < 6 || !e.elements.at(5).str.startsWith("queuedeck")) {
            continue;
        }
        const QList<redis::Reply> &args = e.elements.at(3).elements;
        const QByteArray command = args.value(0).str.toUpper();
        const QByteArray what = command.startsWith("EVAL") ? args.value(3).str : args.value(1).str;
        std::printf(" %s %s %lld us;", command.constData(), what.left(24).constData(), e.elements.at(2).integer);
    }
    std::printf("\n");
}

Figure search(redis::Client &admin, Backend &b, JobQuery q, bool *found)
{
    bench::resetSlowlog(admin);
    const double cpu0 = redisCpuMs(admin);
    QElapsedTimer t;
    t.start();
    int pages = 0;
    *found = false;
    while (!*found && pages < 100'000) {
        const JobPage p = b.jobs(q).result();
        ++pages;
        if (!p.error.isEmpty()) {
            std::fprintf(stderr, "search failed: %s\n", qPrintable(p.error));
            std::exit(1);
        }
        *found = !p.jobs.isEmpty();
        if (p.nextCursor.isEmpty()) {
            break;
        }
        q.after = p.nextCursor;
    }
    Figure f;
    f.wallMs = double(t.nsecsElapsed()) / 1e6;
    f.cpuMs = redisCpuMs(admin) - cpu0;
    f.roundTrips = pages;
    f.longestMs = double(bench::longestUs(admin, "queuedeck")) / 1000.0;
    if (f.longestMs >= 5.0) {
        std::printf("  longest calls of the search (SLOWLOG): %s\n",
                    qPrintable(bench::longestCalls(admin, "queuedeck", 5).join(QStringLiteral("; "))));
    }
    return f;
}

QJsonObject runJson(const QString &program, const QStringList &args, int timeoutMs)
{
    QProcess p;
    p.setStandardErrorFile(QProcess::nullDevice());
    p.start(program, args);
    const bool finished = p.waitForFinished(timeoutMs);
    const QJsonObject out = QJsonDocument::fromJson(p.readAllStandardOutput().trimmed().split('\n').last()).object();
    if (!finished || p.exitCode() != 0 || out.isEmpty()) {
        std::fprintf(stderr, "%s %s failed\n", qPrintable(program), qPrintable(args.join(QLatin1Char(' '))));
        std::exit(1);
    }
    return out;
}

Figure redisPeer(redis::Client &admin, const QString &program, const QStringList &args, int iterations,
                 int extraSnapshots)
{
    bench::resetSlowlog(admin);
    const double cpu0 = redisCpuMs(admin);
    const QJsonObject peer = runJson(program, args);
    Figure f;
    f.cpuMs = (redisCpuMs(admin) - cpu0) / (iterations + extraSnapshots);
    f.wallMs = peer.value(u"median_ms").toDouble();
    f.roundTrips = peer.value(u"round_trips").toDouble();
    f.longestMs = double(bench::longestUs(admin, QByteArray())) / 1000.0;
    return f;
}

namespace {

void sidekiqShape(int scale)
{
    bench::PrivateRedis server;
    const QString plain = QStringLiteral("redis://127.0.0.1:%1/0").arg(server.port());
    QProcess fill;
    fill.setStandardErrorFile(QProcess::nullDevice());
    fill.start(QStringLiteral("ruby"), {QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/sidekiq/fill_worstcase.rb"),
                                        plain, QString::number(scale)});
    if (!fill.waitForFinished(600'000) || fill.exitCode() != 0) {
        std::fprintf(stderr, "fill failed\n");
        std::exit(1);
    }
    std::printf("\nSidekiq shape x%d: %s", scale, fill.readAllStandardOutput().constData());
    const auto admin = adminClient(server.port());
    const QString url = QStringLiteral("sidekiq+redis://127.0.0.1:%1/0").arg(server.port());

    line("first poll (every set walked)", firstPolls(*admin, url, 5), "  (includes connecting)");
    const auto steadyBackend = redisBackend(url);
    warmUp(*steadyBackend);
    const Figure steady = polls(*admin, *steadyBackend, 200);
    line("steady poll (sets unchanged)", steady);

    // A search through the scheduled set for its last job.
    JobQuery q;
    q.queue = QStringLiteral("default");
    q.state = JobState::Scheduled;
    q.search = QStringLiteral("\"args\":[%1]").arg(8000 * scale - 1);
    q.limit = 1;
    bool found = false;
    const Figure searched = search(*admin, *steadyBackend, q, &found);
    line(found ? "search to the set's last job" : "search (NOT FOUND)", searched, "  (whole search)");

    constexpr int kPeer = 200;
    const Figure api = redisPeer(*admin, QStringLiteral("ruby"),
                                 {QStringLiteral(QD_SOURCE_DIR "/bench/redis/sidekiq_api.rb"), plain, QString::number(kPeer)},
                                 kPeer, 2); // its run makes kPeer + 2 snapshots' worth
    line("Sidekiq's Ruby API snapshot", api, "  (peer)");
    pollVerdict(steady, api, "Sidekiq API",
               "; Queuedeck also counts every\n"
               "                                       retry/scheduled/dead job per queue, which the API does not");
    if (steady.cpuMs > api.cpuMs) {
        printPollCalls(*admin, *steadyBackend);
    }
}

} // namespace

void sidekiq()
{
    std::printf("\n== Sidekiq on Redis (scan_budget_ms = 2)\n");
    sidekiqShape(1);
    sidekiqShape(5);
}

} // namespace qd::servercost

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    using namespace qd::servercost;
    const QList<QPair<QString, void (*)()>> families{{QStringLiteral("sidekiq"), sidekiq},
                                                     {QStringLiteral("rq"), rq},
                                                     {QStringLiteral("bullmq"), bullmq},
                                                     {QStringLiteral("celery"), celery},
                                                     {QStringLiteral("rabbitmq"), rabbitmq}};
    QStringList wanted = app.arguments().mid(1);
    for (const QString &w : std::as_const(wanted)) {
        if (std::none_of(families.begin(), families.end(), [&w](const auto &f) { return f.first == w; })) {
            std::fprintf(stderr, "usage: bench_servercost [sidekiq] [rq] [bullmq] [celery] [rabbitmq]\n");
            return 2;
        }
    }
    std::printf("queuedeck server-cost benchmark (%s)\n",
                qPrintable(wanted.isEmpty() ? QStringLiteral("every family") : wanted.join(QLatin1Char(' '))));
    for (const auto &[name, run] : families) {
        if (wanted.isEmpty() || wanted.contains(name)) {
            run();
        }
    }
    return 0;
}
