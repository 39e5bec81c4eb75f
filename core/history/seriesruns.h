// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QHash>
#include <QList>
#include <QString>

#include <limits>
#include <optional>

namespace qd {

inline constexpr qint64 kMinuteMs = 60'000;

/// Floors to the minute, also for times before 1970 (% truncates towards zero).
inline qint64 minuteOf(qint64 tMs)
{
    const qint64 r = tMs % kMinuteMs;
    return tMs - (r < 0 ? r + kMinuteMs : r);
}

/// A row for the samples table. `held`: the value was known and the same from the series' previous row up to this
/// one (the samples in between were not stored), so a reader may draw — or fill — a flat line across.
struct RawRow
{
    qint64 seriesId = 0;
    qint64 tMs = 0;
    double value = 0;
    bool held = false;
};

/// A row for the rollups table (one minute: min, max, sum and count of its samples); `held` as for RawRow, the
/// minutes in between having been flat at this row's value.
struct RollupRow
{
    qint64 seriesId = 0;
    qint64 minuteMs = 0;
    double min = 0, max = 0, sum = 0;
    qint64 count = 0;
    bool held = false;
};

/// Decides which samples of each series are stored: only changes, the last sample of a run of equal values just
/// before it changes or knowledge of it ends (a failed poll, the series missing from a snapshot), and a heartbeat
/// every kRawHeartbeatMs while a value stays the same — the same for closed 1-minute rollups (heartbeat
/// kRollupHeartbeatMs). A chart drawn through the stored rows is the chart drawn through every sample, at a
/// fraction of the rows: 5,000 mostly idle queues polled every 5 s for 48 h fit in a few hundred MB instead of ~9 GB.
/// Memory: one small struct per series. Lives on the history writer's thread.
class SeriesRuns final
{
public:
    static constexpr qint64 kRawHeartbeatMs = 5 * 60'000;
    static constexpr qint64 kRollupHeartbeatMs = 60 * 60'000;

    /// One sample. A sample not newer than the series' last one (the same snapshot recorded twice) is ignored.
    void sample(qint64 seriesId, const QString &connection, qint64 tMs, double value);
    /// A snapshot of `connection` taken at tMs has been fed: its series without a sample at tMs became unknown.
    void endOfSnapshot(const QString &connection, qint64 tMs);
    /// A poll of `connection` failed: every series of it is unknown from now until its next sample.
    void interrupt(const QString &connection);
    /// Stores the last sample of the series' current run now (a reader wants the latest point); nullopt: all.
    void settle(std::optional<qint64> seriesId = std::nullopt);
    /// Ends everything: the open minutes are closed and every run's last sample is stored (shutdown).
    void closeAll();
    /// Drops what is known of a series (its row was rolled back and its id may be handed out again).
    void forget(qint64 seriesId);

    QList<RawRow> takeRaw();
    QList<RollupRow> takeRollups();

private:
    struct Minute
    {
        qint64 minuteMs = 0;
        double min = 0, max = 0, sum = 0;
        qint64 count = 0;
        bool sameAs(const Minute &o) const { return min == o.min && max == o.max; }
    };
    /// The run bookkeeping of one stream of (time, value) pairs, raw or per minute.
    template <typename V> struct Run
    {
        qint64 lastT = std::numeric_limits<qint64>::min();
        V last{};
        qint64 storedT = std::numeric_limits<qint64>::min();
        V stored{};
        bool pending = false; ///< `last` is not stored
        bool broken = true;   ///< the next value starts a new run (first value, or after unknown)
    };
    struct State
    {
        QString connection;
        Run<double> raw;
        Run<Minute> minutes;
        std::optional<Minute> open; ///< the minute being aggregated
    };

    template <typename V, typename Same, typename Emit>
    static void feed(Run<V> &run, qint64 t, const V &v, qint64 heartbeatMs, Same same, Emit emit);
    template <typename V, typename Emit> static void storePending(Run<V> &run, Emit emit);
    void closeMinute(qint64 id, State &s);
    void endRuns(qint64 id, State &s);
    void emitRaw(qint64 id, qint64 t, double v, bool held);
    void emitMinute(qint64 id, const Minute &m, bool held);

    QHash<qint64, State> m_series;
    QHash<QString, QList<qint64>> m_byConnection;
    QList<RawRow> m_raw;
    QList<RollupRow> m_rollups;
};

} // namespace qd
