// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

// A listing shaped like a budgeted server-side search of a big live queue, for the page walkers and the views
// that use them: each page scans 100 entries and returns what matched among them, so almost every page is empty
// but still has a cursor.
#include "core/backend.h"
#include "core/clock.h"

#include <QPromise>
#include <QTimer>

#include <memory>

namespace qd::test {

/// `entries` jobs of which those at the indexes in `matches` match (an empty search lists every one of them).
class BudgetedSearch final : public Backend
{
public:
    BudgetedSearch(int entries, QList<int> matches)
        : Backend(ConnectionUrl::parse(QStringLiteral("sidekiq+redis://127.0.0.1:1/0")).value(), Clock::system()),
          m_entries(entries), m_matches(std::move(matches))
    {
    }
    QString kind() const override { return QStringLiteral("budgeted"); }
    Capabilities capabilities() const override { return {}; }
    QFuture<Snapshot> snapshot() override { return QtFuture::makeReadyFuture(Snapshot{}); }

    int calls = 0;
    bool stall = false; ///< answer the same cursor again (a listing that does not advance)
    bool later = true;  ///< answer from the event loop (the async walker); false: at once (the blocking walker)

    QFuture<JobPage> jobs(const JobQuery &q) override
    {
        ++calls;
        const int from = q.after.isEmpty() ? 0 : q.after.mid(5).toInt();
        const int to = std::min(from + 100, m_entries); // the scan budget
        JobPage page;
        for (const int m : m_matches) {
            if (m >= from && m < to && page.jobs.size() < q.limit) {
                JobSummary j;
                j.id = QStringLiteral("job-%1").arg(m);
                j.className = QStringLiteral("PrintJob");
                page.jobs << j;
            }
        }
        page.scanned = to;
        page.scanTotal = m_entries;
        if (to < m_entries) {
            page.nextCursor = stall && from > 0 ? q.after : QStringLiteral("scan:%1").arg(to);
        }
        if (!later) {
            return QtFuture::makeReadyFuture(page);
        }
        // Answered later, as a real backend does: the async walker must not depend on ready futures.
        auto promise = std::make_shared<QPromise<JobPage>>();
        promise->start();
        QTimer::singleShot(0, [promise, page] {
            promise->addResult(page);
            promise->finish();
        });
        return promise->future();
    }

private:
    int m_entries;
    QList<int> m_matches;
};

} // namespace qd::test
