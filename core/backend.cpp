// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/backend.h"

#include "core/clock.h"

namespace qd {

Backend::Backend(ConnectionUrl url, Clock *clock, QObject *parent)
    : QObject(parent), m_url(std::move(url)), m_clock(clock ? clock : Clock::system())
{
}

Backend::~Backend() = default;

QFuture<JobPage> Backend::jobs(const JobQuery &)
{
    JobPage p;
    p.error = tr("Listing jobs is not supported by the %1 backend yet.").arg(kind());
    return QtFuture::makeReadyFuture(p);
}

QFuture<JobDetail> Backend::job(const QString &)
{
    JobDetail d;
    d.failure = tr("Job details are not supported by the %1 backend yet.").arg(kind());
    return QtFuture::makeReadyFuture(d);
}

QFuture<ClassBreakdown> Backend::classBreakdown(const QString &)
{
    ClassBreakdown b;
    b.error = tr("A breakdown by job class is not available for the %1 backend.").arg(kind());
    return QtFuture::makeReadyFuture(b);
}

QFuture<MoveResult> Backend::moveMessages(const MoveRequest &request)
{
    MoveResult r;
    r.from = request.from;
    r.to = request.to;
    r.error = tr("Moving messages between queues is not supported by the %1 backend.").arg(kind());
    return QtFuture::makeReadyFuture(r);
}

QFuture<PauseResult> Backend::setQueuePaused(const QString &queue, bool paused)
{
    PauseResult r;
    r.queue = queue;
    r.paused = !paused;
    r.error = pauseUnsupportedReason();
    return QtFuture::makeReadyFuture(r);
}

QString Backend::pauseUnsupportedReason() const
{
    return tr("The %1 backend has no way to pause a queue that its workers respect.").arg(kind());
}

QString Backend::validatePayload(const QString &) const
{
    return tr("Jobs of the %1 backend cannot be edited and resent from here.").arg(kind());
}

QFuture<ResendResult> Backend::resend(const ResendRequest &request)
{
    ResendResult r;
    r.originalId = request.jobId;
    r.dryRun = request.dryRun;
    r.inPlace = request.inPlace;
    r.error = validatePayload(request.payload);
    return QtFuture::makeReadyFuture(r);
}

QFuture<WorkerSignalResult> Backend::signalWorker(const QString &worker, WorkerSignal signal)
{
    WorkerSignalResult r = checkWorkerSignal(worker, signal);
    if (r.error.isEmpty()) {
        r.error = tr("The %1 backend did not implement worker signals.").arg(kind());
    }
    return QtFuture::makeReadyFuture(r);
}

WorkerSignalResult Backend::checkWorkerSignal(const QString &worker, WorkerSignal signal) const
{
    WorkerSignalResult r;
    r.worker = worker;
    r.signal = signal;
    r.error = workerSignalUnsupportedReason(signal);
    if (r.error.isEmpty() && worker.isEmpty()) {
        r.error = tr("No worker was named.");
    }
    return r;
}

QString Backend::workerSignalUnsupportedReason(WorkerSignal signal) const
{
    return signal == WorkerSignal::Quiet
               ? tr("%1 workers cannot be told to stop taking jobs from here.").arg(kind())
               : tr("%1 workers cannot be stopped from here: stop them where they run.").arg(kind());
}

QFuture<PurgeResult> Backend::purgeQueue(const QString &queue, bool dryRun)
{
    PurgeResult r;
    r.queue = queue;
    r.dryRun = dryRun;
    r.error = tr("Purging a queue is not supported by the %1 backend.").arg(kind());
    return QtFuture::makeReadyFuture(r);
}

QFuture<ActionResult> Backend::act(const JobAction &)
{
    ActionResult r;
    r.error = tr("Actions are not supported by the %1 backend.").arg(kind());
    return QtFuture::makeReadyFuture(r);
}

ConnectionState Backend::state() const
{
    QMutexLocker lock(&m_mutex);
    return m_state;
}

QString Backend::lastError() const
{
    QMutexLocker lock(&m_mutex);
    return m_lastError;
}

void Backend::setState(ConnectionState state, const QString &error)
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_state == state && m_lastError == error) {
            return;
        }
        m_state = state;
        m_lastError = error;
    }
    Q_EMIT stateChanged(state, error);
}

} // namespace qd
