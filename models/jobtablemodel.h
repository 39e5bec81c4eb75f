// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/jobfilter.h"
#include "core/jobs.h"

#include <optional>

#include <QAbstractTableModel>
#include <QPointer>

namespace qd {

class AsyncPageWalker;
class Backend;
struct PageWalk;

/// The jobs of one queue in one state, paged from the backend: the first page comes at once, the next when
/// the view scrolls near the end (fetchMore), so a million-job set opens as fast as a small one.
class JobTableModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { IdColumn, ClassColumn, StateColumn, AttemptsColumn, RunAtColumn, ErrorColumn, ColumnCount };
    enum Role { JobIdRole = Qt::UserRole + 1, JobStateRole, SortRole };

    explicit JobTableModel(QObject *parent = nullptr);
    Q_DISABLE_COPY_MOVE(JobTableModel)

    /// Starts over with a new query (nullptr backend: empty), narrowed by `filter` (see JobFilter). Returns an
    /// error for a filter that cannot be used (a bad field pointer), and lists nothing then.
    QString setQuery(Backend *backend, const JobQuery &query, const JobFilter &filter = {});
    void refresh();
    const JobQuery &query() const { return m_query; }
    const JobSummary *job(int row) const;
    QString error() const { return m_error; }
    /// The backend's notice about the listing (e.g. "peeking marks messages redelivered").
    QString notice() const { return m_notice; }
    bool isLoading() const { return m_loading; }
    /// A search (JobQuery::search or a filter) is scanning: the backend answers in bounded chunks and the model
    /// asks for the next one itself until a page's worth matched or the end, adding rows as they are found.
    bool isSearching() const { return m_loading && (!m_query.search.isEmpty() || m_matcher); }
    /// Stops a running search where it is: the rows found stay; scrolling does not restart it (refresh() does).
    void stopSearch();
    bool searchStopped() const { return m_searchStopped; }
    /// Entries the backend has looked at, of how many (empty: the backend does not say).
    std::optional<qint64> scanned() const { return m_scanned; }
    std::optional<qint64> scanTotal() const { return m_scanTotal; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

Q_SIGNALS:
    void pageLoaded();
    void loadFailed(const QString &error);
    /// A search moved on: `scanned` of `total` entries looked at (-1: unknown), `found` rows so far.
    void searchProgress(qint64 scanned, qint64 total, qint64 found);

private:
    void load();
    /// One page of the walk: rows added (those the filter matches); false when a page's worth is there.
    bool takePage(const JobPage &page);
    void walkFinished(const PageWalk &walk);
    /// The walk in flight, if any, is dropped: its answers would be rows of another query.
    void dropWalk();
    void noteScan(const JobPage &page, qint64 scannedHere);

    Backend *m_backend = nullptr;
    JobQuery m_query;
    std::optional<JobMatcher> m_matcher;
    QList<JobSummary> m_jobs;
    QString m_next;
    QString m_error;
    QString m_notice;
    bool m_loading = false;
    bool m_searchStopped = false;
    std::optional<qint64> m_scanned;
    std::optional<qint64> m_scanTotal;
    QPointer<AsyncPageWalker> m_walker;
    qint64 m_walkScanned = 0; ///< jobs the current load looked at (with a filter: matched or not)
    qint64 m_walkFound = 0;   ///< rows the current load added
    bool m_noPayloads = false; ///< the backend lists no payloads: a field filter can match nothing
};

} // namespace qd
