// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "jobtablemodel.h"
#include "futurewatch.h"

#include "backend.h"
#include "freshness.h"
#include "textsafety.h"

#include <QLocale>

namespace qd {

JobTableModel::JobTableModel(QObject *parent) : QAbstractTableModel(parent) {}

void JobTableModel::setQuery(Backend *backend, const JobQuery &query)
{
    beginResetModel();
    m_backend = backend;
    m_query = query;
    m_query.after.clear();
    m_jobs.clear();
    m_next.clear();
    m_error.clear();
    m_notice.clear();
    m_loading = false;
    ++m_generation; // answers to the previous query are dropped
    endResetModel();
    if (m_backend) {
        load();
    }
}

void JobTableModel::refresh()
{
    setQuery(m_backend, m_query);
}

const JobSummary *JobTableModel::job(int row) const
{
    return row >= 0 && row < m_jobs.size() ? &m_jobs[row] : nullptr;
}

void JobTableModel::load()
{
    m_loading = true;
    JobQuery q = m_query;
    q.after = m_next;
    const quint64 generation = m_generation;
    whenFinished(m_backend->jobs(q), this, [this, generation](const JobPage &page) {
        if (generation != m_generation) {
            return;
        }
        m_loading = false;
        if (!page.error.isEmpty()) {
            m_error = page.error;
            Q_EMIT loadFailed(page.error);
            return;
        }
        m_next = page.nextCursor;
        m_notice = page.notice;
        if (!page.jobs.isEmpty()) {
            beginInsertRows({}, int(m_jobs.size()), int(m_jobs.size() + page.jobs.size()) - 1);
            m_jobs.append(page.jobs);
            endInsertRows();
        }
        Q_EMIT pageLoaded();
    });
}

int JobTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_jobs.size());
}

int JobTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool JobTableModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_backend && !m_loading && !m_next.isEmpty();
}

void JobTableModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent)) {
        load();
    }
}

QVariant JobTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const JobSummary &j = m_jobs.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case IdColumn: return j.id;
        case ClassColumn: return escapeForDisplay(j.className, 120);
        case StateColumn: return jobStateName(j.state);
        case AttemptsColumn: return Freshness::count(j.attempts);
        case RunAtColumn:
            return j.runAt.isValid() ? j.runAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : Freshness::unknown();
        case ErrorColumn: return escapeForDisplay(j.errorLine, 200);
        }
        return {};
    case Qt::ToolTipRole:
        return index.column() == ErrorColumn && !j.errorLine.isEmpty() ? QVariant(escapeForDisplay(j.errorLine, 300)) : QVariant();
    case JobIdRole: return j.id;
    case JobStateRole: return int(j.state);
    default: return {};
    }
}

QVariant JobTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (section) {
    case IdColumn: return tr("ID");
    case ClassColumn: return tr("Class");
    case StateColumn: return tr("State");
    case AttemptsColumn: return tr("Attempts");
    case RunAtColumn: return tr("Run at");
    case ErrorColumn: return tr("Last error");
    }
    return {};
}

} // namespace qd
