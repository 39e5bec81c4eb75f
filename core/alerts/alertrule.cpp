// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/alerts/alertrule.h"

namespace qd {

bool AlertRule::perQueue() const
{
    switch (kind) {
    case RuleKind::NoWorkers:
    case RuleKind::WorkerLost:
    case RuleKind::Unreachable:
    case RuleKind::Stale: return false;
    default: return true;
    }
}

bool AlertRule::matches(const QString &queue) const
{
    if (queueGlob.isEmpty() || queueGlob == u"*") {
        return true;
    }
    if (!m_glob) {
        // Our own conversion: queue names are not paths, so '*' matches '/' too (Qt 6.4's converter treats
        // '/' as a separator).
        QString re;
        for (const QChar ch : queueGlob) {
            re += ch == u'*' ? QStringLiteral(".*") : ch == u'?' ? QStringLiteral(".") : QRegularExpression::escape(QString(ch));
        }
        m_glob = QRegularExpression(QRegularExpression::anchoredPattern(re));
    }
    return m_glob->match(queue).hasMatch();
}

QList<AlertRule> AlertRule::defaults()
{
    QList<AlertRule> r;
    auto add = [&](const char *id, RuleKind kind, std::optional<double> warn, std::optional<double> crit,
                   qint64 forMs = 0) {
        AlertRule rule;
        rule.id = QString::fromLatin1(id);
        rule.kind = kind;
        rule.warn = warn;
        rule.crit = crit;
        rule.forMs = forMs;
        r.append(rule);
    };
    add("oldest-age", RuleKind::OldestAge, 300, 900);         // the Taskcluster lesson: age, not counts
    add("no-workers", RuleKind::NoWorkers, std::nullopt, 0, 30'000); // the Delayed::Job outage
    add("worker-lost", RuleKind::WorkerLost, 0, std::nullopt);
    add("unserved", RuleKind::Unserved, std::nullopt, 0, 60'000); // the queue nobody listens to (no hold for a 0 seen first)
    add("depth-growing", RuleKind::DepthGrowing, 0, std::nullopt, 10 * 60'000); // the Coveralls starvation
    add("poison", RuleKind::Poison, 5, 10);                   // the RabbitMQ redelivery loop
    add("failure-rate", RuleKind::FailureRate, 10, std::nullopt);
    add("new-queue", RuleKind::NewQueue, 0, std::nullopt, 15 * 60'000);
    add("unreachable", RuleKind::Unreachable, std::nullopt, 0, 10'000);
    add("stale", RuleKind::Stale, 3, std::nullopt);
    add("not-draining", RuleKind::NotDraining, 2, std::nullopt); // whatever else is unknown: a backlog that stands still
    add("dead-letters", RuleKind::DeadLetters, 0, std::nullopt);
    add("stuck-work", RuleKind::StuckWork, 0, std::nullopt, 10 * 60'000); // BullMQ stalled, unacked with no acks  // letters in a dead-letter queue: look, never "unserved"
    return r;
}

QString AlertRule::kindName(RuleKind kind)
{
    switch (kind) {
    case RuleKind::OldestAge: return tr("oldest job age");
    case RuleKind::Depth: return tr("depth");
    case RuleKind::DepthGrowing: return tr("depth growing");
    case RuleKind::NoWorkers: return tr("no workers");
    case RuleKind::Unserved: return tr("queue not served");
    case RuleKind::WorkerLost: return tr("worker lost");
    case RuleKind::FailureRate: return tr("failure rate");
    case RuleKind::Poison: return tr("poison job");
    case RuleKind::NewQueue: return tr("new queue");
    case RuleKind::Unreachable: return tr("backend unreachable");
    case RuleKind::Stale: return tr("data stale");
    case RuleKind::NotDraining: return tr("backlog not draining");
    case RuleKind::DeadLetters: return tr("dead letters");
    case RuleKind::StuckWork: return tr("stuck work");
    }
    return {};
}

QString alertStateText(AlertState state)
{
    switch (state) {
    case AlertState::Ok: return QCoreApplication::translate("qd::AlertState", "OK");
    case AlertState::Warn: return QCoreApplication::translate("qd::AlertState", "WARN");
    case AlertState::Crit: return QCoreApplication::translate("qd::AlertState", "CRIT");
    case AlertState::Unknown: return QCoreApplication::translate("qd::AlertState", "UNKNOWN");
    }
    return {};
}

QString alertStateName(AlertState state)
{
    switch (state) {
    case AlertState::Ok: return QStringLiteral("OK");
    case AlertState::Warn: return QStringLiteral("WARN");
    case AlertState::Crit: return QStringLiteral("CRIT");
    case AlertState::Unknown: return QStringLiteral("UNKNOWN");
    }
    return {};
}

int alertSeverity(AlertState state)
{
    switch (state) {
    case AlertState::Ok: return 0;
    case AlertState::Unknown: return 1;
    case AlertState::Warn: return 2;
    case AlertState::Crit: return 3;
    }
    return 0;
}

} // namespace qd
