// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "models/connectiontreemodel.h"

#include "core/collector.h"
#include "models/freshness.h"
#include "models/languagechange.h"
#include "models/queuestatus.h"
#include "core/textsafety.h"

#include <QHash>
#include <QSet>

namespace qd {

namespace {
constexpr quintptr kTop = 0; // internalId of connection rows; queue rows carry their connection row + 1
}

ConnectionTreeModel::ConnectionTreeModel(Collector *collector, QObject *parent)
    : QAbstractItemModel(parent), m_collector(collector)
{
    for (const QString &id : collector->connectionIds()) {
        m_connections.append(Connection{id, collector->displayName(id), {}, false, {}, std::nullopt});
    }
    connect(collector, &Collector::connectionAdded, this, &ConnectionTreeModel::onAdded);
    connect(collector, &Collector::connectionRemoved, this, &ConnectionTreeModel::onRemoved);
    connect(collector, &Collector::snapshotReady, this, &ConnectionTreeModel::onSnapshot);
    retranslateOnLanguageChange(this);
}

ConnectionTreeModel::~ConnectionTreeModel() = default;

int ConnectionTreeModel::rowOf(const QString &id) const
{
    for (int i = 0; i < m_connections.size(); ++i) {
        if (m_connections[i].id == id) {
            return i;
        }
    }
    return -1;
}

void ConnectionTreeModel::onAdded(const QString &id)
{
    if (rowOf(id) >= 0) {
        return;
    }
    const int row = int(m_connections.size());
    beginInsertRows({}, row, row);
    m_connections.append(Connection{id, m_collector->displayName(id), {}, false, {}, std::nullopt});
    endInsertRows();
}

void ConnectionTreeModel::onRemoved(const QString &id)
{
    const int row = rowOf(id);
    if (row < 0) {
        return;
    }
    beginRemoveRows({}, row, row);
    m_connections.removeAt(row);
    endRemoveRows();
}

void ConnectionTreeModel::onSnapshot(const QString &id, const Snapshot &snapshot)
{
    const int row = rowOf(id);
    if (row < 0) {
        return;
    }
    Connection &c = m_connections[row];
    const QModelIndex parent = index(row, 0);
    c.polled = true;
    c.error = snapshot.error;
    if (snapshot.ok()) {
        // By name through hashes: a linear lookup per queue was quadratic, 25 M comparisons a poll at 5,000 queues.
        QSet<QString> present;
        present.reserve(snapshot.queues.size());
        for (const QueueStats &q : snapshot.queues) {
            present.insert(q.name);
        }
        for (int i = int(c.queues.size()) - 1; i >= 0; --i) {
            if (!present.contains(c.queues[i].name)) {
                beginRemoveRows(parent, i, i);
                c.queues.removeAt(i);
                endRemoveRows();
            }
        }
        QHash<QString, qsizetype> at;
        at.reserve(c.queues.size());
        for (qsizetype i = 0; i < c.queues.size(); ++i) {
            at.insert(c.queues.at(i).name, i);
        }
        QList<QueueStats> added;
        for (const QueueStats &q : snapshot.queues) {
            if (const auto known = at.constFind(q.name); known != at.cend()) {
                c.queues[*known] = q;
            } else {
                added.append(q);
            }
        }
        if (!c.queues.isEmpty()) {
            Q_EMIT dataChanged(index(0, 0, parent), index(int(c.queues.size()) - 1, 1, parent));
        }
        if (!added.isEmpty()) {
            const int first = int(c.queues.size());
            beginInsertRows(parent, first, first + int(added.size()) - 1);
            c.queues.append(added);
            endInsertRows();
        }
    } else if (!c.queues.isEmpty()) {
        Q_EMIT dataChanged(index(0, 0, parent), index(int(c.queues.size()) - 1, 1, parent));
    }
    c.worst.reset(); // after the rows changed: a view asking in between may have cached the old answer
    Q_EMIT dataChanged(index(row, 0), index(row, 1));
}

QModelIndex ConnectionTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent)) {
        return {};
    }
    if (!parent.isValid()) {
        return createIndex(row, column, kTop);
    }
    return createIndex(row, column, quintptr(parent.row()) + 1);
}

QModelIndex ConnectionTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || child.internalId() == kTop) {
        return {};
    }
    return createIndex(int(child.internalId() - 1), 0, kTop);
}

int ConnectionTreeModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid()) {
        return int(m_connections.size());
    }
    if (parent.internalId() == kTop && parent.column() == 0) {
        return int(m_connections.at(parent.row()).queues.size());
    }
    return 0;
}

int ConnectionTreeModel::columnCount(const QModelIndex &) const
{
    return 2;
}

QVariant ConnectionTreeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) {
        return {};
    }
    const bool top = index.internalId() == kTop;
    const Connection &c = m_connections.at(top ? index.row() : int(index.internalId() - 1));
    const bool failed = !c.error.isEmpty();
    if (top) {
        if (!c.worst) {
            c.worst = !c.polled || failed ? QueueStatus::Unknown : [&] {
                QueueStatus worst = QueueStatus::Ok;
                for (const auto &q : c.queues) {
                    worst = worseOf(worst, statusOf(c, q, false));
                }
                if (m_statusSource) { // connection-wide alerts: no workers, heartbeat lost, unreachable
                    if (const auto alert = m_statusSource(c.id, QString())) {
                        worst = worseOf(worst, *alert);
                    }
                }
                return worst;
            }();
        }
        const QueueStatus status = *c.worst;
        switch (role) {
        case Qt::DisplayRole:
            if (index.column() == 0) {
                return escapeForDisplay(c.name, 120);
            }
            //: shown instead of a depth when a connection's last poll failed
            return failed ? tr("error") : QVariant();
        case Qt::DecorationRole: return index.column() == 0 ? QVariant(cachedStatusIcon(status)) : QVariant();
        case Qt::ToolTipRole:
            return failed ? tr("%1\nLast poll failed: %2").arg(escapeForDisplay(c.name, 120), escapeForDisplay(c.error, 400))
                          : QStringLiteral("%1 — %2").arg(escapeForDisplay(c.name, 120), statusText(status));
        case ConnectionIdRole: return c.id;
        case StatusRole: return int(status);
        case ErrorRole: return failed ? QVariant(c.error) : QVariant();
        case IsConnectionRole: return true;
        default: return {};
        }
    }
    const QueueStats &q = c.queues.at(index.row());
    const QueueStatus status = statusOf(c, q, failed);
    switch (role) {
    case Qt::DisplayRole:
        // Queue names are hostile input: control and bidi characters are shown escaped, never interpreted.
        return index.column() == 0 ? escapeForDisplay(q.name, 120) : Freshness::count(q.waiting, q.countExactness);
    case Qt::TextAlignmentRole:
        return index.column() == 1 ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::DecorationRole: return index.column() == 0 ? QVariant(cachedStatusIcon(status)) : QVariant();
    case Qt::ToolTipRole:
        return tr("%1: %2 waiting, oldest %3 — %4")
            .arg(escapeForDisplay(q.name, 120), Freshness::count(q.waiting, q.countExactness), Freshness::oldestAge(q),
                 statusText(status));
    case ConnectionIdRole: return c.id;
    case QueueNameRole: return q.name;
    case StatusRole: return int(status);
    case ErrorRole: return failed ? QVariant(c.error) : QVariant();
    case IsConnectionRole: return false;
    default: return {};
    }
}

QVariant ConnectionTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::DisplayRole) {
        return section == 0 ? tr("Connections") : tr("Waiting");
    }
    return {};
}

QueueStatus ConnectionTreeModel::statusOf(const Connection &c, const QueueStats &q, bool pollFailed) const
{
    QueueStatus s = queueStatus(q, pollFailed, m_thresholds.value(c.id));
    if (!pollFailed && m_statusSource) {
        if (const auto alert = m_statusSource(c.id, q.name)) {
            s = worseOf(s, *alert);
        }
    }
    return s;
}

void ConnectionTreeModel::setStatusSource(StatusSource source)
{
    m_statusSource = std::move(source);
    refreshStatus();
}

void ConnectionTreeModel::refreshStatus()
{
    for (int row = 0; row < m_connections.size(); ++row) {
        m_connections[row].worst.reset();
        const QModelIndex top = index(row, 0);
        Q_EMIT dataChanged(top, index(row, columnCount() - 1), {Qt::DecorationRole, Qt::ToolTipRole, StatusRole});
        const int n = rowCount(top);
        if (n > 0) {
            Q_EMIT dataChanged(index(0, 0, top), index(n - 1, columnCount() - 1, top),
                               {Qt::DecorationRole, Qt::ToolTipRole, StatusRole});
        }
    }
}

void ConnectionTreeModel::setThresholds(const QString &connectionId, StatusThresholds thresholds)
{
    m_thresholds.insert(connectionId, thresholds);
    const int row = rowOf(connectionId);
    if (row >= 0) {
        m_connections[row].worst.reset();
        Q_EMIT dataChanged(index(row, 0), index(row, 1));
        const QModelIndex parent = index(row, 0);
        if (rowCount(parent) > 0) {
            Q_EMIT dataChanged(index(0, 0, parent), index(rowCount(parent) - 1, 1, parent));
        }
    }
}

QModelIndex ConnectionTreeModel::connectionIndex(const QString &id) const
{
    const int row = rowOf(id);
    return row < 0 ? QModelIndex() : index(row, 0);
}

QModelIndex ConnectionTreeModel::queueIndex(const QString &id, const QString &queue) const
{
    const int row = rowOf(id);
    if (row < 0) {
        return {};
    }
    const auto &qs = m_connections.at(row).queues;
    for (int i = 0; i < qs.size(); ++i) {
        if (qs[i].name == queue) {
            return index(i, 0, index(row, 0));
        }
    }
    return {};
}

} // namespace qd
