// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "app/ctl/commands.h"

#include "app/ctl/cliio.h"
#include "app/ctl/ctlaudit.h"

#include "core/actions/actiontexts.h"
#include "core/actions/bulkrun.h"
#include "core/jobs/pagewalker.h"
#include "core/privatefiles.h"
#include "core/audit/auditlog.h"
#include "core/backendfactory.h"
#include "core/clock.h"
#include "core/export/jobexport.h"
#include "core/settings/connectionsettings.h"
#include "core/textsafety.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <cstdio>

namespace qd::ctl {

namespace {

QString time(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QStringLiteral("—");
}

/// Runs `run` to the end on this thread's event loop, printing progress to stderr for long runs.
BulkSummary runToEnd(BulkRun &run, bool showProgress)
{
    QEventLoop loop;
    BulkSummary summary;
    QString failure;
    QObject::connect(&run, &BulkRun::finished, &loop, [&](const BulkSummary &s) {
        summary = s;
        loop.quit();
    });
    QObject::connect(&run, &BulkRun::failed, &loop, [&](const QString &e) {
        failure = e;
        loop.quit();
    });
    if (showProgress) {
        QObject::connect(&run, &BulkRun::progress, &loop, [](const BulkProgress &p) {
            err() << tr("bulk: %1 of %2 done (%3 acted on, %4 skipped)").arg(p.done).arg(p.total).arg(p.succeeded).arg(p.skipped)
                  << '\n';
            err().flush();
        });
    }
    run.start();
    loop.exec();
    if (!failure.isEmpty()) {
        summary.error = failure;
        summary.notAttempted = run.jobIds().size();
    }
    return summary;
}

/// The blast radius of --all, before anything changes.
void printPreview(const BulkPreview &preview)
{
    QStringList classes;
    for (auto it = preview.classes.cbegin(); it != preview.classes.cend(); ++it) {
        classes << QStringLiteral("%1 %2").arg(escapeForDisplay(it.key(), 60)).arg(it.value());
    }
    out() << tr("blast radius: %1").arg(escapeForDisplay(blastRadiusText(preview), 400)) << '\n';
    if (!classes.isEmpty()) {
        out() << tr("classes: %1").arg(classes.mid(0, 10).join(QStringLiteral(", "))) << '\n'; // escaped above
    }
    if (preview.oldest.isValid()) {
        out() << tr("oldest: %1").arg(time(preview.oldest)) << '\n';
    }
    for (const JobSummary &j : preview.sample) {
        out() << "  " << escapeForDisplay(j.id, 200) << "  " << escapeForDisplay(j.className, 60);
        if (!j.errorLine.isEmpty()) {
            out() << "  " << escapeForDisplay(j.errorLine, 100);
        }
        out() << '\n';
    }
}

/// --user-field RULE as a rule (none when unset); false after printing why it cannot be used.
bool readUserRule(const QCommandLineParser &p, const QCommandLineOption &option, std::optional<UserRule> &rule)
{
    // Without --user-field, the rule the desktop saved for this connection, if any (a saved rule that no longer
    // reads is left out: the count of users is optional here).
    if (!p.isSet(option)) {
        if (auto saved = UserRule::parse(savedUserRule(p.positionalArguments().value(1))); saved) {
            rule = saved.value();
        }
        return true;
    }
    auto parsed = UserRule::parse(p.value(option));
    if (!parsed) {
        err() << tr("queuedeckctl: --user-field: %1").arg(parsed.error()) << '\n';
        return false;
    }
    rule = parsed.value();
    return true;
}

/// A whole-queue action's blast radius: a peek at its first 200 jobs (classes, users by `rule`, age).
BulkPreview sampleQueue(Backend &backend, const QString &queue, qint64 total, const std::optional<UserRule> &rule)
{
    JobQuery q;
    q.queue = queue;
    q.withPayload = true;
    QList<JobSummary> sample;
    const PageWalk walk = PageWalker::walk(backend, q, 200, 200, [&sample](const JobPage &page) {
        sample += page.jobs;
        return true;
    });
    return sampledPreview(total, walk.error.isEmpty() ? sample : QList<JobSummary>{}, rule, backend.clock()->now());
}

int printSummary(const BulkSummary &s, ActionKind kind, JobState expected)
{
    const QString done = pastTense(kind);
    out() << tr("%1 %2 job(s)").arg(done).arg(s.succeeded);
    if (s.succeeded > 0 && s.succeeded <= s.firstSucceeded.size()) {
        out() << ": " << escapedList(s.firstSucceeded);
    }
    out() << '\n';
    if (s.skipped > 0) {
        out() << tr("skipped %1 job(s) no longer %2 (already %3 by someone else, picked up, or gone)")
                     .arg(s.skipped)
                     .arg(jobStateName(expected), done)
              << '\n';
    }
    out().flush();
    if (s.complete()) {
        return 0;
    }
    err() << (s.cancelled ? tr("queuedeckctl: cancelled; %1 job(s) not attempted.").arg(s.notAttempted)
                          : tr("queuedeckctl: %1; %2 job(s) not attempted.").arg(escapeForDisplay(s.error, 400)).arg(s.notAttempted));
    if (s.runId != 0) {
        err() << ' ' << tr("Resume with: queuedeckctl resume URL %1").arg(s.runId);
    }
    err() << '\n';
    return 1;
}

/// `--dry-run`: resolves the jobs (the blast radius, printed for --all), then asks the backend which of them are
/// still where they were, batch by batch, changing nothing.
int dryRunAction(BulkRun &run, Backend &backend, const BulkSpec &spec, bool all)
{
    // Resolve (the blast radius), then ask the backend which jobs are still where they were: no change.
    QEventLoop loop;
    QString failure;
    QObject::connect(&run, &BulkRun::resolved, &loop, &QEventLoop::quit);
    QObject::connect(&run, &BulkRun::failed, &loop, [&](const QString &e) {
        failure = e;
        loop.quit();
    });
    run.resolve();
    loop.exec();
    if (!failure.isEmpty()) {
        err() << tr("queuedeckctl: %1").arg(escapeForDisplay(failure, 400)) << '\n';
        return 1;
    }
    if (all) {
        printPreview(run.preview());
    }
    ActionResult total;
    for (qsizetype i = 0; i < run.jobIds().size(); i += spec.batchSize) {
        JobAction a;
        a.kind = spec.kind;
        a.jobIds = run.jobIds().mid(i, spec.batchSize);
        a.expected = spec.expected;
        a.targetQueue = spec.targetQueue;
        a.queue = spec.queue;
        a.dryRun = true;
        const ActionResult r = wait(backend.act(a));
        if (!r.error.isEmpty()) {
            err() << tr("queuedeckctl: %1").arg(escapeForDisplay(r.error, 400)) << '\n';
            return 1;
        }
        total.succeeded += r.succeeded;
        total.skipped += r.skipped;
    }
    out() << tr("would %1 %2 job(s)").arg(actionName(spec.kind)).arg(total.succeeded.size());
    if (!total.succeeded.isEmpty() && total.succeeded.size() <= 20) {
        out() << ": " << escapedList(total.succeeded);
    }
    out() << '\n';
    if (!total.skipped.isEmpty()) {
        out() << tr("would skip %1 job(s) no longer %2: %3")
                     .arg(total.skipped.size())
                     .arg(jobStateName(spec.expected), escapedList(total.skipped.mid(0, 20)))
              << '\n';
    }
    out().flush();
    return 0;
}

/// The bulk run's spec from the command's options.
BulkSpec actionSpec(ActionKind kind, JobState expected, bool all, const QString &queue, const QString &search,
                    const QString &to)
{
    BulkSpec spec;
    spec.kind = kind;
    spec.expected = expected;
    spec.targetQueue = kind == ActionKind::Move ? to.trimmed() : QString();
    spec.queue = queue;
    if (all) {
        JobQuery q;
        q.queue = queue;
        q.state = expected;
        q.search = search;
        spec.filter = q;
        spec.filterText = QStringLiteral("queue=%1 state=%2 search=%3").arg(q.queue, jobStateName(q.state), q.search);
    } else {
        spec.filterText = QStringLiteral("queuedeckctl --job");
    }
    return spec;
}

int runAction(const QStringList &arguments, ActionKind kind)
{
    const QString verb = kind == ActionKind::Move ? QStringLiteral("move-jobs") : actionName(kind);
    QCommandLineParser p;
    startCommand(p, verb, kind == ActionKind::Retry    ? tr("Retry jobs now, only if they are still in the given state.")
                 : kind == ActionKind::Cancel ? tr("Delete jobs, only if they are still in the given state.")
                 : tr("Move jobs to another queue, only if they are still in the given state."));
    p.addPositionalArgument(QStringLiteral("URL"), tr("Connection URL."));
    const QCommandLineOption job(QStringLiteral("job"), tr("A job id (repeatable)."), QStringLiteral("ID"));
    const QCommandLineOption all(QStringLiteral("all"), tr("Every job matching --queue/--state/--search."));
    const QCommandLineOption queue(QStringLiteral("queue"),
                                   tr("With --all: the queue. With --job: the queue the jobs are in (RabbitMQ)."),
                                   QStringLiteral("Q"));
    const QCommandLineOption state(QStringLiteral("state"), tr("The state the jobs must still be in (default failed; move-jobs: waiting)."),
                                   QStringLiteral("STATE"), kind == ActionKind::Move ? QStringLiteral("waiting") : QStringLiteral("failed"));
    const QCommandLineOption to(QStringLiteral("to"), tr("move-jobs: the queue the jobs go to."), QStringLiteral("Q"));
    const QCommandLineOption search(QStringLiteral("search"), tr("With --all: text in the payload or error."), QStringLiteral("TEXT"));
    const QCommandLineOption dryRun(QStringLiteral("dry-run"), tr("Print what would change; change nothing."));
    const QCommandLineOption yes(QStringLiteral("yes"), tr("Confirm a bulk action (--all) without asking."));
    const QCommandLineOption allQueues(QStringLiteral("all-queues"),
                                       tr("With --all and no --queue: really every queue's jobs."));
    const QCommandLineOption batch(QStringLiteral("batch"), tr("Jobs per batch (default 500): one audit row each."),
                                   QStringLiteral("N"), QStringLiteral("500"));
    const QCommandLineOption rate(QStringLiteral("rate"), tr("At most N jobs per second (spare a recovering system)."),
                                  QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption userField(QStringLiteral("user-field"),
                                       tr("With --all: count the distinct users behind the jobs by this rule "
                                          "(/args/0/user_id, arg:N or re:REGEX) in the blast radius."),
                                       QStringLiteral("RULE"));
    const QCommandLineOption op = operatorOption();
    p.addOptions({job, all, queue, state, search, dryRun, yes, allQueues, batch, rate, userField, op});
    if (kind == ActionKind::Move) {
        p.addOption(to);
    }
    bool parsed = false;
    if (helpShown(p, arguments, parsed)) {
        return 0;
    }
    const auto expected = parseJobState(p.value(state));
    bool numbersOk = true;
    const int batchSize = p.value(batch).toInt(&numbersOk);
    bool rateOk = true;
    const double perSecond = p.value(rate).toDouble(&rateOk);
    if (!parsed || p.positionalArguments().size() != 2 || !expected || p.isSet(job) == p.isSet(all) || !numbersOk ||
        batchSize < 1 || !rateOk || perSecond < 0 || (kind == ActionKind::Move && p.value(to).trimmed().isEmpty())) {
        err() << (p.errorText().isEmpty()
                      ? tr("usage: queuedeckctl %1 URL (--job ID… | --all --queue Q) [--state S]%2 [--batch N] [--rate N] [--dry-run] [--yes]")
                            .arg(verb, kind == ActionKind::Move ? QStringLiteral(" --to Q2") : QString())
                      : p.errorText())
              << '\n';
        return 2;
    }
    if (p.isSet(all) && p.value(queue).isEmpty() && !p.isSet(allQueues)) {
        // A forgotten --queue must not quietly widen the action to every queue.
        err() << tr("queuedeckctl: --all needs --queue Q (or --all-queues to act on every queue's jobs).") << '\n';
        return 2;
    }
    if (p.isSet(all) && !p.isSet(yes) && !p.isSet(dryRun)) {
        err() << tr("queuedeckctl: --all changes every matching job: run with --dry-run to see them, then add --yes.") << '\n';
        return 2;
    }
    std::optional<UserRule> rule;
    if (!readUserRule(p, userField, rule)) {
        return 2;
    }
    const std::shared_ptr<Backend> backend = openBackend(p.positionalArguments().at(1));
    if (!backend) {
        return 2;
    }
    AuditLog audit(AuditLog::defaultPath());
    if (!auditReady(audit, p.isSet(dryRun))) {
        return 1;
    }
    BulkSpec spec = actionSpec(kind, *expected, p.isSet(all), p.value(queue), p.value(search), p.value(to));
    spec.batchSize = batchSize;
    spec.ratePerSecond = perSecond;
    spec.operatorName = actionContext(p, op).operatorName;
    spec.jobIds = p.isSet(all) ? QStringList{} : p.values(job);
    spec.userRule = p.isSet(all) ? rule : std::nullopt;
    BulkRun run(backend.get(), &audit, spec);
    if (p.isSet(dryRun)) {
        return dryRunAction(run, *backend, spec, p.isSet(all));
    }
    const BulkSummary s = runToEnd(run, p.isSet(all));
    if (s.runId == 0 && !s.error.isEmpty()) {
        err() << tr("queuedeckctl: %1").arg(escapeForDisplay(s.error, 400)) << '\n';
        return 1;
    }
    return printSummary(s, kind, *expected);
}

} // namespace

namespace {

/// Pages through the listing and writes each page as it arrives: memory stays at one page whatever the count.
int exportJobs(Backend &backend, JobQuery q, ExportFormat format, const std::optional<UserRule> &rule, qint64 max,
               const QString &path, int pageSize)
{
    QFile file;
    if (path.isEmpty()) {
        if (!file.open(stdout, QIODevice::WriteOnly)) {
            return 1;
        }
    } else {
        file.setFileName(path);
        makePrivateFile(path); // job payloads and user ids: created owner-only, not 0644
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            err() << tr("queuedeckctl: cannot write %1: %2").arg(path, file.errorString()) << '\n';
            return 1;
        }
    }
    JobExportWriter writer(&file, format, rule);
    writer.setForTerminal(path.isEmpty() && ::isatty(STDOUT_FILENO));
    q.withPayload = true; // for the args and user columns, where the backend can carry payloads
    bool ok = writer.writeHeader();
    if (ok) {
        // Through pages a bounded scan left empty, to the end of the listing (or --limit).
        const PageWalk walk =
            PageWalker::walk(backend, q, max, pageSize, [&](const JobPage &page) { return ok = writer.write(page.jobs); });
        if (!walk.error.isEmpty()) {
            file.flush();
            // What was written stays written, and says how far it got.
            err() << tr("queuedeckctl: %1 (%2 job(s) were exported before it)").arg(escapeForDisplay(walk.error, 1000)).arg(writer.rows())
                  << '\n';
            return 1;
        }
    }
    file.flush();
    if (!ok) {
        err() << tr("queuedeckctl: %1").arg(writer.error()) << '\n';
        return 1;
    }
    if (!path.isEmpty()) {
        err() << tr("%1 job(s) written to %2").arg(writer.rows()).arg(path) << '\n';
    }
    return 0;
}

} // namespace

namespace {

/// Up to `q.limit` jobs listed as text or JSON, following the cursor through pages a bounded scan left empty: a
/// search that has not reached its match yet is not a search that found nothing.
int listJobs(Backend &backend, const JobQuery &q, bool asJson)
{
    QList<JobSummary> jobs;
    QString notice;
    const PageWalk walk = PageWalker::walk(backend, q, q.limit, std::min(q.limit, 500), [&](const JobPage &page) {
        jobs += page.jobs;
        notice = page.notice;
        return true;
    });
    if (!walk.error.isEmpty()) {
        err() << tr("queuedeckctl: %1").arg(escapeForDisplay(walk.error, 1000)) << '\n';
        return 1;
    }
    if (!notice.isEmpty()) {
        err() << escapeForDisplay(notice, 1000) << '\n';
    }
    if (asJson) {
        QJsonArray a;
        for (const JobSummary &j : std::as_const(jobs)) {
            a.append(toJson(j));
        }
        out() << QJsonDocument(a).toJson(QJsonDocument::Indented);
    } else {
        for (const JobSummary &j : std::as_const(jobs)) {
            out() << escapeForDisplay(j.id, 200) << "  " << escapeForDisplay(j.className, 60) << "  " << jobStateName(j.state) << "  "
                  << tr("attempts %1").arg(j.attempts ? QString::number(*j.attempts) : QStringLiteral("—")) << "  "
                  << tr("run at %1").arg(time(j.runAt));
            if (!j.errorLine.isEmpty()) {
                out() << "  " << escapeForDisplay(j.errorLine, 120);
            }
            out() << '\n';
        }
        if (!walk.reachedEnd) {
            out() << (walk.scanned && walk.scanTotal
                          ? tr("(more: raise --limit; %1 of %2 looked at)").arg(*walk.scanned).arg(*walk.scanTotal)
                          : tr("(more: raise --limit)"))
                  << '\n';
        }
    }
    out().flush();
    return 0;
}

} // namespace

int runJobs(const QStringList &arguments)
{
    QCommandLineParser p;
    startCommand(p, QStringLiteral("jobs"), tr("List the jobs of a queue in one state."));
    p.addPositionalArgument(QStringLiteral("URL"), tr("Connection URL."));
    const QCommandLineOption queue(QStringLiteral("queue"), tr("The queue."), QStringLiteral("Q"));
    const QCommandLineOption state(QStringLiteral("state"), tr("waiting, running, scheduled, failed, dead or completed."),
                                   QStringLiteral("STATE"), QStringLiteral("waiting"));
    const QCommandLineOption search(QStringLiteral("search"), tr("Text in the payload or the error."), QStringLiteral("TEXT"));
    const QCommandLineOption limit(QStringLiteral("limit"), tr("At most N jobs (default 50)."), QStringLiteral("N"), QStringLiteral("50"));
    const QCommandLineOption json(QStringLiteral("json"), tr("JSON array."));
    const QCommandLineOption order(QStringLiteral("order"),
                                   tr("oldest (default) or attempts: most attempts first, sorted by the server "
                                      "(Delayed::Job)."),
                                   QStringLiteral("ORDER"), QStringLiteral("oldest"));
    const QCommandLineOption format(QStringLiteral("format"),
                                    tr("text (default), json, or csv / jsonl: streamed page by page, for any number of jobs."),
                                    QStringLiteral("FORMAT"), QStringLiteral("text"));
    const QCommandLineOption all(QStringLiteral("all"), tr("Every matching job, not only the first --limit (csv, jsonl)."));
    const QCommandLineOption userField(QStringLiteral("user-field"),
                                       tr("csv, jsonl: fill the user column by this rule (/args/0/user_id, arg:0, re:…)."),
                                       QStringLiteral("RULE"));
    const QCommandLineOption output(QStringLiteral("output"), tr("Write to FILE instead of standard output."), QStringLiteral("FILE"));
    const QCommandLineOption pageSize(QStringLiteral("page-size"), tr("csv, jsonl: jobs asked for per page (default 1000)."),
                                      QStringLiteral("N"), QStringLiteral("1000"));
    p.addOptions({queue, state, search, limit, json, order, format, all, userField, output, pageSize});
    bool parsed = false;
    if (helpShown(p, arguments, parsed)) {
        return 0;
    }
    const auto st = parseJobState(p.value(state));
    if (!parsed || p.positionalArguments().size() != 2 || !st) {
        err() << (p.errorText().isEmpty() ? tr("usage: queuedeckctl jobs URL --queue Q --state waiting|running|scheduled|failed|dead|completed [--search TEXT] [--limit N] [--json]")
                                          : p.errorText())
              << '\n';
        return 2;
    }
    if (p.value(order) != u"oldest" && p.value(order) != u"attempts") {
        err() << tr("queuedeckctl: --order is oldest or attempts") << '\n';
        return 2;
    }
    const QString fmt = p.isSet(json) ? QStringLiteral("json") : p.value(format);
    const std::optional<ExportFormat> streamed = parseExportFormat(fmt);
    if (!streamed && fmt != u"text" && fmt != u"json") {
        err() << tr("queuedeckctl: --format is text, json, csv or jsonl") << '\n';
        return 2;
    }
    if ((p.isSet(all) || p.isSet(userField) || p.isSet(output)) && !streamed) {
        err() << tr("queuedeckctl: --all, --user-field and --output go with --format csv or jsonl") << '\n';
        return 2;
    }
    std::optional<UserRule> rule;
    if (p.isSet(userField)) {
        auto parsedRule = UserRule::parse(p.value(userField));
        if (!parsedRule) {
            err() << tr("queuedeckctl: %1").arg(parsedRule.error()) << '\n';
            return 2;
        }
        rule = parsedRule.value();
    }
    const std::shared_ptr<Backend> backend = openBackend(p.positionalArguments().at(1));
    if (!backend) {
        return 2;
    }
    JobQuery q;
    q.queue = p.value(queue);
    q.state = *st;
    q.search = p.value(search);
    q.limit = p.value(limit).toInt();
    if (p.value(order) == u"attempts") {
        if (!backend->capabilities().sortByAttempts) {
            err() << tr("queuedeckctl: this backend cannot sort by attempts on the server") << '\n';
            return 2;
        }
        q.order = JobOrder::MostAttempts;
    }
    if (streamed) {
        return exportJobs(*backend, q, *streamed, rule, p.isSet(all) ? -1 : q.limit, p.value(output),
                          std::clamp(p.value(pageSize).toInt(), 1, 10000));
    }
    return listJobs(*backend, q, fmt == u"json");
}

int runRetry(const QStringList &arguments)
{
    return runAction(arguments, ActionKind::Retry);
}

int runCancel(const QStringList &arguments)
{
    return runAction(arguments, ActionKind::Cancel);
}

int runMoveJobs(const QStringList &arguments)
{
    return runAction(arguments, ActionKind::Move);
}

int runPurge(const QStringList &arguments)
{
    QCommandLineParser p;
    startCommand(p, QStringLiteral("purge"), tr("Delete every message of a queue. Type the queue's name twice: --queue and --confirm."));
    p.addPositionalArgument(QStringLiteral("URL"), tr("Connection URL."));
    const QCommandLineOption queue(QStringLiteral("queue"), tr("The queue to empty."), QStringLiteral("Q"));
    const QCommandLineOption confirm(QStringLiteral("confirm"), tr("The queue's name again, typed out."), QStringLiteral("Q"));
    const QCommandLineOption dryRun(QStringLiteral("dry-run"), tr("Say how many messages would go; delete nothing."));
    const QCommandLineOption userField(QStringLiteral("user-field"),
                                       tr("Count the distinct users in the blast radius's sample by this rule."),
                                       QStringLiteral("RULE"));
    const QCommandLineOption op = operatorOption();
    p.addOptions({queue, confirm, dryRun, userField, op});
    bool parsed = false;
    if (helpShown(p, arguments, parsed)) {
        return 0;
    }
    if (!parsed || p.positionalArguments().size() != 2 || p.value(queue).isEmpty()) {
        err() << (p.errorText().isEmpty() ? tr("usage: queuedeckctl purge URL --queue Q --confirm Q [--dry-run]") : p.errorText())
              << '\n';
        return 2;
    }
    if (!p.isSet(dryRun) && p.value(confirm) != p.value(queue)) {
        err() << tr("queuedeckctl: purge deletes every message of %1: repeat its exact name with --confirm (or use --dry-run).")
                     .arg(escapeForDisplay(p.value(queue), 200))
              << '\n';
        return 2;
    }
    std::optional<UserRule> rule;
    if (!readUserRule(p, userField, rule)) {
        return 2;
    }
    const std::shared_ptr<Backend> backend = openBackend(p.positionalArguments().at(1));
    if (!backend) {
        return 2;
    }
    AuditLog audit(AuditLog::defaultPath());
    if (!auditReady(audit, p.isSet(dryRun))) {
        return 1;
    }
    // The blast radius first (a peek: the messages go back), so the audit row says what the purge destroyed.
    BulkPreview radius = sampleQueue(*backend, p.value(queue), 0, rule);
    ActionContext context = actionContext(p, op);
    context.blastRadius = radius;
    const PurgeResult r = wait(OperatorActions(&audit).purge(*backend, p.value(queue), p.isSet(dryRun), context)).result;
    radius.total = r.before;
    const QString radiusText = blastRadiusText(radius);
    if (!r.error.isEmpty()) {
        err() << tr("queuedeckctl: %1").arg(escapeForDisplay(r.error, 400)) << '\n';
        return 1;
    }
    out() << (r.dryRun ? tr("would delete %1 message(s) from %2") : tr("deleted %1 message(s) from %2"))
                 .arg(r.before)
                 .arg(escapeForDisplay(r.queue, 200))
          << '\n'
          << tr("blast radius: %1").arg(escapeForDisplay(radiusText, 400)) << '\n';
    out().flush();
    return 0;
}

int runMove(const QStringList &arguments)
{
    QCommandLineParser p;
    startCommand(p, QStringLiteral("move"), tr("Move every message of a queue (a dead-letter queue) to another queue, server-side."));
    p.addPositionalArgument(QStringLiteral("URL"), tr("Connection URL."));
    const QCommandLineOption from(QStringLiteral("from"), tr("The queue to empty."), QStringLiteral("Q"));
    const QCommandLineOption to(QStringLiteral("to"),
                                tr("The destination (default: where its first message was dead-lettered from)."),
                                QStringLiteral("Q"));
    const QCommandLineOption dryRun(QStringLiteral("dry-run"), tr("Say what would move; move nothing."));
    const QCommandLineOption yes(QStringLiteral("yes"), tr("Move without asking."));
    const QCommandLineOption op = operatorOption();
    p.addOptions({from, to, dryRun, yes, op});
    bool parsed = false;
    if (helpShown(p, arguments, parsed)) {
        return 0;
    }
    if (!parsed || p.positionalArguments().size() != 2 || p.value(from).isEmpty()) {
        err() << (p.errorText().isEmpty() ? tr("usage: queuedeckctl move URL --from Q [--to Q2] [--dry-run] [--yes]")
                                          : p.errorText())
              << '\n';
        return 2;
    }
    if (!p.isSet(yes) && !p.isSet(dryRun)) {
        err() << tr("queuedeckctl: move changes a whole queue: run with --dry-run to see it, then add --yes.") << '\n';
        return 2;
    }
    const std::shared_ptr<Backend> backend = openBackend(p.positionalArguments().at(1));
    if (!backend) {
        return 2;
    }
    AuditLog audit(AuditLog::defaultPath());
    if (!auditReady(audit, p.isSet(dryRun))) {
        return 1;
    }
    MoveRequest request{p.value(from), p.value(to), p.isSet(dryRun)};
    // Batches (the AMQP path) report as they go, on the backend's thread: one line each on stderr.
    request.progress = [](const MoveResult &sofar) {
        const QByteArray line = tr("moved %1 of %2 so far\n").arg(sofar.moved).arg(sofar.before).toLocal8Bit();
        std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
        std::fflush(stderr);
    };
    const MoveResult r = wait(OperatorActions(&audit).move(*backend, request, actionContext(p, op))).result;
    if (!r.error.isEmpty()) {
        err() << tr("queuedeckctl: %1").arg(escapeForDisplay(r.error, 400)) << '\n';
        return 1;
    }
    out() << (request.dryRun ? tr("would move %1 message(s) from %2 to %3") : tr("moved %1 message(s) from %2 to %3"))
                 .arg(request.dryRun ? r.before : r.moved)
                 .arg(escapeForDisplay(r.from, 200), escapeForDisplay(r.to, 200));
    if (!request.dryRun && r.left > 0) {
        out() << tr("; %1 still counted in %2 (new arrivals, or statistics that trail: check again in a few seconds)")
                     .arg(r.left)
                     .arg(escapeForDisplay(r.from, 200));
    }
    out() << '\n';
    out().flush();
    return 0;
}

} // namespace qd::ctl

namespace qd::ctl {

int runRuns(const QStringList &arguments)
{
    QCommandLineParser p;
    startCommand(p, QStringLiteral("runs"), tr("List bulk actions that did not finish (cancelled, interrupted, or running when the app died)."));
    p.addPositionalArgument(QStringLiteral("URL"), tr("Only this connection (optional)."), QStringLiteral("[URL]"));
    bool parsed = false;
    if (helpShown(p, arguments, parsed)) {
        return 0;
    }
    if (!parsed || p.positionalArguments().size() > 2) {
        err() << (p.errorText().isEmpty() ? tr("usage: queuedeckctl runs [URL]") : p.errorText()) << '\n';
        return 2;
    }
    QString connection;
    if (p.positionalArguments().size() == 2) {
        const auto url = ConnectionUrl::parse(p.positionalArguments().at(1));
        if (!url) {
            err() << tr("queuedeckctl: %1").arg(url.error()) << '\n';
            return 2;
        }
        connection = url->toDisplayString();
    }
    AuditLog audit(AuditLog::defaultPath());
    if (const QString e = audit.open(); !e.isEmpty()) {
        err() << tr("queuedeckctl: %1").arg(e) << '\n';
        return 1;
    }
    const auto runs = audit.unfinishedBulks(connection).result();
    for (const BulkJournalEntry &r : runs) {
        out() << tr("#%1  %2  %3 %4 job(s) (%5 left)  %6  by %7  %8  %9")
                     .arg(r.id)
                     .arg(r.state, r.action)
                     .arg(r.jobIds.size())
                     .arg(r.jobIds.size() - r.next)
                     .arg(time(r.updatedAt), escapeForDisplay(r.operatorName, 40), escapeForDisplay(r.connection, 120),
                          escapeForDisplay(r.result, 120))
              << '\n';
    }
    if (runs.isEmpty()) {
        out() << tr("no unfinished bulk actions") << '\n';
    }
    out().flush();
    return 0;
}

int runResume(const QStringList &arguments)
{
    QCommandLineParser p;
    startCommand(p, QStringLiteral("resume"), tr("Finish a bulk action from its first unconfirmed batch (see `queuedeckctl runs`)."));
    p.addPositionalArgument(QStringLiteral("URL"), tr("Connection URL (the run's connection)."));
    p.addPositionalArgument(QStringLiteral("RUN"), tr("The run's number."));
    const QCommandLineOption rate(QStringLiteral("rate"), tr("At most N jobs per second."), QStringLiteral("N"), QStringLiteral("0"));
    p.addOption(rate);
    bool parsed = false;
    if (helpShown(p, arguments, parsed)) {
        return 0;
    }
    bool idOk = false;
    const qint64 id = parsed && p.positionalArguments().size() == 3 ? p.positionalArguments().at(2).toLongLong(&idOk) : 0;
    if (!parsed || !idOk) {
        err() << (p.errorText().isEmpty() ? tr("usage: queuedeckctl resume URL RUN [--rate N]") : p.errorText()) << '\n';
        return 2;
    }
    const std::shared_ptr<Backend> backend = openBackend(p.positionalArguments().at(1));
    if (!backend) {
        return 2;
    }
    AuditLog audit(AuditLog::defaultPath());
    if (!auditReady(audit, false)) {
        return 1;
    }
    const auto entry = audit.bulk(id).result();
    if (!entry) {
        err() << tr("queuedeckctl: there is no bulk action #%1 in %2").arg(id).arg(audit.path()) << '\n';
        return 1;
    }
    if (entry->connection != backend->url().toDisplayString()) {
        err() << tr("queuedeckctl: bulk action #%1 ran on %2, not on this connection").arg(id).arg(escapeForDisplay(entry->connection, 200))
              << '\n';
        return 2;
    }
    if (entry->finished()) {
        out() << tr("bulk action #%1 already finished: %2 acted on, %3 skipped").arg(id).arg(entry->succeeded).arg(entry->skipped)
              << '\n';
        return 0;
    }
    std::unique_ptr<BulkRun> run(BulkRun::resume(backend.get(), &audit, *entry, std::max(0.0, p.value(rate).toDouble())));
    out() << tr("resuming #%1: %2 of %3 job(s) left").arg(id).arg(entry->jobIds.size() - entry->next).arg(entry->jobIds.size()) << '\n';
    const ActionKind kind = parseActionName(entry->action.section(u':', 0, 0)).value_or(ActionKind::Retry);
    const BulkSummary s = runToEnd(*run, true);
    return printSummary(s, kind, parseJobState(entry->expectedState).value_or(JobState::Failed));
}

} // namespace qd::ctl
