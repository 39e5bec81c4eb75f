// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/jobs.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

namespace qd {

QString jobStateName(JobState state)
{
    switch (state) {
    case JobState::Waiting: return QStringLiteral("waiting");
    case JobState::Running: return QStringLiteral("running");
    case JobState::Scheduled: return QStringLiteral("scheduled");
    case JobState::Failed: return QStringLiteral("failed");
    case JobState::Dead: return QStringLiteral("dead");
    case JobState::Completed: return QStringLiteral("completed");
    }
    return {};
}

QString jobStateText(JobState state)
{
    switch (state) {
    case JobState::Waiting: return QCoreApplication::translate("qd::JobState", "waiting");
    case JobState::Running: return QCoreApplication::translate("qd::JobState", "running");
    case JobState::Scheduled: return QCoreApplication::translate("qd::JobState", "scheduled");
    case JobState::Failed: return QCoreApplication::translate("qd::JobState", "failed");
    case JobState::Dead: return QCoreApplication::translate("qd::JobState", "dead");
    case JobState::Completed: return QCoreApplication::translate("qd::JobState", "completed");
    }
    return {};
}

std::optional<JobState> parseJobState(const QString &name)
{
    for (JobState s : {JobState::Waiting, JobState::Running, JobState::Scheduled, JobState::Failed, JobState::Dead,
                       JobState::Completed}) {
        if (jobStateName(s) == name) {
            return s;
        }
    }
    return std::nullopt;
}

QString workerSignalName(WorkerSignal signal)
{
    return signal == WorkerSignal::Quiet ? QStringLiteral("quiet") : QStringLiteral("stop");
}

QString actionName(ActionKind kind)
{
    switch (kind) {
    case ActionKind::Retry: return QStringLiteral("retry");
    case ActionKind::Cancel: return QStringLiteral("cancel");
    case ActionKind::Move: return QStringLiteral("move");
    }
    return {};
}

std::optional<ActionKind> parseActionName(const QString &name)
{
    for (ActionKind k : {ActionKind::Retry, ActionKind::Cancel, ActionKind::Move}) {
        if (actionName(k) == name) {
            return k;
        }
    }
    return std::nullopt;
}

QJsonObject toJson(const JobSummary &j)
{
    const auto text = [](const QString &t) { return t.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(t); };
    const auto time = [](const QDateTime &d) {
        return d.isValid() ? QJsonValue(d.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue(QJsonValue::Null);
    };
    QJsonObject o;
    o.insert(QStringLiteral("id"), j.id);
    o.insert(QStringLiteral("queue"), j.queue);
    o.insert(QStringLiteral("class"), j.className);
    o.insert(QStringLiteral("state"), jobStateName(j.state));
    o.insert(QStringLiteral("attempts"), j.attempts ? QJsonValue(*j.attempts) : QJsonValue(QJsonValue::Null));
    o.insert(QStringLiteral("enqueued_at"), time(j.enqueuedAt));
    o.insert(QStringLiteral("run_at"), time(j.runAt));
    o.insert(QStringLiteral("failed_at"), time(j.failedAt));
    o.insert(QStringLiteral("worker"), text(j.worker));
    o.insert(QStringLiteral("error"), text(j.errorLine));
    return o;
}

QJsonObject toJson(const JobDetail &d)
{
    QJsonObject o = toJson(d.summary);
    QJsonParseError e{};
    const QJsonDocument doc = QJsonDocument::fromJson(d.payload.toUtf8(), &e);
    if (e.error == QJsonParseError::NoError && !d.payload.isEmpty()) {
        o.insert(QStringLiteral("payload"), doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object()));
    } else {
        o.insert(QStringLiteral("payload"), d.payload); // a YAML handler, or text: as it is
    }
    o.insert(QStringLiteral("error"), d.error.isEmpty() ? QJsonValue(d.summary.errorLine) : QJsonValue(d.error));
    return o;
}

} // namespace qd
