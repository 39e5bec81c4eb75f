// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "models/jobtablemodel.h"

#include "core/backend.h"
#include "core/clock.h"
#include "models/freshness.h"
#include "core/jobs/pagewalker.h"
#include "models/languagechange.h"
#include "core/textsafety.h"

#include <QLocale>

#include <algorithm>

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
    dropWalk(); // answers to the previous query are dropped
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
    dropWalk();
    m_loading = true;
    m_walkScanned = m_walkFound = 0;
    m_noPayloads = false;
    JobQuery q = m_query;
    q.after = m_next;
    // A page's worth of rows. The walk goes on through pages that are empty but have a cursor (a search scans a
    // million-job list in short, bounded chunks: hits deep in it are reached, each shown as it comes); with a
    // client-side filter it ends after ten pages' worth looked at (the operator scrolls on, or narrows the
    // backend's own search).
    auto *walker = new AsyncPageWalker(m_backend, q, m_matcher ? -1 : q.limit, q.limit, this);
    m_walker = walker;
    connect(walker, &AsyncPageWalker::advanced, this, [this, walker](const JobPage &page) {
        if (walker == m_walker) {
            m_notice = page.notice;
            noteScan(page, page.jobs.size());
        }
    });
    connect(walker, &AsyncPageWalker::page, this, [this, walker](const JobPage &page) {
        if (walker == m_walker && !takePage(page)) {
            walker->stop();
        }
    });
    connect(walker, &AsyncPageWalker::finished, this, [this, walker](const PageWalk &walk) {
        if (walker == m_walker) {
            walkFinished(walk);
        }
        walker->deleteLater();
    });
    walker->start();
}

bool JobTableModel::takePage(const JobPage &page)
{
    QList<JobSummary> rows;
    if (m_matcher) {
        const QDateTime now = m_backend->clock()->now();
        for (const JobSummary &j : page.jobs) {
            if (m_matcher->matches(j, now)) {
                rows.append(j);
            }
        }
        if (m_matcher->filter().needsPayload() && std::all_of(page.jobs.cbegin(), page.jobs.cend(), [](const JobSummary &j) {
                return j.payload.isEmpty();
            })) {
            m_noPayloads = true;
        }
    } else {
        rows = page.jobs;
    }
    m_walkScanned += page.jobs.size();
    m_walkFound += rows.size();
    if (!rows.isEmpty()) {
        beginInsertRows({}, int(m_jobs.size()), int(m_jobs.size() + rows.size()) - 1);
        m_jobs.append(rows);
        endInsertRows();
    }
    const qint64 limit = m_query.limit;
    return !m_noPayloads && m_walkFound < limit && (!m_matcher || m_walkScanned < 10 * limit);
}

void JobTableModel::walkFinished(const PageWalk &walk)
{
    m_walker = nullptr;
    m_loading = false;
    m_next = walk.reachedEnd || !walk.error.isEmpty() ? QString() : walk.nextCursor;
    if (m_noPayloads) {
        m_notice = tr("This backend lists no payloads, so no job can match a field filter.");
        m_next.clear();
    }
    if (!walk.error.isEmpty()) {
        m_error = walk.error;
        Q_EMIT loadFailed(walk.error);
        return;
    }
    Q_EMIT pageLoaded();
}

void JobTableModel::dropWalk()
{
    if (m_walker) {
        AsyncPageWalker *walker = m_walker;
        m_walker = nullptr;
        walker->stop(); // finished() comes, and is ignored: the walker is no longer this model's
    }
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
    dropWalk(); // the answer in flight is dropped: its rows would be found again by a new search
    m_loading = false;
    m_searchStopped = true;
    Q_EMIT pageLoaded();
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
