// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/actions/bulkrun.h"
#include "core/audit/auditlog.h"
#include "core/jobs.h"

#include <QFuture>
#include <QPointer>
#include <QString>

#include <optional>

namespace qd {

class Backend;
class IncidentTimeline;

/// Who acts and how the action is recorded: every audit row names the operator, rows the desktop writes say
/// "(GUI)", and a purge or move carries the blast radius the operator confirmed.
struct ActionContext
{
    QString operatorName;
    bool fromGui = false;
    /// Purge, move: the blast radius the operator was shown (a sample of the queue); the row states it with the
    /// count the action itself found.
    std::optional<BulkPreview> blastRadius = {};
    /// The desktop's incident timeline: once the audit row is written, the action's sentence goes there too, under
    /// `connectionId` ("Operator ana: Purged orders: 25 message(s) deleted."). None for queuedeckctl. Not owned.
    QPointer<IncidentTimeline> timeline = {};
    QString connectionId = {};
};

/// Puts "Operator <name>: <sentence>" on `timeline` under `connectionId`, on the timeline's own thread (actions
/// finish on backend threads). Nothing when there is no timeline.
void noteOnTimeline(const QPointer<IncidentTimeline> &timeline, const QString &connectionId,
                    const QString &operatorName, const QString &sentence);

/// An operator action's answer: the backend's result, whether it did what was asked, and the sentence for it
/// (the desktop's status line and timeline; the CLI prints its own terse line from `result`).
template <typename Result>
struct ActionOutcome
{
    Result result;
    bool ok = false;
    QString summary;
};

/// The operator's one-off actions — on a queue (purge, move, pause or resume), a worker (quiet, stop) or one job
/// (edit and resend) — run on a backend, each followed by its audit row, for the desktop and queuedeckctl alike.
/// (Actions on a selection of jobs, or on every job matching a filter, are BulkRun's: journaled and audited per
/// batch.) A value holding the audit log it writes to (not owned; it must outlive the futures). Each future
/// resolves once the audit row is written, so a process that exits on the answer loses no row; a dry run or an
/// action refused before it reached the server writes none. With a timeline in the context, every action that wrote
/// a row also puts its sentence on the incident timeline. The futures resolve on the backend's thread: the
/// desktop takes them with whenFinished().
class OperatorActions final
{
public:
    explicit OperatorActions(AuditLog *audit) : m_audit(audit) {}

    QFuture<ActionOutcome<PurgeResult>> purge(Backend &backend, const QString &queue, bool dryRun,
                                              const ActionContext &context) const;
    QFuture<ActionOutcome<MoveResult>> move(Backend &backend, MoveRequest request, const ActionContext &context) const;
    QFuture<ActionOutcome<PauseResult>> setQueuePaused(Backend &backend, const QString &queue, bool pause,
                                                       const ActionContext &context) const;
    QFuture<ActionOutcome<WorkerSignalResult>> signalWorker(Backend &backend, const QString &worker,
                                                            WorkerSignal signal, const ActionContext &context) const;
    QFuture<ActionOutcome<ResendResult>> resend(Backend &backend, ResendRequest request,
                                                const ActionContext &context) const;

    /// The audit row of one run of messages to affected users (the sending itself is the outbox's).
    struct NotifyRun
    {
        QString connection; ///< the URL without password
        JobState state = JobState::Failed;
        QString incident;
        QString templateName;
        QString queue;
        QString channel; ///< ChannelSpec::displayString(): without its secret
        qint64 olderThanS = -1; ///< the selection's minimum wait (-1: none given)
        qint64 sent = 0;
        qint64 skipped = 0; ///< already sent before (the outbox's once-per-user rule)
        qint64 failed = 0;
        qint64 stillQueued = 0; ///< left in the outbox (stopped, or the channel refused for now)
        QString error = {};
    };
    /// Writes the run's audit row, and its sentence on the context's timeline.
    QFuture<void> recordNotify(const NotifyRun &run, const ActionContext &context) const;

private:
    AuditLog *m_audit;
};

} // namespace qd
