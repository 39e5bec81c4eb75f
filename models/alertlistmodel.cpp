// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "models/alertlistmodel.h"

#include "core/clock.h"
#include "core/collector.h"
#include "models/languagechange.h"
#include "models/queuestatus.h"

#include <QFont>
#include <QLocale>

namespace qd {

namespace {
QueueStatus toStatus(AlertState s)
{
    switch (s) {
    case AlertState::Ok: return QueueStatus::Ok;
    case AlertState::Warn: return QueueStatus::Warn;
    case AlertState::Crit: return QueueStatus::Crit;
    case AlertState::Unknown: return QueueStatus::Unknown;
    }
    return QueueStatus::Unknown;
}
} // namespace

AlertListModel::AlertListModel(Collector *collector, QObject *parent)
    : QAbstractTableModel(parent), m_collector(collector)
{
    connect(collector, &Collector::snapshotReady, this, &AlertListModel::expireSnoozes);
    retranslateOnLanguageChange(this);
}

void AlertListModel::expireSnoozes()
{
    const QDateTime now = m_collector->clock()->now();
    for (int row = 0; row < m_alerts.size(); ++row) {
        const auto it = m_snoozed.find(key(m_alerts[row]));
        if (it != m_snoozed.end() && now >= it.value()) {
            m_snoozed.erase(it);
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
            Q_EMIT snoozeExpired(m_alerts[row]);
        }
    }
}

int AlertListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_alerts.size());
}

int AlertListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString AlertListModel::key(const Alert &a)
{
    return a.connectionId + QChar(0x1f) + a.queue + QChar(0x1f) + a.ruleId + QChar(0x1f) +
           QString::number(int(a.state));
}

void AlertListModel::setAlerts(const QList<Alert> &alerts)
{
    // The same alerts in the same order: only their texts and values moved on ("oldest job waited 2 h 16 m"), so
    // rows, selection, acknowledgements and snoozes stay.
    bool same = alerts.size() == m_alerts.size();
    for (qsizetype i = 0; same && i < alerts.size(); ++i) {
        same = key(alerts.at(i)) == key(m_alerts.at(i));
    }
    if (same) {
        m_alerts = alerts;
        if (!m_alerts.isEmpty()) {
            Q_EMIT dataChanged(index(0, 0), index(int(m_alerts.size()) - 1, ColumnCount - 1));
        }
        return;
    }
    beginResetModel();
    m_alerts = alerts;
    QSet<QString> still;
    for (const Alert &a : alerts) {
        if (m_acknowledged.contains(key(a))) {
            still.insert(key(a));
        }
    }
    m_acknowledged = still;
    QHash<QString, QDateTime> snoozed;
    for (const Alert &a : alerts) {
        if (const auto it = m_snoozed.constFind(key(a)); it != m_snoozed.cend()) {
            snoozed.insert(it.key(), it.value());
        }
    }
    m_snoozed = snoozed;
    endResetModel();
}

void AlertListModel::acknowledge(int row)
{
    if (row < 0 || row >= m_alerts.size()) {
        return;
    }
    m_acknowledged.insert(key(m_alerts[row]));
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void AlertListModel::snooze(int row, const QDateTime &until)
{
    if (row < 0 || row >= m_alerts.size()) {
        return;
    }
    m_snoozed.insert(key(m_alerts[row]), until);
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

bool AlertListModel::isAcknowledged(const Alert &a) const
{
    const QString k = key(a);
    if (m_acknowledged.contains(k)) {
        return true;
    }
    const auto it = m_snoozed.constFind(k);
    return it != m_snoozed.cend() && m_collector->clock()->now() < it.value();
}

const Alert *AlertListModel::alert(int row) const
{
    return row >= 0 && row < m_alerts.size() ? &m_alerts[row] : nullptr;
}

QVariant AlertListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Alert &a = m_alerts.at(index.row());
    const bool acked = isAcknowledged(a);
    const auto snoozed = m_snoozed.constFind(key(a));
    const bool isSnoozed = snoozed != m_snoozed.cend() && m_collector->clock()->now() < snoozed.value();
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case StateColumn:
            if (isSnoozed) {
                return tr("%1 (snoozed until %2)")
                    .arg(statusText(toStatus(a.state)),
                         QLocale().toString(snoozed.value().toLocalTime().time(), QLocale::ShortFormat));
            }
            return QString(statusText(toStatus(a.state)) + (acked ? tr(" (ack)") : QString()));
        case ConnectionColumn: return m_collector->displayName(a.connectionId);
        case QueueColumn: return a.queue;
        case RuleColumn: return AlertRule::kindName(a.kind);
        case MessageColumn: return a.message;
        case SinceColumn: return QLocale().toString(a.since.toLocalTime().time(), QLocale::ShortFormat);
        }
        return {};
    case Qt::DecorationRole:
        if (index.column() == StateColumn) {
            const QueueStatus s = toStatus(a.state);
            return statusIcon(s, statusColor(s, false));
        }
        return {};
    case Qt::FontRole:
        if (!acked && a.state == AlertState::Crit) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::ToolTipRole: return a.message;
    case StateRole: return int(a.state);
    case AcknowledgedRole: return acked;
    case ConnectionIdRole: return a.connectionId;
    case QueueNameRole: return a.queue;
    case SnoozedUntilRole: return isSnoozed ? QVariant(snoozed.value()) : QVariant();
    default: return {};
    }
}

QVariant AlertListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case StateColumn: return tr("State");
    case ConnectionColumn: return tr("Connection");
    case QueueColumn: return tr("Queue");
    case RuleColumn: return tr("Rule");
    case MessageColumn: return tr("What");
    case SinceColumn: return tr("Since");
    }
    return {};
}

} // namespace qd
