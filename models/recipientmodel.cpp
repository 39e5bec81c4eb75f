// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "models/recipientmodel.h"

#include "models/languagechange.h"
#include "core/recipients/messagetemplate.h"
#include "core/textsafety.h"

namespace qd {

namespace {
QString statusName(OutboxStatus s)
{
    switch (s) {
    case OutboxStatus::Queued: return RecipientModel::tr("queued");
    case OutboxStatus::Sent: return RecipientModel::tr("sent");
    case OutboxStatus::Failed: return RecipientModel::tr("failed");
    case OutboxStatus::Skipped: return RecipientModel::tr("skipped (already sent)");
    }
    return {};
}
} // namespace

RecipientModel::RecipientModel(QObject *parent) : QAbstractTableModel(parent)
{
    retranslateOnLanguageChange(this);
}

void RecipientModel::setRecipients(const RecipientSet &set)
{
    beginResetModel();
    m_set = set;
    m_rowOf.clear();
    for (int i = 0; i < m_set.users.size(); ++i) {
        m_rowOf.insert(m_set.users.at(i).user, i);
    }
    m_status.clear();
    endResetModel();
}

void RecipientModel::setStatus(const QString &user, OutboxStatus status, const QString &detail)
{
    m_status.insert(user, {status, detail});
    if (const auto it = m_rowOf.constFind(user); it != m_rowOf.cend()) {
        const QModelIndex i = index(*it, Status);
        Q_EMIT dataChanged(i, i);
    }
}

void RecipientModel::clearStatuses()
{
    if (m_status.isEmpty()) {
        return;
    }
    m_status.clear();
    if (rowCount() > 0) {
        Q_EMIT dataChanged(index(0, Status), index(rowCount() - 1, Status));
    }
}

int RecipientModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_set.users.size());
}

int RecipientModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RecipientModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const Recipient &r = m_set.users.at(index.row());
    const auto status = m_status.constFind(r.user);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case User: return escapeForDisplay(r.user, 120); // user ids come from job payloads: hostile
        case Jobs: return r.jobCount;
        case LongestDelay: return humanDelay(r.longestDelayS);
        case Queue: return escapeForDisplay(r.queue, 80);
        case Status: return status == m_status.cend() ? QString() : statusName(status->first);
        case SampleJobs: return escapeForDisplay(r.sampleJobIds.join(QStringLiteral(", ")), 200);
        default: return {};
        }
    case SortRole:
        switch (index.column()) {
        case Jobs: return r.jobCount;
        case LongestDelay: return r.longestDelayS;
        default: return data(index, Qt::DisplayRole);
        }
    case Qt::ToolTipRole:
        if (index.column() == Status && status != m_status.cend() && !status->second.isEmpty()) {
            return escapeForDisplay(status->second, 600);
        }
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == Jobs || index.column() == LongestDelay ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
                                                                        : QVariant();
    default: return {};
    }
}

QVariant RecipientModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case User: return tr("User");
    case Jobs: return tr("Jobs");
    case LongestDelay: return tr("Longest wait");
    case Queue: return tr("Queue");
    case Status: return tr("Message");
    case SampleJobs: return tr("Jobs (sample)");
    default: return {};
    }
}

} // namespace qd
