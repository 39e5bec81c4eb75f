// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "jobs/pagewalker.h"

#include "backend.h"

#include <algorithm>

namespace qd {

PageWalk PageWalker::walk(Backend &backend, JobQuery query, qint64 max, int pageSize, const OnPage &onPage)
{
    PageWalk w;
    while (max < 0 || w.jobs < max) {
        query.limit = int(max < 0 ? pageSize : std::min<qint64>(pageSize, max - w.jobs));
        QFuture<JobPage> f = backend.jobs(query);
        f.waitForFinished();
        const JobPage page = f.result();
        ++w.pages;
        if (!page.error.isEmpty()) {
            w.error = page.error;
            return w;
        }
        w.scanned = page.scanned;
        w.scanTotal = page.scanTotal;
        w.nextCursor = page.nextCursor;
        if (!page.jobs.isEmpty()) {
            w.jobs += page.jobs.size();
            if (!onPage(page)) {
                return w;
            }
        }
        if (page.nextCursor.isEmpty()) {
            w.reachedEnd = true;
            return w;
        }
        if (page.nextCursor == query.after) {
            w.error = tr("The listing did not advance past %1; stopped after %n job(s).", nullptr, int(w.jobs))
                          .arg(page.nextCursor.left(80));
            return w;
        }
        query.after = page.nextCursor;
    }
    return w;
}

} // namespace qd
