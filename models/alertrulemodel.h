// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/alerts/alertrule.h"

#include <QAbstractTableModel>

namespace qd {

/// One connection's alert rules as an editable table for the rules editor. Cells take the text an operator
/// types ("5m", "1h30m", "1000", "90%"); text that does not parse is refused with a reason (editRejected), and
/// a rule that parses but cannot work (warn above crit, no level at all) stays in the table, flagged with its
/// problem in the tooltip, so nothing typed is lost while it is fixed. problems() is empty when every rule is
/// usable; the dialog accepts only then.
class AlertRuleModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { KindColumn, QueuesColumn, WarnColumn, CritColumn, ForColumn, ClearColumn, ColumnCount };
    enum Role { KindRole = Qt::UserRole + 1, ProblemRole };

    explicit AlertRuleModel(QObject *parent = nullptr);
    Q_DISABLE_COPY_MOVE(AlertRuleModel)

    void setRules(const QList<AlertRule> &rules);
    QList<AlertRule> rules() const { return m_rules; }
    /// "Rule 3 (depth): the warning level is above the critical level", one per broken rule.
    QStringList problems() const;

    /// Appends a rule of `kind` with that kind's default levels; returns its row.
    int addRule(RuleKind kind);
    void removeRules(QList<int> rows);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString formatClearRatio(double ratio);
    static std::optional<double> parseClearRatio(const QString &text);

Q_SIGNALS:
    /// Typed text that could not be used, and why; the cell keeps its previous value.
    void editRejected(const QModelIndex &index, const QString &reason);
    /// problems() may have changed.
    void validityChanged();

private:
    QString uniqueId(RuleKind kind) const;
    /// Levels for a rule switched to `kind`: the default rule's where there is one.
    static AlertRule withKindDefaults(AlertRule rule, RuleKind kind);

    QList<AlertRule> m_rules;
};

} // namespace qd
