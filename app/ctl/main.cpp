// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "app/ctl/cliio.h"
#include "app/ctl/commands.h"
#include "app/ctl/ctldeadline.h"
#include "app/ctl/ctlsecrets.h"
#include "core/textsafety.h"

#include <QCoreApplication>
#include <QHash>
#include <QTextStream>

#include <functional>
#include <optional>

namespace {

using Command = std::function<int(const QStringList &)>;

/// Every command by its name.
const QHash<QString, Command> &commands()
{
    using namespace qd::ctl;
    static const QHash<QString, Command> table{
        {QStringLiteral("snapshot"), runSnapshot},
        {QStringLiteral("check"), runCheck},
        {QStringLiteral("watch"), runWatch},
        {QStringLiteral("serve"), runServe},
        {QStringLiteral("jobs"), runJobs},
        {QStringLiteral("retry"), runRetry},
        {QStringLiteral("cancel"), runCancel},
        {QStringLiteral("move-jobs"), runMoveJobs},
        {QStringLiteral("runs"), runRuns},
        {QStringLiteral("resume"), runResume},
        {QStringLiteral("move"), runMove},
        {QStringLiteral("purge"), runPurge},
        {QStringLiteral("pause"), [](const QStringList &a) { return runPause(a, true); }},
        {QStringLiteral("unpause"), [](const QStringList &a) { return runPause(a, false); }},
        {QStringLiteral("resend"), runResend},
        {QStringLiteral("workers"), runWorkers},
        {QStringLiteral("quiet"), [](const QStringList &a) { return runSignalWorker(a, qd::WorkerSignal::Quiet); }},
        {QStringLiteral("stop"), [](const QStringList &a) { return runSignalWorker(a, qd::WorkerSignal::Stop); }},
        {QStringLiteral("affected"), runAffected},
        {QStringLiteral("notify"), runNotify},
    };
    return table;
}

/// --version, --help, or the usage after an unknown command (exit 2).
int usage(const QString &command)
{
    QTextStream s(command == u"--version" || command == u"--help" || command == u"-h" ? stdout : stderr);
    if (command == u"--version") {
        s << "queuedeckctl " << QCoreApplication::applicationVersion() << '\n';
        return 0;
    }
    s << qd::ctl::tr(
        "usage: queuedeckctl <command> [options]\n\n"
        "commands:\n"
        "  snapshot URL [--json]                 state of every queue and worker\n"
        "  check URL [--max-latency S] [--warn-latency S] [--max-depth N] [--warn-depth N] [--min-workers N]\n"
        "                                        Nagios plugin: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN\n"
        "  watch URL [--interval S] [--count N] [--json]\n"
        "                                        print every alert state change, continuously\n"
        "  serve --config FILE [--check-config]  the team server: one poll for everyone, into PostgreSQL, /metrics\n"
        "  jobs URL --queue Q --state S [--search TEXT] [--limit N] [--json | --format csv|jsonl [--all]]\n"
        "  retry URL (--job ID… | --all --queue Q) [--state S] [--batch N] [--rate N] [--dry-run] [--yes]\n"
        "  cancel URL (--job ID… | --all --queue Q) [--state S] [--batch N] [--rate N] [--dry-run] [--yes]\n"
        "  move-jobs URL (--job ID… | --all --queue Q) --to Q2 [--state S] [--dry-run] [--yes]\n"
        "  runs [URL]                            bulk actions that did not finish (cancelled, interrupted)\n"
        "  resume URL RUN [--rate N]             finish one from its first unconfirmed batch\n"
        "  move URL --from Q [--to Q2] [--dry-run] [--yes]\n"
        "  purge URL --queue Q --confirm Q [--dry-run]\n"
        "  pause|unpause URL --queue Q           BullMQ's own paused state: workers take nothing until unpaused\n"
        "                                        conditional actions, written to the audit log\n"
        "  resend URL --job ID --payload FILE|- [--state S] [--in-place] [--dry-run]\n"
        "                                        an edited job sent again (Sidekiq), original and edit audited\n"
        "  workers URL [--json]                  every worker: state, quiet, last heartbeat, queues, job\n"
        "  quiet|stop URL --worker ID            Sidekiq: take no new jobs / shut down; RQ: shut down (audited)\n"
        "  affected URL --queue Q --state S [--user-field RULE] [--older-than S] [--search TEXT] [--json]\n"
        "                                        the distinct users behind those jobs, with counts and delays\n"
        "  notify URL --queue Q --state S [--user-field RULE] --template FILE --channel webhook:URL|sql:URL|csv:FILE\n"
        "         --incident ID [--older-than S] [--outbox FILE] [--dry-run] [--operator NAME]\n"
        "                                        one message to each of them, through the outbox (never twice)\n\n"
        "URL schemes: delayedjob+sqlite:///abs/path.db, delayedjob+postgresql://user@host:5432/db,\n"
        "  sidekiq+redis://host:6379/0, rq+redis://…, bullmq+redis://…, celery+redis://… (rediss:// for TLS),\n"
        "  rabbitmq+http(s)://user@host:15672/vhost, celery+amqp://user@host:15672/vhost\n"
        "\n"
        "Passwords: never put them in the URL (the process list shows it to every user). Every command that\n"
        "takes a URL fills in a missing password from, in this order:\n"
        "  --password-file FILE                  its first line; FILE must not be readable by others (chmod 600),\n"
        "                                        or - / /dev/stdin / a pipe: --password-file <(pass show queue)\n"
        "  QUEUEDECK_PASSWORD                    any backend\n"
        "  REDISCLI_AUTH                         Sidekiq, RQ, BullMQ, Celery over redis:// or rediss://\n"
        "  RABBITMQ_PASSWORD                     RabbitMQ, Celery over amqp://\n"
        "  PGPASSWORD                            Delayed::Job on PostgreSQL (libpq's ~/.pgpass works too)\n"
        "A password in the URL still works, with a warning.\n\n"
        "Deadline: every command ends within --deadline S seconds whatever the server does (check: UNKNOWN,\n"
        "  exit 3; others: exit 1). Default 30 s for snapshot, check, jobs, workers, affected and runs; an hour\n"
        "  for actions (a bulk run cut short is resumable); none for watch, whose every poll has 30 s. 0: none.\n\n"
        "Run `queuedeckctl <command> --help` for details.\n");
    if (!command.isEmpty() && command != u"--help" && command != u"-h") {
        s << qd::ctl::tr("\nqueuedeckctl: unknown command \"%1\"").arg(qd::escapeForDisplay(command, 60)) << '\n';
    }
    return command == u"--help" || command == u"-h" ? 0 : 2;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("queuedeckctl"));
    QCoreApplication::setOrganizationName(QStringLiteral("Queuedeck"));
    QCoreApplication::setApplicationVersion(QStringLiteral(QD_VERSION));

    QStringList args = QCoreApplication::arguments();
    const QString passwordFileError = qd::ctl::takePasswordFileOption(args);
    const QString command = args.size() > 1 ? args.at(1) : QString();
    std::optional<double> deadline;
    const QString deadlineError = qd::ctl::takeDeadlineOption(args, deadline);
    for (const QString &error : {passwordFileError, deadlineError}) {
        if (!error.isEmpty()) {
            qd::ctl::err() << qd::ctl::tr("queuedeckctl: %1").arg(error) << '\n';
            return command == u"check" ? 3 : 2; // check's usage errors are Nagios UNKNOWN
        }
    }
    qd::ctl::armDeadline(command, deadline.value_or(qd::ctl::defaultDeadlineSeconds(command)));
    if (const auto run = commands().constFind(command); run != commands().cend()) {
        return (*run)(args);
    }
    return usage(command);
}
