// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/jobs.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <optional>

namespace qd {

class Backend;

/// How a walk over a listing ended.
struct PageWalk
{
    qint64 jobs = 0;         ///< jobs handed to the page callback
    qint64 pages = 0;        ///< pages asked for, empty ones included
    bool reachedEnd = false; ///< the listing has no more pages (else: stopped at `max`, by the callback or an error)
    QString nextCursor;      ///< where a later walk would continue (empty at the end)
    std::optional<qint64> scanned, scanTotal; ///< the last page's scan progress, where the backend reports it
    QString error;                            ///< the backend's error, or a listing that did not advance

    /// Takes one page's answer into the walk (counts, progress, cursor). True when the walk goes on (`query.after`
    /// moved to the next page, also past an empty page that still has a cursor), false when it ended: the end of
    /// the listing, an error, or a listing that did not advance. One rule for the blocking and the async walker.
    bool take(const JobPage &page, JobQuery &query);
};

/// Follows a listing's cursor to its end or to `max` jobs. A backend that scans in budgeted chunks returns pages
/// that are empty but still have a cursor ("not reached yet", never "gone"): the walk goes on through them. Each
/// page is asked for at most `pageSize` jobs (and never more than are still wanted); `onPage` gets every page that
/// holds jobs and returns false to stop. Blocking: for the CLI, tests and worker threads, never the GUI thread.
class PageWalker final
{
public:
    using OnPage = std::function<bool(const JobPage &)>;
    static PageWalk walk(Backend &backend, JobQuery query, qint64 max, int pageSize, const OnPage &onPage);
};

/// The same walk for the GUI thread: asks one page at a time, never blocks, and goes on through empty budgeted
/// pages by itself. advanced() reports every page (progress), page() carries every page that holds jobs; finished() ends every walk exactly once (the end
/// of the listing, `max` jobs, stop(), or an error in PageWalk::error). With autoProceed off, the walk waits after
/// each page() until proceed() (a consumer with work of its own per page). Every loop over a listing in the GUI
/// and core uses this or PageWalker: none stops at an empty page that still has a cursor.
class AsyncPageWalker final : public QObject
{
    Q_OBJECT
public:
    /// `max` < 0: the whole listing. `query.after` is where the walk starts.
    AsyncPageWalker(Backend *backend, JobQuery query, qint64 max, int pageSize, QObject *parent = nullptr);
    Q_DISABLE_COPY_MOVE(AsyncPageWalker)

    void setAutoProceed(bool on) { m_auto = on; }
    void start();
    void proceed();
    /// No further page is asked for; finished() follows at once, or after the page in flight (still delivered).
    void stop();
    const PageWalk &walk() const { return m_walk; }
    bool isRunning() const { return m_started && !m_finished; }

Q_SIGNALS:
    /// Every answered page, empty ones included, before page(): the scan's progress (JobPage::scanned/scanTotal).
    void advanced(const qd::JobPage &page);
    void page(const qd::JobPage &page);
    void finished(const qd::PageWalk &walk);

private:
    void ask();
    void finish();

    QPointer<Backend> m_backend;
    JobQuery m_query;
    qint64 m_max;
    int m_pageSize;
    PageWalk m_walk;
    bool m_auto = true;
    bool m_more = true;
    bool m_stopped = false;
    bool m_inFlight = false;
    bool m_started = false;
    bool m_finished = false;
};

} // namespace qd

Q_DECLARE_METATYPE(qd::PageWalk)
