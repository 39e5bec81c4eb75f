// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// bench_discovery: queue discovery on a big keyspace (issue 17, item 4). A private redis-server holds 1,000,000
// BullMQ-like job hashes (`bull:<queue>:<id>`, filled by a Lua loop in chunks, not through the npm library) and
// the `meta` hashes of 3 queues, the only keys discovery looks for. Figures:
//   - the first poll of a new BullMQ backend: wall time, round trips, queues found, the longest single server call
//     (SLOWLOG, every command logged), for the default budgets and for a first pass cut short by
//     discovery_budget_ms (its warning);
//   - the steady polls after it (a pass spread over polls, at most 100 ms of discovery each);
//   - what the old discovery needed: one `SCAN … COUNT 1000 TYPE hash` step per poll, so polls per full pass.
#include "core/backends/bullmq/bullmqbackend.h"
#include "bench/common/benchredis.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <cstdio>

using namespace qd;

namespace {

constexpr int kJobs = 1'000'000;
const QByteArrayList kQueues{"orders", "thumbs", "mail"};

// ARGV: queue, first id, last id. Hashes shaped as BullMQ writes them (name, data, opts, timestamp).
const char *const kFill = R"lua(
for i = tonumber(ARGV[2]), tonumber(ARGV[3]) do
  redis.call('HSET', 'bull:' .. ARGV[1] .. ':' .. i, 'name', 'job', 'data', '{"user_id":' .. i .. '}',
             'opts', '{"attempts":1}', 'timestamp', '1765000000000')
end
return 1
)lua";

void fill(redis::Client &admin)
{
    QElapsedTimer t;
    t.start();
    QList<redis::Command> batch;
    const int perQueue = kJobs / int(kQueues.size()) + 1;
    for (const QByteArray &q : kQueues) {
        for (int from = 1; from <= perQueue; from += 20'000) {
            batch << redis::Command{"EVAL", kFill, "0", q, QByteArray::number(from),
                                    QByteArray::number(std::min(from + 19'999, perQueue))};
        }
        batch << redis::Command{"HSET", "bull:" + q + ":meta", "opts.maxLenEvents", "10000", "version", "bullmq:5.81.5"};
        bench::flushOrDie(admin, batch);
    }
    const redis::Batch size = admin.pipeline({{"DBSIZE"}}).result();
    std::printf("filled %lld keys (%d job hashes, %lld queues' meta) in %.1f s\n",
                size.replies.value(0).integer, perQueue * int(kQueues.size()), qlonglong(kQueues.size()),
                double(t.elapsed()) / 1000.0);
}

struct Poll
{
    double wallMs = 0;
    qint64 roundTrips = 0;
    double longestMs = 0;
    Snapshot snapshot;
};

Poll poll(redis::Client &admin, bullmq::BullMqBackend &b)
{
    bench::resetSlowlog(admin);
    const auto before = b.connectionStats();
    QElapsedTimer t;
    t.start();
    Poll p;
    p.snapshot = b.snapshot().result();
    p.wallMs = double(t.nsecsElapsed()) / 1e6;
    if (!p.snapshot.ok()) {
        std::fprintf(stderr, "poll failed: %s\n", qPrintable(p.snapshot.error));
        std::exit(1);
    }
    p.roundTrips = b.connectionStats().roundTrips - before.roundTrips;
    p.longestMs = double(bench::longestUs(admin, "queuedeck")) / 1000.0;
    return p;
}

void print(const char *what, const Poll &p)
{
    std::printf("%-44s %9.1f ms  %5lld round trips  %2lld queues  longest server call %.2f ms\n", what, p.wallMs,
                p.roundTrips, qlonglong(p.snapshot.queues.size()), p.longestMs);
    for (const QString &w : p.snapshot.warnings) {
        std::printf("    warning: %s\n", qPrintable(w));
    }
}

void firstPolls(redis::Client &admin, int port, const QString &query, const char *label)
{
    bullmq::BullMqBackend b(
        ConnectionUrl::parse(QStringLiteral("bullmq+redis://127.0.0.1:%1/0%2").arg(port).arg(query)).value());
    print(label, poll(admin, b));
    double steadyMs = 0;
    double longestMs = 0;
    qint64 trips = 0;
    int polls = 0;
    bool warned = true;
    for (; polls < 200 && (warned || polls < 5); ++polls) {
        const Poll p = poll(admin, b);
        steadyMs += p.wallMs;
        trips += p.roundTrips;
        longestMs = std::max(longestMs, p.longestMs);
        warned = std::any_of(p.snapshot.warnings.begin(), p.snapshot.warnings.end(),
                             [](const QString &w) { return w.startsWith(u"Queue discovery"); });
    }
    std::printf("  then %d polls: %.1f ms and %.1f round trips each on average, longest server call %.2f ms\n", polls,
                steadyMs / polls, double(trips) / polls, longestMs);
}

/// Polls the old discovery needed for one full pass: one `SCAN … COUNT 1000 TYPE hash` step per poll.
void oldDiscovery(redis::Client &admin)
{
    QByteArray cursor = "0";
    int steps = 0;
    int found = 0;
    do {
        const redis::Batch b =
            admin.pipeline({{"SCAN", cursor, "MATCH", "bull:*:meta", "COUNT", "1000", "TYPE", "hash"}}).result();
        const redis::Reply &r = b.replies.value(0);
        cursor = r.elements.value(0).str;
        found += int(r.elements.value(1).elements.size());
        ++steps;
    } while (cursor != "0" && steps < 100'000);
    std::printf("old discovery (one SCAN COUNT 1000 step per poll): %d polls for a full pass (%.0f min at a 5 s "
                "interval), %d queues after it\n",
                steps, steps * 5.0 / 60.0, found);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    std::printf("queuedeck discovery benchmark (BullMQ on Redis, %d job hashes, 3 queues)\n", kJobs);
    bench::PrivateRedis server;
    redis::Options o;
    o.port = quint16(server.port());
    o.clientName = QByteArrayLiteral("bench-admin");
    redis::Client admin(o, QStringLiteral("admin"));
    fill(admin);
    firstPolls(admin, server.port(), QString(), "first poll, defaults (3 s, scan_budget_ms=2)");
    firstPolls(admin, server.port(), QStringLiteral("?scan_budget_ms=1"), "first poll, scan_budget_ms=1");
    firstPolls(admin, server.port(), QStringLiteral("?discovery_budget_ms=100"), "first poll, discovery_budget_ms=100");
    oldDiscovery(admin);
    return 0;
}
