// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// `affected` (who an incident hit) and `notify` (one message to exactly them, through the outbox).
#include "app/ctl/commands.h"

#include "app/ctl/cliio.h"
#include "app/ctl/ctlaudit.h"

#include "core/backendfactory.h"
#include "core/recipients/channels.h"
#include "core/recipients/directory.h"
#include "core/recipients/messagebuilder.h"
#include "core/recipients/messagetemplate.h"
#include "core/recipients/outbox.h"
#include "core/recipients/recipientcollector.h"
#include "core/recipients/recipients.h"
#include "core/recipients/sender.h"
#include "core/recipients/userrule.h"
#include "core/textsafety.h"

#include <QCommandLineParser>
#include <QEventLoop>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <optional>

namespace qd::ctl {

namespace {


/// The options `affected` and `notify` share: which jobs, and how a job names its user.
struct SelectionOptions
{
    QCommandLineOption queue{QStringLiteral("queue"), tr("The queue."), QStringLiteral("Q")};
    QCommandLineOption state{QStringLiteral("state"), tr("waiting, running, scheduled, failed or dead (default waiting)."),
                             QStringLiteral("STATE"), QStringLiteral("waiting")};
    QCommandLineOption userField{QStringLiteral("user-field"),
                                 tr("How a job names its user: a JSON pointer (/args/0/user_id), arg:N or re:REGEX."),
                                 QStringLiteral("RULE")};
    QCommandLineOption olderThan{QStringLiteral("older-than"), tr("Only jobs that have waited at least S seconds."),
                                 QStringLiteral("S"), QStringLiteral("0")};
    QCommandLineOption search{QStringLiteral("search"), tr("Text in the payload or the error."), QStringLiteral("TEXT")};
    QCommandLineOption since{QStringLiteral("since"), tr("Only jobs due (or enqueued, or failed) at or after this ISO 8601 time."),
                             QStringLiteral("TIME")};
    QCommandLineOption until{QStringLiteral("until"), tr("Only jobs due (or enqueued, or failed) before this ISO 8601 time."),
                             QStringLiteral("TIME")};

    void addTo(QCommandLineParser &p) const { p.addOptions({queue, state, userField, olderThan, search, since, until}); }
};

struct Selection
{
    JobQuery query;
    UserRule rule;
    qint64 olderThanS = 0;
    QDateTime since; ///< invalid: no lower bound
    QDateTime until; ///< invalid: no upper bound
};

/// The selection from the parsed options, or a usage error (printed).
std::optional<Selection> selection(const QCommandLineParser &p, const SelectionOptions &o)
{
    Selection s;
    const auto st = parseJobState(p.value(o.state));
    if (!st) {
        err() << tr("queuedeckctl: unknown state \"%1\"; use waiting, running, scheduled, failed or dead.")
                     .arg(escapeForDisplay(p.value(o.state), 40))
              << '\n';
        return std::nullopt;
    }
    if (p.value(o.queue).isEmpty()) {
        err() << tr("queuedeckctl: name the queue with --queue.") << '\n';
        return std::nullopt;
    }
    QString ruleText = p.value(o.userField);
    if (!p.isSet(o.userField)) {
        QString connection;
        ruleText = savedUserRule(p.positionalArguments().value(1), &connection);
        if (ruleText.isEmpty()) {
            err() << tr("queuedeckctl: say how a job names its user with --user-field (/args/0/user_id, arg:N or "
                        "re:REGEX); none is saved for this connection.")
                  << '\n';
            return std::nullopt;
        }
        err() << tr("queuedeckctl: users by the rule saved for %1: %2 (--user-field overrides it)")
                     .arg(escapeForDisplay(connection, 80), escapeForDisplay(ruleText, 200))
              << '\n';
    }
    auto rule = UserRule::parse(ruleText);
    if (!rule) {
        err() << tr("queuedeckctl: %1").arg(escapeForDisplay(rule.error(), 400)) << '\n';
        return std::nullopt;
    }
    bool ok = false;
    s.olderThanS = p.value(o.olderThan).toLongLong(&ok);
    if (!ok || s.olderThanS < 0) {
        err() << tr("queuedeckctl: --older-than takes seconds (0 or more).") << '\n';
        return std::nullopt;
    }
    for (const auto &[option, target] : {std::pair{&o.since, &s.since}, std::pair{&o.until, &s.until}}) {
        if (p.isSet(*option)) {
            *target = QDateTime::fromString(p.value(*option), Qt::ISODate);
            if (!target->isValid()) {
                err() << tr("queuedeckctl: --%1 takes an ISO 8601 time, e.g. 2026-11-25T02:10:00Z.").arg(option->names().first())
                      << '\n';
                return std::nullopt;
            }
        }
    }
    s.rule = rule.value();
    s.query.queue = p.value(o.queue);
    s.query.state = *st;
    s.query.search = p.value(o.search);
    s.query.withPayload = true;
    return s;
}

/// Pages through every job of the selection (following the cursor past empty pages) and collects the distinct
/// users, page by page, so a big backlog is never held in memory at once. Prints the error and returns nullopt
/// when the backend fails.
std::optional<RecipientSet> collect(Backend &backend, const Selection &s)
{
    // The GUI's collector, run to the end on this thread's event loop.
    RecipientCollector collector(&backend, s.query, s.rule, s.olderThanS);
    collector.setWindow(s.since, s.until);
    QEventLoop loop;
    std::optional<RecipientSet> result;
    QString error;
    QObject::connect(&collector, &RecipientCollector::finished, &loop, [&](const RecipientSet &set) {
        result = set;
        loop.quit();
    });
    QObject::connect(&collector, &RecipientCollector::failed, &loop, [&](const QString &e) {
        error = e;
        loop.quit();
    });
    collector.start();
    loop.exec();
    if (!result) {
        err() << tr("queuedeckctl: %1").arg(escapeForDisplay(error, 1000)) << '\n';
        return std::nullopt;
    }
    if (collector.listed() > 0 && !collector.sawPayload()) {
        err() << tr("queuedeckctl: note: the %1 backend lists no payloads, so no job can name a user.").arg(backend.kind()) << '\n';
    }
    return result;
}

QString missLine(const RecipientSet &set)
{
    QString line = tr("%1 users, %2 jobs, %3 jobs without a user").arg(set.users.size()).arg(set.jobsExamined).arg(set.jobsWithoutUser);
    if (!set.missSamples.isEmpty()) {
        QStringList ids;
        for (const QString &id : set.missSamples) {
            ids << escapeForDisplay(id, 60);
        }
        line += tr(" (e.g. %1)").arg(ids.join(QStringLiteral(", ")));
    }
    return line;
}

void printRecipients(const RecipientSet &set)
{
    qsizetype width = 4;
    QStringList names;
    for (const Recipient &r : set.users) {
        names << escapeForDisplay(r.user, 60);
        width = std::max(width, names.last().size());
    }
    if (!set.users.isEmpty()) {
        out() << tr("USER").leftJustified(width) << "  " << tr("JOBS").rightJustified(6) << "  " << tr("LONGEST DELAY").leftJustified(14)
              << "  " << tr("QUEUE") << '\n';
    }
    for (qsizetype i = 0; i < set.users.size(); ++i) {
        const Recipient &r = set.users.at(i);
        out() << names.at(i).leftJustified(width) << "  " << QString::number(r.jobCount).rightJustified(6) << "  "
              << humanDelay(r.longestDelayS).leftJustified(14) << "  " << escapeForDisplay(r.queue, 80) << '\n';
    }
    out() << missLine(set) << '\n';
}

QJsonObject toJson(const RecipientSet &set)
{
    QJsonArray users;
    for (const Recipient &r : set.users) {
        QJsonObject u;
        u.insert(QStringLiteral("user"), r.user);
        u.insert(QStringLiteral("job_count"), r.jobCount);
        u.insert(QStringLiteral("longest_delay_s"), r.longestDelayS);
        u.insert(QStringLiteral("queue"), r.queue);
        u.insert(QStringLiteral("sample_job_ids"), QJsonArray::fromStringList(r.sampleJobIds));
        users.append(u);
    }
    QJsonObject o;
    o.insert(QStringLiteral("users"), users);
    o.insert(QStringLiteral("jobs_examined"), set.jobsExamined);
    o.insert(QStringLiteral("jobs_without_user"), set.jobsWithoutUser);
    o.insert(QStringLiteral("miss_samples"), QJsonArray::fromStringList(set.missSamples));
    return o;
}

QString firstLine(const QString &text)
{
    return text.section(u'\n', 0, 0).trimmed();
}

/// Runs the sender over `incident` to the end through `channel` (with its password, which the outbox does not
/// keep), printing progress to stderr.
SendSummary drain(Outbox &outbox, const QString &incident, const ChannelSpec &channel)
{
    Sender sender(&outbox);
    sender.setChannels({channel});
    QEventLoop loop;
    SendSummary summary;
    QObject::connect(&sender, &Sender::progress, &loop, [](qint64 done, qint64 total) {
        err() << tr("notify: %1 of %2 done").arg(done).arg(total) << '\n';
        err().flush();
    });
    QObject::connect(&sender, &Sender::messageDone, &loop, [](const QString &user, OutboxStatus status, const QString &detail) {
        if (status == OutboxStatus::Failed) {
            err() << tr("notify: %1 failed: %2").arg(escapeForDisplay(user, 80), escapeForDisplay(detail, 300)) << '\n';
            err().flush();
        }
    });
    QObject::connect(&sender, &Sender::finished, &loop, [&](const SendSummary &s) {
        summary = s;
        loop.quit();
    });
    sender.start(incident);
    if (sender.isRunning()) {
        loop.exec();
    }
    return summary;
}

} // namespace

int runAffected(const QStringList &arguments)
{
    QCommandLineParser p;
    startCommand(p, QStringLiteral("affected"), tr("The distinct users behind the jobs of a queue in one state (who an incident hit)."));
    p.addPositionalArgument(QStringLiteral("URL"), tr("Connection URL."));
    const SelectionOptions sel;
    sel.addTo(p);
    const QCommandLineOption json(QStringLiteral("json"), tr("JSON object."));
    p.addOption(json);
    bool parsed = false;
    if (helpShown(p, arguments, parsed)) {
        return 0;
    }
    const QString usage = tr("usage: queuedeckctl affected URL --queue Q --state S [--user-field RULE] [--older-than SECONDS] "
                             "[--search TEXT] [--json]");
    if (!parsed || p.positionalArguments().size() != 2) {
        err() << (p.errorText().isEmpty() ? usage : p.errorText()) << '\n';
        return 2;
    }
    const auto s = selection(p, sel);
    if (!s) {
        err() << usage << '\n';
        return 2;
    }
    const std::shared_ptr<Backend> backend = openBackend(p.positionalArguments().at(1));
    if (!backend) {
        return 2;
    }
    const auto set = collect(*backend, *s);
    if (!set) {
        return 1;
    }
    if (p.isSet(json)) {
        out() << QJsonDocument(toJson(*set)).toJson(QJsonDocument::Indented);
    } else {
        printRecipients(*set);
    }
    out().flush();
    return 0;
}

namespace {

/// notify's options beyond the selection's.
struct NotifyOptions
{
    SelectionOptions selection;
    QCommandLineOption templ{QStringLiteral("template"),
                             tr("Template file: \"Subject: …\", a blank line, the body; placeholders {{user}}, "
                                "{{job_count}}, {{delay}}, {{queue}}, {{incident}}."),
                             QStringLiteral("FILE")};
    QCommandLineOption channel{QStringLiteral("channel"), tr("webhook:URL, sql:URL or csv:FILE."), QStringLiteral("CHANNEL")};
    QCommandLineOption incident{QStringLiteral("incident"), tr("The incident's id: one message per user and incident."),
                                QStringLiteral("ID")};
    QCommandLineOption outboxPath{QStringLiteral("outbox"),
                                  tr("The outbox file (default $QD_OUTBOX_DB, or next to the audit log)."),
                                  QStringLiteral("FILE")};
    QCommandLineOption dryRun{QStringLiteral("dry-run"), tr("Print who would get what; send and write nothing.")};
    QCommandLineOption op = operatorOption();
    QCommandLineOption namesFrom{QStringLiteral("names-from"),
                                 tr("Look up {{name}} and {{email}} in the application's database (read-only): "
                                    "sqlite:///abs/app.db or postgresql://user@host:5432/db."),
                                 QStringLiteral("URL")};
    QCommandLineOption namesQuery{QStringLiteral("names-query"),
                                  tr("The lookup, one SELECT with :user returning name, email."), QStringLiteral("SQL"),
                                  QStringLiteral("SELECT name, email FROM users WHERE id = :user")};
    QCommandLineOption yes{QStringLiteral("yes"),
                           tr("Send without asking (customers get the messages: see them with --dry-run first).")};

    void addTo(QCommandLineParser &p) const
    {
        selection.addTo(p);
        p.addOptions({templ, channel, incident, outboxPath, dryRun, yes, op, namesFrom, namesQuery});
    }
};

/// What one notify run sends, read and checked from its options before anything is read from the backend.
struct NotifyPlan
{
    Selection selection;
    QString incident;
    MessageTemplate messageTemplate;
    ChannelSpec channel;
    std::shared_ptr<Directory> directory; ///< names and emails, if --names-from
};

/// The plan, or the usage error printed (the command exits 2).
std::optional<NotifyPlan> readPlan(const QCommandLineParser &p, const NotifyOptions &o, const QString &usage)
{
    const auto s = selection(p, o.selection);
    if (!s) {
        err() << usage << '\n';
        return std::nullopt;
    }
    if (p.value(o.incident).trimmed().isEmpty()) {
        err() << tr("queuedeckctl: name the incident with --incident: it is what keeps a re-run from messaging anyone twice.") << '\n'
              << usage << '\n';
        return std::nullopt;
    }
    if (p.value(o.templ).isEmpty() || p.value(o.channel).isEmpty()) {
        err() << tr("queuedeckctl: --template and --channel are required.") << '\n' << usage << '\n';
        return std::nullopt;
    }
    const auto tmpl = MessageTemplate::load(p.value(o.templ));
    if (!tmpl) {
        err() << tr("queuedeckctl: %1").arg(escapeForDisplay(tmpl.error(), 400)) << '\n';
        return std::nullopt;
    }
    const auto ch = ChannelSpec::parse(p.value(o.channel));
    if (!ch) {
        err() << tr("queuedeckctl: %1").arg(escapeForDisplay(ch.error(), 400)) << '\n';
        return std::nullopt;
    }
    std::shared_ptr<Directory> directory;
    if (p.isSet(o.namesFrom)) {
        auto d = Directory::create(p.value(o.namesFrom), p.value(o.namesQuery));
        if (!d) {
            err() << tr("queuedeckctl: %1").arg(escapeForDisplay(d.error(), 400)) << '\n';
            return std::nullopt;
        }
        directory = d.value();
    }
    return NotifyPlan{*s, p.value(o.incident).trimmed(), *tmpl, *ch, directory};
}

/// Names and emails of the users from the plan's directory (none: empty), or nullopt after printing why.
std::optional<QHash<QString, Contact>> lookUpContacts(const NotifyPlan &plan, const RecipientSet &set)
{
    if (!plan.directory) {
        return QHash<QString, Contact>{};
    }
    QStringList users;
    for (const Recipient &r : set.users) {
        users << r.user;
    }
    const auto found = wait(plan.directory->lookup(users));
    if (!found) {
        err() << tr("queuedeckctl: %1").arg(escapeForDisplay(found.error(), 400)) << '\n';
        return std::nullopt;
    }
    err() << tr("names: %1 of %2 user(s) found in %3")
                 .arg(found.value().size())
                 .arg(users.size())
                 .arg(plan.directory->displayString())
          << '\n';
    return found.value();
}

void printDryRun(const NotifyPlan &plan, const QList<OutgoingMessage> &messages, const RecipientSet &set)
{
    out() << tr("would send %1 message(s) through %2 for incident %3 (template %4):")
                 .arg(messages.size())
                 .arg(escapeForDisplay(plan.channel.displayString(), 200), escapeForDisplay(plan.incident, 80),
                      escapeForDisplay(plan.messageTemplate.name(), 80))
          << '\n';
    for (const OutgoingMessage &m : messages) {
        out() << "  " << escapeForDisplay(m.user, 60) << "  " << escapeForDisplay(m.subject, 120) << "  "
              << escapeForDisplay(firstLine(m.body), 120) << '\n';
    }
    out() << missLine(set) << '\n';
    out().flush();
}

/// How a run's messages fared, counted over this run's recipients only.
struct Delivery
{
    SendSummary sent;
    int alreadyDone = 0; ///< sent (or skipped by an operator) before this run
    int failed = 0;
    int stillQueued = 0;
    QStringList failures; ///< "  user: error", for the report
    QString error;        ///< the outbox refused the messages: nothing was sent
};

/// Writes the messages to the outbox (a re-run adds nobody twice), takes back what a sender that is gone held,
/// sends everything due through the channel, then reads where each recipient stands.
Delivery deliver(Outbox &outbox, const NotifyPlan &plan, const QList<OutgoingMessage> &messages)
{
    Delivery d;
    QSet<QString> keys;
    for (const OutgoingMessage &m : messages) {
        keys.insert(Outbox::idempotencyKey(plan.incident, m.user, plan.messageTemplate.name()));
    }
    for (const RecipientStatus &r : wait(outbox.statuses(plan.incident))) {
        if (keys.contains(r.key) && (r.status == OutboxStatus::Sent || r.status == OutboxStatus::Skipped)) {
            ++d.alreadyDone;
        }
    }
    const EnqueueResult queued = wait(outbox.enqueue(plan.incident, plan.messageTemplate.name(), plan.channel.spec, messages));
    if (!queued.error.isEmpty()) {
        d.error = queued.error;
        return d;
    }
    err() << tr("notify: %1 recipient(s): %2 new in the outbox %3, %4 there already")
                 .arg(messages.size())
                 .arg(queued.queued)
                 .arg(outbox.path())
                 .arg(queued.skippedDuplicate)
          << '\n';
    if (const int taken = wait(outbox.reclaimAbandoned()); taken > 0) {
        err() << tr("notify: took back %1 message(s) from a sender that is gone; they are resent with the same key").arg(taken) << '\n';
    }
    err().flush();

    d.sent = drain(outbox, plan.incident, plan.channel);
    for (const RecipientStatus &r : wait(outbox.statuses(plan.incident))) {
        if (!keys.contains(r.key)) {
            continue;
        }
        if (r.status == OutboxStatus::Failed) {
            ++d.failed;
            d.failures << tr("  %1: %2").arg(escapeForDisplay(r.user, 60), escapeForDisplay(r.lastError, 300));
        } else if (r.status == OutboxStatus::Queued) {
            ++d.stillQueued;
        }
    }
    return d;
}

/// Prints what was sent; the command's exit code.
int report(const Delivery &d)
{
    const int skipped = d.alreadyDone + d.sent.skipped;
    out() << tr("sent %1, skipped %2 (already sent), failed %3").arg(d.sent.sent).arg(skipped).arg(d.failed) << '\n';
    for (const QString &f : d.failures) {
        out() << f << '\n';
    }
    out().flush();
    if (d.stillQueued > 0) {
        err() << tr("queuedeckctl: %1 message(s) still queued (another sender holds them, or they wait for a retry); "
                    "run the same command again later.")
                     .arg(d.stillQueued)
              << '\n';
    }
    if (!d.sent.error.isEmpty()) {
        err() << tr("queuedeckctl: %1").arg(escapeForDisplay(d.sent.error, 400)) << '\n';
    }
    return d.failed == 0 && d.stillQueued == 0 && d.sent.error.isEmpty() ? 0 : 1;
}

} // namespace

int runNotify(const QStringList &arguments)
{
    QCommandLineParser p;
    startCommand(p, QStringLiteral("notify"), tr("Send one message to each user behind a selection of jobs, through the outbox: a re-run "
                 "(after a crash, or twice by mistake) messages nobody twice."));
    p.addPositionalArgument(QStringLiteral("URL"), tr("Connection URL."));
    const NotifyOptions o;
    o.addTo(p);
    bool parsed = false;
    if (helpShown(p, arguments, parsed)) {
        return 0;
    }
    const QString usage = tr("usage: queuedeckctl notify URL --queue Q --state S [--user-field RULE] --template FILE "
                             "--channel webhook:URL|sql:URL|csv:FILE --incident ID [--older-than S] [--outbox FILE] "
                             "[--names-from URL [--names-query SQL]] [--dry-run] [--yes] [--operator NAME]");
    if (!parsed || p.positionalArguments().size() != 2) {
        err() << (p.errorText().isEmpty() ? usage : p.errorText()) << '\n';
        return 2;
    }
    const std::optional<NotifyPlan> plan = readPlan(p, o, usage);
    if (!plan) {
        return 2;
    }
    const std::shared_ptr<Backend> backend = openBackend(p.positionalArguments().at(1));
    if (!backend) {
        return 2;
    }

    // Check that the audit log and the outbox open before reading a single job: a send nobody can account for,
    // or one that cannot be deduplicated, is refused.
    const bool dry = p.isSet(o.dryRun);
    AuditLog audit(AuditLog::defaultPath());
    std::optional<Outbox> outbox;
    if (!dry) {
        if (!auditReady(audit, false)) {
            return 1;
        }
        outbox.emplace(p.isSet(o.outboxPath) ? p.value(o.outboxPath) : Outbox::defaultPath());
        if (const QString e = outbox->open(); !e.isEmpty()) {
            err() << tr("queuedeckctl: refusing to send without an outbox: %1").arg(e) << '\n';
            return 1;
        }
    }

    const auto set = collect(*backend, plan->selection);
    const auto contacts = set ? lookUpContacts(*plan, *set) : std::nullopt;
    if (!set || !contacts) {
        return 1;
    }
    const QList<OutgoingMessage> messages =
        MessageBuilder(plan->messageTemplate, plan->incident, *contacts).messages(set->users);
    if (dry) {
        printDryRun(*plan, messages, *set);
        return 0;
    }
    // Messages to customers cannot be taken back: the same confirmation as a bulk action on jobs.
    if (!p.isSet(o.yes)
        && !confirmOnTerminal(tr("notify: send %n message(s) to customers through %1? Type yes to send: ", nullptr,
                                 int(messages.size()))
                                  .arg(escapeForDisplay(plan->channel.displayString(), 200)))) {
        err() << tr("queuedeckctl: notify sends %n message(s) to customers: run with --dry-run to see them, then add "
                    "--yes.",
                    nullptr, int(messages.size()))
              << '\n';
        return 2;
    }

    const Delivery d = deliver(*outbox, *plan, messages);
    if (!d.error.isEmpty()) {
        err() << tr("queuedeckctl: %1").arg(escapeForDisplay(d.error, 400)) << '\n';
        return 1;
    }
    OperatorActions::NotifyRun run;
    run.connection = backend->url().toDisplayString();
    run.state = plan->selection.query.state;
    run.incident = plan->incident;
    run.templateName = plan->messageTemplate.name();
    run.queue = plan->selection.query.queue;
    run.channel = plan->channel.displayString();
    run.olderThanS = plan->selection.olderThanS;
    run.sent = d.sent.sent;
    run.skipped = d.alreadyDone + d.sent.skipped;
    run.failed = d.failed;
    run.stillQueued = d.stillQueued;
    run.error = d.sent.error;
    OperatorActions(&audit).recordNotify(run, actionContext(p, o.op)).waitForFinished();
    return report(d);
}

} // namespace qd::ctl
