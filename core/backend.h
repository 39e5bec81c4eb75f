// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/connectionurl.h"
#include "core/jobs.h"
#include "core/snapshot.h"

#include <QFuture>
#include <QMutex>
#include <QObject>

namespace qd {

class Clock;

/// What a backend can do; the UI hides (and the CLI refuses) what is not set.
struct Capabilities
{
    bool retry = false;
    bool cancel = false;
    bool moveToQueue = false;  ///< a whole queue's messages to another (RabbitMQ)
    bool moveJobs = false;     ///< chosen jobs to another queue (ActionKind::Move)
    bool purge = false;
    bool pause = false;
    bool workers = false;      ///< reports workers at all
    bool exactCounts = false;  ///< counts are exact, not upper bounds or samples
    bool payloadEdit = false;    ///< edit a failed/dead job's payload and resend it (resend())
    bool resendCopy = false;     ///< resend() can enqueue a copy and leave the original (else: in place only)
    bool sortByAttempts = false; ///< JobOrder::MostAttempts, server-side
    bool retryWaiting = false;   ///< a waiting job can be retried: a dead letter sent back where it died (RabbitMQ)
    bool quietWorkers = false;   ///< a worker can be told to take no new jobs and stay up (Sidekiq)
    bool stopWorkers = false;    ///< a worker can be told to shut down cleanly (Sidekiq, RQ)
};

enum class ConnectionState : quint8 { Disconnected, Connecting, Connected, Error };

/// One connection to one queue system. Implementations never block the caller: blocking I/O runs on the
/// backend's own thread (see SerialExecutor) and results come back as QFuture values. A failed poll is a
/// Snapshot with `error` set, never an exception. state()/lastError() are safe from any thread.
class Backend : public QObject
{
    Q_OBJECT
public:
    explicit Backend(ConnectionUrl url, Clock *clock, QObject *parent = nullptr);
    ~Backend() override;
    Q_DISABLE_COPY_MOVE(Backend)

    const ConnectionUrl &url() const { return m_url; }
    Clock *clock() const { return m_clock; }

    virtual QString kind() const = 0;
    virtual Capabilities capabilities() const = 0;
    /// Polls the backend. The returned Snapshot has takenAt set; on failure, error is set.
    virtual QFuture<Snapshot> snapshot() = 0;
    /// Drill-down and actions; the defaults answer "not supported by this backend".
    virtual QFuture<JobPage> jobs(const JobQuery &query);
    virtual QFuture<JobDetail> job(const QString &id);
    /// The waiting jobs of a queue by class (sampled for big queues); default: not supported.
    virtual QFuture<ClassBreakdown> classBreakdown(const QString &queue);
    /// Applies a conditional action (see JobAction). Refused when capabilities() do not allow it.
    virtual QFuture<ActionResult> act(const JobAction &action);
    /// Moves a whole queue's messages to another queue without ever holding them in the app (Capabilities::
    /// moveToQueue); default: not supported.
    virtual QFuture<MoveResult> moveMessages(const MoveRequest &request);
    /// Deletes every message of a queue (Capabilities::purge); default: not supported.
    virtual QFuture<PurgeResult> purgeQueue(const QString &queue, bool dryRun);
    /// Pauses (workers take nothing from it, jobs keep arriving) or resumes a queue with the backend's own
    /// mechanism (Capabilities::pause); default: not supported.
    virtual QFuture<PauseResult> setQueuePaused(const QString &queue, bool paused);
    /// Why this backend cannot pause queues (for a tooltip), or empty when it can.
    virtual QString pauseUnsupportedReason() const;
    /// Whether an edited payload can be resent by this backend (Capabilities::payloadEdit): empty when it can,
    /// else what is wrong with it, in words (shown live under the editor).
    virtual QString validatePayload(const QString &payload) const;
    /// Enqueues an edited copy of a job, or replaces it (ResendRequest::inPlace), only if the original is still
    /// where the operator saw it; default: not supported.
    virtual QFuture<ResendResult> resend(const ResendRequest &request);
    /// The states whose jobs resend() takes (Sidekiq: failed, dead, scheduled; RabbitMQ: waiting).
    virtual QList<JobState> resendableStates() const { return {}; }
    /// Tells one worker (WorkerInfo::id) to quiet down or stop, the way the backend's own tools do
    /// (Capabilities::quietWorkers / stopWorkers); default: not supported.
    virtual QFuture<WorkerSignalResult> signalWorker(const QString &worker, WorkerSignal signal);
    /// Why this backend cannot send that signal (for a tooltip), or empty when it can.
    virtual QString workerSignalUnsupportedReason(WorkerSignal signal) const;

    ConnectionState state() const;
    QString lastError() const;

Q_SIGNALS:
    /// Emitted from whichever thread changed the state; connect with a context object (queued).
    void stateChanged(qd::ConnectionState state, const QString &error);

protected:
    void setState(ConnectionState state, const QString &error = {});
    /// The answer to a signal before it is sent: worker and signal filled in, `error` set when this backend cannot
    /// send it (workerSignalUnsupportedReason()) or no worker was named; else empty.
    WorkerSignalResult checkWorkerSignal(const QString &worker, WorkerSignal signal) const;

private:
    const ConnectionUrl m_url;
    Clock *const m_clock;
    mutable QMutex m_mutex;
    ConnectionState m_state = ConnectionState::Disconnected;
    QString m_lastError;
};

} // namespace qd

Q_DECLARE_METATYPE(qd::ConnectionState)
