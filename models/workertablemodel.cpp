// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "models/workertablemodel.h"

#include "models/freshness.h"
#include "models/languagechange.h"
#include "models/queuestatus.h"
#include "core/textsafety.h"

#include <QHash>

#include <algorithm>

namespace qd {

namespace {

int rank(WorkerState s)
{
    switch (s) {
    case WorkerState::Lost: return 0;
    case WorkerState::Busy: return 1;
    case WorkerState::Idle: return 2;
    }
    return 3;
}

bool before(const WorkerInfo &a, const WorkerInfo &b)
{
    return rank(a.state) != rank(b.state) ? rank(a.state) < rank(b.state) : a.id < b.id;
}

} // namespace

WorkerTableModel::WorkerTableModel(QObject *parent) : QAbstractTableModel(parent)
{
    retranslateOnLanguageChange(this);
}

QString WorkerTableModel::stateText(WorkerState state)
{
    switch (state) {
    case WorkerState::Busy: return tr("busy");
    case WorkerState::Idle: return tr("idle");
    //: a worker whose heartbeat stopped: it died or lost its connection
    case WorkerState::Lost: return tr("lost");
    }
    return {};
}

void WorkerTableModel::setSnapshot(const Snapshot &snapshot)
{
    if (!snapshot.ok()) {
        return;
    }
    m_asOf = snapshot.takenAt;
    m_known = snapshot.workersKnown;
    m_complete = snapshot.workersComplete;
    QList<WorkerInfo> next = snapshot.workers;
    std::stable_sort(next.begin(), next.end(), before);
    // Rows that went away leave first, back to front; then each position is updated or a row inserted, so a
    // worker that stays keeps its persistent index (selection) from poll to poll.
    QHash<QString, int> wanted;
    for (int i = 0; i < next.size(); ++i) {
        wanted.insert(next.at(i).id, i);
    }
    for (int row = int(m_workers.size()) - 1; row >= 0; --row) {
        if (!wanted.contains(m_workers.at(row).id)) {
            beginRemoveRows({}, row, row);
            m_workers.removeAt(row);
            endRemoveRows();
        }
    }
    for (int i = 0; i < next.size(); ++i) {
        const int at = rowOf(next.at(i).id);
        if (at == i) {
            m_workers[i] = next.at(i);
            Q_EMIT dataChanged(index(i, 0), index(i, ColumnCount - 1));
        } else if (at > i) {
            beginMoveRows({}, at, at, {}, i);
            m_workers.move(at, i);
            endMoveRows();
            m_workers[i] = next.at(i);
            Q_EMIT dataChanged(index(i, 0), index(i, ColumnCount - 1));
        } else {
            beginInsertRows({}, i, i);
            m_workers.insert(i, next.at(i));
            endInsertRows();
        }
    }
}

void WorkerTableModel::clear()
{
    beginResetModel();
    m_workers.clear();
    m_asOf = {};
    m_known = true;
    m_complete = false;
    endResetModel();
}

int WorkerTableModel::rowOf(const QString &id) const
{
    for (int i = 0; i < m_workers.size(); ++i) {
        if (m_workers.at(i).id == id) {
            return i;
        }
    }
    return -1;
}

int WorkerTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_workers.size());
}

int WorkerTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant WorkerTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const WorkerInfo &w = m_workers.at(index.row());
    switch (role) {
    case WorkerIdRole: return w.id;
    case StateRole: return int(w.state);
    case Qt::ToolTipRole:
        if (index.column() == State && w.state == WorkerState::Lost) {
            return tr("No heartbeat for %1: the process died or lost Redis. It cannot hear a quiet or stop signal.")
                .arg(Freshness::duration(w.lastSeenAgeSeconds));
        }
        if (index.column() == Quiet && w.quiet.value_or(false)) {
            return tr("Takes no new jobs: it finishes what it holds and waits to be stopped.");
        }
        return index.column() == Worker || index.column() == Queues ? data(index, Qt::DisplayRole) : QVariant();
    case Qt::DecorationRole:
        // Colour and shape, as for queues: lost is critical, a quiet worker a warning.
        if (index.column() == State) {
            return cachedStatusIcon(w.state == WorkerState::Lost ? QueueStatus::Crit
                                    : w.quiet.value_or(false)   ? QueueStatus::Warn
                                                                : QueueStatus::Ok);
        }
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == LastSeen ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case SortRole:
        switch (index.column()) {
        case State: return rank(w.state);
        case LastSeen: return w.lastSeenAgeSeconds ? QVariant(*w.lastSeenAgeSeconds) : QVariant();
        case Quiet: return w.quiet ? QVariant(int(*w.quiet)) : QVariant();
        default: return data(index, Qt::DisplayRole);
        }
    case Qt::DisplayRole:
        switch (index.column()) {
        case Worker: return escapeForDisplay(w.id, 120);
        case State: return stateText(w.state);
        case Quiet:
            //: a worker that was told to take no new jobs
            return w.quiet ? (*w.quiet ? tr("quiet") : tr("no")) : Freshness::unknown();
        case LastSeen: return Freshness::duration(w.lastSeenAgeSeconds);
        case Queues: return escapeForDisplay(w.queues.join(QStringLiteral(", ")), 200);
        case CurrentJob: return w.currentJob.isEmpty() ? Freshness::unknown() : escapeForDisplay(w.currentJob, 80);
        }
        return {};
    default: return {};
    }
}

QVariant WorkerTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
    case Worker: return tr("Worker");
    case State: return tr("State");
    case Quiet: return tr("Quiet");
    //: time since the worker's last heartbeat
    case LastSeen: return tr("Last seen");
    case Queues: return tr("Queues");
    case CurrentJob: return tr("Current job");
    }
    return {};
}

} // namespace qd
