// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/team/teamconfig.h"

#include "core/privatefiles.h"
#include "core/textsafety.h"

#include <QCoreApplication>
#include <QFile>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QUrl>

#include <yaml-cpp/yaml.h>

namespace qd {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("qd::TeamConfig", text);
}

QString text(const YAML::Node &n)
{
    return QString::fromStdString(n.as<std::string>());
}

/// Empty, or the first key of `map` that is not one of `known`.
QString unknownKey(const YAML::Node &map, const QStringList &known)
{
    for (const auto &kv : map) {
        const QString key = text(kv.first);
        if (!known.contains(key)) {
            return tr("unknown key \"%1\" (known: %2)").arg(escapeForDisplay(key, 60), known.join(QStringLiteral(", ")));
        }
    }
    return {};
}

Result<TeamConnection> parseConnection(const YAML::Node &n, int index)
{
    const QString where = tr("connections[%1]").arg(index);
    if (!n.IsMap()) {
        return Result<TeamConnection>::failure(tr("%1: a connection is a map with name and url").arg(where));
    }
    if (const QString e = unknownKey(n, {QStringLiteral("name"), QStringLiteral("url"), QStringLiteral("password_env"),
                                         QStringLiteral("password_file")});
        !e.isEmpty()) {
        return Result<TeamConnection>::failure(where + QStringLiteral(": ") + e);
    }
    TeamConnection c;
    c.name = n["name"] ? text(n["name"]).trimmed() : QString();
    c.url = n["url"] ? text(n["url"]).trimmed() : QString();
    c.passwordEnv = n["password_env"] ? text(n["password_env"]).trimmed() : QString();
    c.passwordFile = n["password_file"] ? text(n["password_file"]).trimmed() : QString();
    if (c.name.isEmpty() || c.url.isEmpty()) {
        return Result<TeamConnection>::failure(tr("%1: name and url are required").arg(where));
    }
    const auto url = ConnectionUrl::parse(c.url);
    if (!url) {
        return Result<TeamConnection>::failure(tr("%1 (%2): %3").arg(where, escapeForDisplay(c.name, 60), url.error()));
    }
    if (url->family == u"team") {
        return Result<TeamConnection>::failure(
            tr("%1 (%2): a team+ URL reads the database of a team server; the server polls the backends themselves")
                .arg(where, escapeForDisplay(c.name, 60)));
    }
    if (!url->password.isEmpty()) {
        return Result<TeamConnection>::failure(
            tr("%1 (%2): the URL holds a password; put it in password_env or password_file, never in the configuration")
                .arg(where, escapeForDisplay(c.name, 60)));
    }
    if (!c.passwordEnv.isEmpty() && !c.passwordFile.isEmpty()) {
        return Result<TeamConnection>::failure(tr("%1 (%2): password_env or password_file, not both").arg(where, escapeForDisplay(c.name, 60)));
    }
    return c;
}

/// "host:port" or ":port" (all interfaces).
bool parseListen(const QString &value, QHostAddress *address, quint16 *port)
{
    const qsizetype colon = value.lastIndexOf(u':');
    bool ok = false;
    const uint p = value.mid(colon + 1).toUInt(&ok);
    if (colon < 0 || !ok || p > 65535) {
        return false;
    }
    const QString host = value.left(colon);
    *address = host.isEmpty() ? QHostAddress(QHostAddress::Any) : host == u"localhost" ? QHostAddress(QHostAddress::LocalHost) : QHostAddress(host);
    *port = quint16(p);
    return !address->isNull();
}

Result<TeamConfig> parseRoot(const YAML::Node &root)
{
    if (!root.IsMap()) {
        return Result<TeamConfig>::failure(tr("the configuration is a YAML map (database, metrics, interval, connections)"));
    }
    if (const QString e = unknownKey(root, {QStringLiteral("database"), QStringLiteral("database_password_file"),
                                            QStringLiteral("metrics"), QStringLiteral("interval"), QStringLiteral("connections")});
        !e.isEmpty()) {
        return Result<TeamConfig>::failure(e);
    }
    TeamConfig config;
    config.database = root["database"] ? text(root["database"]).trimmed() : QString();
    if (const auto db = TeamDatabase::fromDsn(config.database); !db) {
        return Result<TeamConfig>::failure(tr("database: %1").arg(db.error()));
    }
    config.databasePasswordFile = root["database_password_file"] ? text(root["database_password_file"]).trimmed() : QString();
    if (root["metrics"] && !parseListen(text(root["metrics"]).trimmed(), &config.metricsAddress, &config.metricsPort)) {
        return Result<TeamConfig>::failure(tr("metrics: expected host:port, e.g. 127.0.0.1:9187"));
    }
    if (root["interval"]) {
        bool ok = false;
        config.intervalSeconds = text(root["interval"]).toDouble(&ok);
        if (!ok || config.intervalSeconds < 1 || config.intervalSeconds > 3600) {
            return Result<TeamConfig>::failure(tr("interval: seconds between polls, from 1 to 3600"));
        }
    }
    const YAML::Node list = root["connections"];
    if (!list || !list.IsSequence() || list.size() == 0) {
        return Result<TeamConfig>::failure(tr("connections: a list of at least one connection (name, url)"));
    }
    QSet<QString> names;
    for (std::size_t i = 0; i < list.size(); ++i) {
        auto c = parseConnection(list[i], int(i));
        if (!c) {
            return Result<TeamConfig>::failure(c.error());
        }
        if (names.contains(c->name)) {
            return Result<TeamConfig>::failure(tr("connections: the name \"%1\" is given twice").arg(escapeForDisplay(c->name, 60)));
        }
        names.insert(c->name);
        config.connections.append(c.value());
    }
    return config;
}

} // namespace

Result<ConnectionUrl> TeamConnection::resolve() const
{
    auto url = ConnectionUrl::parse(this->url);
    if (!url) {
        return url;
    }
    ConnectionUrl resolved = url.value();
    if (!passwordFile.isEmpty()) {
        const auto secret = readSecretFile(passwordFile);
        if (!secret) {
            return Result<ConnectionUrl>::failure(tr("%1: %2").arg(escapeForDisplay(name, 60), secret.error()));
        }
        resolved.password = secret.value();
    } else if (!passwordEnv.isEmpty()) {
        const QString value = qEnvironmentVariable(passwordEnv.toLatin1().constData());
        if (value.isEmpty()) {
            return Result<ConnectionUrl>::failure(
                tr("%1: the environment variable %2 is not set").arg(escapeForDisplay(name, 60), escapeForDisplay(passwordEnv, 60)));
        }
        resolved.password = value;
    }
    return resolved;
}

Result<TeamConfig> TeamConfig::parse(const QByteArray &yaml)
{
    try {
        return parseRoot(YAML::Load(yaml.toStdString()));
    } catch (const YAML::Exception &e) {
        return Result<TeamConfig>::failure(tr("not valid YAML: %1").arg(escapeForDisplay(QString::fromStdString(e.what()), 300)));
    }
}

Result<TeamConfig> TeamConfig::readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        return Result<TeamConfig>::failure(tr("cannot read %1: %2").arg(escapeForDisplay(path, 200), f.errorString()));
    }
    const QByteArray bytes = f.read(1024 * 1024 + 1);
    if (bytes.size() > 1024 * 1024) {
        return Result<TeamConfig>::failure(tr("%1 is larger than 1 MiB: not a configuration").arg(escapeForDisplay(path, 200)));
    }
    auto config = parse(bytes);
    return config ? config : Result<TeamConfig>::failure(tr("%1: %2").arg(escapeForDisplay(path, 200), config.error()));
}

QString TeamDatabase::open(const QString &connectionName, const QString &applicationName) const
{
    QSqlDatabase db = QSqlDatabase::contains(connectionName) ? QSqlDatabase::database(connectionName, false)
                                                             : QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connectionName);
    db.close();
    db.setHostName(host);
    db.setPort(port);
    db.setDatabaseName(name);
    db.setUserName(user);
    db.setPassword(password);
    db.setConnectOptions(QStringLiteral("connect_timeout=5;application_name=") + applicationName);
    if (db.open()) {
        return {};
    }
    const QSqlError e = db.lastError();
    return e.databaseText().isEmpty() ? e.text() : e.databaseText().trimmed();
}

Result<TeamDatabase> TeamDatabase::fromDsn(const QString &dsn, const QString &passwordFile)
{
    const QUrl url(dsn, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"postgresql" && url.scheme() != u"postgres") || url.host().isEmpty()
        || url.path().size() < 2) {
        return Result<TeamDatabase>::failure(tr("expected postgresql://user@host:5432/dbname"));
    }
    if (!url.password().isEmpty()) {
        return Result<TeamDatabase>::failure(
            tr("the database URL holds a password; use database_password_file or $PGPASSWORD instead"));
    }
    TeamDatabase db;
    db.host = url.host();
    db.port = url.port(5432);
    db.name = url.path().mid(1);
    db.user = url.userName();
    if (!passwordFile.isEmpty()) {
        const auto secret = readSecretFile(passwordFile);
        if (!secret) {
            return Result<TeamDatabase>::failure(secret.error());
        }
        db.password = secret.value();
    } else {
        db.password = qEnvironmentVariable("PGPASSWORD");
    }
    return db;
}

} // namespace qd
