// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/alertrulesdialog.h"

#include "models/alertrulemodel.h"
#include "core/alerts/alertrulesio.h"
#include "core/futurewatch.h"
#include "core/settings/credentialstore.h"
#include "core/textsafety.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

namespace qd {

namespace {

/// The rule kind as a drop-down of readable names; the model stores the stable id.
class KindDelegate final : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &, const QModelIndex &) const override
    {
        auto *combo = new QComboBox(parent);
        for (RuleKind k : AlertRulesIO::allKinds()) {
            combo->addItem(AlertRule::kindName(k), AlertRulesIO::kindId(k));
        }
        return combo;
    }
    void setEditorData(QWidget *editor, const QModelIndex &index) const override
    {
        auto *combo = static_cast<QComboBox *>(editor);
        combo->setCurrentIndex(std::max(0, combo->findData(index.data(Qt::EditRole))));
    }
    void setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const override
    {
        model->setData(index, static_cast<QComboBox *>(editor)->currentData(), Qt::EditRole);
    }
};

} // namespace

AlertRulesDialog::AlertRulesDialog(const QString &connectionName, const QString &connectionId,
                                   const QList<AlertRule> &rules, QWidget *parent, const QString &keyringService)
    : QDialog(parent), m_connectionId(connectionId), m_connectionName(connectionName), m_keyringService(keyringService)
{
    setWindowTitle(tr("Alert Rules — %1").arg(escapeForDisplay(connectionName, 80)));
    auto *layout = new QVBoxLayout(this);

    auto *intro = new QLabel(tr("Each rule fires WARN or CRIT when its level holds for the time in \"For\". Ages take "
                                "s/m/h/d (90s, 5m, 1h30m). queuedeckctl check --rules-file reads the same rules "
                                "(Export…)."),
                             this);
    intro->setTextFormat(Qt::PlainText);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    m_model = new AlertRuleModel(this);
    m_model->setRules(rules);
    m_table = new QTableView(this);
    m_table->setModel(m_model);
    m_table->setItemDelegateForColumn(AlertRuleModel::KindColumn, new KindDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                             QAbstractItemView::AnyKeyPressed | QAbstractItemView::SelectedClicked);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(AlertRuleModel::QueuesColumn, QHeaderView::Stretch);
    m_table->setAccessibleName(tr("Alert rules"));
    m_table->setMinimumHeight(m_table->verticalHeader()->defaultSectionSize() * 8);
    layout->addWidget(m_table, 1);

    layout->addLayout(buildRuleButtons());
    layout->addWidget(buildWebhookBox(connectionId.isEmpty()));

    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &AlertRulesDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_remove, &QPushButton::clicked, this, &AlertRulesDialog::removeSelectedRules);
    connect(m_reset, &QPushButton::clicked, this, &AlertRulesDialog::resetToDefaults);
    connect(m_test, &QPushButton::clicked, this, &AlertRulesDialog::sendTest);
    connect(m_model, &AlertRuleModel::validityChanged, this, &AlertRulesDialog::updateState);
    connect(m_model, &AlertRuleModel::editRejected, this, [this](const QModelIndex &, const QString &why) {
        m_lastNote = tr("Not changed: %1").arg(why);
        m_lastNoteBad = true;
        updateState();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &AlertRulesDialog::updateState);
    connect(m_hookBox, &QGroupBox::toggled, this, &AlertRulesDialog::updateState);
    connect(m_url, &QLineEdit::textChanged, this, &AlertRulesDialog::updateState);
    connect(m_routingKey, &QLineEdit::textChanged, this, &AlertRulesDialog::updateState);
    connect(m_format, &QComboBox::currentIndexChanged, this, &AlertRulesDialog::updateState);
    resize(sizeHint().expandedTo(QSize(760, 520)));
    readSecret();
    updateState();
}

/// Add (a rule of any kind), Remove, Import…, Export… and Reset to Defaults.
QLayout *AlertRulesDialog::buildRuleButtons()
{
    auto *row = new QHBoxLayout;
    m_add = new QPushButton(tr("&Add Rule"), this);
    auto *kinds = new QMenu(m_add);
    for (RuleKind k : AlertRulesIO::allKinds()) {
        kinds->addAction(AlertRule::kindName(k), this, [this, k] {
            const int r = m_model->addRule(k);
            m_table->setCurrentIndex(m_model->index(r, AlertRuleModel::QueuesColumn));
            m_table->setFocus();
        });
    }
    m_add->setMenu(kinds);
    m_remove = new QPushButton(tr("&Remove"), this);
    m_remove->setShortcut(QKeySequence::Delete);
    m_reset = new QPushButton(tr("Reset to &Defaults"), this);
    m_reset->setToolTip(tr("Oldest job 5/15 min, no workers, lost workers, poison jobs, failure rate, new queues, "
                           "unreachable, stale data."));
    auto *importButton = new QPushButton(tr("&Import…"), this);
    importButton->setToolTip(tr("Replace the rules with those of a JSON file (the format Export writes)"));
    auto *exportButton = new QPushButton(tr("E&xport…"), this);
    exportButton->setToolTip(
        tr("Save the rules as JSON, for queuedeckctl check/watch --rules-file or another connection"));
    connect(importButton, &QPushButton::clicked, this, [this] {
        const QString file =
            QFileDialog::getOpenFileName(this, tr("Import Alert Rules"), QString(), tr("JSON (*.json)"));
        if (!file.isEmpty()) {
            importRules(file);
        }
    });
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(this, tr("Export Alert Rules"),
                                                          QStringLiteral("alert-rules.json"), tr("JSON (*.json)"));
        if (!file.isEmpty()) {
            exportRules(file);
        }
    });
    row->addWidget(m_add);
    row->addWidget(m_remove);
    row->addStretch(1);
    row->addWidget(importButton);
    row->addWidget(exportButton);
    row->addWidget(m_reset);

    return row;
}

/// The webhook: on/off, format, URL, routing key, Send Test, and where its secrets are kept.
QGroupBox *AlertRulesDialog::buildWebhookBox(bool sessionOnly)
{
    m_hookBox = new QGroupBox(tr("Post alert changes to a &webhook"), this);
    m_hookBox->setCheckable(true);
    m_hookBox->setChecked(false);
    auto *form = new QFormLayout(m_hookBox);
    m_format = new QComboBox(m_hookBox);
    m_format->addItem(tr("Slack-compatible (Slack, Mattermost, Rocket.Chat)"), int(WebhookFormat::Slack));
    m_format->addItem(tr("PagerDuty Events v2"), int(WebhookFormat::PagerDuty));
    form->addRow(tr("&Format:"), m_format);
    m_url = new QLineEdit(m_hookBox);
    m_url->setPlaceholderText(QStringLiteral("https://hooks.slack.com/services/…"));
    m_url->setAccessibleName(tr("Webhook URL"));
    m_url->setMinimumWidth(fontMetrics().averageCharWidth() * 60);
    form->addRow(tr("&URL:"), m_url);
    m_routingKey = new QLineEdit(m_hookBox);
    m_routingKey->setEchoMode(QLineEdit::PasswordEchoOnEdit);
    m_routingKey->setAccessibleName(tr("PagerDuty routing key"));
    form->addRow(tr("Routing &key:"), m_routingKey);
    m_test = new QPushButton(tr("Send &Test"), m_hookBox);
    m_test->setToolTip(tr("Post one test message now, with the settings as typed"));
    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_test);
    testRow->addStretch(1);
    form->addRow(QString(), testRow);
    auto *secretNote = new QLabel(
        sessionOnly ? tr("This connection is not saved: its rules and webhook last until Queuedeck quits.")
                               : tr("The URL and routing key are kept in the desktop keyring, not in the "
                                    "settings file."),
        m_hookBox);
    secretNote->setTextFormat(Qt::PlainText);
    secretNote->setWordWrap(true);
    secretNote->setEnabled(false);
    form->addRow(QString(), secretNote);

    return m_hookBox;
}

AlertRulesDialog::~AlertRulesDialog() = default;

void AlertRulesDialog::setWebhook(const Webhook &webhook)
{
    m_hookBox->setChecked(webhook.enabled);
    m_format->setCurrentIndex(std::max(0, m_format->findData(int(webhook.format))));
    if (!webhook.url.isEmpty() || !webhook.routingKey.isEmpty()) {
        m_url->setText(webhook.url);
        m_routingKey->setText(webhook.routingKey);
    }
    updateState();
}

AlertRulesDialog::Webhook AlertRulesDialog::webhook() const
{
    return Webhook{m_hookBox->isChecked(), WebhookFormat(m_format->currentData().toInt()), m_url->text().trimmed(),
                   m_routingKey->text().trimmed()};
}

std::optional<WebhookTarget> AlertRulesDialog::webhookTarget() const
{
    const Webhook w = webhook();
    if (!w.enabled) {
        return std::nullopt;
    }
    return WebhookTarget{QUrl(w.url, QUrl::StrictMode), w.format, w.routingKey};
}

QList<AlertRule> AlertRulesDialog::rules() const
{
    return m_model->rules();
}

QStringList AlertRulesDialog::problems() const
{
    QStringList out = m_model->problems();
    const Webhook w = webhook();
    if (w.enabled) {
        if (const QString p = WebhookNotifier::checkUrl(QUrl(w.url, QUrl::StrictMode)); !p.isEmpty()) {
            out << tr("Webhook: %1").arg(p);
        }
        if (w.format == WebhookFormat::PagerDuty && w.routingKey.isEmpty()) {
            out << tr("Webhook: PagerDuty needs the integration's routing key");
        }
    }
    return out;
}

QString AlertRulesDialog::statusText() const
{
    return m_status->text();
}

void AlertRulesDialog::setStatus(const QString &text, bool bad)
{
    m_status->setText(text);
    QPalette pal = m_status->palette();
    pal.setColor(QPalette::WindowText, bad ? QColor(0xc6, 0x28, 0x28) : palette().color(QPalette::WindowText));
    m_status->setPalette(pal);
}

void AlertRulesDialog::updateState()
{
    const QStringList p = problems();
    const bool pd = WebhookFormat(m_format->currentData().toInt()) == WebhookFormat::PagerDuty;
    m_routingKey->setEnabled(pd);
    m_remove->setEnabled(m_table->selectionModel()->hasSelection());
    m_test->setEnabled(!m_keyringBusy &&
                       WebhookNotifier::checkUrl(QUrl(m_url->text().trimmed(), QUrl::StrictMode)).isEmpty() &&
                       (!pd || !m_routingKey->text().trimmed().isEmpty()));
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(p.isEmpty() && !m_keyringBusy);
    if (!p.isEmpty()) {
        setStatus(p.join(u'\n'), true);
    } else {
        setStatus(m_lastNote, m_lastNoteBad);
    }
}

void AlertRulesDialog::addRule()
{
    const int r = m_model->addRule(RuleKind::Depth);
    m_table->setCurrentIndex(m_model->index(r, AlertRuleModel::QueuesColumn));
}

void AlertRulesDialog::removeSelectedRules()
{
    QList<int> rows;
    for (const QModelIndex &idx : m_table->selectionModel()->selectedRows()) {
        rows << idx.row();
    }
    m_model->removeRules(rows);
}

void AlertRulesDialog::resetToDefaults()
{
    m_model->setRules(AlertRule::defaults());
    m_lastNote = tr("Default rules restored; OK applies them.");
    m_lastNoteBad = false;
    updateState();
}

bool AlertRulesDialog::importRules(const QString &file)
{
    auto rules = AlertRulesIO::readFile(file);
    if (!rules) {
        m_lastNote = tr("Not imported: %1").arg(rules.error());
        m_lastNoteBad = true;
    } else {
        m_model->setRules(rules.value());
        m_lastNote = tr("%n rule(s) imported; OK applies them.", nullptr, int(rules->size()));
        m_lastNoteBad = false;
    }
    updateState();
    return rules.ok();
}

bool AlertRulesDialog::exportRules(const QString &file)
{
    const QString err = AlertRulesIO::writeFile(file, m_model->rules());
    m_lastNote = err.isEmpty() ? tr("Rules exported to %1.").arg(file) : tr("Not exported: %1").arg(err);
    m_lastNoteBad = !err.isEmpty();
    updateState();
    return err.isEmpty();
}

void AlertRulesDialog::readSecret()
{
    if (m_connectionId.isEmpty()) {
        return;
    }
    m_keyringBusy = true;
    m_url->setPlaceholderText(tr("Reading the keyring…"));
    whenFinished(CredentialStore(m_keyringService).read(CredentialStore::webhookKey(m_connectionId)), this,
                 [this](const CredentialResult &r) {
                     m_keyringBusy = false;
                     m_url->setPlaceholderText(QStringLiteral("https://hooks.slack.com/services/…"));
                     if (!r.ok()) {
                         m_lastNote = tr("The webhook's URL could not be read: %1").arg(r.error);
                         m_lastNoteBad = true;
                     } else if (r.found) {
                         const auto t = WebhookNotifier::targetFromSecret(
                             r.secret, WebhookFormat(m_format->currentData().toInt()));
                         if (t && m_url->text().isEmpty()) {
                             m_url->setText(t->url.toString());
                             m_routingKey->setText(t->routingKey);
                         }
                     }
                     updateState();
                     Q_EMIT keyringFinished(r.ok());
                 });
}

void AlertRulesDialog::sendTest()
{
    const Webhook w = webhook();
    const WebhookTarget target{QUrl(w.url, QUrl::StrictMode), w.format, w.routingKey};
    if (!WebhookNotifier::checkUrl(target.url).isEmpty()) {
        return;
    }
    delete m_tester;
    m_tester = new WebhookNotifier(this);
    m_tester->setRetryPolicy(1, std::chrono::milliseconds(0)); // the operator is waiting: one try, the answer
    const QString id = QStringLiteral("queuedeck-test");
    m_tester->setTarget(id, target);
    AlertChange change;
    change.previous = AlertState::Ok;
    change.alert.connectionId = id;
    change.alert.ruleId = QStringLiteral("test");
    change.alert.kind = RuleKind::Unreachable;
    change.alert.state = AlertState::Warn;
    change.alert.since = QDateTime::currentDateTimeUtc();
    change.alert.message = tr("Test message from Queuedeck: alerts of %1 will be posted here.").arg(m_connectionName);
    m_test->setEnabled(false);
    m_lastNote = tr("Sending a test message…");
    m_lastNoteBad = false;
    updateState();
    auto done = [this](bool ok, const QString &text) {
        m_lastNote = text;
        m_lastNoteBad = !ok;
        updateState();
        Q_EMIT testFinished(ok, text);
    };
    connect(m_tester, &WebhookNotifier::delivered, this, [done] { done(true, tr("Test message delivered.")); });
    connect(m_tester, &WebhookNotifier::failed, this,
            [done](const QString &, const QString &reason) { done(false, tr("Test message failed: %1").arg(reason)); });
    m_tester->notify(m_connectionName, change);
}

void AlertRulesDialog::accept()
{
    if (!problems().isEmpty() || m_keyringBusy) {
        return;
    }
    if (m_connectionId.isEmpty()) {
        QDialog::accept();
        return;
    }
    // The secret first: only once the keyring has it (or has dropped it) is the dialog's work done.
    const CredentialStore store(m_keyringService);
    const QString key = CredentialStore::webhookKey(m_connectionId);
    const auto target = webhookTarget();
    m_keyringBusy = true;
    m_lastNote = tr("Saving to the keyring…");
    m_lastNoteBad = false;
    updateState();
    whenFinished(target ? store.write(key, WebhookNotifier::targetToSecret(*target)) : store.remove(key), this,
                 [this](const CredentialResult &r) {
                     m_keyringBusy = false;
                     if (!r.ok()) {
                         m_lastNote = tr("Not saved — the keyring refused the webhook: %1").arg(r.error);
                         m_lastNoteBad = true;
                         updateState();
                         Q_EMIT keyringFinished(false);
                         return;
                     }
                     updateState();
                     Q_EMIT keyringFinished(true);
                     QDialog::accept();
                 });
}

} // namespace qd
