// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "recipientcollector.h"

#include "../backend.h"
#include "../clock.h"
#include "../futurewatch.h"

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
    nextPage();
}

void RecipientCollector::cancel()
{
    m_cancelled = true;
}

void RecipientCollector::nextPage()
{
    if (!m_backend) {
        m_running = false;
        Q_EMIT failed(tr("The connection is gone."));
        return;
    }
    whenFinished(m_backend->jobs(m_query), this, [this](const JobPage &page) {
        if (m_cancelled) {
            m_running = false;
            Q_EMIT failed(tr("Cancelled."));
            return;
        }
        if (!page.error.isEmpty()) {
            m_running = false;
            Q_EMIT failed(page.error);
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
        const QString next = page.nextCursor;
        whenFinished(collected, this, [this, next](const RecipientSet &set) {
            mergeRecipients(m_total, set);
            Q_EMIT progress(m_listed);
            if (m_cancelled) {
                m_running = false;
                Q_EMIT failed(tr("Cancelled."));
                return;
            }
            if (next.isEmpty()) {
                m_running = false;
                Q_EMIT finished(m_total);
                return;
            }
            if (next == m_query.after) {
                m_running = false;
                Q_EMIT failed(tr("The backend's listing did not advance past %1; stopping.").arg(next.left(80)));
                return;
            }
            m_query.after = next;
            nextPage();
        });
    });
}

} // namespace qd
