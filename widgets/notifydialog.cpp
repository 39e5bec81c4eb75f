// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/notifydialog.h"
#include "core/timeline/incidenttimeline.h"

#include "core/actions/operatoractions.h"
#include "core/audit/auditlog.h"
#include "core/backend.h"
#include "models/freshness.h"
#include "core/futurewatch.h"
#include "models/recipientmodel.h"
#include "core/recipients/channels.h"
#include "core/recipients/messagebuilder.h"
#include "core/recipients/messagetemplate.h"
#include "core/recipients/outbox.h"
#include "core/recipients/recipientcollector.h"
#include "core/recipients/sender.h"
#include "core/recipients/userrule.h"
#include "core/textsafety.h"

#include <QCheckBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace qd {

namespace {
constexpr int kDryRunLines = 500;
}

NotifyDialog::NotifyDialog(Backend *backend, AuditLog *audit, Outbox *outbox, const QString &operatorName,
                           const JobQuery &selection, QWidget *parent)
    : QDialog(parent), m_backend(backend), m_audit(audit), m_outbox(outbox), m_operator(operatorName), m_selection(selection),
      m_model(new RecipientModel(this))
{
    build(selection);
}

NotifyDialog::~NotifyDialog() = default;

void NotifyDialog::build(const JobQuery &selection)
{
    setWindowTitle(tr("Tell Affected Users"));
    setAttribute(Qt::WA_DeleteOnClose);
    auto *root = new QVBoxLayout(this);
    auto *what = new QLabel(tr("Jobs: %1 in %2%3")
                                .arg(jobStateText(selection.state), escapeForDisplay(selection.queue, 80),
                                     selection.search.isEmpty() ? QString()
                                                                : tr(" matching \"%1\"").arg(escapeForDisplay(selection.search, 80))),
                            this);
    what->setTextFormat(Qt::PlainText);
    root->addWidget(what);

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(buildWho(split));
    split->addWidget(buildMessage(split));
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    root->addWidget(split, 1);
    buildBottom(root);
    updatePreview();
    updateButtons();
    resize(1100, 640);
}

/// Left: who — the user rule, the minimum wait, the time window, and the users found.
QWidget *NotifyDialog::buildWho(QWidget *parent)
{
    QWidget *split = parent;
    auto *left = new QWidget(split);
    auto *leftColumn = new QVBoxLayout(left);
    leftColumn->setContentsMargins(0, 0, 0, 0);
    auto *ruleRow = new QHBoxLayout();
    m_rule = new QLineEdit(left);
    m_rule->setPlaceholderText(tr("/args/0/user_id, arg:0 or re:user=(\\d+)"));
    m_rule->setToolTip(tr("How a job names its user: a JSON pointer into the job (Delayed::Job YAML is read safely), "
                          "an argument index, or a regular expression over the payload"));
    m_rule->setAccessibleName(tr("User rule"));
    m_olderThan = new QSpinBox(left);
    m_olderThan->setRange(0, 60 * 24 * 30);
    m_olderThan->setSuffix(tr(" min"));
    m_olderThan->setToolTip(tr("Only jobs that have waited at least this long"));
    m_olderThan->setAccessibleName(tr("Waited at least"));
    m_find = new QPushButton(tr("&Find Users"), left);
    ruleRow->addWidget(new QLabel(tr("User:"), left));
    ruleRow->addWidget(m_rule, 1);
    ruleRow->addWidget(new QLabel(tr("waited ≥"), left));
    ruleRow->addWidget(m_olderThan);
    ruleRow->addWidget(m_find);
    leftColumn->addLayout(ruleRow);
    auto *windowRow = new QHBoxLayout();
    m_useWindow = new QCheckBox(tr("Due between"), left);
    m_useWindow->setToolTip(tr("Only jobs due (else enqueued, else failed) in this window, e.g. while the workers were down"));
    const QDateTime now = QDateTime::currentDateTime();
    m_since = new QDateTimeEdit(now.addSecs(-3600), left);
    m_until = new QDateTimeEdit(now, left);
    for (QDateTimeEdit *e : {m_since, m_until}) {
        e->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
        e->setCalendarPopup(true);
        e->setEnabled(false);
    }
    m_since->setAccessibleName(tr("Window start"));
    m_until->setAccessibleName(tr("Window end"));
    connect(m_useWindow, &QCheckBox::toggled, m_since, &QWidget::setEnabled);
    connect(m_useWindow, &QCheckBox::toggled, m_until, &QWidget::setEnabled);
    windowRow->addWidget(m_useWindow);
    windowRow->addWidget(m_since);
    windowRow->addWidget(new QLabel(tr("and"), left));
    windowRow->addWidget(m_until);
    windowRow->addStretch(1);
    leftColumn->addLayout(windowRow);
    m_found = new QLabel(left);
    m_found->setTextFormat(Qt::PlainText);
    m_found->setWordWrap(true);
    leftColumn->addWidget(m_found);
    m_table = new QTableView(left);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAccessibleName(tr("Affected users"));
    leftColumn->addWidget(m_table, 1);

    return left;
}

/// Right: what — incident, template, channel, names, subject, body, and the preview.
QWidget *NotifyDialog::buildMessage(QWidget *parent)
{
    QWidget *split = parent;
    auto *right = new QWidget(split);
    auto *rightColumn = new QVBoxLayout(right);
    rightColumn->setContentsMargins(0, 0, 0, 0);
    auto *form = new QFormLayout();
    m_incident = new QLineEdit(right);
    m_incident->setPlaceholderText(tr("e.g. INC-2026-11-25-print"));
    m_templateName = new QLineEdit(QStringLiteral("notice"), right);
    m_templateName->setToolTip(tr("Each user gets each template once per incident"));
    m_channel = new QLineEdit(right);
    m_channel->setPlaceholderText(tr("webhook:https://…, sql:postgresql://…?table=notifications, csv:/path/file.csv"));
    m_subject = new QLineEdit(right);
    m_subject->setText(tr("Your print job is delayed"));
    form->addRow(tr("Incident:"), m_incident);
    form->addRow(tr("Template:"), m_templateName);
    form->addRow(tr("Channel:"), m_channel);
    m_namesFrom = new QLineEdit(right);
    m_namesFrom->setPlaceholderText(tr("optional: sqlite:///path/app.db or postgresql://user@host/db (read-only)"));
    m_namesFrom->setToolTip(tr("Where {{name}} and {{email}} come from: the application's own database, opened read-only"));
    m_namesQuery = new QLineEdit(QStringLiteral("SELECT name, email FROM users WHERE id = :user"), right);
    form->addRow(tr("Names from:"), m_namesFrom);
    form->addRow(tr("Lookup:"), m_namesQuery);
    form->addRow(tr("Subject:"), m_subject);
    rightColumn->addLayout(form);
    m_body = new QPlainTextEdit(right);
    m_body->setPlainText(tr("Hello {{user}},\n\n{{job_count}} of your jobs in {{queue}} have waited up to {{delay}} "
                            "because of an incident on our side ({{incident}}). They will run shortly; you need not do anything.\n"));
    m_body->setAccessibleName(tr("Message body"));
    m_body->setTabChangesFocus(true);
    rightColumn->addWidget(m_body, 2);
    m_counts = new QLabel(right);
    m_counts->setTextFormat(Qt::PlainText);
    m_counts->setWordWrap(true);
    rightColumn->addWidget(m_counts);
    m_preview = new QPlainTextEdit(right);
    m_preview->setReadOnly(true);
    m_preview->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_preview->setAccessibleName(tr("Preview"));
    rightColumn->addWidget(m_preview, 3);
    return right;
}

/// Below: progress, status, and the buttons, with what each of them does.
void NotifyDialog::buildBottom(QVBoxLayout *root)
{
    m_bar = new QProgressBar(this);
    m_bar->setRange(0, 1);
    m_bar->setValue(0);
    m_bar->setAccessibleName(tr("Sending progress"));
    root->addWidget(m_bar);
    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    root->addWidget(m_status);
    auto *buttons = new QDialogButtonBox(this);
    auto *load = buttons->addButton(tr("Load Template…"), QDialogButtonBox::ResetRole);
    auto *save = buttons->addButton(tr("Save Template…"), QDialogButtonBox::ResetRole);
    m_dryRun = buttons->addButton(tr("&Dry Run"), QDialogButtonBox::ActionRole);
    m_send = buttons->addButton(tr("&Send"), QDialogButtonBox::ActionRole);
    m_cancel = buttons->addButton(tr("Stop Sending"), QDialogButtonBox::ActionRole);
    buttons->addButton(QDialogButtonBox::Close);
    root->addWidget(buttons);

    connect(m_find, &QPushButton::clicked, this, &NotifyDialog::findUsers);
    connect(m_rule, &QLineEdit::returnPressed, this, &NotifyDialog::findUsers);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &NotifyDialog::updatePreview);
    for (QLineEdit *e : {m_incident, m_subject, m_templateName, m_channel}) {
        connect(e, &QLineEdit::textChanged, this, [this] {
            updatePreview();
            updateButtons();
        });
    }
    connect(m_body, &QPlainTextEdit::textChanged, this, [this] {
        updatePreview();
        updateButtons();
    });
    connect(load, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Load Template"), QString(), tr("Templates (*.txt);;All files (*)"));
        if (file.isEmpty()) {
            return;
        }
        const auto t = MessageTemplate::load(file);
        if (!t) {
            QMessageBox::warning(this, tr("Load Template"), t.error());
            return;
        }
        m_templateName->setText(t->name());
        setTemplate(t->subjectTemplate(), t->bodyTemplate());
    });
    connect(save, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(this, tr("Save Template"), m_templateName->text().trimmed() + QStringLiteral(".txt"),
                                                          tr("Templates (*.txt)"));
        if (!file.isEmpty()) {
            if (const QString e = saveTemplate(file); !e.isEmpty()) {
                QMessageBox::warning(this, tr("Save Template"), e);
            }
        }
    });
    connect(m_dryRun, &QPushButton::clicked, this, [this] { dryRun(); });
    connect(m_send, &QPushButton::clicked, this, [this] {
        const ChannelSpec channel = ChannelSpec::parse(m_channel->text().trimmed()).value();
        if (QMessageBox::question(this, tr("Send"),
                                  tr("Send \"%1\" to %n user(s) through %2? Users who already got this template for "
                                     "incident %3 are skipped.",
                                     nullptr, m_model->rowCount())
                                      .arg(escapeForDisplay(m_templateName->text(), 60), escapeForDisplay(channel.displayString(), 200),
                                           escapeForDisplay(m_incident->text(), 80))) == QMessageBox::Yes) {
            send();
        }
    });
    connect(m_cancel, &QPushButton::clicked, this, &NotifyDialog::cancelSending);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
}

void NotifyDialog::setUserRule(const QString &rule)
{
    m_rule->setText(rule);
}

void NotifyDialog::setOlderThanMinutes(int minutes)
{
    m_olderThan->setValue(minutes);
}

void NotifyDialog::setWindow(const QDateTime &since, const QDateTime &until)
{
    m_since->setDateTime(since.toLocalTime());
    m_until->setDateTime(until.toLocalTime());
    m_useWindow->setChecked(true);
}

void NotifyDialog::setIncident(const QString &incident)
{
    m_incident->setText(incident);
}

void NotifyDialog::setChannel(const QString &channel)
{
    m_channel->setText(channel);
}

QString NotifyDialog::saveTemplate(const QString &file) const
{
    // The format queuedeckctl notify --template reads: "Subject: …", a blank line, the body.
    QSaveFile out(file);
    const QByteArray text = (QStringLiteral("Subject: ") + m_subject->text() + QStringLiteral("\n\n") + m_body->toPlainText()).toUtf8();
    if (!out.open(QIODevice::WriteOnly) || out.write(text) != text.size() || !out.commit()) {
        return tr("Cannot write %1: %2").arg(file, out.errorString());
    }
    return {};
}

void NotifyDialog::setDirectory(const QString &url, const QString &query)
{
    m_namesFrom->setText(url);
    m_namesQuery->setText(query);
}

MessageBuilder NotifyDialog::builder(const MessageTemplate &t) const
{
    return MessageBuilder(t, m_incident->text().trimmed(), m_contacts);
}

void NotifyDialog::lookUpNames()
{
    m_contacts.clear();
    if (m_namesFrom->text().trimmed().isEmpty() || m_model->rowCount() == 0) {
        return;
    }
    auto directory = Directory::create(m_namesFrom->text(), m_namesQuery->text());
    if (!directory) {
        m_found->setText(m_found->text() + u'\n' + escapeForDisplay(directory.error(), 300));
        return;
    }
    QStringList users;
    for (int i = 0; i < m_model->rowCount(); ++i) {
        users << m_model->recipient(i).user;
    }
    std::shared_ptr<Directory> keep = directory.value();
    whenFinished(keep->lookup(users), this, [this, keep](const Result<QHash<QString, Contact>> &found) {
        if (!found) {
            m_found->setText(m_found->text() + u'\n' + tr("Names: %1").arg(escapeForDisplay(found.error(), 300)));
            return;
        }
        m_contacts = found.value();
        m_found->setText(m_found->text() + u'\n' +
                         tr("Names and e-mails found for %1 of %2 user(s) in %3")
                             .arg(Freshness::count(qint64(m_contacts.size())), Freshness::count(qint64(m_model->rowCount())),
                                  escapeForDisplay(keep->displayString(), 200)));
        updatePreview();
    });
}

void NotifyDialog::setTemplate(const QString &subject, const QString &body)
{
    m_subject->setText(subject);
    m_body->setPlainText(body);
}

QString NotifyDialog::statusText() const
{
    return m_status->text();
}

QString NotifyDialog::previewText() const
{
    return m_preview->toPlainText();
}

void NotifyDialog::findUsers()
{
    const auto rule = UserRule::parse(m_rule->text().trimmed());
    if (!rule) {
        m_found->setText(rule.error());
        return;
    }
    if (!m_backend) {
        return;
    }
    if (m_collector) {
        m_collector->cancel();
        m_collector->deleteLater();
    }
    m_collector = new RecipientCollector(m_backend, m_selection, rule.value(), qint64(m_olderThan->value()) * 60, this);
    if (m_useWindow->isChecked()) {
        m_collector->setWindow(m_since->dateTime().toUTC(), m_until->dateTime().toUTC());
    }
    connect(m_collector, &RecipientCollector::progress, this,
            [this](qint64 listed) { m_found->setText(tr("Reading jobs… %1 so far").arg(Freshness::count(listed))); });
    connect(m_collector, &RecipientCollector::failed, this,
            [this](const QString &e) { m_found->setText(tr("Cannot list the jobs: %1").arg(escapeForDisplay(e, 400))); });
    connect(m_collector, &RecipientCollector::finished, this, [this](const RecipientSet &set) {
        m_model->setRecipients(set);
        m_table->resizeColumnsToContents();
        QString text = tr("%1 user(s) behind %2 job(s)")
                           .arg(Freshness::count(qint64(set.users.size())), Freshness::count(set.jobsExamined));
        if (set.jobsWithoutUser > 0) {
            text += tr("; the rule found no user in %1 job(s), e.g. %2")
                        .arg(Freshness::count(set.jobsWithoutUser))
                        .arg(escapeForDisplay(set.missSamples.join(QStringLiteral(", ")), 200));
        }
        m_found->setText(text);
        if (m_model->rowCount() > 0) {
            m_table->selectRow(0);
        }
        updatePreview();
        updateButtons();
        lookUpNames();
        if (!set.users.isEmpty()) {
            Q_EMIT userRuleWorked(m_rule->text().trimmed());
        }
        Q_EMIT usersFound(int(set.users.size()));
    });
    m_found->setText(tr("Reading jobs…"));
    m_collector->start();
}

QString NotifyDialog::templateError() const
{
    if (m_incident->text().trimmed().isEmpty()) {
        return tr("Name the incident: each user gets one message per incident and template.");
    }
    if (m_templateName->text().trimmed().isEmpty()) {
        return tr("Name the template.");
    }
    const auto t = MessageTemplate::parse(m_templateName->text().trimmed(), m_subject->text(), m_body->toPlainText());
    if (!t) {
        return t.error();
    }
    const auto channel = ChannelSpec::parse(m_channel->text().trimmed());
    if (!channel) {
        return channel.error();
    }
    return {};
}

void NotifyDialog::updatePreview()
{
    const auto t = MessageTemplate::parse(m_templateName->text().trimmed(), m_subject->text(), m_body->toPlainText());
    if (!t) {
        m_counts->setText(t.error());
        return;
    }
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    const int row = rows.isEmpty() ? 0 : rows.first().row();
    if (m_model->rowCount() == 0) {
        m_counts->setText(tr("Placeholders: %1").arg(MessageTemplate::placeholderNames().join(QStringLiteral(" "))));
        m_preview->clear();
        return;
    }
    const Recipient &r = m_model->recipient(row);
    const auto rendered = t->render(builder(*t).values(r));
    m_counts->setText(tr("Subject %1 characters · body %2 characters (for %3) · placeholders: %4")
                          .arg(rendered.subjectChars)
                          .arg(rendered.bodyChars)
                          .arg(escapeForDisplay(r.user, 60), MessageTemplate::placeholderNames().join(QStringLiteral(" "))));
    // Plain text: a user id or a template cannot become markup here.
    m_preview->setPlainText(tr("To: %1\nSubject: %2\n\n%3").arg(escapeForDisplay(r.user, 200), escapeForDisplay(rendered.subject, 400),
                                                                 escapeMultiline(rendered.body, 20000)));
}

void NotifyDialog::updateButtons()
{
    const bool sending = m_sender && m_sender->isRunning();
    const QString why = m_model->rowCount() == 0 ? tr("Find the users first.") : templateError();
    m_dryRun->setEnabled(!sending && why.isEmpty());
    m_send->setEnabled(!sending && why.isEmpty() && m_outbox && m_audit);
    m_send->setText(m_model->rowCount() > 0 ? tr("&Send to %Ln User(s)", nullptr, m_model->rowCount()) : tr("&Send"));
    m_send->setToolTip(!why.isEmpty() ? why : !m_outbox || !m_audit ? tr("Sending needs the outbox and the audit log.") : QString());
    m_dryRun->setToolTip(why);
    m_cancel->setEnabled(sending);
}

QString NotifyDialog::dryRun()
{
    if (const QString why = templateError(); !why.isEmpty()) {
        m_status->setText(why);
        return {};
    }
    const MessageTemplate t = MessageTemplate::parse(m_templateName->text().trimmed(), m_subject->text(), m_body->toPlainText()).value();
    const ChannelSpec channel = ChannelSpec::parse(m_channel->text().trimmed()).value();
    QStringList lines;
    const int n = m_model->rowCount();
    const MessageBuilder messages = builder(t);
    for (int i = 0; i < n && i < kDryRunLines; ++i) {
        const Recipient &r = m_model->recipient(i);
        const auto rendered = t.render(messages.values(r));
        lines << QStringLiteral("%1 → %2 | %3")
                     .arg(escapeForDisplay(r.user, 80), escapeForDisplay(rendered.subject, 120),
                          escapeForDisplay(rendered.body.section(u'\n', 0, 0), 120));
    }
    if (n > kDryRunLines) {
        lines << tr("… and %1 more").arg(n - kDryRunLines);
    }
    const QString text = tr("Dry run: %Ln message(s) through %1, nothing sent:\n", nullptr, n)
                             .arg(escapeForDisplay(channel.displayString(), 200)) +
                         lines.join(u'\n');
    m_preview->setPlainText(text);
    m_status->setText(tr("Dry run: %Ln user(s) would get a message; nothing was sent or written.", nullptr, n));
    return text;
}

void NotifyDialog::send()
{
    if (const QString why = templateError(); !why.isEmpty() || !m_outbox || !m_audit || m_model->rowCount() == 0) {
        m_status->setText(why.isEmpty() ? tr("Nothing to send.") : why);
        return;
    }
    const QString incident = m_incident->text().trimmed();
    const MessageTemplate t = MessageTemplate::parse(m_templateName->text().trimmed(), m_subject->text(), m_body->toPlainText()).value();
    const QString channel = m_channel->text().trimmed();
    QList<Recipient> recipients;
    recipients.reserve(m_model->rowCount());
    for (int i = 0; i < m_model->rowCount(); ++i) {
        recipients << m_model->recipient(i);
    }
    const QList<OutgoingMessage> messages = builder(t).messages(recipients);
    m_model->clearStatuses();
    m_status->setText(tr("Writing %Ln message(s) to the outbox…", nullptr, int(messages.size())));
    m_send->setEnabled(false);
    m_dryRun->setEnabled(false);
    whenFinished(m_outbox->enqueue(incident, t.name(), channel, messages), this, [this, incident, channel](const EnqueueResult &r) {
        if (!r.error.isEmpty()) {
            m_status->setText(tr("The outbox refused the messages: %1 — nothing was sent.").arg(escapeForDisplay(r.error, 400)));
            updateButtons();
            return;
        }
        if (!m_sender) {
            m_sender = new Sender(m_outbox, this);
            connect(m_sender, &Sender::progress, this, [this](qint64 done, qint64 total) {
                m_bar->setRange(0, int(std::max<qint64>(total, 1)));
                m_bar->setValue(int(done));
                m_status->setText(tr("Sending… %1 of %2").arg(Freshness::count(done), Freshness::count(total)));
            });
            connect(m_sender, &Sender::messageDone, this,
                    [this](const QString &user, OutboxStatus status, const QString &detail) { m_model->setStatus(user, status, detail); });
            connect(m_sender, &Sender::finished, this, &NotifyDialog::sendDone);
        }
        m_status->setText(tr("%1 new message(s) in the outbox, %2 already there for this incident and template.")
                              .arg(r.queued)
                              .arg(r.skippedDuplicate));
        if (const auto spec = ChannelSpec::parse(channel)) {
            m_sender->setChannels({spec.value()}); // its password: the outbox keeps the channel without it
        }
        m_sender->start(incident);
        updateButtons();
    });
}

void NotifyDialog::cancelSending()
{
    if (m_sender) {
        m_sender->cancel();
        m_status->setText(tr("Stopping after the message in flight…"));
    }
}

void NotifyDialog::sendDone(const SendSummary &s)
{
    const QString incident = m_incident->text().trimmed();
    const QString templateName = m_templateName->text().trimmed();
    QString text = tr("Sent %1 · already sent before %2 · failed %3").arg(s.sent).arg(s.skipped).arg(s.failed);
    if (s.cancelled) {
        text += tr(" · stopped: the rest stays in the outbox; Send again resumes it");
    }
    if (!s.error.isEmpty()) {
        text += tr(" · the outbox failed: %1").arg(escapeForDisplay(s.error, 300));
    }
    m_status->setText(text);
    // Everyone's state, including users messaged by an earlier run (skipped as duplicates at enqueue).
    whenFinished(m_outbox->statuses(incident), this, [this, templateName](const QList<RecipientStatus> &all) {
        for (const RecipientStatus &st : all) {
            if (st.templateName == templateName) {
                m_model->setStatus(st.user, st.status, st.lastError);
            }
        }
    });
    if (m_audit) {
        OperatorActions::NotifyRun run;
        run.connection = m_backend ? m_backend->url().toDisplayString() : QString();
        run.state = m_selection.state;
        run.incident = incident;
        run.templateName = templateName;
        run.queue = m_selection.queue;
        const auto channel = ChannelSpec::parse(m_channel->text().trimmed());
        run.channel = channel ? channel->displayString() : QString();
        run.sent = s.sent;
        run.skipped = s.skipped;
        run.failed = s.failed;
        run.error = s.error;
        OperatorActions(m_audit).recordNotify(run, ActionContext{m_operator, true, {}, m_timeline, m_timelineConnection});
    }
    updateButtons();
    Q_EMIT sendFinished(tr("notified affected users of %1 (incident %2): %3").arg(m_selection.queue, incident, text));
}

void NotifyDialog::setTimeline(IncidentTimeline *timeline, const QString &connectionId)
{
    m_timeline = timeline;
    m_timelineConnection = connectionId;
}

} // namespace qd
