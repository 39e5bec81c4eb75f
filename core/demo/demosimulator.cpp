// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/demo/demosimulator.h"

#include "core/clock.h"
#include "core/serialexecutor.h"
#include "core/demo/demofleet.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QStandardPaths>
#include <QUrl>
#include <QUuid>

#include <atomic>

namespace qd::demo {

struct DemoSimulator::Private
{
    Private(const QString &p, DemoOptions o, Clock *c)
        : path(p), options(o), clock(c ? c : Clock::system()),
          connectionName(QStringLiteral("qd-demo-") + QUuid::createUuid().toString(QUuid::Id128)),
          executor(QStringLiteral("demo"))
    {
    }
    const QString path;
    const DemoOptions options;
    Clock *const clock;
    const QString connectionName;
    std::atomic<bool> running{false};
    std::atomic<quint64> steps{0};
    std::atomic<quint64> generation{0};
    std::unique_ptr<DemoFleet> fleet; // executor thread only
    SerialExecutor executor;

    void tick(DemoSimulator *q, quint64 run);
};

void DemoSimulator::Private::tick(DemoSimulator *q, quint64 run)
{
    // A tick of an earlier run (stop() then start()) ends its chain, so two chains never drive one fleet.
    if (!running.load() || run != generation.load() || !fleet) {
        return;
    }
    for (const QString &event : fleet->step(clock->now())) {
        Q_EMIT q->incident(event);
    }
    steps.fetch_add(1);
    executor.runAfter(int(options.tick.count()), [this, q, run] { tick(q, run); });
}

DemoSimulator::DemoSimulator(const QString &databasePath, DemoOptions options, Clock *clock, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(databasePath, options, clock))
{
}

DemoSimulator::~DemoSimulator()
{
    stop();
    Private *p = d.get();
    const bool created = p->executor.run([p] {
        const bool had = p->fleet != nullptr;
        p->fleet.reset();
        return had;
    }).result();
    if (created) {
        // The demo's data is throwaway: leave nothing behind in the user's data directory.
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
            QFile::remove(p->path + suffix);
        }
    }
}

QString DemoSimulator::start()
{
    if (d->running.load()) {
        return {};
    }
    const QFileInfo fi(d->path);
    if (!QDir().mkpath(fi.absolutePath())) {
        return tr("Cannot create the demo directory %1.").arg(fi.absolutePath());
    }
    Private *p = d.get();
    const QString err = p->executor.run([p]() -> QString {
        // Every demo starts fresh, so the scripted incidents play from the beginning. A restart closes the
        // previous run's connection first: its files are about to go, and its name is about to be reused.
        p->fleet.reset();
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
            QFile::remove(p->path + suffix);
        }
        p->fleet = std::make_unique<DemoFleet>(p->connectionName, p->options);
        QString e = p->fleet->open(p->path, p->clock->now());
        if (!e.isEmpty()) {
            p->fleet.reset();
        }
        return e;
    }).result();
    if (!err.isEmpty()) {
        return tr("Cannot create the demo database %1: %2").arg(d->path, err);
    }
    const quint64 run = d->generation.fetch_add(1) + 1;
    d->running.store(true);
    p->executor.run([this, p, run] { p->tick(this, run); });
    return {};
}

void DemoSimulator::stop()
{
    d->running.store(false);
    if (!d->executor.isCurrentThread()) {
        // Wait for a step in progress: after stop() the database no longer changes under the caller.
        d->executor.run([] {}).waitForFinished();
    }
}

quint64 DemoSimulator::steps() const
{
    return d->steps.load();
}

bool DemoSimulator::isRunning() const
{
    return d->running.load();
}

QString DemoSimulator::connectionUrl() const
{
    return QStringLiteral("delayedjob+sqlite://%1?max_run_time=%2")
        .arg(QString::fromUtf8(QUrl::toPercentEncoding(d->path, "/")))
        .arg(d->options.maxRunTimeSeconds);
}

QString DemoSimulator::databasePath() const
{
    return d->path;
}

QString DemoSimulator::defaultDatabasePath()
{
    // One database per process: two demo windows must not reset each other's data.
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/demo/delayed_jobs-%1.sqlite3").arg(QCoreApplication::applicationPid());
}

} // namespace qd::demo
