// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// bench_history: 100 series polled every 5 s for a simulated 24 h (1,728,000 samples) through the real
// HistoryStore with a ManualClock, then: insert rate, database size, time to load 24 h of one series, time
// to decimate it to 1,000 px. A second store holds one series over 30 days to time the rollup loads of the
// long ranges. Targets: load < 50 ms and decimate < 5 ms (history issue); 7 d / 30 d ranges < 200 ms and
// the insert rate a 5,000-queue fleet needs (DESIGN.md).
#include "core/clock.h"
#include "core/history/decimate.h"
#include "core/history/historystore.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace qd;

namespace {

constexpr qint64 kT0 = 1'750'000'000'000;
constexpr qint64 kPollMs = 5000;
constexpr int kRuns = 15;

double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v[v.size() / 2];
}

enum class Goal { Below, Above, None };

/// One line per figure: value, target, PASS/MISS.
void report(const char *what, double value, const char *unit, Goal goal = Goal::None, double target = 0,
            const char *why = "")
{
    if (goal == Goal::None) {
        std::printf("%-46s %12.2f %-10s (no target)\n", what, value, unit);
        return;
    }
    const bool pass = goal == Goal::Below ? value < target : value > target;
    std::printf("%-46s %12.2f %-10s target %s %.0f %s%s  %s\n", what, value, unit, goal == Goal::Below ? "<" : ">",
                target, unit, why, pass ? "PASS" : "MISS");
}

qint64 diskBytes(const QString &dir)
{
    qint64 bytes = 0;
    for (const QFileInfo &fi : QDir(dir).entryInfoList(QDir::Files)) {
        bytes += fi.size();
    }
    return bytes;
}

double value(int poll, int series)
{
    // A slow wave plus jitter: realistic enough that rollups have distinct min and max.
    return 500 + 400 * std::sin(poll / 900.0 + series) + (poll * 7 + series * 13) % 50;
}

/// Median milliseconds of `kRuns` loads of [from, to]; `last` gets the last result.
double timeLoads(HistoryStore &store, const SeriesKey &key, qint64 from, qint64 to, Series *last)
{
    QList<double> times;
    for (int run = 0; run < kRuns; ++run) {
        QElapsedTimer timer;
        timer.start();
        auto f = store.load(key, QDateTime::fromMSecsSinceEpoch(from, Qt::UTC),
                            QDateTime::fromMSecsSinceEpoch(to, Qt::UTC));
        f.waitForFinished();
        times.append(double(timer.nsecsElapsed()) / 1e6);
        *last = f.result();
    }
    return median(times);
}

bool openOrSay(HistoryStore &store)
{
    if (const QString err = store.open(); !err.isEmpty()) {
        std::fprintf(stderr, "%s\n", qPrintable(err));
        return false;
    }
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    constexpr int kSeries = 100;
    constexpr int kPolls = 24 * 3600 / 5; // 17,280
    const qint64 tEnd = kT0 + qint64(kPolls) * kPollMs;
    ManualClock clock(QDateTime::fromMSecsSinceEpoch(tEnd, Qt::UTC));
    const double samples = double(kSeries) * kPolls;
    std::printf("queuedeck history benchmark: %d series x %d polls = %.0f samples (24 h at 5 s)\n\n", kSeries,
                kPolls, samples);

    QTemporaryDir dayDir;
    {
        HistoryStore store(dayDir.filePath(QStringLiteral("history.sqlite3")), &clock);
        if (!openOrSay(store)) {
            return 1;
        }
        QList<SeriesKey> keys;
        for (int s = 0; s < kSeries; ++s) {
            keys.append(SeriesKey{QStringLiteral("bench"), QStringLiteral("q%1").arg(s / 10), Metric(s % 10)});
        }
        QElapsedTimer timer;
        timer.start();
        for (int poll = 0; poll < kPolls; ++poll) {
            const qint64 t = kT0 + qint64(poll) * kPollMs;
            for (int s = 0; s < kSeries; ++s) {
                store.recordSample(keys[s], t, value(poll, s));
            }
        }
        store.flush().waitForFinished();
        const double insertSeconds = double(timer.nsecsElapsed()) / 1e9;
        report("insert rate (record + batched commit)", samples / insertSeconds, "samples/s", Goal::Above, 10000,
               " (5,000 queues x 10 numbers / 5 s)");

        const SeriesKey key{QStringLiteral("bench"), QStringLiteral("q3"), Metric(4)};
        Series day;
        report("load 24 h of one series (median of 15)", timeLoads(store, key, kT0, tEnd, &day), "ms", Goal::Below,
               50);
        std::printf("%-46s %12lld points%s\n", "  points loaded", static_cast<long long>(day.points.size()),
                    day.fromRollups ? " (rollups!)" : " (raw)");

        QList<double> decimations;
        qsizetype decimated = 0;
        for (int run = 0; run < kRuns; ++run) {
            QElapsedTimer t;
            t.start();
            const auto d = decimateMinMax(day.points, double(kT0), double(tEnd), 1000);
            decimations.append(double(t.nsecsElapsed()) / 1e6);
            decimated = d.size();
        }
        report("decimate 24 h to 1,000 px (median of 15)", median(decimations), "ms", Goal::Below, 5);
        std::printf("%-46s %12lld points\n", "  points after decimation", static_cast<long long>(decimated));
    }
    const qint64 bytes = diskBytes(dayDir.path());
    report("database size on disk (incl. WAL)", double(bytes) / (1024.0 * 1024.0), "MiB");
    report("  bytes per sample", double(bytes) / samples, "B");

    // What the GUI thread pays per poll of a big connection: record() of 5,000 queues, every number known.
    {
        QTemporaryDir bigDir;
        HistoryStore big(bigDir.filePath(QStringLiteral("history.sqlite3")), &clock);
        if (!openOrSay(big)) {
            return 1;
        }
        Snapshot snap;
        for (int q = 0; q < 5000; ++q) {
            QueueStats stats;
            stats.name = QStringLiteral("queue-%1").arg(q, 4, 10, QLatin1Char('0'));
            stats.waiting = stats.running = stats.scheduled = stats.failed = stats.dead = q;
            stats.oldestAgeSeconds = stats.inPerMinute = stats.outPerMinute = q * 0.5;
            stats.rateExactness = Exactness::Exact;
            snap.queues.append(stats);
        }
        QList<double> records;
        for (int run = 0; run < kRuns; ++run) {
            snap.takenAt = QDateTime::fromMSecsSinceEpoch(tEnd - (kRuns - run) * kPollMs, Qt::UTC);
            QElapsedTimer timer;
            timer.start();
            big.record(QStringLiteral("bench"), snap);
            records.append(double(timer.nsecsElapsed()) / 1e6);
        }
        big.flush().waitForFinished();
        report("record() of a 5,000-queue snapshot (caller)", median(records), "ms", Goal::Below, 50,
               " (GUI latency budget)");
    }

    // A fleet for 48 h: what the disk holds now that only changes, run ends and heartbeats are stored. 250 queues
    // with 3 numbers each (as a RabbitMQ poll gives: ready, unacked, consumers) every 5 s for 48 h; 2 % of the
    // queues busy (every number changes at every poll), the others idle with one job passing through each hour.
    // The size scales with the number of queues: it is projected to 5,000 queues (issue: < 1 GB).
    {
        constexpr int kFleetQueues = 250;
        constexpr int kScale = 5000 / kFleetQueues;
        constexpr int kFleetPolls = 48 * 3600 / 5;
        QTemporaryDir fleetDir;
        HistoryStore fleet(fleetDir.filePath(QStringLiteral("history.sqlite3")), &clock);
        if (!openOrSay(fleet)) {
            return 1;
        }
        QList<SeriesKey> keys;
        for (int q = 0; q < kFleetQueues; ++q) {
            for (const Metric m : {Metric::Waiting, Metric::Running, Metric::OldestAge}) {
                keys.append(SeriesKey{QStringLiteral("fleet"), QStringLiteral("queue-%1").arg(q), m});
            }
        }
        const qint64 tFleet0 = tEnd - qint64(kFleetPolls) * kPollMs;
        QElapsedTimer timer;
        timer.start();
        for (int poll = 0; poll < kFleetPolls; ++poll) {
            const qint64 t = tFleet0 + qint64(poll) * kPollMs;
            for (int k = 0; k < keys.size(); ++k) {
                const int q = k / 3;
                const bool busy = q % 50 == 0;
                const bool jobPassing = (poll + q * 13) % 720 < 2; // 10 s of every hour
                fleet.recordSample(keys[k], t, busy ? value(poll, k) : jobPassing ? 1.0 : 0.0);
            }
        }
        fleet.flush().waitForFinished();
        const double seconds = double(timer.nsecsElapsed()) / 1e9;
        const double fleetSamples = double(keys.size()) * kFleetPolls;
        std::printf("\nfleet: %d queues x 3 numbers x %d polls (48 h at 5 s) = %.0f samples, 2 %% busy, in %.1f s\n",
                    kFleetQueues, kFleetPolls, fleetSamples, seconds);
        const qint64 fleetBytes = diskBytes(fleetDir.path());
        report("  database size, 250 queues x 48 h", double(fleetBytes) / (1024.0 * 1024.0), "MiB");
        report("  projected to 5,000 queues x 48 h", double(fleetBytes) * kScale / (1024.0 * 1024.0 * 1024.0), "GiB",
               Goal::Below, 1, " (every sample: ~9 GiB)");
        report("  bytes per sample polled", double(fleetBytes) / fleetSamples, "B");
        Series busyDay, idleDay;
        const double busyLoad = timeLoads(fleet, keys[0], tEnd - 86'400'000, tEnd, &busyDay);
        report("  load 24 h of a busy series", busyLoad, "ms", Goal::Below, 50);
        QList<double> idleTimes;
        for (int run = 0; run < kRuns; ++run) {
            QElapsedTimer t;
            t.start();
            auto f = fleet.load(keys[4], QDateTime::fromMSecsSinceEpoch(tEnd - 86'400'000, Qt::UTC),
                                QDateTime::fromMSecsSinceEpoch(tEnd, Qt::UTC), kPollMs);
            f.waitForFinished();
            idleTimes.append(double(t.nsecsElapsed()) / 1e6);
            idleDay = f.result();
        }
        report("  load 24 h of an idle series, filled at 5 s", median(idleTimes), "ms", Goal::Below, 50);
        std::printf("%-46s %12lld / %lld points\n", "  points (busy / idle filled)",
                    static_cast<long long>(busyDay.points.size()), static_cast<long long>(idleDay.points.size()));
    }

    // Long ranges come from rollups: one series written over 30 days (518,400 samples), then 7 d and 30 d loads.
    QTemporaryDir monthDir;
    HistoryStore month(monthDir.filePath(QStringLiteral("history.sqlite3")), &clock);
    if (!openOrSay(month)) {
        return 1;
    }
    const SeriesKey longKey{QStringLiteral("bench"), QStringLiteral("long"), Metric::Waiting};
    const qint64 monthPolls = 30LL * 24 * 3600 * 1000 / kPollMs;
    for (qint64 poll = 0; poll < monthPolls; ++poll) {
        month.recordSample(longKey, tEnd - (monthPolls - poll) * kPollMs, value(int(poll % 100000), 7));
    }
    month.flush().waitForFinished();
    month.enforceRetention().waitForFinished(); // raw older than 48 h goes, as it would in a month of use
    Series longRange;
    const double week = timeLoads(month, longKey, tEnd - 7LL * 86'400'000, tEnd, &longRange);
    report("load 7 d of one series from rollups", week, "ms", Goal::Below, 200);
    const double thirty = timeLoads(month, longKey, tEnd - 30LL * 86'400'000, tEnd, &longRange);
    report("load 30 d of one series from rollups", thirty, "ms", Goal::Below, 200);
    std::printf("%-46s %12lld points%s\n", "  points loaded (30 d)", static_cast<long long>(longRange.points.size()),
                longRange.fromRollups ? " (rollups)" : " (raw!)");
    return 0;
}
