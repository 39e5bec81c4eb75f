// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "models/queueoverviewmodel.h"

#include <QHash>
#include <QSet>

#include "core/clock.h"
#include "core/collector.h"
#include "models/freshness.h"
#include "models/languagechange.h"
#include "core/textsafety.h"

#include <QGuiApplication>
#include <QLocale>
#include <QPalette>

#include <limits>

namespace qd {

QueueOverviewModel::QueueOverviewModel(Collector *collector, QObject *parent)
    : QAbstractTableModel(parent), m_collector(collector)
{
    connect(collector, &Collector::snapshotReady, this, &QueueOverviewModel::onSnapshot);
    connect(collector, &Collector::connectionRemoved, this, &QueueOverviewModel::onConnectionRemoved);
    m_ageTimer.setInterval(1000);
    connect(&m_ageTimer, &QTimer::timeout, this, [this] {
        if (!m_rows.isEmpty()) {
            Q_EMIT dataChanged(index(0, UpdatedColumn), index(rowCount() - 1, UpdatedColumn),
                               {Qt::DisplayRole, StaleRole});
        }
    });
    m_ageTimer.start();
    retranslateOnLanguageChange(this);
}

QueueOverviewModel::~QueueOverviewModel() = default;

int QueueOverviewModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int QueueOverviewModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

std::pair<int, int> QueueOverviewModel::block(const QString &id) const
{
    int first = -1;
    int end = -1;
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].connectionId == id) {
            if (first < 0) {
                first = i;
            }
            end = i + 1;
        }
    }
    if (first < 0) {
        first = end = int(m_rows.size());
    }
    return {first, end};
}

void QueueOverviewModel::onSnapshot(const QString &id, const Snapshot &snapshot)
{
    auto [first, end] = block(id);
    if (!snapshot.ok()) {
        for (int i = first; i < end; ++i) {
            m_rows[i].error = snapshot.error;
        }
        if (end > first) {
            Q_EMIT dataChanged(index(first, 0), index(end - 1, ColumnCount - 1));
        }
        return;
    }
    // Remove queues that vanished (from the back, so indexes stay valid). By name through hashes: a linear lookup
    // per queue was quadratic, 25 M comparisons a poll at 5,000 queues.
    QSet<QString> present;
    present.reserve(snapshot.queues.size());
    for (const QueueStats &q : snapshot.queues) {
        present.insert(q.name);
    }
    for (int i = end - 1; i >= first; --i) {
        if (!present.contains(m_rows[i].stats.name)) {
            beginRemoveRows({}, i, i);
            m_rows.removeAt(i);
            endRemoveRows();
            --end;
        }
    }
    QHash<QString, int> at;
    at.reserve(end - first);
    for (int i = first; i < end; ++i) {
        at.insert(m_rows[i].stats.name, i);
    }
    // Update known queues in place; collect new ones.
    QList<Row> added;
    for (const QueueStats &q : snapshot.queues) {
        Row *row = nullptr;
        if (const auto known = at.constFind(q.name); known != at.cend()) {
            row = &m_rows[*known];
        }
        if (!row) {
            added.append(Row{id, q, snapshot.takenAt, {}, {}});
            row = &added.last();
        }
        row->stats = q;
        row->takenAt = snapshot.takenAt;
        row->error.clear();
        if (q.waiting) {
            row->history.append(double(*q.waiting));
            if (row->history.size() > kHistoryLength) {
                row->history.remove(0, row->history.size() - kHistoryLength);
            }
        }
    }
    if (end > first) {
        Q_EMIT dataChanged(index(first, 0), index(end - 1, ColumnCount - 1));
    }
    if (!added.isEmpty()) {
        beginInsertRows({}, end, end + int(added.size()) - 1);
        for (int i = 0; i < added.size(); ++i) {
            m_rows.insert(end + i, added.at(i));
        }
        endInsertRows();
    }
}

void QueueOverviewModel::onConnectionRemoved(const QString &id)
{
    auto [first, end] = block(id);
    if (end > first) {
        beginRemoveRows({}, first, end - 1);
        m_rows.remove(first, end - first);
        endRemoveRows();
    }
}

bool QueueOverviewModel::isStale(const Row &r) const
{
    const qint64 staleAfter = 3 * qint64(m_collector->interval().count());
    return !r.error.isEmpty() || Freshness::isStale(r.takenAt, m_collector->clock()->now(), staleAfter);
}

QVariant QueueOverviewModel::rawValue(const Row &r, int column) const
{
    auto v = [](const auto &opt) { return opt ? QVariant::fromValue(*opt) : QVariant(); };
    switch (column) {
    case ConnectionColumn: return m_collector->displayName(r.connectionId);
    case QueueColumn: return r.stats.name;
    case TrendColumn: return r.history.isEmpty() ? QVariant() : QVariant(r.history.constLast());
    case WaitingColumn: return v(r.stats.waiting);
    case RunningColumn: return v(r.stats.running);
    case ConsumersColumn: return v(r.stats.consumers);
    case ScheduledColumn: return v(r.stats.scheduled);
    case FailedColumn: return v(r.stats.failed);
    case OldestAgeColumn: return v(r.stats.oldestAgeSeconds);
    case InRateColumn: return r.stats.rateExactness == Exactness::Unknown ? QVariant() : v(r.stats.inPerMinute);
    case OutRateColumn: return r.stats.rateExactness == Exactness::Unknown ? QVariant() : v(r.stats.outPerMinute);
    case UpdatedColumn: return r.takenAt;
    default: return {};
    }
}

QVariant QueueOverviewModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Row &r = m_rows.at(index.row());
    const int col = index.column();
    switch (role) {
    case Qt::DisplayRole:
        switch (col) {
        // Names come from the queue system and may carry control or bidi characters: shown escaped.
        case ConnectionColumn: return escapeForDisplay(m_collector->displayName(r.connectionId), 120);
        case QueueColumn: return escapeForDisplay(r.stats.name, 120);
        case WaitingColumn:
            //: a queue's waiting count while the queue is paused on the backend
            return r.stats.paused.value_or(false) ? tr("%1 (paused)").arg(Freshness::count(r.stats.waiting, r.stats.countExactness))
                                                  : Freshness::count(r.stats.waiting, r.stats.countExactness);
        case RunningColumn:
            //: running jobs, of which some are held by a lost worker (stalled)
            return r.stats.stuck.value_or(0) > 0 ? tr("%1 (%2 stuck)").arg(Freshness::count(r.stats.running, r.stats.countExactness),
                                                                           QLocale().toString(*r.stats.stuck))
                                                 : Freshness::count(r.stats.running, r.stats.countExactness);
        case ConsumersColumn:
            return Freshness::count(r.stats.consumers ? std::optional<qint64>(*r.stats.consumers) : std::nullopt, Exactness::Exact);
        case ScheduledColumn: return Freshness::count(r.stats.scheduled, r.stats.countExactness);
        case FailedColumn: return Freshness::count(r.stats.failed, r.stats.countExactness);
        case OldestAgeColumn: return Freshness::oldestAge(r.stats);
        case InRateColumn: return Freshness::rate(r.stats.inPerMinute, r.stats.rateExactness);
        case OutRateColumn: return Freshness::rate(r.stats.outPerMinute, r.stats.rateExactness);
        case UpdatedColumn:
            return Freshness::age(r.takenAt, m_collector->clock()->now(), 3 * qint64(m_collector->interval().count()));
        }
        return {};
    case Qt::ForegroundRole: // stale numbers fade in tables as on tiles; the Updated column says why
        return isStale(r) ? QVariant(QGuiApplication::palette().color(QPalette::Disabled, QPalette::Text)) : QVariant();
    case Qt::TextAlignmentRole:
        return col >= WaitingColumn && col <= OutRateColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::ToolTipRole:
        if (!r.error.isEmpty()) {
            return tr("Last poll failed: %1").arg(escapeForDisplay(r.error, 400));
        }
        if (col == ConsumersColumn) {
            return r.stats.consumers ? tr("Consumers (workers) serving this queue now")
                                     : tr("This backend does not tell which workers serve this queue");
        }
        if (col == QueueColumn && r.stats.isDeadLetterQueue()) {
            return tr("%1 — dead-letter queue: messages rejected from %2")
                .arg(statusText(statusOf(r, false)), escapeForDisplay(r.stats.deadLetterOf.join(QStringLiteral(", ")), 200));
        }
        if (col == QueueColumn) {
            const QString status = statusText(statusOf(r, false));
            return r.stats.paused.value_or(false) ? tr("%1 — paused: workers take no jobs from it").arg(status) : status;
        }
        return {};
    case Qt::DecorationRole:
        if (col == QueueColumn) { // shape and colour; the tooltip says it in words
            return cachedStatusIcon(statusOf(r, !r.error.isEmpty()));
        }
        return {};
    case ConnectionIdRole: return r.connectionId;
    case QueueNameRole: return r.stats.name;
    case RawValueRole: return rawValue(r, col);
    case SortRole:
        if (col == OldestAgeColumn && !r.stats.oldestAgeSeconds && r.stats.waiting.value_or(0) > 0) {
            return std::numeric_limits<double>::infinity();
        }
        return rawValue(r, col);
    case TakenAtRole: return r.takenAt;
    case StaleRole: return isStale(r);
    case StatusRole: return int(statusOf(r, !r.error.isEmpty()));
    case ErrorRole: return r.error.isEmpty() ? QVariant() : QVariant(r.error);
    case HistoryRole: return QVariant::fromValue(r.history);
    case PausedRole: return r.stats.paused.value_or(false);
    case DeadLetterOfRole: return r.stats.deadLetterOf;
    case ExactnessRole:
        if (col == InRateColumn || col == OutRateColumn) {
            return int(r.stats.rateExactness);
        }
        return int(r.stats.countExactness);
    default: return {};
    }
}

QVariant QueueOverviewModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case ConnectionColumn: return tr("Connection");
    case QueueColumn: return tr("Queue");
    case WaitingColumn: return tr("Waiting");
    case TrendColumn: return tr("Trend", "recent waiting depths as a small line chart");
    case RunningColumn: return tr("Running");
    case ConsumersColumn: return tr("Consumers", "workers or consumers serving a queue");
    case ScheduledColumn: return tr("Scheduled");
    case FailedColumn: return tr("Failed");
    case OldestAgeColumn: return tr("Oldest", "age of the oldest waiting job");
    case InRateColumn: return tr("In/min");
    case OutRateColumn: return tr("Out/min");
    case UpdatedColumn: return tr("Updated");
    }
    return {};
}

QueueStatus QueueOverviewModel::statusOf(const Row &r, bool pollFailed) const
{
    QueueStatus s = queueStatus(r.stats, pollFailed, m_thresholds.value(r.connectionId));
    if (!pollFailed && m_statusSource) {
        if (const auto alert = m_statusSource(r.connectionId, r.stats.name)) {
            s = worseOf(s, *alert);
        }
    }
    return s;
}

void QueueOverviewModel::setStatusSource(StatusSource source)
{
    m_statusSource = std::move(source);
    refreshStatus();
}

void QueueOverviewModel::refreshStatus()
{
    if (!m_rows.isEmpty()) {
        Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, columnCount() - 1),
                           {Qt::DecorationRole, Qt::ToolTipRole, StatusRole});
    }
}

void QueueOverviewModel::setThresholds(const QString &connectionId, StatusThresholds thresholds)
{
    m_thresholds.insert(connectionId, thresholds);
    auto [first, end] = block(connectionId);
    if (end > first) {
        Q_EMIT dataChanged(index(first, 0), index(end - 1, ColumnCount - 1));
    }
}

QModelIndex QueueOverviewModel::indexOf(const QString &connectionId, const QString &queue, int column) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].connectionId == connectionId && m_rows[i].stats.name == queue) {
            return index(i, column);
        }
    }
    return {};
}

const QueueStats *QueueOverviewModel::stats(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows[row].stats : nullptr;
}

} // namespace qd
