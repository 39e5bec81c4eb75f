// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/actions/bulkrun.h"
#include "core/actions/actiontexts.h"
#include "core/actions/operatoractions.h"
#include "core/timeline/incidenttimeline.h"
#include "core/textsafety.h"
#include "core/jobs/pagewalker.h"

#include "core/alerts/alertmessages.h"
#include "core/backend.h"
#include "core/clock.h"
#include "core/futurewatch.h"

#include <QCoreApplication>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace qd {

namespace {
constexpr int kSampleSize = 5;
constexpr int kPageSize = 1000;

QDateTime earliest(const JobSummary &j)
{
    for (const QDateTime &t : {j.enqueuedAt, j.failedAt, j.runAt}) {
        if (t.isValid()) {
            return t;
        }
    }
    return {};
}
} // namespace

QString blastRadiusText(const BulkPreview &p)
{
    QString text = BulkRun::tr("%1 job(s)").arg(p.total);
    if (!p.classes.isEmpty()) {
        text += BulkRun::tr(" of %1 class(es)").arg(p.classes.size());
    }
    if (p.users) {
        text += BulkRun::tr(", belonging to %1 user(s) by %2").arg(*p.users).arg(p.userRule);
        if (p.withoutUser > 0) {
            text += BulkRun::tr(" (%1 without one)").arg(p.withoutUser);
        }
    }
    if (p.oldest.isValid() && p.resolvedAt.isValid()) {
        text += BulkRun::tr(", oldest waiting %1").arg(AlertMessages::duration(double(p.oldest.secsTo(p.resolvedAt))));
    }
    if (p.sampled > 0) {
        text += BulkRun::tr(" (classes, users and age from a sample of %1)").arg(p.sampled);
    }
    return text;
}

BulkPreview sampledPreview(qint64 total, const QList<JobSummary> &sample, const std::optional<UserRule> &rule,
                           const QDateTime &now)
{
    BulkPreview p;
    p.total = total;
    p.resolvedAt = now;
    p.sampled = sample.size();
    QSet<QString> users;
    for (const JobSummary &j : sample) {
        ++p.classes[j.className];
        if (p.sample.size() < 5) {
            p.sample << j;
            p.sample.last().payload.clear();
        }
        const QDateTime t = earliest(j);
        if (t.isValid() && (!p.oldest.isValid() || t < p.oldest)) {
            p.oldest = t;
        }
        if (rule) {
            if (const std::optional<QString> user = rule->extract(j.payload)) {
                users.insert(*user);
            } else {
                ++p.withoutUser;
            }
        }
    }
    if (rule) {
        p.users = users.size();
        p.userRule = rule->spec;
    }
    return p;
}

BulkRun::BulkRun(Backend *backend, AuditLog *audit, BulkSpec spec, QObject *parent)
    : QObject(parent), m_backend(backend), m_audit(audit), m_spec(std::move(spec))
{
    m_spec.batchSize = std::max(1, m_spec.batchSize);
    if (m_spec.ratePerSecond > 0) {
        // Batches of about one second each, so a limit of 20/s means 20 jobs a second, not 500 every 25 s.
        m_spec.batchSize = std::clamp(int(std::ceil(m_spec.ratePerSecond)), 1, m_spec.batchSize);
    }
}

BulkRun *BulkRun::resume(Backend *backend, AuditLog *audit, const BulkJournalEntry &entry, double ratePerSecond,
                         QObject *parent)
{
    BulkSpec spec;
    // The journal's action is "retry", "cancel" or "move:<target queue>".
    spec.kind = parseActionName(entry.action.section(u':', 0, 0)).value_or(ActionKind::Retry);
    spec.targetQueue = entry.action.section(u':', 1);
    spec.expected = parseJobState(entry.expectedState).value_or(JobState::Failed);
    spec.jobIds = entry.jobIds;
    spec.filterText = entry.filter;
    spec.operatorName = entry.operatorName;
    spec.ratePerSecond = ratePerSecond;
    auto *run = new BulkRun(backend, audit, spec, parent);
    run->m_runId = entry.id;
    run->m_next = std::min<qint64>(entry.next, entry.jobIds.size());
    run->m_succeeded = entry.succeeded;
    run->m_skipped = entry.skipped;
    run->m_ids = entry.jobIds;
    run->m_resolved = true;
    run->m_preview.total = entry.jobIds.size();
    return run;
}

QString BulkRun::verb() const
{
    return actionName(m_spec.kind);
}

void BulkRun::resolve()
{
    if (m_resolved) {
        QTimer::singleShot(0, this, [this] { Q_EMIT resolved(m_preview); });
        return;
    }
    if (!m_spec.filter) {
        m_ids = m_spec.jobIds;
        m_ids.removeDuplicates();
        m_preview.total = m_ids.size();
        m_resolved = true;
        QTimer::singleShot(0, this, [this] {
            Q_EMIT resolved(m_preview);
            if (m_running) {
                begin();
            }
        });
        return;
    }
    if (!m_backend) {
        m_running = false;
        QTimer::singleShot(0, this, [this] { Q_EMIT failed(tr("The connection is gone.")); });
        return;
    }
    JobQuery q = *m_spec.filter;
    q.state = m_spec.expected;
    q.limit = kPageSize;
    q.after.clear();
    m_matcher.reset();
    if (!m_spec.narrow.isEmpty()) {
        auto matcher = JobMatcher::create(m_spec.narrow);
        if (!matcher) {
            m_running = false;
            QTimer::singleShot(0, this, [this, e = matcher.error()] { Q_EMIT failed(e); });
            return;
        }
        m_matcher = matcher.value();
        q.withPayload = q.withPayload || m_spec.narrow.needsPayload();
    }
    m_users.clear();
    m_preview.withoutUser = 0;
    if (m_spec.userRule) {
        q.withPayload = true; // the user is read from each job's payload
        m_preview.userRule = m_spec.userRule->spec;
    }
    resolvePage(q);
}

void BulkRun::resolvePage(JobQuery query)
{
    // Every matching job, through empty budgeted pages to the end of the listing (AsyncPageWalker).
    auto *walker = new AsyncPageWalker(m_backend, std::move(query), -1, kPageSize, this);
    connect(walker, &AsyncPageWalker::page, this, [this, walker](const JobPage &page) {
        if (m_cancelled) {
            walker->stop();
            return;
        }
        const QDateTime now = m_backend ? m_backend->clock()->now() : QDateTime::currentDateTimeUtc();
        for (const JobSummary &j : page.jobs) {
            if (m_matcher && !m_matcher->matches(j, now)) {
                continue;
            }
            m_ids << j.id;
            ++m_preview.classes[j.className];
            if (m_spec.userRule) {
                if (const std::optional<QString> user = m_spec.userRule->extract(j.payload)) {
                    m_users.insert(*user);
                } else {
                    ++m_preview.withoutUser;
                }
            }
            if (m_preview.sample.size() < kSampleSize) {
                m_preview.sample << j;
                m_preview.sample.last().payload.clear(); // a sample shows ids, classes and errors only
            }
            const QDateTime t = earliest(j);
            if (t.isValid() && (!m_preview.oldest.isValid() || t < m_preview.oldest)) {
                m_preview.oldest = t;
            }
        }
    });
    connect(walker, &AsyncPageWalker::finished, this, [this, walker](const PageWalk &walk) {
        walker->deleteLater();
        if (m_cancelled) {
            m_running = false;
            Q_EMIT failed(tr("Cancelled before anything changed."));
            return;
        }
        if (!walk.error.isEmpty()) {
            m_running = false;
            Q_EMIT failed(tr("Cannot list the jobs to act on: %1 — nothing was changed.").arg(walk.error));
            return;
        }
        m_ids.removeDuplicates(); // a job that moved between pages may be listed twice
        m_preview.total = m_ids.size();
        m_preview.resolvedAt = m_backend ? m_backend->clock()->now() : QDateTime::currentDateTimeUtc();
        if (m_spec.userRule) {
            m_preview.users = m_users.size();
            m_users.clear();
        }
        m_radius = blastRadiusText(m_preview);
        m_resolved = true;
        Q_EMIT resolved(m_preview);
        if (m_running) {
            begin();
        }
    });
    walker->start();
}

namespace {

/// Whether the backend offers `kind` at all (a read-only connection offers nothing).
bool offered(const Capabilities &c, ActionKind kind)
{
    switch (kind) {
    case ActionKind::Retry: return c.retry;
    case ActionKind::Cancel: return c.cancel;
    case ActionKind::Move: return c.moveJobs;
    }
    return false;
}

} // namespace

void BulkRun::start()
{
    if (m_running) {
        return;
    }
    if (m_backend && !offered(m_backend->capabilities(), m_spec.kind)) {
        // A refusal is not a run: nothing is journaled, so nothing offers "Resume with" for what never started.
        Q_EMIT failed(tr("This connection cannot %1 jobs (it is read-only, or the backend cannot): nothing was "
                         "changed and no run was recorded.")
                          .arg(verb()));
        return;
    }
    m_running = true;
    m_cancelled = false;
    if (!m_resolved) {
        resolve();
        return; // begin() follows the last page
    }
    begin();
}

void BulkRun::begin()
{
    if (!m_audit) {
        m_running = false;
        Q_EMIT failed(tr("Refusing to act without an audit log."));
        return;
    }
    if (m_runId != 0) {
        // A resume: one process at a time. The second `resume` of a run is refused with who holds it, before it
        // changes anything or writes to the journal.
        whenFinished(m_audit->leaseBulk(m_runId), this, [this](const QString &refused) {
            if (!refused.isEmpty()) {
                m_running = false;
                Q_EMIT failed(refused);
                return;
            }
            m_audit->updateBulk(m_runId, m_next, m_succeeded, m_skipped, QStringLiteral("running"));
            nextBatch();
        });
        return;
    }
    BulkJournalEntry e;
    e.operatorName = m_spec.operatorName;
    e.connection = m_backend ? m_backend->url().toDisplayString() : QString();
    e.action = m_spec.kind == ActionKind::Move ? verb() + u':' + m_spec.targetQueue : verb();
    e.expectedState = jobStateName(m_spec.expected);
    e.filter = m_radius.isEmpty() ? m_spec.filterText : tr("%1 — blast radius: %2").arg(m_spec.filterText, m_radius);
    e.jobIds = m_ids;
    whenFinished(m_audit->beginBulk(e), this, [this](qint64 id) {
        if (id == 0) {
            m_running = false;
            Q_EMIT failed(tr("The audit log cannot record this bulk action, so nothing was changed."));
            return;
        }
        m_runId = id;
        nextBatch();
    });
}

void BulkRun::cancel()
{
    m_cancelled = true;
}

void BulkRun::nextBatch()
{
    if (m_cancelled) {
        finish(QStringLiteral("cancelled"), {});
        return;
    }
    if (m_next >= m_ids.size()) {
        finish(QStringLiteral("done"), {});
        return;
    }
    if (!m_backend) {
        finish(QStringLiteral("interrupted"), tr("The connection is gone."));
        return;
    }
    if (m_spec.ratePerSecond > 0 && m_sinceLastBatch.isValid()) {
        const qint64 due = qint64(1000.0 * m_spec.batchSize / m_spec.ratePerSecond);
        if (const qint64 wait = due - m_sinceLastBatch.elapsed(); wait > 0) {
            QTimer::singleShot(int(wait), this, &BulkRun::nextBatch);
            return;
        }
    }
    m_sinceLastBatch.start();
    JobAction a;
    a.kind = m_spec.kind;
    a.expected = m_spec.expected;
    a.targetQueue = m_spec.targetQueue;
    a.queue = m_spec.filter ? m_spec.filter->queue : m_spec.queue;
    a.jobIds = m_ids.mid(m_next, m_spec.batchSize);
    whenFinished(m_backend->act(a), this, [this, a](const ActionResult &r) { batchDone(a, r); });
}

void BulkRun::batchDone(const JobAction &action, const ActionResult &r)
{
    ++m_batchNumber;
    const qint64 batches = (m_ids.size() + m_spec.batchSize - 1) / m_spec.batchSize;
    AuditRecord rec;
    rec.operatorName = m_spec.operatorName;
    rec.connection = m_backend ? m_backend->url().toDisplayString() : QString();
    rec.action = verb();
    rec.expectedState = jobStateName(action.expected);
    rec.jobIds = action.jobIds;
    rec.filter = tr("bulk #%1, batch %2 of %3: %4%5")
                     .arg(m_runId)
                     .arg(m_next / m_spec.batchSize + 1)
                     .arg(batches)
                     .arg(m_spec.filterText, action.kind == ActionKind::Move ? tr(" → %1").arg(action.targetQueue) : QString());
    if (!m_radius.isEmpty()) {
        rec.filter += tr(" — blast radius: %1").arg(m_radius);
    }
    rec.succeeded = int(r.succeeded.size());
    rec.skipped = int(r.skipped.size());
    rec.result = r.error.isEmpty() ? QStringLiteral("ok") : r.error;
    m_audit->append(rec);

    if (!r.error.isEmpty()) {
        if (m_attempt < m_spec.retries && !m_cancelled) {
            // Safe to repeat: what the failed attempt did get done is skipped the second time.
            const int backoff = 1000 << m_attempt++;
            QTimer::singleShot(backoff, this, &BulkRun::nextBatch);
            return;
        }
        finish(QStringLiteral("interrupted"), r.error);
        return;
    }
    m_attempt = 0;
    m_next += action.jobIds.size();
    m_succeeded += r.succeeded.size();
    m_firstSucceeded += r.succeeded.mid(0, 20 - m_firstSucceeded.size());
    m_skipped += r.skipped.size();
    m_audit->updateBulk(m_runId, m_next, m_succeeded, m_skipped, QStringLiteral("running"));
    Q_EMIT progress(BulkProgress{m_ids.size(), m_next, m_succeeded, m_skipped});
    nextBatch();
}

void BulkRun::finish(const QString &state, const QString &error)
{
    m_running = false;
    if (m_audit && m_runId != 0) {
        m_audit->updateBulk(m_runId, m_next, m_succeeded, m_skipped, state, error);
    }
    BulkSummary s;
    s.runId = m_runId;
    s.total = m_ids.size();
    s.succeeded = m_succeeded;
    s.skipped = m_skipped;
    s.notAttempted = m_ids.size() - m_next;
    s.cancelled = state == u"cancelled";
    s.error = error;
    s.firstSucceeded = m_firstSucceeded;
    if (s.succeeded > 0 || s.skipped > 0) {
        noteOnTimeline(m_timeline, m_connectionId, m_spec.operatorName, bulkSentence(m_spec, s));
    }
    Q_EMIT finished(s);
}

void BulkRun::setTimeline(IncidentTimeline *timeline, const QString &connectionId)
{
    m_timeline = timeline;
    m_connectionId = connectionId;
}

QString bulkSentence(const BulkSpec &spec, const BulkSummary &summary)
{
    const auto tr = [](const char *text) { return QCoreApplication::translate("qd::BulkRun", text); };
    const QString queue = escapeForDisplay(!spec.queue.isEmpty() ? spec.queue : spec.filter ? spec.filter->queue : QString(), 120);
    const QString state = jobStateText(spec.expected);
    const QString verb = spec.kind == ActionKind::Move
                             ? tr("%1 to %2").arg(pastTense(spec.kind), escapeForDisplay(spec.targetQueue, 120))
                             : pastTense(spec.kind);
    QString text = queue.isEmpty() ? tr("%1 %2 %3 job(s)").arg(verb).arg(summary.succeeded).arg(state)
                                   : tr("%1 %2 %3 job(s) in %4").arg(verb).arg(summary.succeeded).arg(state, queue);
    if (summary.skipped > 0) {
        text += tr(" (%1 skipped: no longer %2)").arg(summary.skipped).arg(state);
    }
    if (summary.cancelled) {
        text += tr(" — stopped, %1 left for a resume").arg(summary.notAttempted);
    } else if (!summary.error.isEmpty()) {
        text += tr(" — interrupted (%1), %2 left for a resume").arg(escapeForDisplay(summary.error, 200)).arg(summary.notAttempted);
    }
    return text;
}

} // namespace qd
