// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace qd {

class AuditFilterModel;
class AuditLog;
class AuditModel;

/// Who did what, when: the audit log with a text filter, an action filter and CSV export of what is shown.
class AuditView final : public QDialog
{
    Q_OBJECT
public:
    explicit AuditView(AuditLog *audit, QWidget *parent = nullptr);
    Q_DISABLE_COPY_MOVE(AuditView)

    void refresh();
    void setFilterText(const QString &text);
    void setActionFilter(const QString &action);
    /// Writes the rows shown to `file`; an empty string, or why it failed.
    QString exportCsv(const QString &file) const;
    AuditModel *model() const { return m_model; }
    AuditFilterModel *filtered() const { return m_filter; }
    QString statusText() const;

Q_SIGNALS:
    void refreshed();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    void updateStatus();

    AuditLog *m_audit;
    AuditModel *m_model;
    AuditFilterModel *m_filter;
    QLineEdit *m_text;
    QComboBox *m_action;
    QTableView *m_table;
    QLabel *m_status;
    QPushButton *m_export;
    QPushButton *m_refresh;
};

} // namespace qd
