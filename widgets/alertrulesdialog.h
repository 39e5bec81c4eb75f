// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/alerts/alertrule.h"
#include "core/alerts/webhooknotifier.h"

#include <QDialog>

#include <optional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QGroupBox;
class QLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace qd {

class AlertRuleModel;
class WebhookNotifier;

/// The alert rules and webhook of one connection. The table edits the rules the engine evaluates (the same
/// ones `queuedeckctl check --rules` reads); a rule that cannot work is flagged on its row and OK stays off
/// until it is fixed. The webhook's URL and routing key are secrets: for a saved connection they are read from
/// and written to the desktop keyring (CredentialStore) — OK writes them first and closes only once the
/// keyring took them, so a locked or missing keyring loses nothing typed. A connection that is not saved
/// (the demo, a URL from the command line) keeps both only until Queuedeck quits.
class AlertRulesDialog final : public QDialog
{
    Q_OBJECT
public:
    struct Webhook
    {
        bool enabled = false;
        WebhookFormat format = WebhookFormat::Slack;
        QString url;
        QString routingKey;
    };

    /// `keyringService` and `connectionId` name the keyring entry; an empty connectionId means "not saved".
    AlertRulesDialog(const QString &connectionName, const QString &connectionId, const QList<AlertRule> &rules,
                     QWidget *parent = nullptr, const QString &keyringService = QStringLiteral("Queuedeck"));
    ~AlertRulesDialog() override;
    Q_DISABLE_COPY_MOVE(AlertRulesDialog)

    /// What the settings file knows (on/off, format); the secret parts come from the keyring, asynchronously.
    void setWebhook(const Webhook &webhook);
    Webhook webhook() const;
    /// The webhook as the notifier takes it; nullopt when it is off.
    std::optional<WebhookTarget> webhookTarget() const;

    QList<AlertRule> rules() const;
    AlertRuleModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    /// The rules' problems and the webhook's, one per line; empty when OK can be pressed.
    QStringList problems() const;
    QString statusText() const; ///< the line under the table: problems, keyring state, test result
    bool keyringBusy() const { return m_keyringBusy; }

    void addRule();
    void removeSelectedRules();
    void resetToDefaults();
    void sendTest();                       ///< posts one test message to the webhook as typed
    bool importRules(const QString &file); ///< what Import… does after the file dialog
    bool exportRules(const QString &file);
    void accept() override;

Q_SIGNALS:
    void keyringFinished(bool ok); ///< the read on opening, or the write on OK
    void testFinished(bool ok, const QString &text);

private:
    QLayout *buildRuleButtons();
    QGroupBox *buildWebhookBox(bool sessionOnly);
    void readSecret();
    void updateState();
    void setStatus(const QString &text, bool bad);

    QString m_connectionId;
    QString m_connectionName;
    QString m_keyringService;
    AlertRuleModel *m_model;
    QTableView *m_table;
    QPushButton *m_add;
    QPushButton *m_remove;
    QPushButton *m_reset;
    QGroupBox *m_hookBox;
    QComboBox *m_format;
    QLineEdit *m_url;
    QLineEdit *m_routingKey;
    QPushButton *m_test;
    QLabel *m_status;
    QDialogButtonBox *m_buttons;
    WebhookNotifier *m_tester = nullptr;
    QString m_lastNote; ///< keyring or test result, shown when there are no problems
    bool m_lastNoteBad = false;
    bool m_keyringBusy = false;
};

} // namespace qd
