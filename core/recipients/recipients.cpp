// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/recipients/recipients.h"

#include <QHash>

#include <algorithm>

namespace qd {

namespace {

void sortRecipients(QList<Recipient> &users)
{
    std::sort(users.begin(), users.end(), [](const Recipient &a, const Recipient &b) {
        return a.longestDelayS != b.longestDelayS ? a.longestDelayS > b.longestDelayS : a.user < b.user;
    });
}

} // namespace

AffectedJob AffectedJob::fromDetail(const JobDetail &detail)
{
    AffectedJob job;
    job.id = detail.summary.id;
    job.queue = detail.summary.queue;
    job.className = detail.summary.className;
    job.payload = detail.payload;
    job.enqueuedAt = detail.summary.enqueuedAt;
    job.runAt = detail.summary.runAt;
    job.failedAt = detail.summary.failedAt;
    return job;
}

AffectedJob AffectedJob::fromSummary(const JobSummary &summary)
{
    AffectedJob job;
    job.id = summary.id;
    job.queue = summary.queue;
    job.className = summary.className;
    job.payload = summary.payload;
    job.enqueuedAt = summary.enqueuedAt;
    job.runAt = summary.runAt;
    job.failedAt = summary.failedAt;
    return job;
}

QDateTime jobReferenceTime(const AffectedJob &job)
{
    for (const QDateTime *t : {&job.runAt, &job.enqueuedAt, &job.failedAt}) {
        if (t->isValid()) {
            return *t;
        }
    }
    return {};
}

qint64 jobDelaySeconds(const AffectedJob &job, const QDateTime &now)
{
    const QDateTime t = jobReferenceTime(job);
    return t.isValid() ? std::max<qint64>(0, t.secsTo(now)) : 0;
}

RecipientSet collectRecipients(const QList<AffectedJob> &jobs, const UserRule &rule, const QDateTime &now)
{
    RecipientSet set;
    QHash<QString, qsizetype> index;
    for (const AffectedJob &job : jobs) {
        ++set.jobsExamined;
        const std::optional<QString> user = rule.extract(job.payload);
        if (!user) {
            ++set.jobsWithoutUser;
            if (set.missSamples.size() < RecipientSet::maxSamples) {
                set.missSamples.append(job.id);
            }
            continue;
        }
        const qint64 delay = jobDelaySeconds(job, now);
        auto it = index.constFind(*user);
        if (it == index.constEnd()) {
            it = index.insert(*user, set.users.size());
            Recipient r;
            r.user = *user;
            r.longestDelayS = -1;
            set.users.append(r);
        }
        Recipient &r = set.users[*it];
        ++r.jobCount;
        if (delay > r.longestDelayS) {
            r.longestDelayS = delay;
            r.queue = job.queue;
        }
        if (r.sampleJobIds.size() < RecipientSet::maxSamples) {
            r.sampleJobIds.append(job.id);
        }
    }
    sortRecipients(set.users);
    return set;
}

void mergeRecipients(RecipientSet &into, const RecipientSet &more)
{
    into.jobsExamined += more.jobsExamined;
    into.jobsWithoutUser += more.jobsWithoutUser;
    for (const QString &id : more.missSamples) {
        if (into.missSamples.size() >= RecipientSet::maxSamples) {
            break;
        }
        into.missSamples.append(id);
    }
    QHash<QString, qsizetype> index;
    index.reserve(into.users.size());
    for (qsizetype i = 0; i < into.users.size(); ++i) {
        index.insert(into.users.at(i).user, i);
    }
    for (const Recipient &r : more.users) {
        const auto it = index.constFind(r.user);
        if (it == index.constEnd()) {
            index.insert(r.user, into.users.size());
            into.users.append(r);
            continue;
        }
        Recipient &mine = into.users[*it];
        mine.jobCount += r.jobCount;
        if (r.longestDelayS > mine.longestDelayS) { // ties: the earlier job's queue, as collectRecipients keeps it
            mine.longestDelayS = r.longestDelayS;
            mine.queue = r.queue;
        }
        for (const QString &id : r.sampleJobIds) {
            if (mine.sampleJobIds.size() >= RecipientSet::maxSamples) {
                break;
            }
            mine.sampleJobIds.append(id);
        }
    }
    sortRecipients(into.users);
}

} // namespace qd
