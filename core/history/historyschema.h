// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "historystore.h"

#include <QCoreApplication>
#include <QHash>
#include <QSqlDatabase>
#include <QSqlQuery>

#include <optional>

namespace qd {

struct PendingSample
{
    SeriesKey key;
    qint64 tMs;
    double value;
};

/// Version of the history schema, kept in PRAGMA user_version. 0 = the first layout (columns series/t/v/
/// minute/n and extra time indexes), migrated in place on open.
inline constexpr int kHistorySchemaVersion = 1;

/// The history database's writing side. Lives on (and is only touched from) the writer thread.
class HistoryWriter final
{
    Q_DECLARE_TR_FUNCTIONS(qd::HistoryWriter)

public:
    explicit HistoryWriter(QString connectionName);
    ~HistoryWriter();
    Q_DISABLE_COPY_MOVE(HistoryWriter)

    QString open(const QString &path); ///< creates or migrates the schema; WAL
    /// One transaction: samples + rollups. A sample whose (series, time) is already stored is ignored, so a
    /// snapshot recorded twice neither changes the data nor counts twice in the rollups.
    QString write(const QList<PendingSample> &batch);
    /// Returns an empty string or the error. Raw samples and rollups older than the retention go.
    QString enforceRetention(qint64 nowMs, const HistoryRetention &retention);

private:
    QString createSchema();
    std::optional<qint64> seriesId(const SeriesKey &key);
    QString rollback(const QString &error);

    QString m_name;
    QSqlDatabase m_db;
    QHash<SeriesKey, qint64> m_ids; ///< only ids whose row is committed (cleared on rollback)
    QList<SeriesKey> m_newIds;      ///< ids added by the open transaction
    std::optional<QSqlQuery> m_insertSample;
    std::optional<QSqlQuery> m_upsertRollup;
    std::optional<QSqlQuery> m_insertSeries;
    std::optional<QSqlQuery> m_selectSeries;
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
    QList<QPointF> raw(const SeriesKey &key, qint64 fromMs, qint64 toMs);
    /// Per minute: its min, then its max when it differs (one point when the minute was flat).
    QList<QPointF> rollups(const SeriesKey &key, qint64 fromMs, qint64 toMs);

private:
    QString m_name;
    QSqlDatabase m_db;
    std::optional<QSqlQuery> m_raw;
    std::optional<QSqlQuery> m_rollups;
};

} // namespace qd
