// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Quiet and stop a Sidekiq process the way Sidekiq::Process#quiet! and #stop! do: push the signal name onto
// `<identity>-signals` (expiring in 60 s). The process pops it on its next heartbeat (every 5 s) and sends the
// signal to itself: TSTP makes it take no new jobs (its heartbeat then says quiet=true), TERM shuts it down.
#include "core/backends/sidekiq/sidekiqbackend_p.h"

namespace qd::sidekiq {

using redis::Command;

namespace {

// KEYS[1]: the processes set, KEYS[2]: the process's heartbeat hash, KEYS[3]: its signals list.
// ARGV[1]: the process identity, ARGV[2]: TSTP or TERM.
// Returns 1 when the signal was queued, 0 when no such process is registered, -1 when its heartbeat expired.
const redis::Script kSignal(QByteArrayLiteral(R"lua(
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
redis.call('LPUSH', KEYS[3], ARGV[2])
redis.call('EXPIRE', KEYS[3], 60)
return 1
)lua"));

} // namespace

QString SidekiqBackend::workerSignalUnsupportedReason(WorkerSignal) const
{
    return d->readOnly ? tr("This connection is read-only (readonly=1): workers cannot be signalled.") : QString();
}

QFuture<WorkerSignalResult> SidekiqBackend::signalWorker(const QString &worker, WorkerSignal signal)
{
    const WorkerSignalResult refused = checkWorkerSignal(worker, signal);
    if (!refused.error.isEmpty()) {
        return QtFuture::makeReadyFuture(refused);
    }
    const QByteArray identity = worker.toUtf8();
    const Command command = kSignal.evalsha({d->key("processes"), d->key(identity), d->key(identity + "-signals")},
                                            {identity, signal == WorkerSignal::Quiet ? "TSTP" : "TERM"});
    return sendWorkerSignal(command, refused, [](qint64 answer, const QString &name) {
        return answer > 0  ? QString()
               : answer == 0 ? tr("No Sidekiq process %1 is registered: it stopped, or the name is wrong.").arg(name)
                             : tr("Sidekiq process %1 has not sent a heartbeat for a minute: it is gone and cannot hear "
                                  "a signal.")
                                   .arg(name);
    });
}

} // namespace qd::sidekiq
