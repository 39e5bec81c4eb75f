// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/snapshot.h"

#include <QAbstractTableModel>

namespace qd {

/// The workers of one connection's latest snapshot, one row each: lost first, then busy, then idle. Updates
/// keep rows that stay (matched by id) so selection and scroll survive every poll; a failed poll keeps the
/// last good rows, and asOf() says how old they are.
class WorkerTableModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Worker, State, Quiet, LastSeen, Queues, CurrentJob, ColumnCount };
    enum Role { WorkerIdRole = Qt::UserRole + 1, StateRole, SortRole };

    explicit WorkerTableModel(QObject *parent = nullptr);
    Q_DISABLE_COPY_MOVE(WorkerTableModel)

    /// Takes the workers of a successful snapshot; a failed one changes nothing.
    void setSnapshot(const Snapshot &snapshot);
    void clear();
    const WorkerInfo &worker(int row) const { return m_workers.at(row); }
    int rowOf(const QString &id) const;
    QDateTime asOf() const { return m_asOf; }
    bool workersKnown() const { return m_known; }
    bool workersComplete() const { return m_complete; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// "busy", "idle", "lost" in the GUI's language.
    static QString stateText(WorkerState state);

private:
    QList<WorkerInfo> m_workers;
    QDateTime m_asOf;
    bool m_known = true;
    bool m_complete = false;
};

} // namespace qd
