// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "historystore.h"

#include <QCoreApplication>
#include <QHash>
#include <QSqlDatabase>
#include <QSqlQuery>

namespace qd {

struct PendingSample
{
    SeriesKey key;
    qint64 tMs;
    double value;
};

/// The history database's writing side. Lives on (and is only touched from) the writer thread.
class HistoryWriter final
{
    Q_DECLARE_TR_FUNCTIONS(qd::HistoryWriter)

public:
    explicit HistoryWriter(QString connectionName);
    ~HistoryWriter();
    Q_DISABLE_COPY_MOVE(HistoryWriter)

    QString open(const QString &path); ///< creates the schema; WAL
    QString write(const QList<PendingSample> &batch); ///< one transaction: samples + rollups
    void enforceRetention(qint64 nowMs, const HistoryRetention &retention);

private:
    std::optional<qint64> seriesId(const SeriesKey &key);

    QString m_name;
    QSqlDatabase m_db;
    QHash<QString, qint64> m_ids;
    std::optional<QSqlQuery> m_insertSample;
    std::optional<QSqlQuery> m_upsertRollup;
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
    QList<QPointF> rollups(const SeriesKey &key, qint64 fromMs, qint64 toMs); ///< min then max per minute

private:
    QString m_name;
    QSqlDatabase m_db;
};

} // namespace qd
