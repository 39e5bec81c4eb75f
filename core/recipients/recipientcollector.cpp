// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/recipients/recipientcollector.h"

#include "core/backend.h"
#include "core/clock.h"
#include "core/futurewatch.h"
#include "core/jobs/pagewalker.h"

#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace qd {

RecipientCollector::RecipientCollector(Backend *backend, JobQuery selection, UserRule rule, qint64 olderThanS, QObject *parent)
    : QObject(parent), m_backend(backend), m_query(std::move(selection)), m_rule(std::move(rule)), m_olderThanS(olderThanS)
{
    m_query.withPayload = true;
    m_query.limit = 1000;
    m_query.after.clear();
}

void RecipientCollector::setWindow(const QDateTime &since, const QDateTime &until)
{
    m_since = since;
    m_until = until;
}

void RecipientCollector::start()
{
    if (m_running) {
        return;
    }
    m_running = true;
    m_cancelled = false;
    m_total = {};
    m_listed = 0;
    m_sawPayload = false;
    m_query.after.clear();
    m_now = m_backend ? m_backend->clock()->now() : QDateTime::currentDateTimeUtc();
    walk();
}

void RecipientCollector::cancel()
{
    m_cancelled = true;
}

void RecipientCollector::walk()
{
    if (!m_backend) {
        m_running = false;
        Q_EMIT failed(tr("The connection is gone."));
        return;
    }
    // Every page of the listing (AsyncPageWalker); each is worked off this thread before the next is asked for.
    auto *walker = new AsyncPageWalker(m_backend, m_query, -1, int(m_query.limit), this);
    walker->setAutoProceed(false);
    connect(walker, &AsyncPageWalker::page, this, [this, walker](const JobPage &page) {
        if (m_cancelled) {
            walker->stop();
            return;
        }
        m_listed += page.jobs.size();
        m_sawPayload = m_sawPayload || std::any_of(page.jobs.cbegin(), page.jobs.cend(), [](const JobSummary &j) { return !j.payload.isEmpty(); });
        // Parsing a thousand YAML handlers is real work: off this (the GUI) thread.
        auto collected = QtConcurrent::run([jobs = page.jobs, rule = m_rule, now = m_now, olderThan = m_olderThanS,
                                            since = m_since, until = m_until] {
            QList<AffectedJob> affected;
            affected.reserve(jobs.size());
            for (const JobSummary &j : jobs) {
                AffectedJob a = AffectedJob::fromSummary(j);
                const QDateTime t = jobReferenceTime(a);
                const bool inWindow = (!since.isValid() || (t.isValid() && t >= since)) && (!until.isValid() || (t.isValid() && t < until));
                if (jobDelaySeconds(a, now) >= olderThan && inWindow) {
                    affected.append(std::move(a));
                }
            }
            return collectRecipients(affected, rule, now);
        });
        whenFinished(collected, this, [this, walker](const RecipientSet &set) {
            mergeRecipients(m_total, set);
            Q_EMIT progress(m_listed);
            if (m_cancelled) {
                walker->stop();
            } else {
                walker->proceed();
            }
        });
    });
    connect(walker, &AsyncPageWalker::finished, this, [this, walker](const PageWalk &walk) {
        walker->deleteLater();
        m_running = false;
        if (m_cancelled) {
            Q_EMIT failed(tr("Cancelled."));
        } else if (!walk.error.isEmpty()) {
            Q_EMIT failed(walk.error);
        } else {
            Q_EMIT finished(m_total);
        }
    });
    walker->start();
}

} // namespace qd
