// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/alerts/webhooknotifier.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

namespace qd {

namespace {
QString dedupKey(const AlertChange &c)
{
    return QStringLiteral("queuedeck/%1/%2/%3").arg(c.alert.connectionId, c.alert.queue, c.alert.ruleId);
}
} // namespace

WebhookNotifier::WebhookNotifier(QObject *parent) : QObject(parent), m_nam(new QNetworkAccessManager(this)) {}

WebhookNotifier::~WebhookNotifier() = default;

void WebhookNotifier::setTarget(const QString &connectionId, const WebhookTarget &target)
{
    m_targets.insert(connectionId, target);
}

void WebhookNotifier::removeTarget(const QString &connectionId)
{
    m_targets.remove(connectionId);
}

QString WebhookNotifier::checkUrl(const QUrl &url)
{
    if (!url.isValid() || url.host().isEmpty()) {
        return tr("enter the webhook's full URL, e.g. https://hooks.slack.com/services/…");
    }
    if (url.scheme() != u"https" && url.scheme() != u"http") {
        return tr("a webhook URL starts with https:// (or http:// on a local network)");
    }
    return {};
}

QString WebhookNotifier::targetToSecret(const WebhookTarget &target)
{
    QJsonObject o{{QStringLiteral("url"), target.url.toString(QUrl::FullyEncoded)}};
    if (!target.routingKey.isEmpty()) {
        o.insert(QStringLiteral("routing_key"), target.routingKey);
    }
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

std::optional<WebhookTarget> WebhookNotifier::targetFromSecret(const QString &secret, WebhookFormat format)
{
    const QJsonObject o = QJsonDocument::fromJson(secret.toUtf8()).object();
    WebhookTarget t;
    t.url = QUrl(o.value(u"url").toString(), QUrl::StrictMode);
    t.format = format;
    t.routingKey = o.value(u"routing_key").toString();
    if (!checkUrl(t.url).isEmpty()) {
        return std::nullopt;
    }
    return t;
}

void WebhookNotifier::setRetryPolicy(int maxAttempts, std::chrono::milliseconds firstDelay)
{
    m_maxAttempts = std::max(1, maxAttempts);
    m_firstDelay = firstDelay;
}

QJsonObject WebhookNotifier::slackPayload(const QString &connectionName, const AlertChange &c)
{
    const QString icon = c.alert.state == AlertState::Crit   ? QStringLiteral(":red_circle:")
                         : c.alert.state == AlertState::Warn ? QStringLiteral(":large_yellow_circle:")
                         : c.alert.state == AlertState::Ok   ? QStringLiteral(":white_check_mark:")
                                                             : QStringLiteral(":grey_question:");
    const QString text = c.alert.state == AlertState::Ok
                             ? tr("%1 %2 resolved: %3 (was %4)")
                                   .arg(icon, connectionName, AlertRule::kindName(c.alert.kind), alertStateName(c.previous))
                             : tr("%1 %2 %3: %4").arg(icon, alertStateName(c.alert.state), connectionName, c.alert.message);
    QJsonObject o;
    o.insert(QStringLiteral("text"), text);
    return o;
}

QJsonObject WebhookNotifier::pagerDutyPayload(const QString &connectionName, const AlertChange &c,
                                              const QString &routingKey)
{
    QJsonObject o;
    o.insert(QStringLiteral("routing_key"), routingKey);
    o.insert(QStringLiteral("dedup_key"), dedupKey(c));
    o.insert(QStringLiteral("event_action"), c.alert.state == AlertState::Ok ? QStringLiteral("resolve")
                                                                            : QStringLiteral("trigger"));
    if (c.alert.state != AlertState::Ok) {
        QJsonObject payload;
        payload.insert(QStringLiteral("summary"), QStringLiteral("%1: %2").arg(connectionName, c.alert.message).left(1024));
        payload.insert(QStringLiteral("source"), connectionName);
        payload.insert(QStringLiteral("severity"), c.alert.state == AlertState::Crit   ? QStringLiteral("critical")
                                                   : c.alert.state == AlertState::Warn ? QStringLiteral("warning")
                                                                                       : QStringLiteral("info"));
        payload.insert(QStringLiteral("timestamp"), c.alert.since.toUTC().toString(Qt::ISODateWithMs));
        payload.insert(QStringLiteral("component"), c.alert.queue);
        payload.insert(QStringLiteral("class"), c.alert.ruleId);
        o.insert(QStringLiteral("payload"), payload);
    }
    return o;
}

void WebhookNotifier::notify(const QString &connectionName, const AlertChange &change)
{
    const auto it = m_targets.constFind(change.alert.connectionId);
    if (it == m_targets.cend() || !it->url.isValid()) {
        return;
    }
    const QJsonObject body = it->format == WebhookFormat::PagerDuty
                                 ? pagerDutyPayload(connectionName, change, it->routingKey)
                                 : slackPayload(connectionName, change);
    const QString key = dedupKey(change);
    m_queued[key].append({*it, QJsonDocument(body).toJson(QJsonDocument::Compact)});
    if (!m_inFlight.contains(key)) {
        next(key);
    }
}

void WebhookNotifier::next(const QString &key)
{
    auto it = m_queued.find(key);
    if (it == m_queued.end() || it->isEmpty()) {
        m_queued.remove(key);
        m_inFlight.remove(key);
        return;
    }
    const auto [target, body] = it->takeFirst();
    m_inFlight.insert(key);
    send(target, body, key, 1);
}

void WebhookNotifier::send(const WebhookTarget &target, const QByteArray &body, const QString &key, int attempt)
{
    QNetworkRequest request(target.url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setRawHeader("User-Agent", "Queuedeck");
    request.setTransferTimeout(10000);
    QNetworkReply *reply = m_nam->post(request, body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, target, body, key, attempt] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() == QNetworkReply::NoError && status >= 200 && status < 300) {
            Q_EMIT delivered(key, attempt);
            next(key);
            return;
        }
        const bool transient = status == 0 || status == 429 || status >= 500;
        const QString reason = status ? QStringLiteral("HTTP %1").arg(status) : reply->errorString();
        if (!transient || attempt >= m_maxAttempts) {
            Q_EMIT failed(key, tr("%1 after %n attempt(s)", nullptr, attempt).arg(reason));
            next(key);
            return;
        }
        // Exponential backoff: a recovering receiver is not hammered.
        const auto delay = m_firstDelay * (1LL << std::min(attempt - 1, 8));
        QTimer::singleShot(delay, this, [this, target, body, key, attempt] { send(target, body, key, attempt + 1); });
    });
}

} // namespace qd
