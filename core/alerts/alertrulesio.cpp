// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/alerts/alertrulesio.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>

#include <cmath>

namespace qd {

namespace {

struct KindInfo
{
    RuleKind kind;
    const char *id;
    ThresholdUnit unit;
};

constexpr KindInfo kKinds[] = {
    {RuleKind::OldestAge, "oldest_age", ThresholdUnit::Seconds},
    {RuleKind::Depth, "depth", ThresholdUnit::Jobs},
    {RuleKind::DepthGrowing, "depth_growing", ThresholdUnit::Jobs},
    {RuleKind::NoWorkers, "no_workers", ThresholdUnit::Jobs},
    {RuleKind::Unserved, "unserved", ThresholdUnit::Jobs},
    {RuleKind::WorkerLost, "worker_lost", ThresholdUnit::Workers},
    {RuleKind::FailureRate, "failure_rate", ThresholdUnit::PerMinute},
    {RuleKind::Poison, "poison", ThresholdUnit::Attempts},
    {RuleKind::NewQueue, "new_queue", ThresholdUnit::None},
    {RuleKind::Unreachable, "unreachable", ThresholdUnit::None},
    {RuleKind::Stale, "stale", ThresholdUnit::PollIntervals},
    {RuleKind::NotDraining, "not_draining", ThresholdUnit::PollIntervals},
    {RuleKind::DeadLetters, "dead_letters", ThresholdUnit::Jobs},
    {RuleKind::StuckWork, "stuck_work", ThresholdUnit::Jobs},
};

const KindInfo &info(RuleKind kind)
{
    for (const KindInfo &k : kKinds) {
        if (k.kind == kind) {
            return k;
        }
    }
    return kKinds[0];
}

constexpr qint64 kMaxHoldMs = 30LL * 24 * 3600 * 1000; // a month: anything longer is a typo
constexpr double kMaxThreshold = 1e12;

QJsonValue number(std::optional<double> v)
{
    return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
}

} // namespace

QString AlertRulesIO::kindId(RuleKind kind)
{
    return QString::fromLatin1(info(kind).id);
}

std::optional<RuleKind> AlertRulesIO::parseKindId(const QString &id)
{
    for (const KindInfo &k : kKinds) {
        if (id == QLatin1String(k.id)) {
            return k.kind;
        }
    }
    return std::nullopt;
}

QList<RuleKind> AlertRulesIO::allKinds()
{
    QList<RuleKind> out;
    for (const KindInfo &k : kKinds) {
        out.append(k.kind);
    }
    return out;
}

ThresholdUnit AlertRulesIO::unit(RuleKind kind)
{
    return info(kind).unit;
}

QString AlertRulesIO::thresholdHelp(RuleKind kind)
{
    switch (kind) {
    case RuleKind::OldestAge:
        return tr("Fires when the oldest waiting job has waited longer than this (e.g. 5m, 1h30m).");
    case RuleKind::Depth:
        return tr("Fires when more jobs than this are waiting.");
    case RuleKind::DepthGrowing:
        return tr("Fires when the queue grew by more than this many jobs over the window while arrivals outpaced "
                  "completions (0: any growth).");
    case RuleKind::NoWorkers:
        return tr("Fires when more jobs than this wait and no live worker is there (0: any job).");
    case RuleKind::Unserved:
        return tr("Fires when more jobs than this wait in a queue no live worker listens to.");
    case RuleKind::WorkerLost:
        return tr("Fires when more workers than this stopped sending heartbeats (0: any).");
    case RuleKind::FailureRate:
        return tr("Fires when more jobs than this fail per minute.");
    case RuleKind::Poison:
        return tr("Fires when one job has failed more times than this and is still retried.");
    case RuleKind::NewQueue:
        return tr("A newly discovered queue is always a warning; no threshold.");
    case RuleKind::Unreachable:
        return tr("Set a level to 0 to choose how bad an unreachable backend is (warn or crit).");
    case RuleKind::Stale:
        return tr("Fires when no poll succeeded for more than this many poll intervals.");
    case RuleKind::NotDraining:
        return tr("Fires when jobs have waited for more than this many polls in a row while the depth did not fall and "
                  "nothing was seen completing.");
    case RuleKind::StuckWork:
        return tr("Fires when more taken jobs than this are stuck: held by a lost worker, or taken while nothing "
                  "completes.");
    case RuleKind::DeadLetters:
        return tr("Fires while new letters arrive in a dead-letter queue (in the last 10 minutes) and it holds more "
                  "than this (0: any). Other rules leave dead-letter queues alone.");
    }
    return {};
}

QString AlertRulesIO::holdHelp(RuleKind kind)
{
    switch (kind) {
    case RuleKind::DepthGrowing:
        return tr("The window the growth is measured over.");
    case RuleKind::NewQueue:
        return tr("How long a new queue stays flagged.");
    case RuleKind::NotDraining:
        return tr("Not used: the level itself counts polls.");
    case RuleKind::StuckWork:
        return tr("How long taken jobs may sit while nothing completes before they count as stuck (jobs of a lost "
                  "worker count at once).");
    default:
        return tr("How long the level must hold before the alert fires (restart blips stay quiet).");
    }
}

QJsonArray AlertRulesIO::toJson(const QList<AlertRule> &rules)
{
    QJsonArray out;
    for (const AlertRule &r : rules) {
        out.append(QJsonObject{{QStringLiteral("id"), r.id},
                               {QStringLiteral("kind"), kindId(r.kind)},
                               {QStringLiteral("queues"), r.queueGlob},
                               {QStringLiteral("warn"), number(r.warn)},
                               {QStringLiteral("crit"), number(r.crit)},
                               {QStringLiteral("for_ms"), r.forMs},
                               {QStringLiteral("clear_ratio"), r.clearRatio}});
    }
    return out;
}

Result<QList<AlertRule>> AlertRulesIO::fromJson(const QJsonArray &array)
{
    QList<AlertRule> out;
    QSet<QString> ids;
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonObject o = array.at(i).toObject();
        const auto kind = parseKindId(o.value(u"kind").toString());
        if (!kind) {
            return Result<QList<AlertRule>>::failure(
                tr("rule %1: unknown kind \"%2\"").arg(i + 1).arg(o.value(u"kind").toString().left(40)));
        }
        AlertRule r;
        r.id = o.value(u"id").toString();
        r.kind = *kind;
        r.queueGlob = o.value(u"queues").toString(QStringLiteral("*"));
        auto optional = [&](QStringView key) -> std::optional<double> {
            const QJsonValue v = o.value(key);
            return v.isDouble() ? std::optional<double>(v.toDouble()) : std::nullopt;
        };
        r.warn = optional(u"warn");
        r.crit = optional(u"crit");
        r.forMs = o.value(u"for_ms").toInteger(0);
        r.clearRatio = o.value(u"clear_ratio").toDouble(0.9);
        if (const QString problem = validate(r); !problem.isEmpty()) {
            return Result<QList<AlertRule>>::failure(tr("rule %1 (%2): %3").arg(i + 1).arg(kindId(r.kind), problem));
        }
        if (ids.contains(r.id)) {
            return Result<QList<AlertRule>>::failure(tr("rule %1: the id \"%2\" is used twice").arg(i + 1).arg(r.id));
        }
        ids.insert(r.id);
        out.append(r);
    }
    return out;
}

Result<QList<AlertRule>> AlertRulesIO::readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return Result<QList<AlertRule>>::failure(tr("cannot read %1: %2").arg(path, f.errorString()));
    }
    constexpr qint64 kMaxBytes = 4 * 1024 * 1024; // thousands of rules; anything bigger is not a rules file
    if (f.size() > kMaxBytes) {
        return Result<QList<AlertRule>>::failure(tr("%1 is too big for a rules file").arg(path));
    }
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(f.read(kMaxBytes), &error);
    if (!doc.isArray()) {
        return Result<QList<AlertRule>>::failure(
            tr("%1 is not a JSON list of rules (%2)")
                .arg(path, error.error == QJsonParseError::NoError ? tr("not a list") : error.errorString()));
    }
    return fromJson(doc.array());
}

QString AlertRulesIO::writeFile(const QString &path, const QList<AlertRule> &rules)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        return tr("cannot write %1: %2").arg(path, f.errorString());
    }
    f.write(QJsonDocument(toJson(rules)).toJson(QJsonDocument::Indented));
    if (!f.commit()) {
        return tr("cannot write %1: %2").arg(path, f.errorString());
    }
    return {};
}

QString AlertRulesIO::validate(const AlertRule &rule)
{
    if (rule.id.trimmed().isEmpty()) {
        return tr("the rule has no id");
    }
    if (rule.perQueue() && rule.queueGlob.trimmed().isEmpty()) {
        return tr("say which queues it watches (* for all)");
    }
    for (const auto &level : {rule.warn, rule.crit}) {
        if (level && (!std::isfinite(*level) || *level < 0 || *level > kMaxThreshold)) {
            return tr("thresholds must be numbers of 0 or more");
        }
    }
    if (rule.kind != RuleKind::NewQueue && !rule.warn && !rule.crit) {
        return tr("set a warning or a critical level (a rule without either never fires)");
    }
    if (rule.warn && rule.crit && *rule.warn > *rule.crit) {
        return tr("the warning level is above the critical level");
    }
    if (rule.forMs < 0 || rule.forMs > kMaxHoldMs) {
        return tr("\"for\" must be between 0 and 30 days");
    }
    if (rule.kind == RuleKind::NewQueue && rule.forMs <= 0) {
        return tr("say how long a new queue stays flagged");
    }
    if (!(rule.clearRatio > 0 && rule.clearRatio <= 1)) {
        return tr("the clear ratio must be above 0 and at most 1");
    }
    return {};
}

QString AlertRulesIO::formatDuration(qint64 seconds)
{
    if (seconds <= 0) {
        return QStringLiteral("0s");
    }
    QString out;
    const qint64 d = seconds / 86400, h = seconds % 86400 / 3600, m = seconds % 3600 / 60, s = seconds % 60;
    if (d)
        out += QString::number(d) + u'd';
    if (h)
        out += QString::number(h) + u'h';
    if (m)
        out += QString::number(m) + u'm';
    if (s)
        out += QString::number(s) + u's';
    return out;
}

Result<qint64> AlertRulesIO::parseDuration(const QString &text)
{
    const QString t = text.trimmed().toLower();
    if (t.isEmpty()) {
        return qint64(0);
    }
    static const QRegularExpression part(QStringLiteral(R"(\s*(\d+(?:\.\d+)?)\s*([smhd]?))"));
    double total = 0;
    qsizetype at = 0;
    bool unitless = false;
    auto it = part.globalMatch(t);
    while (it.hasNext()) {
        const auto m = it.next();
        if (m.capturedStart() != at || unitless) {
            break;
        }
        const double v = m.captured(1).toDouble();
        const QString u = m.captured(2);
        unitless = u.isEmpty();
        total += v * (u == u"d" ? 86400 : u == u"h" ? 3600 : u == u"m" ? 60 : 1);
        at = m.capturedEnd();
    }
    if (at != t.size() || total > kMaxThreshold) {
        return Result<qint64>::failure(tr("\"%1\" is not a duration (try 90s, 5m or 1h30m)").arg(text.left(40)));
    }
    return qint64(std::llround(total));
}

QString AlertRulesIO::formatThreshold(RuleKind kind, std::optional<double> value)
{
    if (!value) {
        return {};
    }
    if (unit(kind) == ThresholdUnit::Seconds) {
        return formatDuration(qint64(std::llround(*value)));
    }
    return QString::number(*value, 'g', 12);
}

Result<std::optional<double>> AlertRulesIO::parseThreshold(RuleKind kind, const QString &text)
{
    using R = Result<std::optional<double>>;
    const QString t = text.trimmed();
    if (t.isEmpty()) {
        return std::optional<double>();
    }
    if (unit(kind) == ThresholdUnit::Seconds) {
        const auto d = parseDuration(t);
        return d ? R(std::optional<double>(double(*d))) : R::failure(d.error());
    }
    bool ok = false;
    double v = t.toDouble(&ok);
    if (!ok) {
        v = QLocale().toDouble(t, &ok); // "1,000" where the locale groups digits so
    }
    if (!ok || !std::isfinite(v) || v < 0 || v > kMaxThreshold) {
        return R::failure(tr("\"%1\" is not a number of 0 or more").arg(t.left(40)));
    }
    return std::optional<double>(v);
}

} // namespace qd
