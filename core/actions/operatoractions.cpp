// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/actions/operatoractions.h"

#include "core/backend.h"
#include "core/textsafety.h"
#include "core/timeline/incidenttimeline.h"

#include <QCoreApplication>

#include <functional>
#include <optional>

namespace qd {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("qd::OperatorActions", text);
}

/// The row every action (and a notify run) starts from, for `connection` (its URL without password); the filter,
/// filled in by the action with what it acted on ("queue=orders"), is followed by "(GUI)" for the desktop's rows
/// (see details()).
AuditRecord row(const QString &connection, const ActionContext &context, const QString &action)
{
    AuditRecord rec;
    rec.operatorName = context.operatorName;
    rec.connection = connection;
    rec.action = action;
    rec.filter = context.fromGui ? QStringLiteral(" (GUI)") : QString();
    return rec;
}

/// The row of an action on `backend`'s connection.
AuditRecord row(const Backend &backend, const ActionContext &context, const QString &action)
{
    return row(backend.url().toDisplayString(), context, action);
}

/// `what` the action acted on, then the row's "(GUI)", then the blast radius with the count the action found.
QString details(const QString &what, const AuditRecord &base, const ActionContext &context, qint64 counted)
{
    QString text = what + base.filter;
    if (context.blastRadius) {
        BulkPreview radius = *context.blastRadius;
        radius.total = counted;
        text += QStringLiteral(" — blast radius: ") + blastRadiusText(radius);
    }
    return text;
}

QString shown(const QString &name)
{
    return escapeForDisplay(name, 120);
}

/// Runs `action`, then writes the row `audit` makes of its result (none: nothing to record) and answers with
/// the outcome once the row is written; an action that wrote a row is put on the context's timeline too.
template <typename R>
QFuture<ActionOutcome<R>> conclude(AuditLog *log, QFuture<R> action, std::function<ActionOutcome<R>(R)> outcome,
                                   std::function<std::optional<AuditRecord>(const R &)> audit,
                                   const ActionContext &context)
{
    return action
        .then([log, outcome = std::move(outcome), audit = std::move(audit), context](R result) {
            ActionOutcome<R> o = outcome(std::move(result));
            const std::optional<AuditRecord> rec = audit(o.result);
            QFuture<void> written = rec && log ? log->append(*rec) : QtFuture::makeReadyFuture();
            const bool recorded = rec.has_value();
            return written.then([o, context, recorded] {
                if (recorded) {
                    noteOnTimeline(context.timeline, context.connectionId, context.operatorName, o.summary);
                }
                return o;
            });
        })
        .unwrap();
}

} // namespace

void noteOnTimeline(const QPointer<IncidentTimeline> &timeline, const QString &connectionId,
                    const QString &operatorName, const QString &sentence)
{
    if (!timeline || connectionId.isEmpty() || sentence.isEmpty()) {
        return;
    }
    const QString text = tr("Operator %1: %2").arg(operatorName, sentence);
    QMetaObject::invokeMethod(timeline.data(), [timeline, connectionId, text] {
        if (timeline) {
            timeline->addEvent(connectionId, text);
        }
    });
}

QFuture<ActionOutcome<PurgeResult>> OperatorActions::purge(Backend &backend, const QString &queue, bool dryRun,
                                                           const ActionContext &context) const
{
    const AuditRecord base = row(backend, context, QStringLiteral("purge"));
    return conclude<PurgeResult>(
        m_audit, backend.purgeQueue(queue, dryRun),
        [](PurgeResult r) {
            ActionOutcome<PurgeResult> o{r, r.error.isEmpty(), {}};
            o.summary = !r.error.isEmpty() ? tr("Purge failed: %1").arg(escapeForDisplay(r.error, 400))
                        : r.dryRun         ? tr("Purging %1 would delete %2 message(s).").arg(shown(r.queue)).arg(r.before)
                                           : tr("Purged %1: %2 message(s) deleted.").arg(shown(r.queue)).arg(r.before);
            return o;
        },
        [base, context](const PurgeResult &r) -> std::optional<AuditRecord> {
            if (r.dryRun) {
                return std::nullopt;
            }
            AuditRecord rec = base;
            rec.filter = details(QStringLiteral("queue=%1 before=%2").arg(r.queue).arg(r.before), base, context, r.before);
            rec.succeeded = r.error.isEmpty() ? int(r.before) : 0;
            rec.result = r.error.isEmpty() ? QStringLiteral("ok") : r.error;
            return rec;
        },
        context);
}

QFuture<ActionOutcome<MoveResult>> OperatorActions::move(Backend &backend, MoveRequest request,
                                                         const ActionContext &context) const
{
    const AuditRecord base = row(backend, context, QStringLiteral("move"));
    return conclude<MoveResult>(
        m_audit, backend.moveMessages(request),
        [](MoveResult r) {
            ActionOutcome<MoveResult> o{r, r.error.isEmpty(), {}};
            if (!r.error.isEmpty()) {
                o.summary = tr("Move failed: %1").arg(escapeForDisplay(r.error, 400));
            } else if (r.dryRun) {
                o.summary = tr("Would move %1 message(s) from %2 to %3.").arg(r.before).arg(shown(r.from), shown(r.to));
            } else {
                o.summary = tr("Moved %1 message(s) from %2 to %3.").arg(r.moved).arg(shown(r.from), shown(r.to));
                if (r.left > 0) {
                    o.summary += u' '
                                 + tr("%1 still counted in %2 (new arrivals, or statistics that trail by a few seconds).")
                                       .arg(r.left)
                                       .arg(shown(r.from));
                }
            }
            return o;
        },
        [base, context](const MoveResult &r) -> std::optional<AuditRecord> {
            if (r.dryRun) {
                return std::nullopt;
            }
            AuditRecord rec = base;
            rec.filter = details(
                QStringLiteral("from=%1 to=%2 before=%3 left=%4").arg(r.from, r.to).arg(r.before).arg(r.left), base,
                context, r.before);
            rec.succeeded = int(r.moved);
            rec.result = r.error.isEmpty() ? QStringLiteral("ok") : r.error;
            return rec;
        },
        context);
}

QFuture<ActionOutcome<PauseResult>> OperatorActions::setQueuePaused(Backend &backend, const QString &queue, bool pause,
                                                                    const ActionContext &context) const
{
    const AuditRecord base = row(backend, context, pause ? QStringLiteral("pause") : QStringLiteral("unpause"));
    return conclude<PauseResult>(
        m_audit, backend.setQueuePaused(queue, pause),
        [](PauseResult r) {
            const QString q = shown(r.queue);
            ActionOutcome<PauseResult> o{r, r.error.isEmpty(), {}};
            o.summary = !r.error.isEmpty() ? tr("%1 not changed: %2").arg(q, escapeForDisplay(r.error, 300))
                        : r.changed        ? (r.paused ? tr("Paused %1").arg(q) : tr("Resumed %1").arg(q))
                        : r.paused         ? tr("%1 was already paused").arg(q)
                                           : tr("%1 was not paused").arg(q);
            return o;
        },
        [base](const PauseResult &r) -> std::optional<AuditRecord> {
            AuditRecord rec = base;
            rec.filter = QStringLiteral("queue=%1").arg(r.queue) + rec.filter;
            rec.succeeded = r.error.isEmpty() && r.changed ? 1 : 0;
            rec.result = !r.error.isEmpty() ? r.error
                         : r.changed        ? QStringLiteral("ok")
                         : r.paused         ? QStringLiteral("already paused")
                                            : QStringLiteral("already running");
            return rec;
        },
        context);
}

QFuture<ActionOutcome<WorkerSignalResult>> OperatorActions::signalWorker(Backend &backend, const QString &worker,
                                                                         WorkerSignal signal,
                                                                         const ActionContext &context) const
{
    const AuditRecord base = row(backend, context, workerSignalName(signal));
    return conclude<WorkerSignalResult>(
        m_audit, backend.signalWorker(worker, signal),
        [](WorkerSignalResult r) {
            const QString w = shown(r.worker);
            ActionOutcome<WorkerSignalResult> o{r, r.error.isEmpty(), {}};
            o.summary = !r.error.isEmpty() ? tr("%1 was not signalled: %2").arg(w, escapeForDisplay(r.error, 300))
                        : r.signal == WorkerSignal::Quiet ? tr("Told %1 to take no new jobs").arg(w)
                                                          : tr("Told %1 to shut down").arg(w);
            return o;
        },
        [base](const WorkerSignalResult &r) -> std::optional<AuditRecord> {
            AuditRecord rec = base;
            rec.filter = QStringLiteral("worker=%1").arg(r.worker) + rec.filter;
            rec.succeeded = r.error.isEmpty() ? 1 : 0;
            rec.result = r.error.isEmpty() ? QStringLiteral("ok") : r.error;
            return rec;
        },
        context);
}

QFuture<ActionOutcome<ResendResult>> OperatorActions::resend(Backend &backend, ResendRequest request,
                                                             const ActionContext &context) const
{
    AuditRecord base = row(backend, context, QStringLiteral("resend"));
    base.expectedState = jobStateName(request.expected);
    return conclude<ResendResult>(
        m_audit, backend.resend(request),
        [](ResendResult r) {
            const QString job = shown(r.originalId);
            ActionOutcome<ResendResult> o{r, r.error.isEmpty(), {}};
            o.summary = !r.error.isEmpty() ? tr("%1 was not resent: %2").arg(job, escapeForDisplay(r.error, 300))
                        : r.dryRun         ? tr("Would resend %1 as %2").arg(job, shown(r.newId))
                        : r.inPlace        ? tr("Replaced %1 with the edit and queued it").arg(job)
                                           : tr("Resent %1 as %2").arg(job, shown(r.newId));
            return o;
        },
        [base](const ResendResult &r) -> std::optional<AuditRecord> {
            if (r.dryRun) {
                return std::nullopt;
            }
            AuditRecord rec = base;
            rec.jobIds = r.newId.isEmpty() ? QStringList{r.originalId} : QStringList{r.originalId, r.newId};
            rec.filter = (r.inPlace ? QStringLiteral("in place") : QStringLiteral("as a new job")) + rec.filter;
            rec.succeeded = r.error.isEmpty() ? 1 : 0;
            rec.skipped = r.error.isEmpty() ? 0 : 1;
            rec.result = r.error.isEmpty() ? QStringLiteral("ok") : r.error;
            rec.payloadBefore = r.original;
            rec.payloadAfter = r.edited;
            return rec;
        },
        context);
}

QFuture<void> OperatorActions::recordNotify(const NotifyRun &run, const ActionContext &context) const
{
    if (!m_audit) {
        return QtFuture::makeReadyFuture();
    }
    AuditRecord rec = row(run.connection, context, QStringLiteral("notify"));
    rec.expectedState = jobStateName(run.state);
    QString what = QStringLiteral("incident=%1 queue=%2 state=%3 channel=%4 template=%5")
                       .arg(run.incident, run.queue, jobStateName(run.state), run.channel, run.templateName);
    if (run.olderThanS >= 0) {
        what += QStringLiteral(" older_than=%1").arg(run.olderThanS);
    }
    rec.filter = what + rec.filter;
    rec.succeeded = int(run.sent);
    rec.skipped = int(run.skipped);
    rec.result = !run.error.isEmpty()                   ? run.error
                 : run.failed > 0 || run.stillQueued > 0 ? QStringLiteral("%1 failed, %2 still queued")
                                                               .arg(run.failed)
                                                               .arg(run.stillQueued)
                                                         : QStringLiteral("ok");
    const QString sentence = tr("notified the affected users of %1 (incident %2): %3 sent, %4 told before, %5 failed")
                                 .arg(shown(run.queue), shown(run.incident))
                                 .arg(run.sent)
                                 .arg(run.skipped)
                                 .arg(run.failed);
    return m_audit->append(rec).then([context, sentence] {
        noteOnTimeline(context.timeline, context.connectionId, context.operatorName, sentence);
    });
}

} // namespace qd
