// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Stop an RQ worker the way `rq.command.send_shutdown_command()` does: publish {"command": "shutdown"} on
// `rq:pubsub:<worker name>`. Every RQ >= 1.6 worker listens there; it finishes the job in hand and exits
// (a warm shutdown). RQ has no command that makes a worker stay up but take nothing.
#include "core/backends/rq/rqbackend_p.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace qd::rq {

using redis::Command;

QString RqBackend::workerSignalUnsupportedReason(WorkerSignal signal) const
{
    if (signal == WorkerSignal::Quiet) {
        return tr("RQ workers cannot be quieted: RQ has no command that makes a worker take no new jobs and stay "
                  "up. Stop it instead.");
    }
    return d->readOnly ? tr("This connection is read-only (readonly=1): workers cannot be signalled.") : QString();
}

QFuture<WorkerSignalResult> RqBackend::signalWorker(const QString &worker, WorkerSignal signal)
{
    const WorkerSignalResult refused = checkWorkerSignal(worker, signal);
    if (!refused.error.isEmpty()) {
        return QtFuture::makeReadyFuture(refused);
    }
    const QByteArray payload =
        QJsonDocument(QJsonObject{{QStringLiteral("command"), QStringLiteral("shutdown")}}).toJson(QJsonDocument::Compact);
    const Command command{"PUBLISH", "rq:pubsub:" + worker.toUtf8(), payload};
    return sendWorkerSignal(command, refused, [](qint64 listeners, const QString &name) {
        // PUBLISH counts the subscribers that got it: nobody listens on that channel.
        return listeners > 0 ? QString()
                             : tr("No RQ worker %1 is listening: it stopped, the name is wrong, or it is older than RQ 1.6.")
                                   .arg(name);
    });
}

} // namespace qd::rq
