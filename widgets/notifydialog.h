// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/jobs.h"
#include "core/recipients/directory.h"
#include "core/recipients/messagetemplate.h"
#include "core/recipients/recipients.h"

#include <QHash>

#include <QDialog>
#include <QPointer>

class QCheckBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;
class QVBoxLayout;

namespace qd {

class IncidentTimeline;

class AuditLog;
class MessageBuilder;
class Backend;
class Outbox;
class RecipientCollector;
class RecipientModel;
class Sender;
struct SendSummary;

/// "Tell the affected users": who the jobs of a selection belong to (by a user rule, previewed on the real
/// jobs, with what it misses), a message template with placeholders and a live preview per recipient, a dry
/// run listing exactly who gets what, and sending through the outbox — off the GUI thread, with progress,
/// cancel and a status per user. The outbox's idempotency key (incident, user, template) means sending again,
/// after a crash or a double click, never messages anyone twice.
class NotifyDialog final : public QDialog
{
    Q_OBJECT
public:
    NotifyDialog(Backend *backend, AuditLog *audit, Outbox *outbox, const QString &operatorName, const JobQuery &selection,
                 QWidget *parent = nullptr);
    ~NotifyDialog() override;
    Q_DISABLE_COPY_MOVE(NotifyDialog)

    /// The desktop's incident timeline, where core puts the sentence of each action run from here (not owned).
    void setTimeline(IncidentTimeline *timeline, const QString &connectionId);

    // For tests and scripted use, the same as typing into the fields.
    void setUserRule(const QString &rule);
    void setOlderThanMinutes(int minutes);
    /// Only jobs due (else enqueued, else failed) in [since, until): "everyone whose job was due while it was down".
    void setWindow(const QDateTime &since, const QDateTime &until);
    void setIncident(const QString &incident);
    void setChannel(const QString &channel);
    void setTemplate(const QString &subject, const QString &body);
    /// Where {{name}} and {{email}} come from (read-only): a database URL and one SELECT with :user.
    void setDirectory(const QString &url, const QString &query);
    /// Writes the template in the file format `queuedeckctl notify --template` reads; empty or why not.
    QString saveTemplate(const QString &file) const;
    void findUsers();
    QString dryRun();                 ///< who gets what (also shown in the preview); empty plus status on error
    void send();                      ///< without the confirmation the button asks for
    void cancelSending();

    RecipientModel *recipients() const { return m_model; }
    QString statusText() const;
    QString previewText() const;
    QPushButton *sendButton() const { return m_send; }

Q_SIGNALS:
    void usersFound(int users);
    /// The user rule found users: worth remembering for this connection.
    void userRuleWorked(const QString &rule);
    void sendFinished(const QString &summary); ///< a sentence for the incident timeline

private:
    void build(const JobQuery &selection);
    QWidget *buildWho(QWidget *parent);
    QWidget *buildMessage(QWidget *parent);
    void buildBottom(QVBoxLayout *root);
    void updatePreview();
    void updateButtons();
    void sendDone(const SendSummary &summary);
    QString templateError() const;
    MessageBuilder builder(const MessageTemplate &t) const; ///< the messages `notify` builds too
    void lookUpNames();

    Backend *m_backend;
    AuditLog *m_audit;
    Outbox *m_outbox;
    QString m_operator;
    QPointer<IncidentTimeline> m_timeline;
    QString m_timelineConnection;
    JobQuery m_selection;
    RecipientModel *m_model;
    RecipientCollector *m_collector = nullptr;
    Sender *m_sender = nullptr;
    QLineEdit *m_rule = nullptr;
    QSpinBox *m_olderThan = nullptr;
    QCheckBox *m_useWindow = nullptr;
    QDateTimeEdit *m_since = nullptr;
    QDateTimeEdit *m_until = nullptr;
    QPushButton *m_find = nullptr;
    QLabel *m_found = nullptr;
    QTableView *m_table = nullptr;
    QLineEdit *m_incident = nullptr;
    QLineEdit *m_templateName = nullptr;
    QLineEdit *m_channel = nullptr;
    QLineEdit *m_subject = nullptr;
    QLineEdit *m_namesFrom = nullptr;
    QLineEdit *m_namesQuery = nullptr;
    QHash<QString, Contact> m_contacts;
    QPlainTextEdit *m_body = nullptr;
    QLabel *m_counts = nullptr;
    QPlainTextEdit *m_preview = nullptr;
    QProgressBar *m_bar = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_dryRun = nullptr;
    QPushButton *m_send = nullptr;
    QPushButton *m_cancel = nullptr;
};

} // namespace qd
