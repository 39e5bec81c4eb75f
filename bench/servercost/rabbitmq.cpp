// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// bench_servercost for RabbitMQ, on the node scripts/services starts (scripts/bench does; its env gives the ports
// and the node's home, whose rabbit.pid is the beam.smp pid): a vhost of 5,000 queues (bench/rabbitmq/declare.py).
// Redis's SLOWLOG has no counterpart, so per poll: the longest HTTP request as the client sees it (Queuedeck's poll
// sends its four requests at once, so the poll's wall time is the longest of them) and beam.smp's CPU time
// (utime + stime from /proc, minus what the node burns idle over the same time: statistics collection runs every
// second with 5,000 queues). Peers: the management UI's own overview refresh — the paged queue list
// (`/api/queues?page=1&page_size=100&…&pagination=true`) and `/api/overview`, sent together — and a plain
// `/api/queues` full listing, which any tool needing every queue (as Queuedeck does) must request. Targets: server
// CPU per poll no more than the peer's, the longest request no longer than the UI's.
#include "bench/servercost/servercost.h"
#include "bench/common/benchproc.h"

#include "core/backends/rabbitmq/httpclient.h"
#include "core/backends/rabbitmq/rabbitmqbackend.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QPromise>
#include <QThread>

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace qd::servercost {

namespace {

constexpr int kQueues = 5000;
/// bench_rabbitmq's vhost: declare.py makes it afresh, so a run of every benchmark leaves 5,001 queues on the node,
/// not twice as many (a plain `/api/queues` lists every vhost's).
const QString kVhost = QStringLiteral("qd-bench");

/// The node's beam.smp: the pid file scripts/services has it write, else the beam.smp whose command line names
/// the node's home (several nodes may share a node name on one machine, each with its own home).
qint64 beamPid(const QString &home)
{
    QFile f(home + QStringLiteral("/rabbit.pid"));
    qint64 pid = f.open(QIODevice::ReadOnly) ? f.readAll().trimmed().toLongLong() : 0;
    QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
    if (pid > 0 && cmdline.open(QIODevice::ReadOnly) && cmdline.readAll().contains("beam.smp")) {
        return pid;
    }
    QProcess pgrep;
    pgrep.start(QStringLiteral("pgrep"), {QStringLiteral("-f"), QStringLiteral("beam.smp.*%1").arg(home)});
    pgrep.waitForFinished(5000);
    return pgrep.readAllStandardOutput().split('\n').value(0).toLongLong();
}


/// Server CPU over a measured stretch, less what the node spends idle in as long.
class BeamCpu
{
public:
    explicit BeamCpu(qint64 pid) : m_pid(pid)
    {
        const double c0 = bench::processCpuMs(pid);
        QThread::msleep(5000);
        m_idlePerMs = (bench::processCpuMs(pid) - c0) / 5000.0;
    }
    void start()
    {
        m_cpu0 = bench::processCpuMs(m_pid);
        m_timer.start();
    }
    /// Since start(), per `n` operations.
    double per(int n) const
    {
        const double idle = m_idlePerMs * double(m_timer.nsecsElapsed()) / 1e6;
        return std::max(0.0, bench::processCpuMs(m_pid) - m_cpu0 - idle) / n;
    }
    double idlePerSecond() const { return m_idlePerMs * 1000.0; }

private:
    qint64 m_pid;
    double m_idlePerMs = 0;
    double m_cpu0 = 0;
    QElapsedTimer m_timer;
};

/// Sends `paths` at once; the milliseconds each took, from the moment they were all sent.
QList<double> getAll(http::Client &client, const QStringList &paths)
{
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    QList<QFuture<double>> futures;
    for (const QString &path : paths) {
        auto promise = std::make_shared<QPromise<double>>();
        promise->start();
        futures << promise->future();
        client.get(path, [promise, timer](const http::Response &r) {
            if (r.status != 200) {
                std::fprintf(stderr, "request failed: %d %s\n", r.status, qPrintable(r.error));
                std::exit(1);
            }
            promise->addResult(double(timer->nsecsElapsed()) / 1e6);
            promise->finish();
        });
    }
    QList<double> ms;
    for (QFuture<double> &f : futures) {
        ms << f.result();
    }
    return ms;
}

/// `n` rounds of `paths` sent together: the longest request, wall and server CPU per round.
Figure peer(http::Client &client, BeamCpu &cpu, const QStringList &paths, int n)
{
    Figure f;
    cpu.start();
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < n; ++i) {
        const QList<double> ms = getAll(client, paths);
        f.longestMs = std::max(f.longestMs, *std::max_element(ms.begin(), ms.end()));
    }
    f.wallMs = double(t.nsecsElapsed()) / 1e6 / n;
    f.cpuMs = cpu.per(n);
    f.roundTrips = double(paths.size());
    return f;
}

} // namespace

void rabbitmq()
{
    std::printf("\n== RabbitMQ (management API)\n");
    const QString httpPort = qEnvironmentVariable("QD_TEST_RABBIT_HTTP_PORT");
    const QString home = qEnvironmentVariable("QD_TEST_RABBIT_HOME");
    if (httpPort.isEmpty() || home.isEmpty()) {
        std::printf("  skipped: no RabbitMQ (scripts/bench starts one through scripts/services; or source its env)\n");
        return;
    }
    const qint64 pid = beamPid(home);
    if (pid <= 0) {
        std::printf("  skipped: no beam.smp for the node in %s\n", qPrintable(home));
        return;
    }
    QElapsedTimer fill;
    fill.start();
    QProcess declare;
    declare.setStandardErrorFile(QProcess::nullDevice());
    declare.start(QStringLiteral("/usr/bin/python3"),
                  {QStringLiteral(QD_SOURCE_DIR "/bench/rabbitmq/declare.py"),
                   qEnvironmentVariable("QD_TEST_RABBIT_AMQP_PORT"), httpPort, kVhost, QString::number(kQueues)});
    if (!declare.waitForFinished(600'000) || declare.exitCode() != 0) {
        std::fprintf(stderr, "declaring the queues failed\n");
        std::exit(1);
    }
    std::printf("declared %d queues in vhost %s in %.1f s (beam.smp pid %lld)\n", kQueues + 1, qPrintable(kVhost),
                double(fill.elapsed()) / 1000.0, pid);

    rabbitmq::RabbitMqBackend backend(
        ConnectionUrl::parse(QStringLiteral("rabbitmq+http://guest:guest@127.0.0.1:%1/%2").arg(httpPort, kVhost)).value());
    Snapshot first;
    for (int i = 0; i < 30 && first.queues.size() <= kQueues; ++i) { // until the statistics know every queue
        first = backend.snapshot().result();
        if (!first.ok()) {
            std::fprintf(stderr, "poll failed: %s\n", qPrintable(first.error));
            std::exit(1);
        }
    }
    BeamCpu cpu(pid);
    std::printf("beam.smp idle: %.1f ms CPU per second (subtracted below)\n", cpu.idlePerSecond());

    constexpr int kPolls = 20;
    Figure ours;
    cpu.start();
    for (int i = 0; i < kPolls; ++i) {
        QElapsedTimer t;
        t.start();
        if (const Snapshot s = backend.snapshot().result(); !s.ok()) {
            std::fprintf(stderr, "poll failed: %s\n", qPrintable(s.error));
            std::exit(1);
        }
        const double ms = double(t.nsecsElapsed()) / 1e6;
        ours.longestMs = std::max(ours.longestMs, ms);
        ours.wallMs += ms / kPolls;
    }
    ours.cpuMs = cpu.per(kPolls);
    ours.roundTrips = 4;

    const auto httpClient = bench::guestHttpClient(httpPort.toInt());
    http::Client &client = *httpClient;
    const Figure ui = peer(client, cpu,
                           {QStringLiteral("/api/queues?page=1&page_size=100&name=&use_regex=false&pagination=true"),
                            QStringLiteral("/api/overview")},
                           kPolls);
    const Figure full = peer(client, cpu, {QStringLiteral("/api/queues")}, 5);

    const Limit vsUi{"request", ui.longestMs, true};
    line(qPrintable(QStringLiteral("steady poll (%1 queues)").arg(first.queues.size())), ours,
         "  (longest = the poll's wall: its 4 requests go at once)", vsUi);
    line("UI refresh: queue page + overview", ui, "  (peer: 100 queues a page)", vsUi);
    line("full listing: GET /api/queues", full, "  (peer: the full listing)", vsUi);
    cpuVerdict("server CPU vs the UI's refresh", ours.cpuMs, ui.cpuMs, "UI page+overview",
               "; the UI lists 100 queues, Queuedeck all");
    cpuVerdict("server CPU vs a full listing", ours.cpuMs, full.cpuMs, "GET /api/queues");
}

} // namespace qd::servercost
