// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/history/historystore.h"
#include "core/history/seriesruns.h"

#include <QCoreApplication>
#include <QHash>
#include <QSqlDatabase>
#include <QSqlQuery>

#include <optional>

namespace qd {

/// What the writer is told: a sample, or (key.metric ignored, key.queue empty) that a snapshot of key.connection
/// taken at tMs is complete (its series without a sample became unknown), or that its poll failed.
enum class PendingKind : quint8 { Sample, EndOfSnapshot, PollFailed };

struct PendingSample
{
    SeriesKey key;
    qint64 tMs;
    double value;
    PendingKind kind = PendingKind::Sample;
};

/// Version of the history schema, kept in PRAGMA user_version. 0 = the first layout (columns series/t/v/
/// minute/n and extra time indexes), migrated in place on open; 1 = every sample stored; 2 = changes and heartbeats
/// only (SeriesRuns), with a `held` column on samples and rollups.
inline constexpr int kHistorySchemaVersion = 2;

/// The history database's writing side. Lives on (and is only touched from) the writer thread.
class HistoryWriter final
{
    Q_DECLARE_TR_FUNCTIONS(qd::HistoryWriter)

public:
    explicit HistoryWriter(QString connectionName);
    ~HistoryWriter();
    Q_DISABLE_COPY_MOVE(HistoryWriter)

    QString open(const QString &path); ///< creates or migrates the schema; WAL
    /// One transaction: the rows SeriesRuns keeps of the batch (changes, run ends, heartbeats) and closed
    /// minutes' rollups. A sample whose (series, time) was already fed is ignored, so a snapshot recorded twice
    /// neither changes the data nor counts twice in the rollups.
    QString write(const QList<PendingSample> &batch);
    /// Stores the latest sample of the series now, so that a chart loaded next ends where the data ends.
    QString settle(const SeriesKey &key);
    /// Closes every run and open minute (before the store goes away).
    QString closeAll();
    /// Returns an empty string or the error. Raw samples and rollups older than the retention go.
    QString enforceRetention(qint64 nowMs, const HistoryRetention &retention);

private:
    QString createSchema();
    std::optional<qint64> seriesId(const SeriesKey &key);
    QString rollback(const QString &error);
    QString insertRows(); ///< SeriesRuns' rows, inside the open transaction
    QString commitRows(); ///< SeriesRuns' rows, in a transaction of their own

    QString m_name;
    QSqlDatabase m_db;
    QHash<SeriesKey, qint64> m_ids; ///< only ids whose row is committed (cleared on rollback)
    QList<SeriesKey> m_newIds;      ///< ids added by the open transaction
    std::optional<QSqlQuery> m_insertSample;
    std::optional<QSqlQuery> m_upsertRollup;
    std::optional<QSqlQuery> m_insertSeries;
    std::optional<QSqlQuery> m_selectSeries;
    SeriesRuns m_runs;
};

/// The reading side, on its own connection and thread, so a chart load never waits for a write batch.
class HistoryReader final
{
    Q_DECLARE_TR_FUNCTIONS(qd::HistoryReader)

public:
    explicit HistoryReader(QString connectionName);
    ~HistoryReader();
    Q_DISABLE_COPY_MOVE(HistoryReader)

    QString open(const QString &path);
    /// The stored rows; where a row is `held` (the value stayed the same since the previous row, or since
    /// `fromMs` for the first), points every `fillStepMs` fill the flat stretch (0: no filling).
    QList<QPointF> raw(const SeriesKey &key, qint64 fromMs, qint64 toMs, qint64 fillStepMs = 0);
    /// Per minute: its min, then its max when it differs (one point when the minute was flat); held stretches
    /// filled with one point per minute when `fillStepMs` > 0.
    QList<QPointF> rollups(const SeriesKey &key, qint64 fromMs, qint64 toMs, qint64 fillStepMs = 0);

private:
    QString m_name;
    QSqlDatabase m_db;
    std::optional<QSqlQuery> m_raw;
    std::optional<QSqlQuery> m_rollups;
    std::optional<QSqlQuery> m_rawNext;
    std::optional<QSqlQuery> m_rollupsNext;
};

} // namespace qd
