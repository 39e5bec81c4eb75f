// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/settings/connectionsettings.h"

#include "core/alerts/alertrulesio.h"
#include "core/connectionurl.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonDocument>
#include <QSettings>
#include <QUuid>

namespace qd {

namespace {
/// The GUI's settings (application "Queuedeck" of the program's organization, "Queuedeck" for both programs),
/// whichever program reads them: queuedeckctl must find the operator name and the connections the GUI saved,
/// not a file of its own. Tests set another organization to stay apart.
QSettings shared()
{
    const QString org = QCoreApplication::organizationName();
    return QSettings(QSettings::UserScope, org.isEmpty() ? QStringLiteral("Queuedeck") : org, QStringLiteral("Queuedeck"));
}
} // namespace

QString ConnectionSettings::fileName()
{
    return shared().fileName();
}

QList<SavedConnection> ConnectionSettings::connections() const
{
    QSettings s = shared();
    QList<SavedConnection> out;
    const int n = s.beginReadArray(QStringLiteral("connections"));
    for (int i = 0; i < n; ++i) {
        s.setArrayIndex(i);
        SavedConnection c{s.value(QStringLiteral("id")).toString(), s.value(QStringLiteral("name")).toString(),
                          s.value(QStringLiteral("url")).toString()};
        if (!c.id.isEmpty() && !c.url.isEmpty()) {
            out.append(c);
        }
    }
    s.endArray();
    return out;
}

void ConnectionSettings::setConnections(const QList<SavedConnection> &connections)
{
    QSettings s = shared();
    s.remove(QStringLiteral("connections"));
    s.beginWriteArray(QStringLiteral("connections"), int(connections.size()));
    for (int i = 0; i < connections.size(); ++i) {
        s.setArrayIndex(i);
        const SavedConnection &c = connections.at(i);
        // Belt and braces: whatever the caller passed, a password never reaches the settings file.
        const auto parsed = ConnectionUrl::parse(c.url);
        s.setValue(QStringLiteral("id"), c.id);
        s.setValue(QStringLiteral("name"), c.name);
        s.setValue(QStringLiteral("url"), parsed ? parsed->toDisplayString() : QString());
    }
    s.endArray();
}

QString ConnectionSettings::addConnection(const QString &name, const QString &url)
{
    auto list = connections();
    const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    list.append({id, name, url});
    setConnections(list);
    return id;
}

void ConnectionSettings::removeConnection(const QString &id)
{
    auto list = connections();
    list.removeIf([&](const SavedConnection &c) { return c.id == id; });
    setConnections(list);
    QSettings s = shared();
    s.remove(QStringLiteral("alertRules/") + id);
    s.remove(QStringLiteral("webhooks/") + id);
    s.remove(QStringLiteral("userRules/") + id);
}

std::chrono::milliseconds ConnectionSettings::pollInterval() const
{
    const qint64 ms = shared().value(QStringLiteral("pollIntervalMs"), 5000).toLongLong();
    return std::chrono::milliseconds(std::clamp<qint64>(ms, 500, 3'600'000));
}

void ConnectionSettings::setPollInterval(std::chrono::milliseconds interval)
{
    shared().setValue(QStringLiteral("pollIntervalMs"), qint64(interval.count()));
}

HistoryRetention ConnectionSettings::historyRetention() const
{
    HistoryRetention r;
    r.raw = std::chrono::hours(std::clamp<qint64>(shared().value(QStringLiteral("history/rawHours"), qint64(r.raw.count())).toLongLong(), 1, 24 * 365));
    r.rollups = std::chrono::hours(
        std::clamp<qint64>(shared().value(QStringLiteral("history/rollupHours"), qint64(r.rollups.count())).toLongLong(), r.raw.count(), 24 * 3650));
    return r;
}

void ConnectionSettings::setHistoryRetention(const HistoryRetention &retention)
{
    shared().setValue(QStringLiteral("history/rawHours"), qint64(retention.raw.count()));
    shared().setValue(QStringLiteral("history/rollupHours"), qint64(retention.rollups.count()));
}

QString ConnectionSettings::operatorName() const
{
    // The audit log must name someone: $USER is not set everywhere (cron, CI, some shells).
    QString fallback;
    for (const char *var : {"USER", "LOGNAME", "USERNAME"}) {
        fallback = qEnvironmentVariable(var);
        if (!fallback.isEmpty()) {
            break;
        }
    }
    if (fallback.isEmpty()) {
        fallback = QDir::home().dirName();
    }
    return shared().value(QStringLiteral("operatorName"), fallback).toString();
}

void ConnectionSettings::setOperatorName(const QString &name)
{
    shared().setValue(QStringLiteral("operatorName"), name);
}

std::optional<QList<AlertRule>> ConnectionSettings::alertRules(const QString &connectionId, QString *error) const
{
    const QVariant stored = shared().value(QStringLiteral("alertRules/") + connectionId);
    if (!stored.isValid()) {
        return std::nullopt;
    }
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(stored.toString().toUtf8(), &parseError);
    if (!doc.isArray()) {
        if (error) {
            *error = QCoreApplication::translate("qd::ConnectionSettings", "the saved alert rules are not a JSON list (%1)")
                         .arg(parseError.errorString());
        }
        return std::nullopt;
    }
    auto rules = AlertRulesIO::fromJson(doc.array());
    if (!rules) {
        if (error) {
            *error = rules.error();
        }
        return std::nullopt;
    }
    return rules.value();
}

void ConnectionSettings::setAlertRules(const QString &connectionId, const QList<AlertRule> &rules)
{
    shared().setValue(QStringLiteral("alertRules/") + connectionId,
                      QString::fromUtf8(QJsonDocument(AlertRulesIO::toJson(rules)).toJson(QJsonDocument::Compact)));
}

void ConnectionSettings::resetAlertRules(const QString &connectionId)
{
    shared().remove(QStringLiteral("alertRules/") + connectionId);
}

ConnectionSettings::Webhook ConnectionSettings::webhook(const QString &connectionId) const
{
    QSettings s = shared();
    s.beginGroup(QStringLiteral("webhooks/") + connectionId);
    Webhook w;
    w.enabled = s.value(QStringLiteral("enabled"), false).toBool();
    w.format = s.value(QStringLiteral("format"), w.format).toString() == u"pagerduty" ? QStringLiteral("pagerduty")
                                                                                     : QStringLiteral("slack");
    w.host = s.value(QStringLiteral("host")).toString();
    return w;
}

void ConnectionSettings::setWebhook(const QString &connectionId, const Webhook &webhook)
{
    QSettings s = shared();
    s.beginGroup(QStringLiteral("webhooks/") + connectionId);
    s.setValue(QStringLiteral("enabled"), webhook.enabled);
    s.setValue(QStringLiteral("format"), webhook.format);
    s.setValue(QStringLiteral("host"), webhook.host);
}

QString ConnectionSettings::userRule(const QString &connectionId) const
{
    return shared().value(QStringLiteral("userRules/") + connectionId).toString();
}

void ConnectionSettings::setUserRule(const QString &connectionId, const QString &rule)
{
    QSettings s = shared();
    if (rule.trimmed().isEmpty()) {
        s.remove(QStringLiteral("userRules/") + connectionId);
    } else {
        s.setValue(QStringLiteral("userRules/") + connectionId, rule.trimmed());
    }
}

std::optional<SavedConnection> ConnectionSettings::connectionFor(const QString &url) const
{
    const auto parsed = ConnectionUrl::parse(url);
    if (!parsed) {
        return std::nullopt;
    }
    const QString shown = parsed->toDisplayString();
    for (const SavedConnection &c : connections()) {
        if (c.url == shown) {
            return c;
        }
    }
    return std::nullopt;
}

} // namespace qd
