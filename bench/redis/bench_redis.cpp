// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// bench_redis: one full Sidekiq snapshot on a big installation — 100 queues holding 1,000,000 jobs, 10,000
// retries, 50 busy processes — on a private redis-server over loopback. Targets (Redis issue): <= 3 round trips
// and < 50 ms per snapshot. Printed side by side with Sidekiq's own Ruby API on the same server
// (Stats.new + Queue.all.map(&:latency) + ProcessSet.new.to_a, see sidekiq_api.rb), then the app's RSS over
// 10,000 polls (it must stay flat).
//   bench_redis [--polls N]   (default 10000 for the memory phase)
#include "core/backends/sidekiq/sidekiqbackend.h"
#include "bench/common/benchredis.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>

using namespace qd;

namespace {

constexpr int kQueues = 100;
constexpr int kJobsPerQueue = 10'000;
constexpr int kRetries = 10'000;
constexpr int kProcesses = 50;

long rssKiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly)) {
        return -1;
    }
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:")) {
            return line.mid(6).trimmed().split(' ').first().toLong();
        }
    }
    return -1;
}

QByteArray job(int queue, int i, double enqueuedAt)
{
    return QByteArrayLiteral("{\"retry\":true,\"queue\":\"q") + QByteArray::number(queue)
           + "\",\"class\":\"PrintJob\",\"args\":[" + QByteArray::number(1000 + i % 500) + ",\"card-"
           + QByteArray::number(i) + "\"],\"jid\":\"" + QByteArray::number(queue * 1'000'000 + i, 16).rightJustified(24, '0')
           + "\",\"created_at\":" + QByteArray::number(enqueuedAt, 'f', 6) + ",\"enqueued_at\":"
           + QByteArray::number(enqueuedAt, 'f', 6) + "}";
}

double percentile(QList<double> v, double p)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v.at(std::min<qsizetype>(v.size() - 1, qsizetype(p * double(v.size()))));
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // progress shows through pipes too
    const QStringList args = app.arguments();
    const qsizetype pollsAt = args.indexOf(QStringLiteral("--polls"));
    const int memoryPolls = pollsAt > 0 && pollsAt + 1 < args.size() ? args.at(pollsAt + 1).toInt() : 10'000;

    // --- a private redis-server
    const bench::PrivateRedis server;
    const int port = server.port();

    // --- fill: what 100 Sidekiq queues, 10,000 retries and 50 processes look like in Redis
    redis::Options o;
    o.port = quint16(port);
    redis::Client filler(o, QStringLiteral("fill"));
    QElapsedTimer fillTimer;
    fillTimer.start();
    const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    QList<redis::Command> batch;
    auto flush = [&] { bench::flushOrDie(filler, batch); };
    for (int q = 0; q < kQueues; ++q) {
        batch << redis::Command{"SADD", "queues", "q" + QByteArray::number(q)};
        for (int start = 0; start < kJobsPerQueue; start += 1000) {
            redis::Command push{"LPUSH", "queue:q" + QByteArray::number(q)};
            for (int i = start; i < start + 1000; ++i) {
                push << job(q, i, now - 3600 + i * 0.3);
            }
            batch << push;
        }
        flush();
    }
    for (int i = 0; i < kRetries; ++i) {
        QByteArray j = job(i % kQueues, i, now - 7200);
        j.chop(1);
        j += ",\"error_message\":\"printer offline\",\"error_class\":\"RuntimeError\",\"failed_at\":"
             + QByteArray::number(now - 600, 'f', 3) + ",\"retry_count\":" + QByteArray::number(i % 25) + "}";
        batch << redis::Command{"ZADD", "retry", QByteArray::number(now + i, 'f', 3), j};
        if (batch.size() == 1000) {
            flush();
        }
    }
    for (int p = 0; p < kProcesses; ++p) {
        const QByteArray id = "worker-" + QByteArray::number(p) + ":1234:abcdef" + QByteArray::number(p);
        batch << redis::Command{"SADD", "processes", id};
        batch << redis::Command{"HSET", id, "info",
                                "{\"hostname\":\"worker-" + QByteArray::number(p)
                                    + "\",\"pid\":1234,\"concurrency\":10,\"queues\":[\"q" + QByteArray::number(p)
                                    + "\",\"q" + QByteArray::number(p + 50) + "\"],\"identity\":\"" + id + "\"}",
                                "busy", "2", "beat", QByteArray::number(now, 'f', 3), "quiet", "false"};
        for (int t = 0; t < 2; ++t) {
            batch << redis::Command{"HSET", id + ":workers", "tid" + QByteArray::number(t),
                                    "{\"queue\":\"q" + QByteArray::number(p) + "\",\"payload\":" + job(p, t, now - 5)
                                        + ",\"run_at\":" + QByteArray::number(int(now - 5)) + "}"};
        }
    }
    batch << redis::Command{"SET", "stat:processed", "987654321"} << redis::Command{"SET", "stat:failed", "12345"};
    flush();
    const auto mem = filler.pipeline({{"INFO", "memory"}}).result();
    QByteArray used;
    for (const QByteArray &line : mem.replies.value(0).str.split('\n')) {
        if (line.startsWith("used_memory_human:")) {
            used = line.mid(18).trimmed();
        }
    }
    std::printf("filled %d queues x %d jobs, %d retries, %d processes in %.1f s (redis uses %s)\n\n", kQueues,
                kJobsPerQueue, kRetries, kProcesses, double(fillTimer.elapsed()) / 1000.0, used.constData());

    // --- Queuedeck
    const QString url = QStringLiteral("sidekiq+redis://127.0.0.1:%1/0").arg(port);
    sidekiq::SidekiqBackend backend(ConnectionUrl::parse(url).value());
    Snapshot first = backend.snapshot().result(); // connect, load scripts
    if (!first.ok()) {
        std::fprintf(stderr, "poll failed: %s\n", qPrintable(first.error));
        return 1;
    }
    qint64 total = 0;
    for (const auto &q : first.queues) {
        total += q.waiting.value_or(0);
    }
    constexpr int kTimed = 50;
    QList<double> times;
    const auto before = backend.connectionStats();
    const auto server0 = bench::serverStats(filler);
    for (int i = 0; i < kTimed; ++i) {
        QElapsedTimer t;
        t.start();
        const Snapshot s = backend.snapshot().result();
        times << double(t.nsecsElapsed()) / 1e6;
        if (!s.ok()) {
            std::fprintf(stderr, "poll failed: %s\n", qPrintable(s.error));
            return 1;
        }
    }
    const auto server1 = bench::serverStats(filler);
    const auto after = backend.connectionStats();
    const double qdRoundTrips = double(after.roundTrips - before.roundTrips) / kTimed;
    const double qdCommands = double(after.commands - before.commands) / kTimed;
    // INFO itself costs one command each side; the server counts bytes of every client.
    const double qdToServer = double(server1.value("total_net_input_bytes") - server0.value("total_net_input_bytes")) / kTimed;
    const double qdFromServer = double(server1.value("total_net_output_bytes") - server0.value("total_net_output_bytes")) / kTimed;

    // --- Sidekiq's own API on the same server
    QProcess ruby;
    ruby.start(QStringLiteral("ruby"), {QStringLiteral(QD_SOURCE_DIR "/bench/redis/sidekiq_api.rb"),
                                        QStringLiteral("redis://127.0.0.1:%1/0").arg(port), QString::number(kTimed)});
    ruby.waitForFinished(600'000);
    const QJsonObject peer = QJsonDocument::fromJson(ruby.readAllStandardOutput().trimmed().split('\n').last()).object();

    std::printf("one full snapshot (%lld queues, %lld jobs waiting, %lld processes), %d polls:\n",
                qlonglong(first.queues.size()), qlonglong(total), qlonglong(first.workers.size()), kTimed);
    std::printf("%-34s %12s %12s %10s %10s %14s %14s\n", "", "median ms", "p95 ms", "round trips", "commands",
                "bytes to srv", "bytes from srv");
    std::printf("%-34s %12.2f %12.2f %10.1f %10.0f %14.0f %14.0f\n", "Queuedeck (C++, pipelined + Lua)",
                percentile(times, 0.5), percentile(times, 0.95), qdRoundTrips, qdCommands, qdToServer, qdFromServer);
    if (peer.isEmpty()) {
        std::printf("%-34s (ruby failed: %s)\n", "Sidekiq 6.4 Ruby API", ruby.readAllStandardError().right(300).constData());
    } else {
        std::printf("%-34s %12.2f %12.2f %10.1f %10.0f %14lld %14lld\n", "Sidekiq 6.4 Ruby API",
                    peer.value(u"median_ms").toDouble(), peer.value(u"p95_ms").toDouble(),
                    peer.value(u"round_trips").toDouble(), peer.value(u"commands").toDouble(),
                    peer.value(u"bytes_to_server").toInteger(), peer.value(u"bytes_from_server").toInteger());
    }
    std::printf("target: <= 3 round trips and < 50 ms per snapshot -> %s\n\n",
                qdRoundTrips <= 3.0 && percentile(times, 0.5) < 50.0 ? "met" : "NOT MET");

    // --- memory over many polls
    const long rss0 = rssKiB();
    QElapsedTimer memTimer;
    memTimer.start();
    for (int i = 0; i < memoryPolls; ++i) {
        const Snapshot s = backend.snapshot().result();
        if (!s.ok()) {
            std::fprintf(stderr, "poll %d failed: %s\n", i, qPrintable(s.error));
            return 1;
        }
        if (i == 99) {
            std::printf("RSS after 100 polls: %ld KiB\n", rssKiB());
        }
    }
    const long rss1 = rssKiB();
    std::printf("RSS before %d polls: %ld KiB, after: %ld KiB (%+ld KiB) in %.0f s\n", memoryPolls, rss0, rss1,
                rss1 - rss0, double(memTimer.elapsed()) / 1000.0);
    return 0;
}
