// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// bench_rss: the resident memory of the real processes over a long run at fleet size — the GUI (`queuedeck
// --connect URL --interval 1`, offscreen) and `queuedeckctl watch URL --interval 1` side by side, polling a private
// redis-server that holds 5,000 Sidekiq queues and one Sidekiq process serving all of them, while 100 queues change
// every second (so history, alerts and the overview see a live fleet, not a frozen one).
// Target (do-no-harm issue): each process's RSS growth over the hour after its first 10 minutes < 10 MiB.
// The run lasts QD_BENCH_MINUTES minutes (default 60); with fewer than 20 the growth is taken after the first sixth
// and the figure says so. CPU time per minute of each process is printed too (the GUI's is the performance issue's).
#include "bench/common/benchproc.h"
#include "bench/common/benchredis.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

using namespace qd;

namespace {

constexpr int kQueues = 5000;

QByteArray queueName(int i)
{
    return QByteArrayLiteral("fleet-") + QByteArray::number(i).rightJustified(4, '0');
}

QByteArray job(const QByteArray &queue, double at)
{
    static int jid = 0;
    return QJsonDocument(QJsonObject{{QStringLiteral("class"), QStringLiteral("FleetJob")},
                                     {QStringLiteral("args"), QJsonArray{++jid}},
                                     {QStringLiteral("retry"), true},
                                     {QStringLiteral("queue"), QString::fromLatin1(queue)},
                                     {QStringLiteral("jid"), QStringLiteral("%1").arg(jid, 24, 16, QLatin1Char('0'))},
                                     {QStringLiteral("created_at"), at},
                                     {QStringLiteral("enqueued_at"), at}})
        .toJson(QJsonDocument::Compact);
}

void fill(redis::Client &c)
{
    const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    QList<redis::Command> batch;
    QJsonArray served;
    for (int i = 0; i < kQueues; ++i) {
        const QByteArray q = queueName(i);
        served.append(QString::fromLatin1(q));
        batch << redis::Command{"SADD", "queues", q};
        for (int k = 0; k < 1 + i % 20; ++k) {
            batch << redis::Command{"LPUSH", "queue:" + q, job(q, now - 60.0 * (i % 30) + k)};
        }
        if (batch.size() > 2000) {
            bench::flushOrDie(c, batch);
        }
    }
    const QByteArray info = QJsonDocument(QJsonObject{{QStringLiteral("hostname"), QStringLiteral("bench")},
                                                      {QStringLiteral("pid"), 4242},
                                                      {QStringLiteral("identity"), QStringLiteral("bench:4242:fleet")},
                                                      {QStringLiteral("started_at"), now},
                                                      {QStringLiteral("concurrency"), 25},
                                                      {QStringLiteral("queues"), served}})
                                .toJson(QJsonDocument::Compact);
    batch << redis::Command{"SADD", "processes", "bench:4242:fleet"};
    batch << redis::Command{"HSET", "bench:4242:fleet", "info", info, "busy", "0", "beat", QByteArray::number(now, 'f', 3),
                            "quiet", "false"};
    bench::flushOrDie(c, batch);
}

/// Every second: 100 random queues change (50 get a job, 50 lose their newest), and the process beats.
void churn(redis::Client &c)
{
    const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    QList<redis::Command> batch;
    auto *rng = QRandomGenerator::global();
    for (int k = 0; k < 50; ++k) {
        const QByteArray q = queueName(int(rng->bounded(kQueues)));
        batch << redis::Command{"LPUSH", "queue:" + q, job(q, now)};
        batch << redis::Command{"LPOP", "queue:" + queueName(int(rng->bounded(kQueues)))};
    }
    batch << redis::Command{"HSET", "bench:4242:fleet", "beat", QByteArray::number(now, 'f', 3)};
    c.pipeline(batch); // not waited for: a Redis busy with two fleet polls must not delay the RSS samples
}



struct Watched
{
    const char *name = "";
    QProcess process;
    QList<double> rss;     ///< one sample per minute, [0] at start
    QList<double> cpu;     ///< cumulative CPU seconds at each sample
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int minutes = qEnvironmentVariableIsSet("QD_BENCH_MINUTES") ? qEnvironmentVariableIntValue("QD_BENCH_MINUTES") : 60;
    std::printf("queuedeck RSS benchmark: %d Sidekiq queues, 1 s polls, %d minutes\n", kQueues, minutes);
    bench::PrivateRedis server;
    redis::Options o;
    o.port = quint16(server.port());
    o.clientName = QByteArrayLiteral("bench-admin");
    redis::Client admin(o, QStringLiteral("admin"));
    fill(admin);
    const QString url = QStringLiteral("sidekiq+redis://127.0.0.1:%1/0").arg(server.port());

    QTemporaryDir home;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), home.filePath(QStringLiteral("cache")));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));

    Watched gui;
    gui.name = "GUI (queuedeck)";
    Watched watch;
    watch.name = "queuedeckctl watch";
    for (Watched *w : {&gui, &watch}) {
        w->process.setProcessEnvironment(env);
        w->process.setStandardOutputFile(QProcess::nullDevice());
        w->process.setStandardErrorFile(QProcess::nullDevice());
    }
    gui.process.start(QStringLiteral(QD_GUI_BINARY), {QStringLiteral("--connect"), url, QStringLiteral("--interval"), QStringLiteral("1")});
    watch.process.start(QStringLiteral(QD_CTL_BINARY), {QStringLiteral("watch"), url, QStringLiteral("--interval"), QStringLiteral("1")});
    if (!gui.process.waitForStarted() || !watch.process.waitForStarted()) {
        std::fprintf(stderr, "could not start %s or %s\n", QD_GUI_BINARY, QD_CTL_BINARY);
        return 1;
    }

    QTimer churnTimer;
    QObject::connect(&churnTimer, &QTimer::timeout, &churnTimer, [&admin] { churn(admin); });
    churnTimer.start(1000);

    int minute = 0;
    auto sample = [&] {
        for (Watched *w : {&gui, &watch}) {
            w->rss << bench::rssMiB(w->process.processId());
            w->cpu << bench::processCpuMs(w->process.processId()) / 1000.0;
        }
        const double guiCpu = minute > 0 ? gui.cpu.at(minute) - gui.cpu.at(minute - 1) : 0;
        const double watchCpu = minute > 0 ? watch.cpu.at(minute) - watch.cpu.at(minute - 1) : 0;
        if (minute <= 2 || minute % 5 == 0) {
            std::printf("  minute %3d  GUI %7.1f MiB (CPU %5.1f s/min)   watch %7.1f MiB (CPU %5.1f s/min)\n", minute,
                        gui.rss.last(), guiCpu, watch.rss.last(), watchCpu);
            std::fflush(stdout);
        }
        if (minute++ == minutes) {
            QCoreApplication::quit();
        }
    };
    sample();
    QTimer sampleTimer;
    QObject::connect(&sampleTimer, &QTimer::timeout, &sampleTimer, sample);
    sampleTimer.start(60'000);
    app.exec();

    const int from = minutes >= 20 ? 10 : minutes / 6;
    int status = 0;
    for (Watched *w : {&gui, &watch}) {
        const bool alive = w->process.state() == QProcess::Running;
        const double growth = w->rss.last() - w->rss.at(from);
        const bool pass = alive && growth < 10.0;
        status |= pass ? 0 : 1;
        std::printf("  %-20s RSS %.1f → %.1f MiB from minute %d to %d: growth %+.1f MiB (< 10: %s)%s\n", w->name,
                    w->rss.at(from), w->rss.last(), from, minutes, growth, pass ? "PASS" : "MISS",
                    alive ? "" : "  (the process ended early)");
        w->process.terminate();
        if (!w->process.waitForFinished(10'000)) {
            w->process.kill();
            w->process.waitForFinished();
        }
    }
    if (minutes < 60) {
        std::printf("  (a %d-minute run; the target is for an hour: QD_BENCH_MINUTES=60)\n", minutes);
    }
    return status;
}
