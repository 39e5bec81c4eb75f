// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/alerts/alertrule.h"
#include "core/history/historystore.h"

#include <QList>
#include <QString>

#include <chrono>
#include <optional>

namespace qd {

struct SavedConnection
{
    QString id;   ///< stable, used by history and settings
    QString name; ///< what the operator calls it
    QString url;  ///< ConnectionUrl::toDisplayString(): never a password
};

/// Everything Queuedeck persists between runs, in one place (QSettings). Passwords are never written here:
/// URLs are stored through ConnectionUrl::toDisplayString(), which drops them.
class ConnectionSettings final
{
public:
    ConnectionSettings() = default;

    QList<SavedConnection> connections() const;
    /// The settings file the GUI and queuedeckctl share.
    static QString fileName();
    void setConnections(const QList<SavedConnection> &connections);
    /// Adds (or replaces by id) one connection; the URL is stripped of any password. Returns its id.
    QString addConnection(const QString &name, const QString &url);
    void removeConnection(const QString &id);

    std::chrono::milliseconds pollInterval() const; ///< default 5 s
    void setPollInterval(std::chrono::milliseconds interval);
    /// How long history keeps raw samples and minute rollups (defaults: 48 h and 30 days).
    HistoryRetention historyRetention() const;
    void setHistoryRetention(const HistoryRetention &retention);

    QString operatorName() const; ///< default: the OS user
    void setOperatorName(const QString &name);

    /// The connection's own alert rules; nullopt: none saved, the defaults apply. A saved set that no longer
    /// reads (edited by hand, from a newer version) is nullopt too, with `error` saying why, so the caller can
    /// tell the operator instead of silently watching nothing.
    std::optional<QList<AlertRule>> alertRules(const QString &connectionId, QString *error = nullptr) const;
    void setAlertRules(const QString &connectionId, const QList<AlertRule> &rules);
    void resetAlertRules(const QString &connectionId);

    /// Where a connection's alert changes are posted. The URL and routing key are secrets (a Slack webhook URL
    /// lets anyone post): they live in the keyring under CredentialStore::webhookKey(), not here.
    struct Webhook
    {
        bool enabled = false;
        QString format = QStringLiteral("slack"); ///< "slack" or "pagerduty"
        QString host;                              ///< shown while the keyring is locked
    };
    Webhook webhook(const QString &connectionId) const;
    void setWebhook(const QString &connectionId, const Webhook &webhook);

    /// How a connection's jobs name their user (a UserRule spec: /args/0/user_id, arg:N or re:REGEX) as Tell
    /// Affected Users last worked with it — a property of the connection's jobs, shared by the blast radius, the
    /// desktop and queuedeckctl; empty: none saved.
    QString userRule(const QString &connectionId) const;
    void setUserRule(const QString &connectionId, const QString &rule);
    /// The saved connection whose URL is `url` once its password is dropped (how queuedeckctl, given a URL, finds
    /// what the desktop saved for it), if any.
    std::optional<SavedConnection> connectionFor(const QString &url) const;
};

} // namespace qd
