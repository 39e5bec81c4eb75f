// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/audit/auditlog.h"
#include "core/jobfilter.h"
#include "core/jobs.h"
#include "core/recipients/userrule.h"

#include <QElapsedTimer>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QSet>

#include <optional>

namespace qd {

class Backend;
class IncidentTimeline;

/// What a bulk action acts on and how hard it may push a recovering system.
struct BulkSpec
{
    ActionKind kind = ActionKind::Retry;
    JobState expected = JobState::Failed;
    QString targetQueue;             ///< Move: where the jobs go
    QStringList jobIds;              ///< a selection; empty: every job matching `filter`
    std::optional<JobQuery> filter;  ///< "all matching": resolved page by page before anything changes
    JobFilter narrow;                ///< and narrowed like the job browser's view (class, field, minimum wait)
    QString filterText;              ///< human-readable, for the journal and the audit log
    int batchSize = 500;             ///< one conditional action, one audit row and one journal update per batch
    double ratePerSecond = 0;        ///< at most this many jobs per second (no thundering herd); 0: no limit
    int retries = 3;                 ///< attempts per failing batch, with 1, 2, 4 s between them
    QString operatorName;
    QString queue = {}; ///< with jobIds: the queue they are in (JobAction::queue); with a filter, its queue is used
    /// The connection's user rule: with a filter, the preview counts the distinct users behind the jobs.
    std::optional<UserRule> userRule = {};
};

/// The blast radius, known before anything changes: how many jobs, of which classes, how old, a sample.
struct BulkPreview
{
    qint64 total = 0;
    QMap<QString, qint64> classes;   ///< class name → jobs (only when resolved from a filter)
    QList<JobSummary> sample;        ///< the first few
    QDateTime oldest;                ///< earliest enqueued/run-at/failed-at seen
    QDateTime resolvedAt = {};       ///< when the matching jobs were counted (the backend's clock)
    std::optional<qint64> users = {}; ///< distinct users by BulkSpec::userRule; empty: no rule, or a selection
    qint64 withoutUser = 0;          ///< jobs the rule found no user in
    QString userRule = {};           ///< the rule's spec, as given
    qint64 sampled = 0;              ///< > 0: classes, users and oldest come from a sample of this many
};

/// The blast radius of a whole-queue action (a purge) from a sample of its jobs (e.g. a peek): `total` as counted,
/// classes, users (by `rule`, if any) and the oldest from `sample`.
BulkPreview sampledPreview(qint64 total, const QList<JobSummary> &sample, const std::optional<UserRule> &rule,
                           const QDateTime &now);

/// One line for the blast radius, the same in the GUI, the audit log and `--dry-run`: "35214 job(s) of 3
/// class(es), belonging to 512 user(s) by /args/0/user_id (4 without one), oldest waiting 2 h 03 m".
QString blastRadiusText(const BulkPreview &preview);

struct BulkProgress
{
    qint64 total = 0;
    qint64 done = 0;
    qint64 succeeded = 0;
    qint64 skipped = 0;
};

struct BulkSummary
{
    qint64 runId = 0;
    qint64 total = 0;
    qint64 succeeded = 0;
    qint64 skipped = 0;       ///< no longer in the expected state (someone else, a worker, or a re-done batch)
    qint64 notAttempted = 0;  ///< left for a resume (cancelled or interrupted)
    bool cancelled = false;
    QString error;            ///< why the run stopped early (the server went away…); resumable
    QStringList firstSucceeded; ///< the first 20 jobs acted on (for a short answer to a short run)
    bool complete() const { return !cancelled && error.isEmpty(); }
};

/// The sentence for a finished bulk run, the same on the desktop's status line and its incident timeline: "retried
/// 3 failed job(s) in print (1 skipped: no longer failed)", and what was left when it stopped early.
QString bulkSentence(const BulkSpec &spec, const BulkSummary &summary);

/// One bulk retry or cancel, in batches, journaled so it can be resumed after a cancel, a crash or a server
/// that vanished. Lives in the thread that creates it (the GUI thread, or the CLI's) and never blocks it: the
/// backend and the audit log work on their own threads. Every batch is a conditional action, so two operators
/// running the same bulk at once, or a batch re-done after a crash, never act on a job twice.
class BulkRun final : public QObject
{
    Q_OBJECT
public:
    BulkRun(Backend *backend, AuditLog *audit, BulkSpec spec, QObject *parent = nullptr);
    Q_DISABLE_COPY_MOVE(BulkRun)

    /// Continues a journaled run from its first unconfirmed batch (ids, action and state from the journal).
    static BulkRun *resume(Backend *backend, AuditLog *audit, const BulkJournalEntry &entry, double ratePerSecond = 0,
                           QObject *parent = nullptr);

    /// Finds the jobs (pages through the filter, or takes the selection) → resolved() or failed().
    void resolve();
    /// Acts on the resolved jobs, batch by batch → progress()…, finished(). Resolves first if needed.
    void start();
    /// Stops after the batch in flight; the journal keeps the rest for a resume.
    void cancel();
    /// The desktop's incident timeline: when the run ends having acted, its bulkSentence() goes there, under
    /// `connectionId`. Not owned.
    void setTimeline(IncidentTimeline *timeline, const QString &connectionId);

    const BulkSpec &spec() const { return m_spec; }
    const BulkPreview &preview() const { return m_preview; }
    const QStringList &jobIds() const { return m_ids; }
    qint64 runId() const { return m_runId; }
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void resolved(const qd::BulkPreview &preview);
    void failed(const QString &error); ///< the jobs could not be listed, or the journal not written: nothing changed
    void progress(const qd::BulkProgress &progress);
    void finished(const qd::BulkSummary &summary);

private:
    void resolvePage(JobQuery query);
    void begin();
    void nextBatch();
    void batchDone(const JobAction &action, const ActionResult &result);
    void finish(const QString &state, const QString &error);
    QString verb() const;

    QPointer<Backend> m_backend;
    std::optional<JobMatcher> m_matcher;
    AuditLog *m_audit;
    QPointer<IncidentTimeline> m_timeline;
    QString m_connectionId;
    BulkSpec m_spec;
    BulkPreview m_preview;
    QStringList m_ids;
    QSet<QString> m_users;
    QString m_radius; ///< blastRadiusText() of a resolved filter, for the journal and every audit row
    bool m_resolved = false;
    bool m_running = false;
    bool m_cancelled = false;
    qint64 m_runId = 0;
    qint64 m_next = 0;
    qint64 m_succeeded = 0;
    qint64 m_skipped = 0;
    QStringList m_firstSucceeded;
    int m_attempt = 0;
    int m_batchNumber = 0;
    QElapsedTimer m_sinceLastBatch;
};

} // namespace qd

Q_DECLARE_METATYPE(qd::BulkPreview)
Q_DECLARE_METATYPE(qd::BulkProgress)
Q_DECLARE_METATYPE(qd::BulkSummary)
