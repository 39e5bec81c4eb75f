// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "jobs.h"

#include <QCoreApplication>

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
};

/// Follows a listing's cursor to its end or to `max` jobs. A backend that scans in budgeted chunks returns pages
/// that are empty but still have a cursor ("not reached yet", never "gone"): the walk goes on through them. Each
/// page is asked for at most `pageSize` jobs (and never more than are still wanted); `onPage` gets every page that
/// holds jobs and returns false to stop. Blocking: for the CLI, tests and worker threads, never the GUI thread.
class PageWalker final
{
    Q_DECLARE_TR_FUNCTIONS(qd::PageWalker)

public:
    using OnPage = std::function<bool(const JobPage &)>;
    static PageWalk walk(Backend &backend, JobQuery query, qint64 max, int pageSize, const OnPage &onPage);
};

} // namespace qd
