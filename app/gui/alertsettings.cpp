// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "app/gui/alertsettings.h"

#include "core/alerts/alertengine.h"
#include "core/alerts/alertrulesio.h"
#include "core/alerts/webhooknotifier.h"
#include "core/futurewatch.h"
#include "core/settings/connectionsettings.h"
#include "core/settings/credentialstore.h"

namespace qd {

namespace {

WebhookFormat formatOf(const QString &name)
{
    return name == u"pagerduty" ? WebhookFormat::PagerDuty : WebhookFormat::Slack;
}

QString nameOf(WebhookFormat format)
{
    return format == WebhookFormat::PagerDuty ? QStringLiteral("pagerduty") : QStringLiteral("slack");
}

} // namespace

AlertSettings::AlertSettings(AlertEngine *engine, WebhookNotifier *notifier, QObject *parent)
    : QObject(parent), m_engine(engine), m_notifier(notifier)
{
    connect(m_notifier, &WebhookNotifier::failed, this, [this](const QString &, const QString &reason) {
        Q_EMIT message(tr("Webhook delivery failed: %1").arg(reason));
    });
}

AlertSettings::~AlertSettings() = default;

void AlertSettings::load(const QString &connectionId, const QString &name)
{
    const ConnectionSettings settings;
    QString why;
    if (const auto rules = settings.alertRules(connectionId, &why)) {
        m_engine->setRules(connectionId, *rules);
    } else if (!why.isEmpty()) {
        // Never silently "no rules": the defaults watch, and the operator learns their own rules were not read.
        Q_EMIT message(tr("%1: the saved alert rules could not be read (%2); the default rules apply.").arg(name, why));
    }
    const ConnectionSettings::Webhook hook = settings.webhook(connectionId);
    if (!hook.enabled) {
        Q_EMIT loaded(connectionId);
        return;
    }
    whenFinished(CredentialStore(m_keyringService).read(CredentialStore::webhookKey(connectionId)), this,
                 [this, connectionId, name, hook](const CredentialResult &r) {
                     const auto target =
                         r.found ? WebhookNotifier::targetFromSecret(r.secret, formatOf(hook.format)) : std::nullopt;
                     if (target) {
                         m_notifier->setTarget(connectionId, *target);
                     } else {
                         Q_EMIT message(
                             r.ok() ? tr("%1: the webhook to %2 is on, but its URL is not in the keyring; "
                                         "open Alert Rules to enter it again.")
                                          .arg(name, hook.host)
                                    : tr("%1: the webhook to %2 is off for now: %3").arg(name, hook.host, r.error));
                     }
                     Q_EMIT loaded(connectionId);
                 });
}

bool AlertSettings::edit(const QString &connectionId, const QString &name, bool persistent, QWidget *parent)
{
    AlertRulesDialog dialog(name, persistent ? connectionId : QString(), m_engine->rules(connectionId), parent,
                            m_keyringService);
    if (persistent) {
        const ConnectionSettings::Webhook hook = ConnectionSettings().webhook(connectionId);
        dialog.setWebhook(AlertRulesDialog::Webhook{hook.enabled, formatOf(hook.format), {}, {}});
    } else {
        dialog.setWebhook(m_sessionWebhooks.value(connectionId));
    }
    if (dialog.exec() != QDialog::Accepted) {
        return false;
    }
    const QList<AlertRule> rules = dialog.rules();
    const AlertRulesDialog::Webhook hook = dialog.webhook();
    const bool rulesChanged = AlertRulesIO::toJson(rules) != AlertRulesIO::toJson(m_engine->rules(connectionId));
    m_engine->setRules(connectionId, rules);
    if (const auto target = dialog.webhookTarget()) {
        m_notifier->setTarget(connectionId, *target);
    } else {
        m_notifier->removeTarget(connectionId);
    }
    if (persistent) {
        ConnectionSettings settings;
        if (AlertRulesIO::toJson(rules) == AlertRulesIO::toJson(AlertRule::defaults())) {
            settings.resetAlertRules(connectionId); // follow future defaults
        } else {
            settings.setAlertRules(connectionId, rules);
        }
        settings.setWebhook(connectionId,
                            ConnectionSettings::Webhook{hook.enabled, nameOf(hook.format), QUrl(hook.url).host()});
    } else {
        m_sessionWebhooks.insert(connectionId, hook);
    }
    QStringList what;
    if (rulesChanged) {
        what << tr("alert rules changed (%n rule(s))", nullptr, int(rules.size()));
    }
    what << (hook.enabled ? tr("webhook on (%1, %2)").arg(nameOf(hook.format), QUrl(hook.url).host())
                          : tr("webhook off"));
    Q_EMIT changed(connectionId, what.join(QStringLiteral("; ")));
    return true;
}

void AlertSettings::forget(const QString &connectionId, bool persistent)
{
    m_notifier->removeTarget(connectionId);
    m_sessionWebhooks.remove(connectionId);
    if (persistent) {
        const CredentialStore store(m_keyringService);
        store.remove(CredentialStore::webhookKey(connectionId));
        store.remove(CredentialStore::connectionKey(connectionId));
    }
}

} // namespace qd
