// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/cli/snapshotjson.h"

#include "core/headline.h"

#include <QJsonArray>

namespace qd {

namespace {

template<typename T>
QJsonValue orNull(const std::optional<T> &v)
{
    return v ? QJsonValue(double(*v)) : QJsonValue(QJsonValue::Null);
}

QJsonValue countOrNull(const std::optional<qint64> &v)
{
    return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
}

QJsonValue exactness(Exactness e)
{
    return e == Exactness::Exact ? QJsonValue(true)
           : e == Exactness::Approximate ? QJsonValue(false)
                                         : QJsonValue(QJsonValue::Null);
}

QString stateName(WorkerState s)
{
    switch (s) {
    case WorkerState::Busy: return QStringLiteral("busy");
    case WorkerState::Idle: return QStringLiteral("idle");
    case WorkerState::Lost: return QStringLiteral("lost");
    }
    return {};
}

} // namespace

QJsonObject snapshotToJson(const Snapshot &s)
{
    QJsonObject root;
    root.insert(QStringLiteral("backend"), s.backend);
    root.insert(QStringLiteral("taken_at"), s.takenAt.isValid()
                                                ? QJsonValue(s.takenAt.toUTC().toString(Qt::ISODateWithMs))
                                                : QJsonValue(QJsonValue::Null));
    if (!s.ok()) {
        root.insert(QStringLiteral("error"), s.error);
    }
    root.insert(QStringLiteral("headline"), Headline::of(s));
    QJsonArray queues;
    for (const QueueStats &q : s.queues) {
        QJsonObject o;
        o.insert(QStringLiteral("name"), q.name);
        o.insert(QStringLiteral("depth"), countOrNull(q.waiting));
        o.insert(QStringLiteral("oldest_age_s"), orNull(q.oldestAgeSeconds));
        if (q.oldestAgeIsLowerBound) {
            o.insert(QStringLiteral("oldest_age_lower_bound"), true); // observed, not measured: at least this old
        }
        o.insert(QStringLiteral("running"), countOrNull(q.running));
        o.insert(QStringLiteral("failed"), countOrNull(q.failed));
        o.insert(QStringLiteral("scheduled"), countOrNull(q.scheduled));
        o.insert(QStringLiteral("dead"), countOrNull(q.dead));
        // Extensions beyond the contract: attempts, rates and how far to trust them.
        o.insert(QStringLiteral("max_attempts"), countOrNull(q.maxAttempts));
        o.insert(QStringLiteral("completed"), countOrNull(q.completed));
        o.insert(QStringLiteral("paused"), q.paused ? QJsonValue(*q.paused) : QJsonValue(QJsonValue::Null));
        o.insert(QStringLiteral("consumers"), q.consumers ? QJsonValue(*q.consumers) : QJsonValue(QJsonValue::Null));
        o.insert(QStringLiteral("dead_letter_of"), QJsonArray::fromStringList(q.deadLetterOf));
        o.insert(QStringLiteral("stuck"), countOrNull(q.stuck));
        o.insert(QStringLiteral("stuck_holders"), QJsonArray::fromStringList(q.stuckHolders));
        o.insert(QStringLiteral("in_per_min"), orNull(q.inPerMinute));
        o.insert(QStringLiteral("out_per_min"), orNull(q.outPerMinute));
        o.insert(QStringLiteral("counts_exact"), exactness(q.countExactness));
        o.insert(QStringLiteral("rates_exact"), exactness(q.rateExactness));
        queues.append(o);
    }
    root.insert(QStringLiteral("queues"), queues);
    QJsonArray workers;
    for (const WorkerInfo &w : s.workers) {
        QJsonObject o;
        o.insert(QStringLiteral("id"), w.id);
        o.insert(QStringLiteral("state"), stateName(w.state));
        o.insert(QStringLiteral("queues"), QJsonArray::fromStringList(w.queues));
        o.insert(QStringLiteral("last_seen_age_s"), orNull(w.lastSeenAgeSeconds));
        o.insert(QStringLiteral("current_job"), w.currentJob.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(w.currentJob));
        o.insert(QStringLiteral("quiet"), w.quiet ? QJsonValue(*w.quiet) : QJsonValue(QJsonValue::Null));
        workers.append(o);
    }
    root.insert(QStringLiteral("workers"), workers);
    root.insert(QStringLiteral("workers_complete"), s.workersComplete);
    root.insert(QStringLiteral("workers_known"), s.workersKnown);
    QJsonObject totals;
    totals.insert(QStringLiteral("processed"), countOrNull(s.totals.processed));
    totals.insert(QStringLiteral("failed"), countOrNull(s.totals.failed));
    totals.insert(QStringLiteral("processed_today"), countOrNull(s.totals.processedToday));
    totals.insert(QStringLiteral("failed_today"), countOrNull(s.totals.failedToday));
    root.insert(QStringLiteral("totals"), totals);
    root.insert(QStringLiteral("warnings"), QJsonArray::fromStringList(s.warnings));
    return root;
}

QJsonObject snapshotToJson(const Snapshot &snapshot, const QString &backend)
{
    QJsonObject o = snapshotToJson(snapshot);
    o.insert(QStringLiteral("backend"), backend);
    return o;
}

} // namespace qd
