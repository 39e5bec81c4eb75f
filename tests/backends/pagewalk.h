// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/backend.h"

#include <QString>

namespace qd::test {

/// Every page of a query, cursor after cursor, as the job browser's search asks for them, checking that each
/// page reports how far the scan got and moves on by at most `maxStep` entries.
struct PageWalk
{
    int calls = 0;
    qint64 scanned = 0;          ///< the last page's scanned (all of them, at the end)
    qint64 total = -1;           ///< the pages' scanTotal (-1: a page did not say)
    QList<JobSummary> hits;
    QString problem;             ///< non-empty: what went wrong, for QVERIFY2
};

inline PageWalk walkPages(Backend &backend, JobQuery query, qint64 maxStep)
{
    PageWalk w;
    for (;;) {
        auto f = backend.jobs(query);
        f.waitForFinished();
        const JobPage page = f.result();
        ++w.calls;
        if (!page.error.isEmpty()) {
            w.problem = page.error;
            return w;
        }
        const qint64 at = page.scanned.value_or(-1);
        if (at <= w.scanned || at - w.scanned > maxStep) {
            w.problem = QStringLiteral("page %1 scanned up to %2 after %3").arg(w.calls).arg(at).arg(w.scanned);
            return w;
        }
        w.scanned = at;
        w.total = page.scanTotal.value_or(-1);
        w.hits += page.jobs;
        if (page.nextCursor.isEmpty()) {
            return w;
        }
        query.after = page.nextCursor;
    }
}

} // namespace qd::test
