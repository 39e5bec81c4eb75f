// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// bench_alerts: the rule engine on one connection with 5,000 queues and 11 rules (the 10 defaults plus a
// depth rule), polled repeatedly with changing numbers. Target (alerts issue): < 10 ms per poll. Then an hour of
// 1 s polls: RSS growth after the first 10 minutes < 10 MiB (do-no-harm issue).
#include "core/alerts/alertengine.h"
#include "core/clock.h"
#include "bench/common/benchproc.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>

#include <algorithm>
#include <cstdio>

using namespace qd;

namespace {


} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    constexpr int kQueues = 5000;
    constexpr int kPolls = 60;
    ManualClock clock;
    AlertEngine engine(&clock);
    QList<AlertRule> rules = AlertRule::defaults();
    AlertRule depth;
    depth.id = QStringLiteral("depth");
    depth.kind = RuleKind::Depth;
    depth.warn = 1000;
    depth.crit = 10000;
    rules.append(depth);
    engine.setRules(QStringLiteral("bench"), rules);

    Snapshot s;
    s.backend = QStringLiteral("bench");
    for (int i = 0; i < kQueues; ++i) {
        QueueStats q;
        q.name = QStringLiteral("queue-%1").arg(i);
        q.waiting = i % 200;
        q.running = i % 7;
        q.failed = 0;
        q.maxAttempts = i % 3;
        q.oldestAgeSeconds = double(i % 600);
        q.inPerMinute = 10;
        q.outPerMinute = 11;
        q.rateExactness = Exactness::Approximate;
        s.queues.append(q);
    }
    s.workers = {WorkerInfo{QStringLiteral("w"), WorkerState::Busy, {}, 1.0, {}}};

    QList<double> times;
    qsizetype changes = 0;
    for (int poll = 0; poll < kPolls; ++poll) {
        clock.advance(5000);
        s.takenAt = clock.now();
        for (int i = 0; i < kQueues; i += 7) { // numbers move, some alerts fire and clear
            s.queues[i].oldestAgeSeconds = double((i + poll * 37) % 1200);
            s.queues[i].waiting = (i + poll * 11) % 20000;
        }
        QElapsedTimer t;
        t.start();
        changes += engine.evaluate(QStringLiteral("bench"), s, 5000).size();
        times.append(double(t.nsecsElapsed()) / 1e6);
    }
    const double first = times.first();
    std::sort(times.begin(), times.end());
    const double median = times[times.size() / 2];
    const double p99 = times[std::min<qsizetype>(times.size() - 1, qsizetype(times.size() * 0.99))];
    std::printf("queuedeck alert engine benchmark: %d queues x %lld rules, %d polls, %lld state changes\n\n", kQueues,
                static_cast<long long>(rules.size()), kPolls, static_cast<long long>(changes));
    std::printf("%-44s %10.2f ms\n", "first poll (builds per-queue memory)", first);
    std::printf("%-44s %10.2f ms   (target < 10 ms: %s)\n", "evaluate one poll (median)", median, median < 10 ? "PASS" : "MISS");
    std::printf("%-44s %10.2f ms\n", "evaluate one poll (worst)", p99);
    std::printf("%-44s %10lld\n", "active alerts at the end", static_cast<long long>(engine.active().size()));

    // Flat memory (do-no-harm issue): the same 5,000 queues polled every second for an hour, as `watch` does. The
    // rule engine's per-queue memory must stop growing once the longest window (10 min) is full.
    AlertEngine hourly(&clock);
    hourly.setRules(QStringLiteral("bench"), rules);
    double rssAt10 = 0;
    for (int poll = 0; poll < 3600; ++poll) {
        clock.advance(1000);
        s.takenAt = clock.now();
        for (int i = poll % 7; i < kQueues; i += 7) {
            s.queues[i].waiting = (i + poll * 11) % 20000;
        }
        hourly.evaluate(QStringLiteral("bench"), s, 1000);
        if (poll == 600) {
            rssAt10 = bench::rssMiB();
        }
    }
    const double growth = bench::rssMiB() - rssAt10;
    std::printf("%-44s %10.1f MiB\n", "RSS after 10 min of 1 s polls", rssAt10);
    std::printf("%-44s %10.1f MiB   (target < 10 MiB: %s)\n", "RSS growth from 10 to 60 min", growth,
                growth < 10 ? "PASS" : "MISS");
    return 0;
}
