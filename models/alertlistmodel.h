// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/alerts/alertengine.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>

namespace qd {

class Collector;

/// The active alerts of every connection, worst first, for the alert panel. Acknowledging an alert keeps it
/// listed (it is still true) but marks it as seen until its state changes again.
class AlertListModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { StateColumn, ConnectionColumn, QueueColumn, RuleColumn, MessageColumn, SinceColumn, ColumnCount };
    enum Role { StateRole = Qt::UserRole + 1, AcknowledgedRole, ConnectionIdRole, QueueNameRole, SnoozedUntilRole };

    explicit AlertListModel(Collector *collector, QObject *parent = nullptr);
    Q_DISABLE_COPY_MOVE(AlertListModel)

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Replaces the list (one reset per poll that changed anything: the list is short and re-sorted).
    void setAlerts(const QList<Alert> &alerts);
    void acknowledge(int row);
    /// Acknowledged until `until`; afterwards the alert asks for attention again. A state change ends it too.
    void snooze(int row, const QDateTime &until);
    const Alert *alert(int row) const;
    /// Ends the snoozes whose time has come: their rows repaint (no longer "snoozed") and snoozeExpired() asks
    /// for attention again. Runs on every poll (the collector's snapshotReady), so within one poll interval.
    void expireSnoozes();

Q_SIGNALS:
    void snoozeExpired(const qd::Alert &alert);

private:
    static QString key(const Alert &a);

    Collector *m_collector;
    QList<Alert> m_alerts;
    bool isAcknowledged(const Alert &a) const;
    QSet<QString> m_acknowledged; ///< key + state: a new state needs a new acknowledgement
    QHash<QString, QDateTime> m_snoozed;
};

} // namespace qd
