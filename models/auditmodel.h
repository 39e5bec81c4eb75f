// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/audit/auditlog.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

class QIODevice;

namespace qd {

/// The audit log as a table: one row per action (or per batch of a bulk action), newest first.
class AuditModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Time, Operator, Action, Succeeded, Skipped, Result, Expected, Jobs, Filter, Connection, DryRun, PayloadBefore, PayloadAfter, ColumnCount };
    enum Role { SortRole = Qt::UserRole + 1 };

    explicit AuditModel(QObject *parent = nullptr);
    Q_DISABLE_COPY_MOVE(AuditModel)

    void setRecords(QList<AuditRecord> records);
    const AuditRecord &record(int row) const { return m_records.at(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// Full text of a cell, as exported (job ids all listed, times in ISO 8601 UTC).
    static QString exportText(const AuditRecord &r, int column);

private:
    QList<AuditRecord> m_records;
};

/// Filters the audit table by free text (any column) and by action.
class AuditFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    Q_DISABLE_COPY_MOVE(AuditFilterModel)

    void setText(const QString &text);
    void setAction(const QString &action); ///< empty: every action

    /// The rows that pass the filter, in view order, as CSV (header first). Returns false on a write error.
    bool writeCsv(QIODevice &out) const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_text;
    QString m_action;
};

} // namespace qd
