// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "widgets/alertrulesdialog.h"

#include <QHash>
#include <QObject>

class QWidget;

namespace qd {

struct AlertChange;
class AlertEngine;
class WebhookNotifier;

/// The window's side of a connection's alert settings: loads the saved rules into the engine and the webhook
/// (its URL from the keyring) into the notifier when a connection is added, opens the rules editor and applies
/// what it returns, and forgets all of it when a connection is removed (the Session posts the changes).
/// A connection that is not saved (the demo, a URL on the command line) keeps its settings in memory only.
class AlertSettings final : public QObject
{
    Q_OBJECT
public:
    /// The session's engine and notifier (Session::alerts(), Session::webhooks()), which post every change.
    AlertSettings(AlertEngine *engine, WebhookNotifier *notifier, QObject *parent = nullptr);
    ~AlertSettings() override;
    Q_DISABLE_COPY_MOVE(AlertSettings)

    /// Tests use their own keyring entries.
    void setKeyringService(const QString &service) { m_keyringService = service; }
    QString keyringService() const { return m_keyringService; }
    WebhookNotifier *notifier() const { return m_notifier; }
    AlertEngine *engine() const { return m_engine; }

    /// A saved connection: its rules (or the defaults, saying why when the saved ones do not read) and its
    /// webhook. Reading the keyring is asynchronous: `loaded` is emitted once the webhook is in place.
    void load(const QString &connectionId, const QString &name);
    /// Opens the editor for the connection, modal; true when the operator applied changes.
    bool edit(const QString &connectionId, const QString &name, bool persistent, QWidget *parent);
    /// The connection is gone: engine rules, webhook, and for a saved one its keyring entry.
    void forget(const QString &connectionId, bool persistent);

Q_SIGNALS:
    void loaded(const QString &connectionId);
    /// For the status bar: a problem with saved settings, a webhook that failed.
    void message(const QString &text);
    /// For the incident timeline: what the operator changed.
    void changed(const QString &connectionId, const QString &summary);

private:
    AlertEngine *m_engine;
    WebhookNotifier *m_notifier;
    QString m_keyringService = QStringLiteral("Queuedeck");
    QHash<QString, AlertRulesDialog::Webhook> m_sessionWebhooks; ///< connections that are not saved
};

} // namespace qd
