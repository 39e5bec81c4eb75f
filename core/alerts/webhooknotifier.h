// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/alerts/alertengine.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QUrl>

#include <chrono>
#include <optional>

class QNetworkAccessManager;

namespace qd {

enum class WebhookFormat : quint8 { Slack, PagerDuty };

struct WebhookTarget
{
    QUrl url;
    WebhookFormat format = WebhookFormat::Slack;
    QString routingKey; ///< PagerDuty integration key
};

/// Sends one HTTP POST per alert state change to a connection's webhook: Slack-compatible JSON
/// (`{"text": …}`) or PagerDuty Events v2 (`trigger`/`resolve` with a stable dedup_key, so PagerDuty
/// folds repeats into one incident). Network errors, 5xx and 429 are retried with exponential backoff;
/// other 4xx are permanent (a wrong URL does not get better by retrying). Never blocks: QNetworkAccessManager.
class WebhookNotifier final : public QObject
{
    Q_OBJECT
public:
    explicit WebhookNotifier(QObject *parent = nullptr);
    ~WebhookNotifier() override;
    Q_DISABLE_COPY_MOVE(WebhookNotifier)

    void setTarget(const QString &connectionId, const WebhookTarget &target);
    void removeTarget(const QString &connectionId); ///< deliveries already queued still go out
    bool hasTarget(const QString &connectionId) const { return m_targets.contains(connectionId); }

    /// Empty when `url` can take our POSTs (http or https with a host); else why not, for the operator.
    static QString checkUrl(const QUrl &url);
    /// A target as one keyring secret (URL and routing key both are secrets) and back; nullopt if unreadable.
    static QString targetToSecret(const WebhookTarget &target);
    static std::optional<WebhookTarget> targetFromSecret(const QString &secret, WebhookFormat format);
    void setRetryPolicy(int maxAttempts, std::chrono::milliseconds firstDelay);

    /// Queues the delivery of one change (only WARN/CRIT/UNKNOWN transitions and clears are sent).
    void notify(const QString &connectionName, const AlertChange &change);

    static QJsonObject slackPayload(const QString &connectionName, const AlertChange &change);
    static QJsonObject pagerDutyPayload(const QString &connectionName, const AlertChange &change,
                                        const QString &routingKey);

Q_SIGNALS:
    void delivered(const QString &dedupKey, int attempts);
    void failed(const QString &dedupKey, const QString &reason);

private:
    void send(const WebhookTarget &target, const QByteArray &body, const QString &dedupKey, int attempt);
    void next(const QString &dedupKey);

    QNetworkAccessManager *m_nam;
    QHash<QString, WebhookTarget> m_targets;
    /// Per alert, deliveries go one at a time, in order: a retried "trigger" must not land after its "resolve".
    QHash<QString, QList<QPair<WebhookTarget, QByteArray>>> m_queued;
    QSet<QString> m_inFlight;
    int m_maxAttempts = 5;
    std::chrono::milliseconds m_firstDelay{1000};
};

} // namespace qd
