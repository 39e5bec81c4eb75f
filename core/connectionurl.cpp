// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/connectionurl.h"
#include "core/urlsecrets.h"

#include <QCoreApplication>
#include <QDir>
#include <QRegularExpression>
#include <QUrl>

#include <optional>

namespace qd {

namespace {

struct SchemeInfo
{
    QStringView family;
    QStringView transport;
    int defaultPort;
    QStringView example;
};

constexpr SchemeInfo kSchemes[] = {
    {u"delayedjob", u"sqlite", -1, u"delayedjob+sqlite:///var/lib/app/production.sqlite3?table=delayed_jobs"},
    {u"delayedjob", u"postgresql", 5432, u"delayedjob+postgresql://app@db.example:5432/app_production?table=delayed_jobs"},
    {u"sidekiq", u"redis", 6379, u"sidekiq+redis://redis.example:6379/0?namespace="},
    {u"sidekiq", u"rediss", 6379, u"sidekiq+rediss://user@redis.example:6380/0"},
    {u"rq", u"redis", 6379, u"rq+redis://redis.example:6379/0"},
    {u"rq", u"rediss", 6379, u"rq+rediss://user@redis.example:6380/0"},
    {u"bullmq", u"redis", 6379, u"bullmq+redis://redis.example:6379/0?prefix=bull"},
    {u"bullmq", u"rediss", 6379, u"bullmq+rediss://user@redis.example:6380/0?prefix=bull"},
    {u"celery", u"redis", 6379, u"celery+redis://redis.example:6379/0"},
    {u"celery", u"rediss", 6379, u"celery+rediss://user@redis.example:6380/0"},
    {u"celery", u"amqp", 15672, u"celery+amqp://guest@rabbit.example:15672/%2F"},
    {u"celery", u"amqps", 15671, u"celery+amqps://ops@rabbit.example:15671/%2F?tls_ca=/etc/ssl/rabbit-ca.pem"},
    {u"rabbitmq", u"http", 15672, u"rabbitmq+http://guest@rabbit.example:15672/%2F"},
    {u"rabbitmq", u"https", 15671, u"rabbitmq+https://ops@rabbit.example:15671/%2F"},
    {u"team", u"postgresql", 5432, u"team+postgresql://viewer@db.example:5432/queuedeck?connection=print"},
};

/// The options each family reads. A key outside this list is refused: a typo in a safety option (READONLY=1,
/// read_only=1) must never silently mean "off".
QStringList allowedOptions(const QString &family, const QString &transport)
{
    QStringList o{QStringLiteral("readonly")};
    if (family == u"delayedjob") {
        return o << QStringLiteral("table") << QStringLiteral("max_run_time");
    }
    if (family == u"team") {
        return o << QStringLiteral("connection"); // which of the team server's connections
    }
    if (transport == u"redis" || transport == u"rediss") {
        o << QStringLiteral("connect_timeout") << QStringLiteral("timeout") << QStringLiteral("max_reply_mb")
          << QStringLiteral("tls_ca") << QStringLiteral("scan_limit") << QStringLiteral("scan_budget_ms")
          << QStringLiteral("discovery_budget_ms") << QStringLiteral("discovery");
        if (family == u"sidekiq") {
            o << QStringLiteral("namespace") << QStringLiteral("heartbeat_timeout") << QStringLiteral("breakdown_limit")
              << QStringLiteral("sample_limit");
        } else if (family == u"rq") {
            o << QStringLiteral("heartbeat_timeout");
        } else if (family == u"bullmq") {
            o << QStringLiteral("prefix") << QStringLiteral("queues");
        } else if (family == u"celery") {
            o << QStringLiteral("queues") << QStringLiteral("results");
        }
        return o;
    }
    // RabbitMQ's management API (rabbitmq+http(s), celery+amqp(s)).
    return o << QStringLiteral("tls_ca") << QStringLiteral("timeout") << QStringLiteral("stats_limit")
             << QStringLiteral("move") << QStringLiteral("amqp_port") << QStringLiteral("max_body_mb")
             << QStringLiteral("peek_quorum");
}

bool isFlagOption(const QString &key)
{
    return key == u"readonly" || key == u"results" || key == u"peek_quorum" || key == u"discovery";
}

bool isNumberOption(const QString &key)
{
    static const QStringList numbers{
        QStringLiteral("max_run_time"),    QStringLiteral("connect_timeout"), QStringLiteral("timeout"),
        QStringLiteral("max_reply_mb"),    QStringLiteral("scan_limit"),      QStringLiteral("scan_budget_ms"),
        QStringLiteral("heartbeat_timeout"), QStringLiteral("breakdown_limit"), QStringLiteral("sample_limit"),
        QStringLiteral("stats_limit"),     QStringLiteral("amqp_port"),       QStringLiteral("max_body_mb"),
        QStringLiteral("discovery_budget_ms")};
    return numbers.contains(key);
}

/// A boolean option's value, strictly: 1/true/yes/on or 0/false/no/off in any case; nullopt for anything else.
std::optional<bool> parseFlag(const QString &value)
{
    const QString v = value.toLower();
    if (v == u"1" || v == u"true" || v == u"yes" || v == u"on") {
        return true;
    }
    if (v == u"0" || v == u"false" || v == u"no" || v == u"off") {
        return false;
    }
    return std::nullopt;
}

/// Shown in messages: a key or value from the URL, shortened and with control characters made visible.
QString shown(const QString &text)
{
    QString out;
    for (const QChar c : text.left(60)) {
        out += c.isPrint() ? QString(c) : QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
    }
    return out;
}

} // namespace

QString ConnectionUrl::checkOptions() const
{
    const QStringList allowed = allowedOptions(family, transport);
    QStringList seen;
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (!allowed.contains(key)) {
            return tr("Unknown option \"%1\" for %2 URLs (options are lower case). Valid options: %3.")
                .arg(shown(key), scheme(), allowed.join(QStringLiteral(", ")));
        }
        if (seen.contains(key)) {
            return tr("The option %1 is given twice.").arg(key);
        }
        seen << key;
        if (isFlagOption(key) && !parseFlag(value)) {
            return tr("The option %1 must be 1, true, yes or on (or 0, false, no, off); got \"%2\".")
                .arg(key, shown(value));
        }
        bool number = false;
        value.toDouble(&number);
        if (isNumberOption(key) && !number) {
            return tr("The option %1 must be a number; got \"%2\".").arg(key, shown(value));
        }
    }
    return {};
}

bool ConnectionUrl::flag(const QString &key) const
{
    return parseFlag(option(key)).value_or(false);
}

QString ConnectionUrl::option(const QString &key, const QString &fallback) const
{
    return query.hasQueryItem(key) ? query.queryItemValue(key, QUrl::FullyDecoded) : fallback;
}

QString ConnectionUrl::toDisplayString() const
{
    QUrl url;
    url.setScheme(scheme());
    if (transport == u"sqlite") {
        url.setPath(path);
        url.setHost(QString()); // "delayedjob+sqlite:///abs/path" keeps its empty authority
    } else {
        url.setHost(host);
        url.setUserName(user);
        if (port > 0) {
            url.setPort(port);
        }
        if (!path.isEmpty()) {
            url.setPath(u'/' + path);
        }
    }
    if (!query.isEmpty()) {
        url.setQuery(query);
    }
    QString s = url.toString(QUrl::RemovePassword);
    if (transport == u"sqlite" && !s.contains(u"://")) {
        s.replace(scheme() + u':', scheme() + u"://");
    }
    return s;
}

namespace {

/// `message` without the password of `urlText`: error messages are printed on Nagios status lines, which
/// monitoring systems store and forward. The password is whatever stands between the user's ':' and the last '@'
/// of the authority, found even in a URL too malformed to parse (a space, a '#', a bad %-escape in it); QUrl's
/// own diagnostics, which quote the whole source, are cut off.
QString withoutSecrets(QString message, const QString &urlText)
{
    if (const qsizetype source = message.indexOf(u"; source was "); source >= 0) {
        const qsizetype example = message.indexOf(u". Example: ", source);
        message.remove(source, (example >= 0 ? example : message.size()) - source);
    }
    // Anything in the message shaped like userinfo with a password (a URL pasted into an option, two URLs run
    // together) loses the password, whatever the URL around it.
    message = withoutUrlPasswords(message, QStringLiteral("***"));
    // And what stands as a password anywhere in the input is cut wherever the message repeats it.
    static const QRegularExpression passwordInInput(QStringLiteral("//[^/?#@\\s:\"]*:([^@\\s\"/?#]+)@"));
    for (auto it = passwordInInput.globalMatch(urlText); it.hasNext();) {
        const QString password = it.next().captured(1);
        if (password.size() >= 3) {
            message.replace(password, QStringLiteral("***"));
        }
    }
    qsizetype start = urlText.indexOf(u"//");
    start = start < 0 ? 0 : start + 2;
    // Where the userinfo ends: at the last '@' before the path (a well-formed URL), or at the last '@' of all (a
    // password holding an unencoded '/' or '?'). Both candidates are cut.
    qsizetype authorityEnd = start;
    while (authorityEnd < urlText.size() && urlText.at(authorityEnd) != u'/' && urlText.at(authorityEnd) != u'?'
           && urlText.at(authorityEnd) != u'#') {
        ++authorityEnd;
    }
    for (const qsizetype at : {urlText.lastIndexOf(u'@', authorityEnd - 1), urlText.lastIndexOf(u'@')}) {
        if (at <= start) {
            continue;
        }
        const QString info = urlText.mid(start, at - start);
        const qsizetype colon = info.indexOf(u':');
        const QString password = colon >= 0 ? info.mid(colon + 1) : QString();
        if (!password.isEmpty()) {
            message.replace(password, QStringLiteral("***"));
            const QString decoded = QUrl::fromPercentEncoding(password.toUtf8());
            if (!decoded.isEmpty()) {
                message.replace(decoded, QStringLiteral("***"));
            }
        }
    }
    return message;
}

} // namespace

Result<ConnectionUrl> ConnectionUrl::parse(const QString &input)
{
    auto parsed = parseUnredacted(input);
    if (!parsed.ok()) {
        return Result<ConnectionUrl>::failure(withoutSecrets(parsed.error(), input.trimmed()));
    }
    return parsed;
}

Result<ConnectionUrl> ConnectionUrl::parseUnredacted(const QString &input)
{
    const QString text = input.trimmed();
    if (text.isEmpty()) {
        return Result<ConnectionUrl>::failure(tr("The connection URL is empty. Example: %1")
                                                  .arg(kSchemes[0].example));
    }
    const qsizetype colon = text.indexOf(u"://");
    if (colon <= 0) {
        return Result<ConnectionUrl>::failure(
            tr("\"%1\" is not a connection URL: it needs a scheme such as delayedjob+sqlite:// or sidekiq+redis://.")
                .arg(text.left(200)));
    }
    const QString scheme = text.left(colon).toLower();
    const qsizetype plus = scheme.indexOf(u'+');
    const SchemeInfo *info = nullptr;
    for (const auto &s : kSchemes) {
        if (plus > 0 && scheme.left(plus) == s.family && scheme.mid(plus + 1) == s.transport) {
            info = &s;
        }
    }
    if (!info) {
        QStringList known;
        for (const auto &s : kSchemes) {
            known << s.family.toString() + u'+' + s.transport.toString();
        }
        known.removeDuplicates();
        return Result<ConnectionUrl>::failure(
            tr("Unknown scheme \"%1\". Supported: %2.").arg(scheme.left(60), known.join(u", ")));
    }

    ConnectionUrl c;
    c.family = info->family.toString();
    c.transport = info->transport.toString();

    if (c.transport == u"sqlite") {
        // delayedjob+sqlite:///abs/path.db — everything after "://" up to "?" is the file path.
        QString rest = text.mid(colon + 3);
        const qsizetype q = rest.indexOf(u'?');
        if (q >= 0) {
            c.query = QUrlQuery(rest.mid(q + 1));
            rest.truncate(q);
        }
        const QString path = QUrl::fromPercentEncoding(rest.toUtf8());
        if (path.isEmpty() || !QDir::isAbsolutePath(path)) {
            return Result<ConnectionUrl>::failure(
                tr("The SQLite path must be absolute (three slashes): delayedjob+sqlite:///path/to/db.sqlite3, got \"%1\".")
                    .arg(path.left(200)));
        }
        c.path = QDir::cleanPath(path);
    } else {
        const QUrl url(text, QUrl::StrictMode);
        if (!url.isValid()) {
            return Result<ConnectionUrl>::failure(
                tr("The URL is malformed: %1. Example: %2").arg(url.errorString(), info->example));
        }
        c.host = url.host();
        if (c.host.isEmpty()) {
            return Result<ConnectionUrl>::failure(
                tr("The URL has no host name. Example: %1").arg(info->example));
        }
        c.port = url.port(info->defaultPort);
        if (c.port <= 0 || c.port > 65535) {
            return Result<ConnectionUrl>::failure(tr("The port must be between 1 and 65535."));
        }
        c.user = url.userName();
        c.password = url.password();
        c.path = url.path(QUrl::FullyDecoded);
        if (c.path.startsWith(u'/')) {
            c.path.remove(0, 1);
        }
        c.query = QUrlQuery(url);
        if (c.transport == u"postgresql" && c.path.isEmpty()) {
            return Result<ConnectionUrl>::failure(
                tr("The PostgreSQL URL names no database. Example: %1").arg(info->example));
        }
        if ((c.transport == u"redis" || c.transport == u"rediss") && !c.path.isEmpty()) {
            bool isNumber = false;
            const int db = c.path.toInt(&isNumber);
            if (!isNumber || db < 0) {
                return Result<ConnectionUrl>::failure(
                    tr("The Redis database must be a number after the host, like /0; got \"/%1\".").arg(c.path.left(60)));
            }
        }
    }

    if (const QString bad = c.checkOptions(); !bad.isEmpty()) {
        return Result<ConnectionUrl>::failure(bad);
    }
    const QString table = c.option(QStringLiteral("table"));
    if (!table.isEmpty()) {
        static const QRegularExpression identifier(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?$"));
        if (!identifier.match(table).hasMatch()) {
            return Result<ConnectionUrl>::failure(
                tr("The table name \"%1\" is not a plain SQL identifier (letters, digits, underscore, optional schema.).")
                    .arg(table.left(80)));
        }
    }
    return c;
}

QList<QPair<QString, QString>> ConnectionUrl::examples()
{
    QList<QPair<QString, QString>> out;
    for (const auto &s : kSchemes) {
        out.append({s.family.toString() + u'+' + s.transport.toString(), s.example.toString()});
    }
    return out;
}

} // namespace qd
