// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "models/alertrulemodel.h"

#include "core/alerts/alertrulesio.h"
#include "models/languagechange.h"

#include <QBrush>
#include <QColor>
#include <QGuiApplication>
#include <QLocale>
#include <QPalette>

#include <algorithm>
#include <cmath>

namespace qd {

AlertRuleModel::AlertRuleModel(QObject *parent) : QAbstractTableModel(parent)
{
    retranslateOnLanguageChange(this);
}

void AlertRuleModel::setRules(const QList<AlertRule> &rules)
{
    beginResetModel();
    m_rules = rules;
    endResetModel();
    Q_EMIT validityChanged();
}

QStringList AlertRuleModel::problems() const
{
    QStringList out;
    for (qsizetype i = 0; i < m_rules.size(); ++i) {
        if (const QString p = AlertRulesIO::validate(m_rules.at(i)); !p.isEmpty()) {
            out << tr("Rule %1 (%2): %3").arg(i + 1).arg(AlertRule::kindName(m_rules.at(i).kind), p);
        }
    }
    return out;
}

QString AlertRuleModel::uniqueId(RuleKind kind) const
{
    const QString base = AlertRulesIO::kindId(kind).replace(u'_', u'-');
    auto taken = [&](const QString &id) {
        return std::any_of(m_rules.cbegin(), m_rules.cend(), [&](const AlertRule &r) { return r.id == id; });
    };
    if (!taken(base)) {
        return base;
    }
    for (int n = 2;; ++n) {
        const QString id = QStringLiteral("%1-%2").arg(base).arg(n);
        if (!taken(id)) {
            return id;
        }
    }
}

AlertRule AlertRuleModel::withKindDefaults(AlertRule rule, RuleKind kind)
{
    rule.kind = kind;
    const QList<AlertRule> defaults = AlertRule::defaults();
    const auto it =
        std::find_if(defaults.cbegin(), defaults.cend(), [&](const AlertRule &d) { return d.kind == kind; });
    if (it != defaults.cend()) {
        rule.warn = it->warn;
        rule.crit = it->crit;
        rule.forMs = it->forMs;
    } else if (kind == RuleKind::Depth) {
        rule.warn = 1000;
        rule.crit = 10000;
        rule.forMs = 60'000;
    } else {
        rule.warn = 1;
        rule.crit = std::nullopt;
        rule.forMs = 0;
    }
    if (!rule.perQueue()) {
        rule.queueGlob = QStringLiteral("*");
    }
    return rule;
}

int AlertRuleModel::addRule(RuleKind kind)
{
    AlertRule r = withKindDefaults(AlertRule{}, kind);
    r.id = uniqueId(kind);
    const int row = int(m_rules.size());
    beginInsertRows({}, row, row);
    m_rules.append(r);
    endInsertRows();
    Q_EMIT validityChanged();
    return row;
}

void AlertRuleModel::removeRules(QList<int> rows)
{
    std::sort(rows.begin(), rows.end(), std::greater<>());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    for (int row : rows) {
        if (row >= 0 && row < m_rules.size()) {
            beginRemoveRows({}, row, row);
            m_rules.removeAt(row);
            endRemoveRows();
        }
    }
    Q_EMIT validityChanged();
}

int AlertRuleModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rules.size());
}

int AlertRuleModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString AlertRuleModel::formatClearRatio(double ratio)
{
    return QStringLiteral("%1%").arg(QLocale().toString(ratio * 100, 'g', 4));
}

std::optional<double> AlertRuleModel::parseClearRatio(const QString &text)
{
    QString t = text.trimmed();
    const bool percent = t.endsWith(u'%');
    if (percent) {
        t.chop(1);
    }
    bool ok = false;
    double v = t.trimmed().toDouble(&ok);
    if (!ok) {
        v = QLocale().toDouble(t.trimmed(), &ok);
    }
    if (!ok || !std::isfinite(v)) {
        return std::nullopt;
    }
    if (percent || v > 1) {
        v /= 100;
    }
    return v;
}

QVariant AlertRuleModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid)) {
        return {};
    }
    const AlertRule &r = m_rules.at(index.row());
    const QString problem = AlertRulesIO::validate(r);
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        switch (index.column()) {
        case KindColumn:
            return role == Qt::EditRole ? AlertRulesIO::kindId(r.kind) : AlertRule::kindName(r.kind);
        case QueuesColumn:
            return r.perQueue() ? r.queueGlob : (role == Qt::EditRole ? QString() : tr("(whole connection)"));
        case WarnColumn:
            return r.kind == RuleKind::NewQueue ? QVariant(role == Qt::EditRole ? QString() : tr("—"))
                                                : QVariant(AlertRulesIO::formatThreshold(r.kind, r.warn));
        case CritColumn:
            return r.kind == RuleKind::NewQueue ? QVariant(role == Qt::EditRole ? QString() : tr("—"))
                                                : QVariant(AlertRulesIO::formatThreshold(r.kind, r.crit));
        case ForColumn:
            return r.forMs > 0 || role == Qt::EditRole ? AlertRulesIO::formatDuration(r.forMs / 1000) : tr("at once");
        case ClearColumn:
            return formatClearRatio(r.clearRatio);
        }
        break;
    case Qt::ToolTipRole:
        if (!problem.isEmpty()) {
            return tr("This rule cannot be used: %1").arg(problem);
        }
        switch (index.column()) {
        case KindColumn:
            return tr("Rule id: %1").arg(r.id);
        case QueuesColumn:
            return r.perQueue() ? tr("Queue name or glob (* and ?): mail*, print-?")
                                : tr("This rule watches the whole connection, not single queues.");
        case WarnColumn:
        case CritColumn:
            return AlertRulesIO::thresholdHelp(r.kind);
        case ForColumn:
            return AlertRulesIO::holdHelp(r.kind);
        case ClearColumn:
            return tr("An alert clears only once the value drops below this share of the level it crossed, so a "
                      "value hovering at the threshold does not flap.");
        }
        break;
    case Qt::ForegroundRole:
        if (!problem.isEmpty()) {
            return QBrush(QColor(0xc6, 0x28, 0x28));
        }
        if (!(flags(index) & Qt::ItemIsEditable)) {
            return QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text);
        }
        break;
    case KindRole:
        return int(r.kind);
    case ProblemRole:
        return problem;
    default:
        break;
    }
    return {};
}

bool AlertRuleModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !checkIndex(index, CheckIndexOption::IndexIsValid) ||
        !(flags(index) & Qt::ItemIsEditable)) {
        return false;
    }
    AlertRule &r = m_rules[index.row()];
    const QString text = value.toString();
    auto reject = [&](const QString &why) {
        Q_EMIT editRejected(index, why);
        return false;
    };
    switch (index.column()) {
    case KindColumn: {
        const auto kind = AlertRulesIO::parseKindId(text);
        if (!kind) {
            return reject(tr("unknown rule kind"));
        }
        if (*kind == r.kind) {
            return true;
        }
        const QString id = r.id;
        const bool idFollowsKind = id.startsWith(AlertRulesIO::kindId(r.kind).replace(u'_', u'-'));
        r = withKindDefaults(r, *kind); // a depth of "300" is not an age of "5m": start from the new kind's levels
        if (idFollowsKind) {
            r.id.clear();
            r.id = uniqueId(*kind);
        }
        break;
    }
    case QueuesColumn: {
        const QString glob = text.trimmed();
        if (glob.isEmpty()) {
            return reject(tr("say which queues the rule watches (* for all)"));
        }
        r.queueGlob = glob;
        break;
    }
    case WarnColumn:
    case CritColumn: {
        const auto v = AlertRulesIO::parseThreshold(r.kind, text);
        if (!v) {
            return reject(v.error());
        }
        (index.column() == WarnColumn ? r.warn : r.crit) = *v;
        break;
    }
    case ForColumn: {
        const auto seconds = AlertRulesIO::parseDuration(text);
        if (!seconds) {
            return reject(seconds.error());
        }
        r.forMs = *seconds * 1000;
        break;
    }
    case ClearColumn: {
        const auto ratio = parseClearRatio(text);
        if (!ratio || *ratio <= 0 || *ratio > 1) {
            return reject(tr("\"%1\" is not a share between 1% and 100%").arg(text.left(40)));
        }
        r.clearRatio = *ratio;
        break;
    }
    default:
        return false;
    }
    // A problem shows on the whole row (colour, tooltip): repaint all of it.
    Q_EMIT dataChanged(this->index(index.row(), 0), this->index(index.row(), ColumnCount - 1));
    Q_EMIT validityChanged();
    return true;
}

Qt::ItemFlags AlertRuleModel::flags(const QModelIndex &index) const
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid)) {
        return Qt::NoItemFlags;
    }
    Qt::ItemFlags f = Qt::ItemIsSelectable | Qt::ItemIsEnabled;
    const AlertRule &r = m_rules.at(index.row());
    const bool editable =
        (index.column() != QueuesColumn || r.perQueue()) &&
        !((index.column() == WarnColumn || index.column() == CritColumn) && r.kind == RuleKind::NewQueue);
    return editable ? f | Qt::ItemIsEditable : f;
}

QVariant AlertRuleModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount) {
        return {};
    }
    if (role == Qt::DisplayRole) {
        switch (section) {
        case KindColumn:
            return tr("Rule");
        case QueuesColumn:
            return tr("Queues");
        case WarnColumn:
            return tr("Warn above");
        case CritColumn:
            return tr("Critical above");
        case ForColumn:
            return tr("For");
        case ClearColumn:
            return tr("Clears below");
        }
    } else if (role == Qt::ToolTipRole) {
        switch (section) {
        case WarnColumn:
        case CritColumn:
            return tr("Ages take s/m/h/d (90s, 5m, 1h30m); counts and rates are numbers. Empty: no such level.");
        case ForColumn:
            return tr("How long a level must hold before the alert fires.");
        default:
            break;
        }
    }
    return {};
}

} // namespace qd
