// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// bench_history: 100 series polled every 5 s for a simulated 24 h (~1.73 M samples) through the real
// HistoryStore, then: insert rate, database size, time to load 24 h of one series, time to decimate it
// to 1,000 px. Targets from the foundation issue: load < 50 ms, decimate < 5 ms.
#include "clock.h"
#include "history/decimate.h"
#include "history/historystore.h"

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
double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v[v.size() / 2];
}

void report(const char *what, double value, const char *unit, double target = -1)
{
    if (target < 0) {
        std::printf("%-44s %12.2f %s\n", what, value, unit);
    } else {
        std::printf("%-44s %12.2f %s   (target < %.0f %s: %s)\n", what, value, unit, target, unit,
                    value < target ? "PASS" : "MISS");
    }
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    const qint64 t0 = 1'750'000'000'000;
    constexpr int kSeries = 100;
    constexpr int kPolls = 24 * 3600 / 5; // 17,280
    ManualClock clock(QDateTime::fromMSecsSinceEpoch(t0 + qint64(kPolls) * 5000, Qt::UTC));
    const QString path = dir.filePath(QStringLiteral("history.sqlite3"));

    double insertSeconds = 0;
    {
        HistoryStore store(path, &clock);
        if (const QString err = store.open(); !err.isEmpty()) {
            std::fprintf(stderr, "%s\n", qPrintable(err));
            return 1;
        }
        QElapsedTimer timer;
        timer.start();
        for (int poll = 0; poll < kPolls; ++poll) {
            const qint64 t = t0 + qint64(poll) * 5000;
            for (int s = 0; s < kSeries; ++s) {
                const double v = 500 + 400 * std::sin(poll / 900.0 + s) + (poll * 7 + s * 13) % 50;
                store.recordSample(SeriesKey{QStringLiteral("bench"), QStringLiteral("q%1").arg(s / 10),
                                             Metric(s % 10)},
                                   t, v);
            }
        }
        store.flush().waitForFinished();
        insertSeconds = double(timer.nsecsElapsed()) / 1e9;

        const double samples = double(kSeries) * kPolls;
        std::printf("queuedeck history benchmark: %d series x %d polls = %.0f samples (24 h at 5 s)\n\n", kSeries,
                    kPolls, samples);
        report("insert rate (record + batched commit)", samples / insertSeconds, "samples/s");

        const SeriesKey key{QStringLiteral("bench"), QStringLiteral("q3"), Metric(4)};
        const QDateTime from = QDateTime::fromMSecsSinceEpoch(t0, Qt::UTC);
        const QDateTime to = clock.now();
        QList<double> loads;
        QList<double> decimations;
        qsizetype points = 0;
        qsizetype decimated = 0;
        for (int run = 0; run < 15; ++run) {
            timer.restart();
            auto f = store.load(key, from, to);
            f.waitForFinished();
            loads.append(double(timer.nsecsElapsed()) / 1e6);
            const Series s = f.result();
            points = s.points.size();
            timer.restart();
            const auto d = decimateMinMax(s.points, double(t0), double(clock.nowMs()), 1000);
            decimations.append(double(timer.nsecsElapsed()) / 1e6);
            decimated = d.size();
        }
        report("load 24 h of one series (median of 15)", median(loads), "ms", 50);
        std::printf("%-44s %12lld points\n", "  points loaded", static_cast<long long>(points));
        report("decimate to 1,000 px (median of 15)", median(decimations), "ms", 5);
        std::printf("%-44s %12lld points\n", "  points after decimation", static_cast<long long>(decimated));
    }
    qint64 bytes = 0;
    for (const QFileInfo &fi : QDir(dir.path()).entryInfoList(QDir::Files)) {
        bytes += fi.size();
    }
    report("database size on disk (incl. WAL)", double(bytes) / (1024.0 * 1024.0), "MiB");
    report("  bytes per sample", double(bytes) / (double(kSeries) * kPolls), "B");
    return 0;
}
