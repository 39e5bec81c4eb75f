// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/snapshot.h"

#include <QDateTime>
#include <QFuture>
#include <QHashFunctions>
#include <QList>
#include <QObject>
#include <QPointF>

#include <chrono>
#include <memory>

namespace qd {

class Clock;
struct PendingSample;

/// What a history series measures. Per-queue metrics have a queue name; worker metrics use an empty queue.
enum class Metric : quint8 {
    Waiting,
    Running,
    Scheduled,
    Failed,
    Dead,
    OldestAge,   ///< seconds
    InRate,      ///< jobs per minute
    OutRate,     ///< jobs per minute
    WorkersBusy, ///< connection-wide (queue empty)
    WorkersIdle,
    WorkersLost,
};

struct SeriesKey
{
    QString connection;
    QString queue;
    Metric metric = Metric::Waiting;
    friend bool operator==(const SeriesKey &, const SeriesKey &) = default;
};

/// Lets a SeriesKey key a QHash (a null and an empty queue name hash alike, as they compare equal).
inline size_t qHash(const SeriesKey &key, size_t seed = 0) noexcept
{
    return qHashMulti(seed, key.connection, key.queue, quint8(key.metric));
}

/// Points of one series over a range, x = milliseconds since the epoch (UTC), y = value, ascending x.
/// Unknown values are never stored, so a gap in the points is a gap in knowledge, not a zero.
/// When the range reaches past the raw retention, points come from 1-minute rollups: each minute gives
/// its min and then its max, both at the minute's start (the order they occurred in is not kept), so spikes
/// survive; a flat minute (min == max) gives one point.
struct Series
{
    SeriesKey key;
    QList<QPointF> points;
    bool fromRollups = false;
};

struct HistoryRetention
{
    std::chrono::hours raw{48};
    std::chrono::hours rollups{24 * 30};
};

/// Samples of every number Queuedeck shows, in SQLite (WAL). record() only queues: one writer thread
/// batches inserts into transactions and maintains 1-minute rollups, storing changes only (see SeriesRuns);
/// retention is enforced on that thread too. Loads run on a separate read connection so a big write batch never
/// delays a chart.
class HistoryStore final : public QObject
{
    Q_OBJECT
public:
    explicit HistoryStore(const QString &path, Clock *clock = nullptr, QObject *parent = nullptr);
    ~HistoryStore() override; ///< flushes pending samples
    Q_DISABLE_COPY_MOVE(HistoryStore)

    /// Opens/creates the database and schema. Returns an empty string or a clear error.
    QString open();
    QString path() const;

    void setRetention(HistoryRetention retention);
    HistoryRetention retention() const;

    /// Queues the known numbers of a successful snapshot (failed snapshots are ignored). Never blocks.
    void record(const QString &connection, const Snapshot &snapshot);
    /// Queues one sample directly (benchmarks, imports).
    void recordSample(const SeriesKey &key, qint64 tMs, double value);

    /// Writes everything queued so far, and every series' latest sample and open minute (as on closing: the
    /// runs of equal values start anew); the future finishes when it is committed.
    QFuture<void> flush();
    /// Deletes raw samples and rollups older than the retention (relative to the clock's now).
    QFuture<void> enforceRetention();
    /// Loads [from, to]; raw samples when the whole range is inside the raw retention, else rollups. Only changes
    /// are stored (with the last sample before each change and a heartbeat every few minutes while a value holds):
    /// `fillStepMs` > 0 fills such flat stretches with a point every fillStepMs (pass the poll interval, so a
    /// chart that breaks its lines at missing polls draws them whole), 0 returns the stored points only.
    QFuture<Series> load(const SeriesKey &key, const QDateTime &from, const QDateTime &to, qint64 fillStepMs = 0);

Q_SIGNALS:
    /// A write failed (disk full, database locked for too long); samples of that batch are dropped and said so.
    void writeFailed(const QString &error);

private:
    void enqueue(QList<PendingSample> samples);
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace qd
