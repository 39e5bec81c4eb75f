// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/recipients/recipients.h"
#include "core/recipients/outbox.h"

#include <QAbstractTableModel>
#include <QHash>

namespace qd {

/// The distinct users behind a selection of jobs: one row per user, longest delay first, with the job count,
/// the queue and a sample of job ids, and — once a message is on its way — its outbox status.
class RecipientModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { User, Jobs, LongestDelay, Queue, Status, SampleJobs, ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1 };

    explicit RecipientModel(QObject *parent = nullptr);
    Q_DISABLE_COPY_MOVE(RecipientModel)

    void setRecipients(const RecipientSet &set);
    const RecipientSet &recipients() const { return m_set; }
    const Recipient &recipient(int row) const { return m_set.users.at(row); }
    /// A delivery result for one user (from the Sender): updates that row only.
    void setStatus(const QString &user, OutboxStatus status, const QString &detail);
    void clearStatuses();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    RecipientSet m_set;
    QHash<QString, int> m_rowOf;
    QHash<QString, QPair<OutboxStatus, QString>> m_status;
};

} // namespace qd
