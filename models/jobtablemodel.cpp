// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "jobtablemodel.h"

#include "clock.h"

#include <limits>
#include "futurewatch.h"

#include "backend.h"
#include "freshness.h"
#include "languagechange.h"
#include "textsafety.h"

#include <QLocale>

namespace qd {

JobTableModel::JobTableModel(QObject *parent) : QAbstractTableModel(parent)
{
    retranslateOnLanguageChange(this);
}

QString JobTableModel::setQuery(Backend *backend, const JobQuery &query, const JobFilter &filter)
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
    m_searchStopped = false;
    m_scanned.reset();
    m_scanTotal.reset();
    ++m_generation; // answers to the previous query are dropped
    m_matcher.reset();
    QString error;
    if (!filter.isEmpty()) {
        auto matcher = JobMatcher::create(filter);
        if (matcher) {
            m_matcher = matcher.value();
            m_query.withPayload = m_query.withPayload || filter.needsPayload();
        } else {
            error = matcher.error();
            m_error = error;
        }
    }
    endResetModel();
    if (m_backend && error.isEmpty()) {
        load();
    }
    return error;
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
    if (m_matcher) {
        loadFiltered(q, 0, 0);
        return;
    }
    loadPage(q, 0);
}

void JobTableModel::loadPage(JobQuery query, qint64 found)
{
    const quint64 generation = m_generation;
    whenFinished(m_backend->jobs(query), this, [this, generation, query, found](const JobPage &page) mutable {
        if (generation != m_generation) {
            return;
        }
        if (!page.error.isEmpty()) {
            m_loading = false;
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
        found += page.jobs.size();
        noteScan(page, page.jobs.size());
        // A search is answered in short, bounded chunks (a million-job list is never scanned in one call): ask for
        // the next one until a page's worth matched or the end, showing each hit as it comes.
        if (!query.search.isEmpty() && !m_next.isEmpty() && m_next != query.after && found < query.limit) {
            query.after = m_next;
            loadPage(query, found);
            return;
        }
        m_loading = false;
        Q_EMIT pageLoaded();
    });
}

void JobTableModel::noteScan(const JobPage &page, qint64 scannedHere)
{
    if (page.scanned) {
        m_scanned = page.scanned;
    } else {
        m_scanned = m_scanned.value_or(0) + scannedHere; // at least what came back
    }
    if (page.scanTotal) {
        m_scanTotal = page.scanTotal;
    }
    if (!m_query.search.isEmpty() || m_matcher) {
        Q_EMIT searchProgress(*m_scanned, m_scanTotal.value_or(-1), m_jobs.size());
    }
}

void JobTableModel::stopSearch()
{
    if (!isSearching()) {
        return;
    }
    ++m_generation; // the answer in flight is dropped: its rows would be found again by a new search
    m_loading = false;
    m_searchStopped = true;
    Q_EMIT pageLoaded();
}

void JobTableModel::loadFiltered(JobQuery query, qint64 scanned, qint64 found)
{
    // Pages until a page's worth matches, or ten pages' worth was looked at (a bound for a million-job set: the
    // operator scrolls on, or narrows the backend's own search).
    const quint64 generation = m_generation;
    whenFinished(m_backend->jobs(query), this, [this, generation, query, scanned, found](const JobPage &page) mutable {
        if (generation != m_generation) {
            return;
        }
        if (!page.error.isEmpty()) {
            m_loading = false;
            m_error = page.error;
            Q_EMIT loadFailed(page.error);
            return;
        }
        const QDateTime now = m_backend->clock()->now();
        QList<JobSummary> hits;
        for (const JobSummary &j : page.jobs) {
            if (m_matcher->matches(j, now)) {
                hits.append(j);
            }
        }
        scanned += page.jobs.size();
        found += hits.size();
        if (!hits.isEmpty()) {
            beginInsertRows({}, int(m_jobs.size()), int(m_jobs.size() + hits.size()) - 1);
            m_jobs.append(hits);
            endInsertRows();
        }
        noteScan(page, page.jobs.size());
        const bool more = !page.nextCursor.isEmpty() && page.nextCursor != query.after;
        m_next = more ? page.nextCursor : QString();
        m_notice = page.notice;
        if (m_matcher->filter().needsPayload() && scanned > 0 && std::all_of(page.jobs.cbegin(), page.jobs.cend(), [](const JobSummary &j) {
                return j.payload.isEmpty();
            })) {
            m_notice = tr("This backend lists no payloads, so no job can match a field filter.");
            m_next.clear();
        }
        if (more && !m_next.isEmpty() && found < query.limit && scanned < 10LL * query.limit) {
            query.after = page.nextCursor;
            loadFiltered(query, scanned, found);
            return;
        }
        m_loading = false;
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
    return !parent.isValid() && m_backend && !m_loading && !m_next.isEmpty() && !m_searchStopped;
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
        case IdColumn: return escapeForDisplay(j.id, 200); // ids hold queue names and message ids: hostile
        case ClassColumn: return escapeForDisplay(j.className, 120);
        case StateColumn: return jobStateText(j.state);
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
    case SortRole:
        switch (index.column()) {
        case IdColumn: {
            bool numeric = false;
            const qlonglong n = j.id.toLongLong(&numeric);
            return numeric ? QVariant(n) : QVariant(j.id);
        }
        case AttemptsColumn: return j.attempts ? *j.attempts : -1; // unknown sorts first, never as 0
        case RunAtColumn: return j.runAt.isValid() ? j.runAt.toMSecsSinceEpoch() : std::numeric_limits<qint64>::min();
        default: return data(index, Qt::DisplayRole);
        }
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
