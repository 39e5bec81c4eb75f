// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "models/queuestatus.h"
#include "core/snapshot.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QTimer>

namespace qd {

class Collector;

/// Every queue of every connection, one row each, projected from the Collector's snapshots. Rows of one
/// connection stay contiguous so each poll produces one dataChanged range. Unknown values are an invalid
/// QVariant (display "—"), never 0. A failed poll keeps the last good numbers, flagged with the error.
class QueueOverviewModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    /// TrendColumn has no text: views paint HistoryRole there (SparklineDelegate).
    enum Column { ConnectionColumn, QueueColumn, WaitingColumn, TrendColumn, RunningColumn, ConsumersColumn, ScheduledColumn,
                  FailedColumn, OldestAgeColumn, InRateColumn, OutRateColumn, UpdatedColumn, ColumnCount };
    enum Role {
        ConnectionIdRole = Qt::UserRole + 1,
        QueueNameRole,
        RawValueRole,   ///< the number behind a column (the raw name for text columns; sorts); invalid when unknown
        TakenAtRole,    ///< QDateTime of the newest good snapshot
        StaleRole,      ///< bool
        StatusRole,     ///< int(QueueStatus)
        ErrorRole,      ///< the connection's last poll error, if it failed
        HistoryRole,    ///< QList<double>: recent waiting depths, oldest first, for sparklines
        ExactnessRole,  ///< int(Exactness) of the column's number
        PausedRole,     ///< bool: the backend holds the queue paused (BullMQ); jobs wait on purpose
        DeadLetterOfRole, ///< QStringList: the queues whose rejected messages land here (empty: not a dead-letter queue)
        /// What the table sorts by: RawValueRole, except that a backlog whose age is unknown sorts as the oldest
        /// (unknown is not healthy: in RabbitMQ's first minute the worst queue must not sort last)
        SortRole,
    };
    static constexpr int kHistoryLength = 90;

    explicit QueueOverviewModel(Collector *collector, QObject *parent = nullptr);
    ~QueueOverviewModel() override;
    Q_DISABLE_COPY_MOVE(QueueOverviewModel)

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Status thresholds for one connection (the demo runs on compressed time); default: 5 min / 15 min.
    void setThresholds(const QString &connectionId, StatusThresholds thresholds);
    StatusThresholds thresholds(const QString &connectionId) const { return m_thresholds.value(connectionId); }
    /// Adds the rule engine's verdict to the thresholds' (the worse of the two is shown).
    void setStatusSource(StatusSource source);
    /// The status source changed its mind (alerts fired or cleared): repaint status icons and tooltips.
    void refreshStatus();
    QModelIndex indexOf(const QString &connectionId, const QString &queue, int column = QueueColumn) const;
    const QueueStats *stats(int row) const;

private:
    struct Row
    {
        QString connectionId;
        QueueStats stats;
        QDateTime takenAt;
        QString error;
        QList<double> history;
    };
    void onSnapshot(const QString &id, const Snapshot &snapshot);
    void onConnectionRemoved(const QString &id);
    std::pair<int, int> block(const QString &id) const; ///< [first, end) rows of one connection
    QVariant rawValue(const Row &r, int column) const;
    bool isStale(const Row &r) const;
    QueueStatus statusOf(const Row &r, bool pollFailed) const;

    Collector *m_collector;
    QList<Row> m_rows;
    QHash<QString, StatusThresholds> m_thresholds;
    StatusSource m_statusSource;
    QTimer m_ageTimer; ///< refreshes "updated N s ago" and staleness once a second
};

} // namespace qd
