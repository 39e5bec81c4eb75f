// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "models/queuestatus.h"
#include "core/snapshot.h"

#include <QAbstractItemModel>

#include <optional>
#include <QHash>

namespace qd {

class Collector;

/// The sidebar: connections, each with its queues (name | waiting). A connection whose last poll failed
/// shows the error as its tooltip and an "unknown" status; its queues keep their last known numbers.
class ConnectionTreeModel final : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Role { ConnectionIdRole = Qt::UserRole + 1, QueueNameRole, StatusRole, ErrorRole, IsConnectionRole };

    explicit ConnectionTreeModel(Collector *collector, QObject *parent = nullptr);
    ~ConnectionTreeModel() override;
    Q_DISABLE_COPY_MOVE(ConnectionTreeModel)

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Status thresholds for one connection (the demo runs on compressed time); default: 5 min / 15 min.
    void setThresholds(const QString &connectionId, StatusThresholds thresholds);
    /// Adds the rule engine's verdict to the thresholds' (the worse of the two is shown).
    void setStatusSource(StatusSource source);
    /// The status source changed its mind (alerts fired or cleared): repaint status icons and tooltips.
    void refreshStatus();
    QModelIndex connectionIndex(const QString &id) const;
    QModelIndex queueIndex(const QString &id, const QString &queue) const;

private:
    struct Connection
    {
        QString id;
        QString name;
        QString error;
        bool polled = false;
        QList<QueueStats> queues;
        /// The worst status over the connection and its queues, computed once per change (a view asks the top row
        /// for several roles per paint; at 5,000 queues each answer walked them all).
        mutable std::optional<QueueStatus> worst;
    };
    void onAdded(const QString &id);
    void onRemoved(const QString &id);
    void onSnapshot(const QString &id, const Snapshot &snapshot);
    int rowOf(const QString &id) const;
    QueueStatus statusOf(const Connection &c, const QueueStats &q, bool pollFailed) const;

    Collector *m_collector;
    QList<Connection> m_connections;
    QHash<QString, StatusThresholds> m_thresholds;
    StatusSource m_statusSource;
};

} // namespace qd
