// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/result.h"
#include "core/alerts/alertrule.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace qd {

/// What a rule's warn/crit numbers count, so an editor can say "5m" for an age and "1,000" for a depth.
enum class ThresholdUnit : quint8 { Seconds, Jobs, Workers, PerMinute, Attempts, PollIntervals, None };

/// Reading, writing and checking alert rules: the settings file's JSON (`alertRules/<connection id>`), the
/// rules editor's text fields ("5m", "1h30m", "1000") and the checks both apply before a rule reaches the
/// engine, so a typo cannot silently switch an alert off.
class AlertRulesIO final
{
    Q_DECLARE_TR_FUNCTIONS(qd::AlertRulesIO)

public:
    /// "oldest_age", "depth", … (stable: the settings file uses them).
    static QString kindId(RuleKind kind);
    static std::optional<RuleKind> parseKindId(const QString &id);
    static QList<RuleKind> allKinds();
    static ThresholdUnit unit(RuleKind kind);
    /// What warn/crit and "for" mean for this kind, one sentence each (editor tooltips).
    static QString thresholdHelp(RuleKind kind);
    static QString holdHelp(RuleKind kind);

    static QJsonArray toJson(const QList<AlertRule> &rules);
    /// Every rule checked with validate(); the first problem fails the whole list (never half a rule set).
    static Result<QList<AlertRule>> fromJson(const QJsonArray &array);

    /// A rules file (the editor's Export, `queuedeckctl check --rules-file`): a JSON list as toJson() writes.
    static Result<QList<AlertRule>> readFile(const QString &path);
    static QString writeFile(const QString &path, const QList<AlertRule> &rules); ///< empty on success

    /// Empty when the rule is usable; else what is wrong, in words for the operator.
    static QString validate(const AlertRule &rule);

    /// A threshold as the editor shows it: "5m", "1h30m" for seconds; "1000", "2.5" otherwise; "" for none.
    static QString formatThreshold(RuleKind kind, std::optional<double> value);
    /// The editor's text back: "" is none; durations take s/m/h/d parts ("90", "90s", "1h30m", "1.5m").
    /// Fails with a message on anything else.
    static Result<std::optional<double>> parseThreshold(RuleKind kind, const QString &text);
    static QString formatDuration(qint64 seconds);
    static Result<qint64> parseDuration(const QString &text); ///< seconds; "" is 0
};

} // namespace qd
