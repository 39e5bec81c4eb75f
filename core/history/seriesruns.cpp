// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/history/seriesruns.h"

#include <algorithm>
#include <utility>

namespace qd {

template <typename V, typename Same, typename Emit>
void SeriesRuns::feed(Run<V> &run, qint64 t, const V &v, qint64 heartbeatMs, Same same, Emit emit)
{
    if (run.broken) {
        emit(t, v, false);
        run.storedT = t;
        run.stored = v;
        run.pending = false;
        run.broken = false;
    } else if (!same(v, run.stored)) {
        if (run.pending) {
            emit(run.lastT, run.last, true); // the run's end, so the change is drawn where it happened
        }
        emit(t, v, false);
        run.storedT = t;
        run.stored = v;
        run.pending = false;
    } else if (t - run.storedT >= heartbeatMs) {
        emit(t, v, true);
        run.storedT = t;
        run.stored = v;
        run.pending = false;
    } else {
        run.pending = true;
    }
    run.lastT = t;
    run.last = v;
}

template <typename V, typename Emit> void SeriesRuns::storePending(Run<V> &run, Emit emit)
{
    if (run.pending) {
        emit(run.lastT, run.last, true);
        run.storedT = run.lastT;
        run.stored = run.last;
        run.pending = false;
    }
}

void SeriesRuns::emitRaw(qint64 id, qint64 t, double v, bool held)
{
    m_raw.append(RawRow{id, t, v, held});
}

void SeriesRuns::emitMinute(qint64 id, const Minute &m, bool held)
{
    m_rollups.append(RollupRow{id, m.minuteMs, m.min, m.max, m.sum, m.count, held});
}

void SeriesRuns::sample(qint64 seriesId, const QString &connection, qint64 tMs, double value)
{
    auto it = m_series.find(seriesId);
    if (it == m_series.end()) {
        it = m_series.insert(seriesId, State{connection, {}, {}, {}});
        m_byConnection[connection].append(seriesId);
    }
    State &s = *it;
    if (tMs <= s.raw.lastT) {
        return; // already fed (a snapshot recorded twice), or older than what is stored
    }
    feed(
        s.raw, tMs, value, kRawHeartbeatMs, [](double a, double b) { return a == b; },
        [this, seriesId](qint64 t, double v, bool held) { emitRaw(seriesId, t, v, held); });
    const qint64 minute = minuteOf(tMs);
    if (s.open && s.open->minuteMs != minute) {
        closeMinute(seriesId, s);
    }
    if (!s.open) {
        s.open = Minute{minute, value, value, 0, 0};
    }
    s.open->min = std::min(s.open->min, value);
    s.open->max = std::max(s.open->max, value);
    s.open->sum += value;
    ++s.open->count;
}

void SeriesRuns::closeMinute(qint64 id, State &s)
{
    if (!s.open) {
        return;
    }
    const Minute m = *s.open;
    s.open.reset();
    auto emit = [this, id](qint64, const Minute &v, bool held) { emitMinute(id, v, held); };
    if (m.minuteMs <= s.minutes.lastT) {
        emitMinute(id, m, false); // the same minute again after a gap: the table merges it into its row
        return;
    }
    feed(
        s.minutes, m.minuteMs, m, kRollupHeartbeatMs, [](const Minute &a, const Minute &b) { return a.sameAs(b); },
        emit);
}

void SeriesRuns::endRuns(qint64 id, State &s)
{
    storePending(s.raw, [this, id](qint64 t, double v, bool held) { emitRaw(id, t, v, held); });
    s.raw.broken = true;
    closeMinute(id, s);
    storePending(s.minutes, [this, id](qint64, const Minute &v, bool held) { emitMinute(id, v, held); });
    s.minutes.broken = true;
}

void SeriesRuns::endOfSnapshot(const QString &connection, qint64 tMs)
{
    for (const qint64 id : m_byConnection.value(connection)) {
        State &s = m_series[id];
        if (s.raw.lastT < tMs && !s.raw.broken) {
            endRuns(id, s); // unknown in this snapshot: a gap, not a flat line
        }
    }
}

void SeriesRuns::interrupt(const QString &connection)
{
    for (const qint64 id : m_byConnection.value(connection)) {
        State &s = m_series[id];
        if (!s.raw.broken) {
            endRuns(id, s);
        }
    }
}

void SeriesRuns::settle(std::optional<qint64> seriesId)
{
    const auto settleOne = [this](qint64 id, State &s) {
        storePending(s.raw, [this, id](qint64 t, double v, bool held) { emitRaw(id, t, v, held); });
    };
    if (seriesId) {
        if (auto it = m_series.find(*seriesId); it != m_series.end()) {
            settleOne(it.key(), *it);
        }
        return;
    }
    for (auto it = m_series.begin(); it != m_series.end(); ++it) {
        settleOne(it.key(), *it);
    }
}

void SeriesRuns::closeAll()
{
    for (auto it = m_series.begin(); it != m_series.end(); ++it) {
        endRuns(it.key(), *it);
    }
}

void SeriesRuns::forget(qint64 seriesId)
{
    const auto it = m_series.constFind(seriesId);
    if (it == m_series.cend()) {
        return;
    }
    m_byConnection[it->connection].removeOne(seriesId);
    m_series.erase(it);
}

QList<RawRow> SeriesRuns::takeRaw()
{
    return std::exchange(m_raw, {});
}

QList<RollupRow> SeriesRuns::takeRollups()
{
    return std::exchange(m_rollups, {});
}

} // namespace qd
