// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/recipients/userrule.h"

#include "core/jobs.h"

#include <QDateTime>
#include <QList>
#include <QStringList>

namespace qd {

/// A job in a selection (stuck jobs of a queue, the failed set, a time range), with its payload.
struct AffectedJob
{
    QString id;
    QString queue;
    QString className;
    QString payload;
    QDateTime enqueuedAt;
    QDateTime runAt;
    QDateTime failedAt;

    static AffectedJob fromDetail(const JobDetail &detail);
    /// From a listing made with JobQuery::withPayload (payload empty otherwise).
    static AffectedJob fromSummary(const JobSummary &summary);
};

/// One distinct user behind a selection of jobs.
struct Recipient
{
    QString user;
    qint64 jobCount = 0;
    qint64 longestDelayS = 0;  ///< how long their longest-waiting job has waited
    QStringList sampleJobIds;  ///< up to 5, in selection order
    QString queue;             ///< the queue of their longest-waiting job
};

struct RecipientSet
{
    static constexpr qsizetype maxSamples = 5;

    QList<Recipient> users;    ///< longest delay first, then by user
    qint64 jobsExamined = 0;
    qint64 jobsWithoutUser = 0;
    QStringList missSamples;   ///< up to 5 ids of jobs the rule found no user in (to fix the rule with)
};

/// How long a job has waited at `now`: since runAt, else enqueuedAt, else failedAt (the first valid); a job
/// scheduled in the future, or with no time at all, has waited 0 s.
qint64 jobDelaySeconds(const AffectedJob &job, const QDateTime &now);
/// The time a job's delay counts from (runAt, else enqueuedAt, else failedAt); invalid when it has none. For
/// selections by time window ("jobs due between 02:10 and 03:40").
QDateTime jobReferenceTime(const AffectedJob &job);

/// The distinct users behind `jobs` according to `rule`.
RecipientSet collectRecipients(const QList<AffectedJob> &jobs, const UserRule &rule, const QDateTime &now);

/// Adds `more` (the next page of a selection, collected with the same rule and `now`) to `into`, as if both had
/// been collected in one call: selections too big to hold in memory are collected page by page.
void mergeRecipients(RecipientSet &into, const RecipientSet &more);

} // namespace qd
