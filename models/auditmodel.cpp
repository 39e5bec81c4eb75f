// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "models/auditmodel.h"

#include "core/csv.h"
#include "models/languagechange.h"
#include "core/textsafety.h"

#include <QColor>
#include <QIODevice>
#include <QLocale>

namespace qd {

AuditModel::AuditModel(QObject *parent) : QAbstractTableModel(parent)
{
    retranslateOnLanguageChange(this);
}

void AuditModel::setRecords(QList<AuditRecord> records)
{
    beginResetModel();
    m_records = std::move(records);
    endResetModel();
}

int AuditModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_records.size());
}

int AuditModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString AuditModel::exportText(const AuditRecord &r, int column)
{
    switch (column) {
    case Time: return r.at.toUTC().toString(Qt::ISODateWithMs);
    case Operator: return r.operatorName;
    case Connection: return r.connection;
    case Action: return r.action;
    case Expected: return r.expectedState;
    case Jobs: return r.jobIds.join(u' ');
    case Filter: return r.filter;
    case Succeeded: return QString::number(r.succeeded);
    case Skipped: return QString::number(r.skipped);
    case DryRun: return r.dryRun ? QStringLiteral("yes") : QStringLiteral("no");
    case PayloadBefore: return r.payloadBefore;
    case PayloadAfter: return r.payloadAfter;
    case Result: return r.result;
    default: return {};
    }
}

QVariant AuditModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const AuditRecord &r = m_records.at(index.row());
    const int c = index.column();
    if (role == SortRole) {
        switch (c) {
        case Time: return r.at.toMSecsSinceEpoch();
        case Jobs: return r.jobIds.size();
        case Succeeded: return r.succeeded;
        case Skipped: return r.skipped;
        default: return exportText(r, c);
        }
    }
    if (role == Qt::DisplayRole) {
        switch (c) {
        case Time: return QLocale().toString(r.at.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case Jobs:
            return r.jobIds.size() <= 3 ? escapeForDisplay(r.jobIds.join(QStringLiteral(", ")), 120)
                                        : tr("%n job(s)", nullptr, int(r.jobIds.size()));
        case Succeeded:
        case Skipped: return c == Succeeded ? r.succeeded : r.skipped;
        default: return escapeForDisplay(exportText(r, c), 200); // job data and errors are hostile: plain, escaped
        }
    }
    if (role == Qt::ToolTipRole && (c == Jobs || c == Filter || c == Result)) {
        return escapeMultiline(exportText(r, c), 4000);
    }
    if (role == Qt::TextAlignmentRole && (c == Succeeded || c == Skipped)) {
        return int(Qt::AlignRight | Qt::AlignVCenter);
    }
    if (role == Qt::ForegroundRole && c == Result && r.result != u"ok") {
        return QColor(0xc6, 0x28, 0x28);
    }
    return {};
}

QVariant AuditModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case Time: return tr("Time");
    case Operator: return tr("Operator");
    case Connection: return tr("Connection");
    case Action: return tr("Action");
    case Expected: return tr("Expected state");
    case Jobs: return tr("Jobs");
    case Filter: return tr("Selection");
    case Succeeded: return tr("Done");
    case Skipped: return tr("Skipped");
    case DryRun: return tr("Dry run");
    //: edit and resend: the job as it was before the operator's edit
    case PayloadBefore: return tr("Payload before");
    case PayloadAfter: return tr("Payload after");
    case Result: return tr("Result");
    default: return {};
    }
}

void AuditFilterModel::setText(const QString &text)
{
    m_text = text.trimmed();
    invalidateRowsFilter();
}

void AuditFilterModel::setAction(const QString &action)
{
    m_action = action;
    invalidateRowsFilter();
}

bool AuditFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const auto *audit = qobject_cast<const AuditModel *>(sourceModel());
    if (!audit || sourceParent.isValid()) {
        return false;
    }
    const AuditRecord &r = audit->record(sourceRow);
    if (!m_action.isEmpty() && r.action != m_action) {
        return false;
    }
    if (m_text.isEmpty()) {
        return true;
    }
    for (int c = 0; c < AuditModel::ColumnCount; ++c) {
        if (AuditModel::exportText(r, c).contains(m_text, Qt::CaseInsensitive)) {
            return true;
        }
    }
    return false;
}

bool AuditFilterModel::writeCsv(QIODevice &out) const
{
    const auto *audit = qobject_cast<const AuditModel *>(sourceModel());
    if (!audit) {
        return false;
    }
    QStringList header;
    for (int c = 0; c < AuditModel::ColumnCount; ++c) {
        header << audit->headerData(c, Qt::Horizontal).toString();
    }
    if (out.write(csvRecord(header).toUtf8()) < 0) {
        return false;
    }
    for (int row = 0; row < rowCount(); ++row) {
        const AuditRecord &r = audit->record(mapToSource(index(row, 0)).row());
        QStringList fields;
        for (int c = 0; c < AuditModel::ColumnCount; ++c) {
            fields << AuditModel::exportText(r, c);
        }
        if (out.write(csvRecord(fields).toUtf8()) < 0) {
            return false;
        }
    }
    return true;
}

} // namespace qd
