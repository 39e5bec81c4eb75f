// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// bench_rabbitmq: one full poll of a vhost with 5,000 queues through the management API, on the node that
// scripts/services starts (scripts/bench does). Target (RabbitMQ issue): < 1 s and < 5 MB per poll, printed
// beside an unpaged GET /api/queues/<vhost> — what the management UI requests — on the same server, with the
// CPU time Queuedeck spends per poll.
#include "core/backends/rabbitmq/httpclient.h"
#include "bench/common/benchproc.h"
#include "core/backends/rabbitmq/rabbitmqbackend.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QPromise>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>

using namespace qd;

namespace {

double cpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v.at(v.size() / 2);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    const QString http = qEnvironmentVariable("QD_TEST_RABBIT_HTTP_PORT");
    const QString amqp = qEnvironmentVariable("QD_TEST_RABBIT_AMQP_PORT");
    if (http.isEmpty()) {
        std::printf("skipped: no RabbitMQ (scripts/bench starts one through scripts/services)\n");
        return 0;
    }
    constexpr int kQueues = 5000;
    const QString vhost = QStringLiteral("qd-bench");
    QElapsedTimer fill;
    fill.start();
    QProcess declare;
    declare.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    declare.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral(QD_SOURCE_DIR "/bench/rabbitmq/declare.py"), amqp, http,
                                                       vhost, QString::number(kQueues)});
    if (!declare.waitForFinished(600'000) || declare.exitCode() != 0) {
        std::fprintf(stderr, "declaring the queues failed\n");
        return 1;
    }
    std::printf("declared %d queues in vhost %s in %.1f s\n", kQueues + 1, qPrintable(vhost), double(fill.elapsed()) / 1000.0);

    rabbitmq::RabbitMqBackend backend(
        ConnectionUrl::parse(QStringLiteral("rabbitmq+http://guest:guest@127.0.0.1:%1/%2").arg(http, vhost)).value());
    Snapshot first;
    for (int i = 0; i < 30 && first.queues.size() <= kQueues; ++i) { // until the statistics know every queue
        first = backend.snapshot().result();
        if (!first.ok()) {
            std::fprintf(stderr, "poll failed: %s\n", qPrintable(first.error));
            return 1;
        }
    }
    constexpr int kPolls = 10;
    QList<double> times, cpu;
    qint64 bytes = 0;
    for (int i = 0; i < kPolls; ++i) {
        QElapsedTimer t;
        t.start();
        const double c0 = cpuSeconds();
        const Snapshot s = backend.snapshot().result();
        times << double(t.nsecsElapsed()) / 1e6;
        cpu << (cpuSeconds() - c0) * 1000.0;
        bytes = backend.lastPollBytes();
        if (!s.ok()) {
            std::fprintf(stderr, "poll failed: %s\n", qPrintable(s.error));
            return 1;
        }
    }

    // The management UI's own request: every queue with every statistic, unpaged.
    const auto httpClient = bench::guestHttpClient(http.toInt());
    http::Client &client = *httpClient;
    QList<double> uiTimes;
    qint64 uiBytes = 0;
    for (int i = 0; i < 3; ++i) {
        auto promise = std::make_shared<QPromise<http::Response>>();
        promise->start();
        QFuture<http::Response> f = promise->future();
        QElapsedTimer t;
        t.start();
        client.get(QStringLiteral("/api/queues/%1").arg(vhost), [promise](http::Response r) {
            promise->addResult(std::move(r));
            promise->finish();
        });
        const http::Response r = f.result();
        uiTimes << double(t.nsecsElapsed()) / 1e6;
        uiBytes = r.bytes;
    }

    std::printf("\none full poll of %lld queues, median of %d:\n", qlonglong(first.queues.size()), kPolls);
    std::printf("%-52s %10s %12s %14s\n", "", "wall ms", "bytes", "app CPU ms");
    std::printf("%-52s %10.0f %12lld %14.1f\n", "Queuedeck (4 requests, disable_stats + columns)", median(times),
                qlonglong(bytes), median(cpu));
    std::printf("%-52s %10.0f %12lld %14s\n", "GET /api/queues/<vhost> (the management UI's call)", median(uiTimes),
                qlonglong(uiBytes), "-");
    std::printf("target: < 1 s and < 5 MB per poll -> %s\n",
                median(times) < 1000.0 && bytes < 5 * 1024 * 1024 ? "met" : "NOT MET");
    return 0;
}
