// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// bench_servercost for RQ, BullMQ and Celery on Redis: one private redis-server per family, filled by the family's
// own library (bench/servercost/fill_*.{py,mjs}: the library writes one job of each kind, the many copies are
// written server-side field for field), then the same rows as Sidekiq's beside the family's own API or dashboard:
//   RQ      1,000,000 waiting jobs (one rq:job hash each), 200 jobs of 64 KB, 10,000 failed jobs;
//           peer: RQ's Python API as `rq info` reads it (bench/redis/rq_api.py)
//   BullMQ  1,000,000 waiting jobs, 200 of 64 KB, 50,000 completed and 50,000 failed;
//           peer: Queue.getJobCounts() + getWorkers() per queue, bull-board's refresh (bench/redis/bullmq_api.mjs)
//   Celery  1,000,000 messages in the default queue's list, 200 of 64 KB, 10,000 unacknowledged;
//           peer: Flower's broker view, LLEN per queue and priority step (bench/redis/celery_flower.py)
#include "bench/common/benchredis.h"
#include "bench/servercost/servercost.h"

#include <QJsonDocument>

#include <cstdio>

namespace qd::servercost {

namespace {

constexpr int kWaiting = 1'000'000;
constexpr int kPeerIterations = 200;

struct Script
{
    QString program;
    QString path;         ///< relative to the source tree
    QStringList args;     ///< after the Redis URL (and, for a peer, the iteration count)
};

struct RedisFamily
{
    const char *title;
    const char *scheme;   ///< the Queuedeck URL's scheme
    Script fill;
    Script peer;
    const char *peerRow;  ///< the peer's row
    const char *peerName; ///< in the CPU verdict
    JobQuery search;      ///< a needle nobody has: the search looks at every job of the set
    const char *searchRow;
    /// A URL query naming the peer's queues with discovery off (`?discovery=off&queues=…`), for a steady poll that
    /// knows what the peer knows and nothing more; nullptr: no such row.
    const char *named = nullptr;
};

void run(const RedisFamily &f)
{
    std::printf("\n== %s (scan_budget_ms = 2)\n", f.title);
    bench::PrivateRedis server;
    const QString plain = QStringLiteral("redis://127.0.0.1:%1/0").arg(server.port());
    const QString source = QStringLiteral(QD_SOURCE_DIR "/");
    const QJsonObject filled = runJson(f.fill.program, QStringList{source + f.fill.path, plain} + f.fill.args);
    std::printf("filled: %s\n", QJsonDocument(filled).toJson(QJsonDocument::Compact).constData());
    const auto admin = adminClient(server.port());
    const QString url = QStringLiteral("%1://127.0.0.1:%2/0").arg(QLatin1String(f.scheme)).arg(server.port());

    line("first poll (every set read)", firstPolls(*admin, url, 5), "  (includes connecting)");
    const auto steadyBackend = redisBackend(url);
    warmUp(*steadyBackend);
    const Figure steady = polls(*admin, *steadyBackend, 200);
    line("steady poll (sets unchanged)", steady);

    bool found = false;
    const Figure searched = search(*admin, *steadyBackend, f.search, &found);
    line(found ? "search (FOUND: the needle is not unique)" : f.searchRow, searched, "  (whole search)");

    const Figure peer = redisPeer(*admin, f.peer.program,
                                  QStringList{source + f.peer.path, plain, QString::number(kPeerIterations)} + f.peer.args,
                                  kPeerIterations);
    line(f.peerRow, peer, "  (peer)");
    pollVerdict(steady, peer, f.peerName);
    if (steady.cpuMs - steady.discoveryMs > peer.cpuMs || steady.longestMs >= 5.0) {
        printPollCalls(*admin, *steadyBackend);
    }
    if (f.named) {
        // The peer's dashboard is told its queues; so is this backend, with discovery off (no SCAN at all).
        const auto namedBackend = redisBackend(url + QLatin1String(f.named));
        warmUp(*namedBackend);
        const Figure quiet = polls(*admin, *namedBackend, 200);
        line("steady poll, queues named, discovery=off", quiet);
        cpuVerdict("server CPU, the peer's queues named", quiet.cpuMs, peer.cpuMs, f.peerName,
                   ", both told the queues");
        if (quiet.cpuMs > peer.cpuMs) {
            printPollCalls(*admin, *namedBackend);
        }
    }
}

JobQuery needle(const QString &queue, JobState state)
{
    JobQuery q;
    q.queue = queue;
    q.state = state;
    q.search = QStringLiteral("qd-needle-nobody-has");
    return q; // 50 a page, as the GUI asks
}

const QString kPython = QStringLiteral("/usr/bin/python3");
const QString kNode = QStringLiteral("node");

} // namespace

void rq()
{
    run({"RQ 1.13 on Redis", "rq+redis",
         {kPython, QStringLiteral("bench/servercost/fill_rq.py"), {QString::number(kWaiting)}},
         {kPython, QStringLiteral("bench/redis/rq_api.py"), {}},
         "RQ's Python API (rq info)", "RQ API",
         needle(QStringLiteral("failing"), JobState::Failed), "search, failed registry (10,000)"});
}

void bullmq()
{
    run({"BullMQ 5.81 on Redis", "bullmq+redis",
         {kNode, QStringLiteral("bench/servercost/fill_bullmq.mjs"), {QString::number(kWaiting), QStringLiteral("50000")}},
         {kNode, QStringLiteral("bench/redis/bullmq_api.mjs"),
          {QStringLiteral("big"), QStringLiteral("payloads"), QStringLiteral("done")}},
         "BullMQ getJobCounts+getWorkers", "bull-board's calls",
         needle(QStringLiteral("done"), JobState::Failed), "search, failed set (50,000)",
         "?discovery=off&queues=big,payloads,done"});
}

void celery()
{
    run({"Celery 5.2 (kombu 5.2) on Redis", "celery+redis",
         {kPython, QStringLiteral("bench/servercost/fill_celery.py"), {QString::number(kWaiting), QStringLiteral("10000")}},
         {kPython, QStringLiteral("bench/redis/celery_flower.py"),
          {QStringLiteral("celery"), QStringLiteral("payloads"), QStringLiteral("taken")}},
         "Flower's broker view (LLEN)", "Flower",
         needle(QStringLiteral("celery"), JobState::Waiting), "search, waiting list (1,000,000)"});
}

} // namespace qd::servercost
