// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// bench_search: searching 1,000,000 waiting Sidekiq jobs in one live queue for one argument value, on a private
// redis-server. Target (issue 10): the search finishes, and no single Redis call it makes blocks the server for
// more than a few milliseconds. The longest call is read from Redis's own SLOWLOG (every command logged, with the
// microseconds the server spent on it), so it is what every other client of that Redis waited, not our own
// round-trip time. Printed for the default time budget (scan_budget_ms=2), for a one-call-per-20,000-entries
// scan without a budget (what a plain bounded Lua page does), and for Sidekiq's own Ruby API
// (Sidekiq::Queue#find, LRANGE pages of 50).
//   bench_search [--jobs N]   (default 1000000)
#include "core/backends/sidekiq/sidekiqbackend.h"
#include "bench/common/benchredis.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <algorithm>
#include <cstdio>

using namespace qd;

namespace {

struct Run
{
    double ms = 0;
    int calls = 0;
    int hits = 0;
    qint64 longestUs = 0;   ///< the longest single command on the server (SLOWLOG)
    qint64 p99Us = 0;
    QString error;
};

/// Every command the server ran since the last reset, as SLOWLOG saw it: {microseconds, command name}.
QList<QPair<qint64, QByteArray>> slowlog(redis::Client &c)
{
    QList<QPair<qint64, QByteArray>> out;
    const redis::Batch b = c.pipeline({{"SLOWLOG", "GET", "-1"}}).result();
    for (const redis::Reply &entry : b.replies.value(0).elements) {
        if (entry.elements.size() >= 4) {
            out.append({entry.elements.at(2).integer, entry.elements.at(3).elements.value(0).str.toUpper()});
        }
    }
    return out;
}

/// Longest and 99th percentile of the commands named `names` (the search's own, not SLOWLOG/CONFIG).
void longest(redis::Client &c, const QByteArrayList &names, Run &r)
{
    QList<qint64> us;
    for (const auto &[micros, name] : slowlog(c)) {
        if (names.contains(name)) {
            us << micros;
        }
    }
    std::sort(us.begin(), us.end());
    r.longestUs = us.isEmpty() ? 0 : us.last();
    r.p99Us = us.isEmpty() ? 0 : us.at(std::min<qsizetype>(us.size() - 1, qsizetype(0.99 * double(us.size()))));
}

Run searchWithQueuedeck(redis::Client &admin, int port, const QString &options, const QString &needle)
{
    sidekiq::SidekiqBackend backend(
        ConnectionUrl::parse(QStringLiteral("sidekiq+redis://127.0.0.1:%1/0%2").arg(port).arg(options)).value());
    JobQuery q;
    q.queue = QStringLiteral("big");
    q.search = needle;
    q.limit = 50;
    JobQuery warmUp;
    warmUp.queue = q.queue;
    (void)backend.jobs(warmUp).result(); // connect and load the script first
    bench::resetSlowlog(admin);
    Run r;
    QElapsedTimer t;
    t.start();
    for (;;) {
        const JobPage page = backend.jobs(q).result();
        ++r.calls;
        if (!page.error.isEmpty()) {
            r.error = page.error;
            return r;
        }
        r.hits += int(page.jobs.size());
        if (page.nextCursor.isEmpty() || r.hits >= q.limit) {
            break;
        }
        q.after = page.nextCursor;
    }
    r.ms = double(t.nsecsElapsed()) / 1e6;
    longest(admin, {"EVALSHA", "EVAL"}, r);
    return r;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    const QStringList args = app.arguments();
    const qsizetype at = args.indexOf(QStringLiteral("--jobs"));
    const int jobs = at > 0 && at + 1 < args.size() ? args.at(at + 1).toInt() : 1'000'000;

    const bench::PrivateRedis server;
    redis::Options o;
    o.port = quint16(server.port());
    redis::Client admin(o, QStringLiteral("bench"));
    QElapsedTimer fill;
    fill.start();
    // Written as Sidekiq's client writes them (LPUSH: the newest at the head), 50,000 per server-side batch.
    // Job i belongs to user 1000 + i % 5000. The needle is a user nobody has, so every search looks at every job
    // (Queuedeck scans oldest first, Sidekiq's API newest first: only a miss compares them fairly).
    constexpr int kBatch = 50'000;
    for (int from = 1; from <= jobs; from += kBatch) {
        const redis::Batch b =
            admin
                .pipeline({{"EVAL",
                            "for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do redis.call('LPUSH', KEYS[1], "
                            "'{\"retry\":true,\"queue\":\"big\",\"class\":\"PrintJob\",\"args\":[{\"user_id\":' .. (1000 + i % 5000) "
                            ".. '},\"card-' .. i .. '\"],\"jid\":\"' .. string.format('%024x', i) .. "
                            "'\",\"created_at\":1764000000.5,\"enqueued_at\":1764000000.5}') end return 1",
                            "1", "queue:big", QByteArray::number(from), QByteArray::number(std::min(jobs, from + kBatch - 1))},
                           {"SADD", "queues", "big"}})
                .result();
        if (!b.ok() || b.replies.value(0).isError()) {
            std::fprintf(stderr, "fill failed: %s %s\n", qPrintable(b.error), qPrintable(b.replies.value(0).errorText()));
            return 1;
        }
    }
    std::printf("filled queue:big with %d jobs in %.1f s\n\n", jobs, double(fill.elapsed()) / 1000.0);
    const QString needle = QStringLiteral("{\"user_id\":999999}");

    const Run bounded = searchWithQueuedeck(admin, server.port(), QString(), needle);
    const Run unbounded = searchWithQueuedeck(admin, server.port(), QStringLiteral("?scan_budget_ms=0"), needle);

    bench::resetSlowlog(admin);
    QProcess ruby;
    ruby.start(QStringLiteral("ruby"), {QStringLiteral(QD_SOURCE_DIR "/bench/search/sidekiq_find.rb"),
                                        QStringLiteral("redis://127.0.0.1:%1/0").arg(server.port()), QStringLiteral("big"),
                                        needle});
    ruby.waitForFinished(1'800'000);
    const QJsonObject peer = QJsonDocument::fromJson(ruby.readAllStandardOutput().trimmed().split('\n').last()).object();
    Run sidekiqApi;
    longest(admin, {"LRANGE"}, sidekiqApi);

    std::printf("searching %d waiting jobs for %s (no match: every job is looked at):\n", jobs,
                qPrintable(needle));
    std::printf("%-44s %10s %8s %6s %16s %14s\n", "", "total ms", "calls", "hits", "longest call us", "p99 call us");
    const auto row = [](const char *name, const Run &r) {
        if (!r.error.isEmpty()) {
            std::printf("%-44s failed: %s\n", name, qPrintable(r.error));
            return;
        }
        std::printf("%-44s %10.0f %8d %6d %16lld %14lld\n", name, r.ms, r.calls, r.hits, r.longestUs, r.p99Us);
    };
    row("Queuedeck, 2 ms budget per call (default)", bounded);
    row("Queuedeck, no budget (20,000 entries a call)", unbounded);
    if (peer.isEmpty()) {
        std::printf("%-44s (ruby failed: %s)\n", "Sidekiq 6.4 Ruby API (Queue#find)", ruby.readAllStandardError().right(300).constData());
    } else {
        sidekiqApi.ms = peer.value(u"ms").toDouble();
        sidekiqApi.calls = peer.value(u"round_trips").toInt();
        sidekiqApi.hits = peer.value(u"found").toBool() ? 1 : 0;
        row("Sidekiq 6.4 Ruby API (Queue#find, LRANGE 50)", sidekiqApi);
    }
    std::printf("target: the search finishes and its longest Redis call stays within a few ms (< 5,000 us) -> %s\n",
                bounded.error.isEmpty() && bounded.hits == 0 && bounded.longestUs < 5000 ? "met" : "NOT MET");
    return 0;
}
