// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "app/ctl/commands.h"
#include "core/futurewatch.h"

#include "app/ctl/cliio.h"
#include "app/ctl/ctlaudit.h"
#include "app/ctl/ctldeadline.h"
#include "app/ctl/ctlsecrets.h"

#include "core/backendfactory.h"
#include "core/alerts/alertengine.h"
#include "core/alerts/alertrulesio.h"
#include "core/headline.h"
#include "core/collector.h"
#include "core/session/session.h"
#include "core/alerts/webhooknotifier.h"
#include "core/cli/check.h"
#include "core/cli/snapshotjson.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>
#include <QTextStream>

#include <cmath>
#include <cstdio>

namespace qd::ctl {

namespace {

Result<Snapshot> takeSnapshot(const QString &text)
{
    const auto url = connectionUrl(text);
    if (!url) {
        return Result<Snapshot>::failure(url.error());
    }
    auto backend = createBackend(url.value());
    if (!backend) {
        return Result<Snapshot>::failure(backend.error());
    }
    return wait(backend.value()->snapshot());
}

QString cell(std::optional<qint64> v)
{
    return v ? QString::number(*v) : QStringLiteral("—");
}

QString age(std::optional<double> s)
{
    if (!s) {
        return QStringLiteral("—");
    }
    const qint64 v = std::llround(*s);
    if (v < 60) {
        return QStringLiteral("%1s").arg(v);
    }
    if (v < 3600) {
        return QStringLiteral("%1m%2s").arg(v / 60).arg(v % 60, 2, 10, QLatin1Char('0'));
    }
    return QStringLiteral("%1h%2m").arg(v / 3600).arg((v % 3600) / 60, 2, 10, QLatin1Char('0'));
}

void printTable(const Snapshot &s)
{
    const QStringList header = {tr("QUEUE"), tr("WAITING"), tr("RUNNING"), tr("SCHEDULED"), tr("FAILED"),
                                tr("DEAD"), tr("OLDEST"), tr("CONSUMERS")};
    QList<QStringList> rows;
    QStringList deadLetterQueues;
    for (const QueueStats &q : s.queues) {
        rows.append({escapeForDisplay(q.name, 60), cell(q.waiting), cell(q.running), cell(q.scheduled), cell(q.failed),
                     cell(q.dead), (q.oldestAgeIsLowerBound && q.oldestAgeSeconds ? QStringLiteral(">=") : QString())
                                       + age(q.oldestAgeSeconds),
                     q.consumers ? QString::number(*q.consumers) : QStringLiteral("—")});
        if (q.isDeadLetterQueue()) {
            deadLetterQueues << tr("%1 (from %2)").arg(escapeForDisplay(q.name, 60),
                                                       escapeForDisplay(q.deadLetterOf.join(QStringLiteral(", ")), 120));
        }
    }
    QList<qsizetype> width(header.size());
    for (qsizetype c = 0; c < header.size(); ++c) {
        width[c] = header[c].size();
        for (const auto &r : rows) {
            width[c] = std::max(width[c], r[c].size());
        }
    }
    auto line = [&](const QStringList &r) {
        QString l = r[0].leftJustified(width[0] + 2);
        for (qsizetype c = 1; c < r.size(); ++c) {
            l += r[c].rightJustified(width[c] + 2);
        }
        out() << l.trimmed() << '\n';
    };
    out() << Headline::of(s) << "\n\n";
    line(header);
    for (const auto &r : rows) {
        line(r);
    }
    for (const QueueStats &q : s.queues) {
        if (q.stuck.value_or(0) > 0) {
            out() << tr("Stuck in %1: %2 job(s) held by lost worker(s) %3")
                         .arg(escapeForDisplay(q.name, 60))
                         .arg(*q.stuck)
                         .arg(q.stuckHolders.isEmpty() ? QStringLiteral("—")
                                                       : escapeForDisplay(q.stuckHolders.join(QStringLiteral(", ")), 160))
                  << '\n';
        }
    }
    if (!deadLetterQueues.isEmpty()) {
        out() << '\n' << tr("Dead-letter queues: %1").arg(deadLetterQueues.join(QStringLiteral("; "))) << '\n';
    }
    const WorkerSummary w = s.workerSummary();
    if (!s.workersKnown) {
        out() << '\n' << tr("Workers: not visible on this backend") << '\n';
    } else {
        out() << '\n'
              << tr("Workers: %1 busy, %2 idle, %3 lost")
                     .arg(w.busy ? QString::number(*w.busy) : QStringLiteral("—"),
                          w.idle ? QString::number(*w.idle) : QStringLiteral("— (not visible on this backend)"),
                          w.lost ? QString::number(*w.lost) : QStringLiteral("—"))
              << '\n';
    }
    for (const WorkerInfo &wi : s.workers) {
        if (wi.state == WorkerState::Lost) {
            out() << "  " << tr("lost: %1, last seen %2 ago").arg(escapeForDisplay(wi.id, 120), age(wi.lastSeenAgeSeconds))
                  << '\n';
        }
    }
    out() << tr("Taken at %1").arg(s.takenAt.toUTC().toString(Qt::ISODate)) << '\n';
    out().flush();
    // Partial problems (a garbage row) did not stop the poll, but the operator should know the figures skip it.
    for (const QString &warning : s.warnings) {
        err() << tr("queuedeckctl: warning: %1").arg(escapeForDisplay(warning, 400)) << '\n';
    }
}

const char *workerStateName(WorkerState s)
{
    switch (s) {
    case WorkerState::Busy: return "busy";
    case WorkerState::Idle: return "idle";
    case WorkerState::Lost: return "lost";
    }
    return "";
}

void printWorkers(const Snapshot &s)
{
    const QStringList header = {tr("WORKER"), tr("STATE"), tr("QUIET"), tr("LAST SEEN"), tr("QUEUES"), tr("JOB")};
    QList<QStringList> rows;
    for (const WorkerInfo &w : s.workers) {
        rows.append({escapeForDisplay(w.id, 80), QString::fromLatin1(workerStateName(w.state)),
                     w.quiet ? (*w.quiet ? tr("yes") : tr("no")) : QStringLiteral("—"), age(w.lastSeenAgeSeconds),
                     escapeForDisplay(w.queues.join(u','), 60),
                     w.currentJob.isEmpty() ? QStringLiteral("—") : escapeForDisplay(w.currentJob, 40)});
    }
    QList<qsizetype> width(header.size());
    for (qsizetype c = 0; c < header.size(); ++c) {
        width[c] = header[c].size();
        for (const auto &r : rows) {
            width[c] = std::max(width[c], r[c].size());
        }
    }
    for (const QStringList &r : QList<QStringList>{header} + rows) {
        QString l;
        for (qsizetype c = 0; c < r.size(); ++c) {
            l += r[c].leftJustified(width[c] + 2);
        }
        out() << l.trimmed() << '\n';
    }
    if (s.workers.isEmpty()) {
        out() << (s.workersKnown ? tr("No worker is registered.") : tr("Workers are not visible on this backend.")) << '\n';
    } else if (!s.workersComplete) {
        out() << tr("Only busy workers are visible on this backend.") << '\n';
    }
    out().flush();
}

} // namespace

int runWorkers(const QStringList &arguments)
{
    QCommandLineParser p;
    startCommand(p, QStringLiteral("workers"), tr("List the workers of one connection and what each is doing."));
    p.addPositionalArgument(QStringLiteral("URL"), tr("Connection URL."));
    p.addOption({QStringLiteral("json"), tr("Machine-readable JSON (unknown values are null).")});
    bool parsed = false;
    if (helpShown(p, arguments, parsed)) {
        return 0;
    }
    if (!parsed || p.positionalArguments().size() != 2) {
        err() << (p.errorText().isEmpty() ? tr("usage: queuedeckctl workers URL [--json]") : p.errorText()) << '\n';
        return 2;
    }
    const auto snap = takeSnapshot(p.positionalArguments().at(1));
    if (!snap) {
        err() << tr("queuedeckctl: %1").arg(snap.error()) << '\n';
        return 2;
    }
    if (!snap->ok()) {
        err() << tr("queuedeckctl: %1").arg(escapeForDisplay(snap->error, 1000)) << '\n';
        return 1;
    }
    if (p.isSet(QStringLiteral("json"))) {
        const QJsonObject all = snapshotToJson(snap.value());
        QJsonObject o;
        for (const char *key : {"backend", "taken_at", "workers", "workers_complete", "workers_known"}) {
            o.insert(QLatin1String(key), all.value(QLatin1String(key)));
        }
        out() << QJsonDocument(o).toJson(QJsonDocument::Indented);
        out().flush();
    } else {
        printWorkers(snap.value());
    }
    return 0;
}

int runSnapshot(const QStringList &arguments)
{
    QCommandLineParser p;
    startCommand(p, QStringLiteral("snapshot"), tr("Print the state of every queue of one connection."));
    p.addPositionalArgument(QStringLiteral("URL"), tr("Connection URL, e.g. delayedjob+sqlite:///path/db.sqlite3"));
    p.addOption({QStringLiteral("json"), tr("Machine-readable JSON (unknown values are null).")});
    bool parsed = false;
    if (helpShown(p, arguments, parsed)) {
        return 0;
    }
    if (!parsed || p.positionalArguments().size() != 2) {
        err() << (p.errorText().isEmpty() ? tr("usage: queuedeckctl snapshot URL [--json]") : p.errorText()) << '\n';
        return 2;
    }
    const auto snap = takeSnapshot(p.positionalArguments().at(1));
    if (!snap) {
        err() << tr("queuedeckctl: %1").arg(snap.error()) << '\n';
        return 2;
    }
    if (p.isSet(QStringLiteral("json"))) {
        out() << QJsonDocument(snapshotToJson(snap.value())).toJson(QJsonDocument::Indented);
        out().flush();
    } else if (snap->ok()) {
        printTable(snap.value());
    }
    if (!snap->ok()) {
        err() << tr("queuedeckctl: %1").arg(escapeForDisplay(snap->error, 1000)) << '\n';
        return 1;
    }
    return 0;
}

namespace {

/// The rule engine's verdict over one snapshot, where it is worse than the thresholds': the worst alerts' texts
/// replace the line, the performance data stays.
void applyRules(CheckResult &r, const Snapshot &snap, QList<AlertRule> list)
{
    // One poll: hold times cannot be observed, so a crossed level counts at once.
    for (AlertRule &rule : list) {
        if (rule.kind != RuleKind::NewQueue && rule.kind != RuleKind::DepthGrowing) {
            rule.forMs = 0;
        }
    }
    AlertEngine engine;
    engine.setRules(QStringLiteral("check"), list);
    engine.evaluate(QStringLiteral("check"), snap, 5000);
    const QList<Alert> active = engine.active();
    if (!active.isEmpty()) {
        const AlertState worst = active.first().state;
        const CheckState st = worst == AlertState::Crit   ? CheckState::Critical
                              : worst == AlertState::Warn ? CheckState::Warning
                                                          : CheckState::Unknown;
        auto rank = [](CheckState c) { return c == CheckState::Critical ? 3 : c == CheckState::Unknown ? 2 : c == CheckState::Warning ? 1 : 0; };
        if (rank(st) > rank(r.state)) {
            QStringList texts;
            for (const Alert &a : active) {
                if (a.state == worst) {
                    texts << escapeForDisplay(a.message, 200);
                }
            }
            const QString perf = r.line.section(QStringLiteral(" | "), 1);
            r.state = st;
            r.line = QStringLiteral("QUEUEDECK %1 - %2").arg(checkStateName(st), texts.join(QStringLiteral("; ")));
            if (!perf.isEmpty()) {
                r.line += QStringLiteral(" | ") + perf;
            }
        }
    }
}

} // namespace

int runCheck(const QStringList &arguments)
{
    QCommandLineParser p;
    startCommand(p, QStringLiteral("check"),
                 tr("Nagios/Icinga-compatible check: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Evaluates the alert "
                    "rules the GUI uses (defaults: oldest job 5/15 min, no workers, lost workers, poison jobs, …, or "
                    "--rules-file) on one poll; the --max-*/--warn-*/--min-* thresholds add to them."));
    p.addPositionalArgument(QStringLiteral("URL"), tr("Connection URL."));
    const QCommandLineOption maxLatency(QStringLiteral("max-latency"), tr("CRITICAL when a job waited longer (s)."), QStringLiteral("S"));
    const QCommandLineOption warnLatency(QStringLiteral("warn-latency"), tr("WARNING when a job waited longer (s)."), QStringLiteral("S"));
    const QCommandLineOption maxDepth(QStringLiteral("max-depth"), tr("CRITICAL when a queue holds more waiting jobs."), QStringLiteral("N"));
    const QCommandLineOption warnDepth(QStringLiteral("warn-depth"), tr("WARNING when a queue holds more waiting jobs."), QStringLiteral("N"));
    const QCommandLineOption minWorkers(QStringLiteral("min-workers"), tr("CRITICAL with fewer live workers."), QStringLiteral("N"));
    // Always on: a check with no flags evaluates the GUI's default rules (a check that says OK during the outage
    // the product was designed from is the worst answer). Kept so that existing command lines still parse.
    QCommandLineOption rules(QStringLiteral("rules"), tr("(The default now; accepted for old command lines.)"));
    rules.setFlags(QCommandLineOption::HiddenFromHelp);
    const QCommandLineOption rulesFile(QStringLiteral("rules-file"),
                                       tr("Evaluate the alert rules in FILE (JSON, as the GUI's rules editor exports "
                                          "them) instead of the defaults."),
                                       QStringLiteral("FILE"));
    p.addOptions({maxLatency, warnLatency, maxDepth, warnDepth, minWorkers, rules, rulesFile});
    auto usage = [&](const QString &why) {
        out() << QStringLiteral("QUEUEDECK UNKNOWN - ") << why << '\n';
        return int(CheckState::Unknown);
    };
    if (!p.parse(arguments)) {
        return usage(p.errorText());
    }
    if (p.isSet(QStringLiteral("help"))) {
        out() << p.helpText();
        return 0;
    }
    if (p.positionalArguments().size() != 2) {
        return usage(tr("usage: queuedeckctl check URL [--max-latency S] [--max-depth N] [--min-workers N]"));
    }
    CheckThresholds t;
    bool ok = true;
    auto number = [&](const QCommandLineOption &o) -> std::optional<double> {
        if (!p.isSet(o)) {
            return std::nullopt;
        }
        bool good = false;
        const double v = p.value(o).toDouble(&good);
        if (!good || v < 0) {
            ok = false;
            return std::nullopt;
        }
        return v;
    };
    t.maxLatency = number(maxLatency);
    t.warnLatency = number(warnLatency);
    if (auto v = number(maxDepth)) {
        t.maxDepth = qint64(*v);
    }
    if (auto v = number(warnDepth)) {
        t.warnDepth = qint64(*v);
    }
    if (auto v = number(minWorkers)) {
        t.minWorkers = int(*v);
    }
    if (!ok) {
        return usage(tr("thresholds must be non-negative numbers"));
    }
    QList<AlertRule> list = AlertRule::defaults();
    if (p.isSet(rulesFile)) {
        auto fromFile = AlertRulesIO::readFile(p.value(rulesFile));
        if (!fromFile) {
            return usage(fromFile.error());
        }
        list = fromFile.value();
    }
    const auto snap = takeSnapshot(p.positionalArguments().at(1));
    disarmDeadline(); // the answer is in: what is printed now is the verdict, not "no answer in time"
    if (!snap) {
        return usage(snap.error());
    }
    CheckResult r = evaluateCheck(snap.value(), t);
    if (snap->ok()) {
        applyRules(r, snap.value(), list);
    }
    out() << r.line << '\n';
    out().flush();
    return int(r.state);
}

namespace {

/// watch --webhook: every change of connection `id` posted to `url`; false after printing why the URL or format
/// does not do.
bool postTo(WebhookNotifier &notifier, const QString &id, const QString &url, const QString &format,
            const QString &routingKey)
{
    const QUrl hook(url, QUrl::StrictMode);
    const QString fmt = format.toLower();
    if (!hook.isValid() || (hook.scheme() != u"http" && hook.scheme() != u"https") ||
        (fmt != u"slack" && fmt != u"pagerduty")) {
        err() << tr("queuedeckctl: --webhook needs an http(s) URL and --format slack or pagerduty") << '\n';
        return false;
    }
    notifier.setTarget(id, WebhookTarget{hook, fmt == u"pagerduty" ? WebhookFormat::PagerDuty : WebhookFormat::Slack,
                                         routingKey});
    QObject::connect(&notifier, &WebhookNotifier::failed, &notifier, [](const QString &key, const QString &reason) {
        // The key holds queue names: a terminal must not run what a hostile one carries.
        err() << tr("queuedeckctl: webhook for %1 failed: %2").arg(escapeForDisplay(key, 200), escapeForDisplay(reason, 400))
              << '\n';
    });
    return true;
}

/// One alert change as `watch` prints it: a line, or a JSON object per line.
void printChange(const Snapshot &s, const AlertChange &c, bool asJson)
{
    if (!asJson) {
        out() << s.takenAt.toUTC().toString(Qt::ISODate) << ' ' << alertStateName(c.alert.state).leftJustified(7) << ' '
              << c.alert.ruleId << ": " << escapeForDisplay(c.alert.message, 400) << '\n';
        return;
    }
    QJsonObject o;
    o.insert(QStringLiteral("at"), s.takenAt.toUTC().toString(Qt::ISODateWithMs));
    o.insert(QStringLiteral("state"), alertStateName(c.alert.state));
    o.insert(QStringLiteral("previous"), alertStateName(c.previous));
    o.insert(QStringLiteral("queue"), c.alert.queue.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(c.alert.queue));
    o.insert(QStringLiteral("rule"), c.alert.ruleId);
    o.insert(QStringLiteral("message"), c.alert.message);
    out() << QJsonDocument(o).toJson(QJsonDocument::Compact) << '\n';
}

} // namespace

int runWatch(const QStringList &arguments)
{
    QCommandLineParser p;
    startCommand(p, QStringLiteral("watch"), tr("Poll continuously and print every alert that starts, changes or clears."));
    p.addPositionalArgument(QStringLiteral("URL"), tr("Connection URL."));
    const QCommandLineOption interval(QStringLiteral("interval"), tr("Seconds between polls (default 5)."),
                                      QStringLiteral("S"), QStringLiteral("5"));
    const QCommandLineOption count(QStringLiteral("count"), tr("Stop after N polls (default: run until interrupted)."),
                                   QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption json(QStringLiteral("json"), tr("One JSON object per line."));
    const QCommandLineOption webhook(QStringLiteral("webhook"), tr("POST every change to this URL."), QStringLiteral("URL"));
    const QCommandLineOption format(QStringLiteral("format"), tr("Webhook format: slack (default) or pagerduty."),
                                    QStringLiteral("FORMAT"), QStringLiteral("slack"));
    const QCommandLineOption routingKey(QStringLiteral("routing-key"), tr("PagerDuty integration key."), QStringLiteral("KEY"));
    const QCommandLineOption rulesFile(QStringLiteral("rules-file"),
                                       tr("Alert rules from FILE (JSON, as the GUI's rules editor exports them) "
                                          "instead of the defaults."),
                                       QStringLiteral("FILE"));
    p.addOptions({interval, count, json, webhook, format, routingKey, rulesFile});
    bool parsed = false;
    if (helpShown(p, arguments, parsed)) {
        return 0;
    }
    bool okInterval = false;
    bool okCount = false;
    const double seconds = p.value(interval).toDouble(&okInterval);
    const int polls = p.value(count).toInt(&okCount);
    if (!parsed || p.positionalArguments().size() != 2 || !okInterval || seconds < 0.1 || !okCount || polls < 0) {
        err() << (p.errorText().isEmpty() ? tr("usage: queuedeckctl watch URL [--interval S] [--count N] [--json]")
                                          : p.errorText())
              << '\n';
        return 2;
    }
    const std::shared_ptr<Backend> backend = openBackend(p.positionalArguments().at(1));
    if (!backend) {
        return 2;
    }
    const QString id = backend->url().toDisplayString();
    const qint64 intervalMs = qint64(seconds * 1000);
    // The desktop's session, keeping nothing: the same collector (a poll past its deadline is evaluated as failed,
    // and the next waits until it has really ended), the same rules, the same webhook posts.
    Session session({});
    Collector &collector = *session.collector();
    collector.setInterval(std::chrono::milliseconds(intervalMs));
    if (p.isSet(rulesFile)) {
        auto fromFile = AlertRulesIO::readFile(p.value(rulesFile));
        if (!fromFile) {
            err() << QStringLiteral("queuedeckctl: ") << fromFile.error() << '\n';
            return 2;
        }
        session.alerts()->setRules(id, fromFile.value());
    }
    WebhookNotifier &notifier = *session.webhooks();
    int pendingDeliveries = 0;
    if (p.isSet(webhook) && !postTo(notifier, id, p.value(webhook), p.value(format), p.value(routingKey))) {
        return 2;
    }
    bool finished = false;
    auto maybeQuit = [&] {
        if (finished && pendingDeliveries == 0) {
            QCoreApplication::quit(); // with --count, wait until every webhook delivery has ended
        }
    };
    QObject::connect(&notifier, &WebhookNotifier::delivered, &notifier, [&] { --pendingDeliveries; maybeQuit(); });
    QObject::connect(&notifier, &WebhookNotifier::failed, &notifier, [&] { --pendingDeliveries; maybeQuit(); });
    const bool asJson = p.isSet(json);
    int done = 0;
    QObject::connect(&session, &Session::alertsEvaluated, &session,
                     [&](const QString &, const Snapshot &s, const QList<AlertChange> &changes) {
        if (finished) {
            return;
        }
        for (const AlertChange &c : changes) {
            if (p.isSet(webhook)) {
                ++pendingDeliveries; // the session has posted it
            }
            printChange(s, c, asJson);
        }
        out().flush();
        if (polls > 0 && ++done >= polls) {
            finished = true;
            collector.stop();
            maybeQuit();
        }
    });
    collector.addConnection(id, id, backend);
    collector.start();
    return QCoreApplication::exec();
}

} // namespace qd::ctl
