// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Commands that act on one queue, one worker or one job rather than on a selection of jobs: pause|unpause,
// resend, quiet|stop. Each is audited like every other change.
#include "app/ctl/commands.h"

#include "app/ctl/cliio.h"
#include "app/ctl/ctlaudit.h"

#include "core/audit/auditlog.h"
#include "core/textsafety.h"

#include <QCommandLineParser>
#include <QFile>

#include <cstdio>

namespace qd::ctl {

int runPause(const QStringList &arguments, bool pause)
{
    QCommandLineParser p;
    const QString verb = pause ? QStringLiteral("pause") : QStringLiteral("unpause");
    startCommand(p, verb, pause ? tr("Pause a queue: its workers take nothing from it; jobs keep arriving.")
                                : tr("Resume a paused queue: its workers take jobs again."));
    p.addPositionalArgument(QStringLiteral("URL"), tr("Connection URL."));
    const QCommandLineOption queue(QStringLiteral("queue"), tr("The queue."), QStringLiteral("Q"));
    const QCommandLineOption op = operatorOption();
    p.addOptions({queue, op});
    bool parsed = false;
    if (helpShown(p, arguments, parsed)) {
        return 0;
    }
    if (!parsed || p.positionalArguments().size() != 2 || p.value(queue).isEmpty()) {
        err() << (p.errorText().isEmpty() ? tr("usage: queuedeckctl %1 URL --queue Q").arg(verb) : p.errorText()) << '\n';
        return 2;
    }
    const std::shared_ptr<Backend> backend = openBackend(p.positionalArguments().at(1));
    if (!backend) {
        return 2;
    }
    if (!backend->capabilities().pause) {
        err() << tr("queuedeckctl: %1").arg(backend->pauseUnsupportedReason()) << '\n';
        return 1;
    }
    AuditLog audit(AuditLog::defaultPath());
    if (!auditReady(audit, false)) {
        return 1;
    }
    const PauseResult r =
        wait(OperatorActions(&audit).setQueuePaused(*backend, p.value(queue), pause, actionContext(p, op))).result;
    if (!r.error.isEmpty()) {
        err() << tr("queuedeckctl: %1").arg(escapeForDisplay(r.error, 400)) << '\n';
        return 1;
    }
    out() << (r.changed ? (r.paused ? tr("paused %1") : tr("resumed %1")) : (r.paused ? tr("%1 was already paused") : tr("%1 was not paused")))
                 .arg(escapeForDisplay(r.queue, 200))
          << '\n';
    out().flush();
    return 0;
}

int runResend(const QStringList &arguments)
{
    QCommandLineParser p;
    startCommand(p, QStringLiteral("resend"),
                 tr("Send a failed, dead or scheduled job again with an edited payload (as a new job, or in place)."));
    p.addPositionalArgument(QStringLiteral("URL"), tr("Connection URL."));
    const QCommandLineOption job(QStringLiteral("job"), tr("The job, as `queuedeckctl jobs` lists it."), QStringLiteral("ID"));
    const QCommandLineOption state(QStringLiteral("state"), tr("The state it must still be in (default dead)."),
                                   QStringLiteral("STATE"), QStringLiteral("dead"));
    const QCommandLineOption payload(QStringLiteral("payload"), tr("The edited job (JSON) in FILE, or - for stdin."),
                                     QStringLiteral("FILE"));
    const QCommandLineOption inPlace(QStringLiteral("in-place"),
                                     tr("Replace the original (same id) instead of enqueuing a copy beside it."));
    const QCommandLineOption dryRun(QStringLiteral("dry-run"), tr("Check the edit and print what would be sent."));
    const QCommandLineOption op = operatorOption();
    p.addOptions({job, state, payload, inPlace, dryRun, op});
    bool parsed = false;
    if (helpShown(p, arguments, parsed)) {
        return 0;
    }
    const auto expected = parseJobState(p.value(state));
    if (!parsed || p.positionalArguments().size() != 2 || !expected || p.value(job).isEmpty() || p.value(payload).isEmpty()) {
        err() << (p.errorText().isEmpty()
                      ? tr("usage: queuedeckctl resend URL --job ID --payload FILE|- [--state S] [--in-place] [--dry-run]")
                      : p.errorText())
              << '\n';
        return 2;
    }
    QFile in;
    const bool opened = p.value(payload) == u"-" ? in.open(stdin, QIODevice::ReadOnly) : (in.setFileName(p.value(payload)), in.open(QIODevice::ReadOnly));
    if (!opened) {
        err() << tr("queuedeckctl: cannot read %1: %2").arg(p.value(payload), in.errorString()) << '\n';
        return 2;
    }
    const QByteArray edited = in.read(16 * 1024 * 1024 + 1);
    if (edited.size() > 16 * 1024 * 1024) {
        err() << tr("queuedeckctl: the edited payload is larger than 16 MiB: nothing was sent.") << '\n';
        return 2;
    }
    const std::shared_ptr<Backend> backend = openBackend(p.positionalArguments().at(1));
    if (!backend) {
        return 2;
    }
    if (!backend->capabilities().payloadEdit) {
        err() << tr("queuedeckctl: %1").arg(backend->validatePayload(QString::fromUtf8(edited))) << '\n';
        return 1;
    }
    if (const QString problem = backend->validatePayload(QString::fromUtf8(edited)); !problem.isEmpty()) {
        err() << tr("queuedeckctl: %1").arg(escapeForDisplay(problem, 400)) << '\n';
        return 1;
    }
    AuditLog audit(AuditLog::defaultPath());
    if (!auditReady(audit, p.isSet(dryRun))) {
        return 1;
    }
    ResendRequest request;
    request.jobId = p.value(job);
    request.expected = *expected;
    request.payload = QString::fromUtf8(edited);
    request.inPlace = p.isSet(inPlace);
    request.dryRun = p.isSet(dryRun);
    const ResendResult r = wait(OperatorActions(&audit).resend(*backend, request, actionContext(p, op))).result;
    if (!r.error.isEmpty()) {
        err() << tr("queuedeckctl: %1").arg(escapeForDisplay(r.error, 400)) << '\n';
        return 1;
    }
    if (r.dryRun) {
        out() << tr("would resend %1 %2 as %3:")
                     .arg(escapeForDisplay(r.originalId, 200), r.inPlace ? tr("in place") : tr("as a new job"),
                          escapeForDisplay(r.newId, 200))
              << '\n'
              << escapeForDisplay(r.edited, 100000) << '\n';
    } else {
        out() << (r.inPlace ? tr("replaced %1 and queued it as %2") : tr("resent %1 as %2"))
                     .arg(escapeForDisplay(r.originalId, 200), escapeForDisplay(r.newId, 200))
              << '\n';
    }
    out().flush();
    return 0;
}

int runSignalWorker(const QStringList &arguments, WorkerSignal signal)
{
    QCommandLineParser p;
    const QString verb = workerSignalName(signal);
    startCommand(p, verb, signal == WorkerSignal::Quiet
                              ? tr("Tell a worker to finish what it holds and take no new jobs (it stays up).")
                              : tr("Tell a worker to shut down cleanly."));
    p.addPositionalArgument(QStringLiteral("URL"), tr("Connection URL."));
    const QCommandLineOption worker(QStringLiteral("worker"), tr("The worker, as `queuedeckctl workers` lists it."),
                                    QStringLiteral("ID"));
    const QCommandLineOption op = operatorOption();
    p.addOptions({worker, op});
    bool parsed = false;
    if (helpShown(p, arguments, parsed)) {
        return 0;
    }
    if (!parsed || p.positionalArguments().size() != 2 || p.value(worker).isEmpty()) {
        err() << (p.errorText().isEmpty() ? tr("usage: queuedeckctl %1 URL --worker ID").arg(verb) : p.errorText()) << '\n';
        return 2;
    }
    const std::shared_ptr<Backend> backend = openBackend(p.positionalArguments().at(1));
    if (!backend) {
        return 2;
    }
    const Capabilities caps = backend->capabilities();
    if (!(signal == WorkerSignal::Quiet ? caps.quietWorkers : caps.stopWorkers)) {
        err() << tr("queuedeckctl: %1").arg(backend->workerSignalUnsupportedReason(signal)) << '\n';
        return 1;
    }
    AuditLog audit(AuditLog::defaultPath());
    if (!auditReady(audit, false)) {
        return 1;
    }
    const WorkerSignalResult r =
        wait(OperatorActions(&audit).signalWorker(*backend, p.value(worker), signal, actionContext(p, op))).result;
    if (!r.error.isEmpty()) {
        err() << tr("queuedeckctl: %1").arg(escapeForDisplay(r.error, 400)) << '\n';
        return 1;
    }
    out() << (signal == WorkerSignal::Quiet ? tr("told %1 to take no new jobs") : tr("told %1 to shut down"))
                 .arg(escapeForDisplay(r.worker, 200))
          << '\n';
    out().flush();
    return 0;
}

} // namespace qd::ctl
