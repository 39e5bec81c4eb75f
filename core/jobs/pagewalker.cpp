// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/jobs/pagewalker.h"

#include "core/backend.h"
#include "core/futurewatch.h"

#include <QCoreApplication>

#include <algorithm>

namespace qd {

bool PageWalk::take(const JobPage &page, JobQuery &query)
{
    ++pages;
    if (!page.error.isEmpty()) {
        error = page.error;
        return false;
    }
    scanned = page.scanned;
    scanTotal = page.scanTotal;
    nextCursor = page.nextCursor;
    jobs += page.jobs.size();
    if (page.nextCursor.isEmpty()) {
        reachedEnd = true;
        return false;
    }
    if (page.nextCursor == query.after) {
        error = QCoreApplication::translate("qd::PageWalker", "The listing did not advance past %1; stopped after %n job(s).",
                                            nullptr, int(jobs))
                    .arg(page.nextCursor.left(80));
        return false;
    }
    query.after = page.nextCursor;
    return true;
}

PageWalk PageWalker::walk(Backend &backend, JobQuery query, qint64 max, int pageSize, const OnPage &onPage)
{
    PageWalk w;
    while (max < 0 || w.jobs < max) {
        query.limit = int(max < 0 ? pageSize : std::min<qint64>(pageSize, max - w.jobs));
        QFuture<JobPage> f = backend.jobs(query);
        f.waitForFinished();
        const JobPage page = f.result();
        const bool more = w.take(page, query);
        if (!page.jobs.isEmpty() && !onPage(page)) {
            return w;
        }
        if (!more) {
            return w;
        }
    }
    return w;
}

AsyncPageWalker::AsyncPageWalker(Backend *backend, JobQuery query, qint64 max, int pageSize, QObject *parent)
    : QObject(parent), m_backend(backend), m_query(std::move(query)), m_max(max), m_pageSize(std::max(pageSize, 1))
{
}

void AsyncPageWalker::start()
{
    if (m_started) {
        return;
    }
    m_started = true;
    ask();
}

void AsyncPageWalker::proceed()
{
    if (m_started && !m_inFlight && !m_finished) {
        ask();
    }
}

void AsyncPageWalker::stop()
{
    m_stopped = true;
    if (m_started && !m_inFlight) {
        finish();
    }
}

void AsyncPageWalker::ask()
{
    if (m_inFlight || m_finished) {
        return;
    }
    if (m_stopped || !m_more || (m_max >= 0 && m_walk.jobs >= m_max)) {
        finish();
        return;
    }
    if (!m_backend) {
        m_walk.error = QCoreApplication::translate("qd::PageWalker", "The connection was closed.");
        finish();
        return;
    }
    m_query.limit = int(m_max < 0 ? m_pageSize : std::min<qint64>(m_pageSize, m_max - m_walk.jobs));
    m_inFlight = true;
    whenFinished(m_backend->jobs(m_query), this, [this](const JobPage &page) {
        m_inFlight = false;
        m_more = m_walk.take(page, m_query);
        const QPointer<AsyncPageWalker> alive(this);
        Q_EMIT advanced(page);
        if (!alive || m_finished) {
            return;
        }
        if (!page.jobs.isEmpty()) {
            Q_EMIT this->page(page); // also after stop(): the page that was in flight is still delivered
            if (!alive || m_finished || (!m_auto && !m_stopped)) {
                return; // the consumer calls proceed() when it is ready
            }
        }
        ask();
    });
}

void AsyncPageWalker::finish()
{
    if (m_finished) {
        return;
    }
    m_finished = true;
    Q_EMIT finished(m_walk);
}


} // namespace qd
