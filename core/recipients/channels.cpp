// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/recipients/channels.h"
#include "core/privatefiles.h"
#include "core/urlsecrets.h"

#include "core/csv.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrlQuery>

#include <unistd.h>

namespace qd {

namespace {

/// lupdate files Tr::tr() strings under the context the runtime looks them up in.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(qd::ChannelSpec)
};

bool isIdentifier(const QString &name, bool allowSchema)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]{0,62}$"));
    static const QRegularExpression qualified(
        QStringLiteral("^[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62})?$"));
    return (allowSchema ? qualified : plain).match(name).hasMatch();
}

QString quoteIdentifier(const QString &name)
{
    QStringList parts = name.split(u'.');
    for (QString &p : parts) {
        p = u'"' + p + u'"'; // safe: isIdentifier() allowed no quotes
    }
    return parts.join(u'.');
}

Result<SqlTarget> parseSqlTarget(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    const QString example = QStringLiteral("sql:sqlite:///var/app/db.sqlite3?table=notifications&user_col=user_id"
                                           "&subject_col=subject&body_col=body&key_col=idempotency_key");
    if (!url.isValid()) {
        return Result<SqlTarget>::failure(Tr::tr("The SQL channel URL is invalid: %1. Example: %2").arg(url.errorString(), example));
    }
    SqlTarget t;
    const QString scheme = url.scheme().toLower();
    if (scheme == u"sqlite") {
        t.driver = QStringLiteral("QSQLITE");
        t.database = url.path();
        if (!url.host().isEmpty() || !t.database.startsWith(u'/')) {
            return Result<SqlTarget>::failure(
                Tr::tr("An SQLite channel needs an absolute path after three slashes. Example: %1").arg(example));
        }
    } else if (scheme == u"postgresql" || scheme == u"postgres") {
        t.driver = QStringLiteral("QPSQL");
        t.host = url.host();
        t.port = url.port(5432);
        t.user = url.userName();
        t.password = url.password();
        t.database = url.path().mid(1);
        if (t.host.isEmpty() || t.database.isEmpty() || t.database.contains(u'/')) {
            return Result<SqlTarget>::failure(
                Tr::tr("A PostgreSQL channel looks like postgresql://user@host:5432/dbname?table=notifications."));
        }
    } else {
        return Result<SqlTarget>::failure(
            Tr::tr("The SQL channel supports sqlite:// and postgresql:// URLs, not \"%1\". Example: %2").arg(scheme, example));
    }
    const QUrlQuery query(url);
    const QStringList known = {QStringLiteral("table"), QStringLiteral("user_col"), QStringLiteral("subject_col"),
                               QStringLiteral("body_col"), QStringLiteral("key_col")};
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (!known.contains(key)) {
            return Result<SqlTarget>::failure(
                Tr::tr("Unknown SQL channel option \"%1\"; known: %2.").arg(key, known.join(QStringLiteral(", "))));
        }
    }
    auto option = [&query](const QString &key, QString &into) {
        if (query.hasQueryItem(key)) {
            into = query.queryItemValue(key, QUrl::FullyDecoded);
        }
    };
    option(QStringLiteral("table"), t.table);
    option(QStringLiteral("user_col"), t.userColumn);
    option(QStringLiteral("subject_col"), t.subjectColumn);
    option(QStringLiteral("body_col"), t.bodyColumn);
    option(QStringLiteral("key_col"), t.keyColumn);
    if (!isIdentifier(t.table, true)) {
        return Result<SqlTarget>::failure(Tr::tr("\"%1\" is not a plain table name (letters, digits, _).").arg(t.table));
    }
    for (const QString &c : {t.userColumn, t.subjectColumn, t.bodyColumn, t.keyColumn}) {
        if (!isIdentifier(c, false)) {
            return Result<SqlTarget>::failure(Tr::tr("\"%1\" is not a plain column name (letters, digits, _).").arg(c));
        }
    }
    return t;
}

QString extraText(const OutboxMessage &m, const QString &key)
{
    const QJsonValue v = m.extra.value(key);
    if (v.isDouble()) {
        return QString::number(v.toInteger());
    }
    return v.toString();
}

} // namespace

QString SqlTarget::insertStatement() const
{
    return QStringLiteral("INSERT INTO %1 (%2, %3, %4, %5) VALUES (?, ?, ?, ?) ON CONFLICT (%5) DO NOTHING")
        .arg(quoteIdentifier(table), quoteIdentifier(userColumn), quoteIdentifier(subjectColumn),
             quoteIdentifier(bodyColumn), quoteIdentifier(keyColumn));
}

Result<ChannelSpec> ChannelSpec::parse(const QString &specText)
{
    ChannelSpec c;
    c.spec = specText.trimmed();
    const qsizetype colon = c.spec.indexOf(u':');
    const QString kind = colon < 0 ? QString() : c.spec.left(colon);
    const QString rest = colon < 0 ? QString() : c.spec.mid(colon + 1);
    if (kind == u"webhook") {
        c.kind = Kind::Webhook;
        c.url = QUrl(rest, QUrl::StrictMode);
        if (!c.url.isValid() || (c.url.scheme() != u"http" && c.url.scheme() != u"https") || c.url.host().isEmpty()) {
            return Result<ChannelSpec>::failure(
                Tr::tr("A webhook channel needs an http(s) URL, e.g. webhook:https://support.example.com/hooks/notify."));
        }
        return c;
    }
    if (kind == u"csv") {
        c.kind = Kind::Csv;
        c.csvPath = rest;
        if (rest.isEmpty() || QFileInfo(rest).isRelative()) {
            return Result<ChannelSpec>::failure(Tr::tr("A CSV channel needs an absolute file path, e.g. csv:/tmp/affected.csv."));
        }
        return c;
    }
    if (kind == u"sql") {
        c.kind = Kind::Sql;
        auto target = parseSqlTarget(rest);
        if (!target) {
            return Result<ChannelSpec>::failure(target.error());
        }
        c.sql = target.value();
        return c;
    }
    return Result<ChannelSpec>::failure(
        Tr::tr("\"%1\" is not a channel. Use webhook:URL, csv:FILE or sql:URL.").arg(withoutSecrets(specText)));
}

QString ChannelSpec::withoutSecrets(const QString &specText)
{
    return withoutUrlPasswords(specText);
}

bool ChannelSpec::needsPassword() const
{
    return kind == Kind::Webhook && !url.userName().isEmpty() && url.password().isEmpty();
}

QString ChannelSpec::displayString() const
{
    switch (kind) {
    case Kind::Webhook:
        return QStringLiteral("webhook:") + url.toDisplayString(QUrl::RemoveUserInfo);
    case Kind::Csv:
        return QStringLiteral("csv:") + csvPath;
    case Kind::Sql: {
        const qsizetype colon = spec.indexOf(u':');
        return QStringLiteral("sql:") + QUrl(spec.mid(colon + 1)).toDisplayString(QUrl::RemovePassword);
    }
    }
    return {};
}

QJsonObject webhookPayload(const OutboxMessage &m)
{
    QJsonObject o = m.extra;
    o.insert(QStringLiteral("incident"), m.incident);
    o.insert(QStringLiteral("user"), m.user);
    o.insert(QStringLiteral("subject"), m.subject);
    o.insert(QStringLiteral("body"), m.body);
    o.insert(QStringLiteral("template"), m.templateName);
    o.insert(QStringLiteral("idempotency_key"), m.key);
    return o;
}

QStringList csvHeader()
{
    return {QStringLiteral("idempotency_key"), QStringLiteral("incident"), QStringLiteral("template"),
            QStringLiteral("user"),            QStringLiteral("job_count"), QStringLiteral("delay_s"),
            QStringLiteral("queue"),           QStringLiteral("subject"),   QStringLiteral("body")};
}

Delivery appendCsv(const QString &path, const OutboxMessage &m, QSet<QString> *knownKeys)
{
    if (!QFile::exists(path)) {
        makePrivateFile(path); // user ids and message bodies: a new file is the owner's only (an existing one keeps its mode)
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite | QIODevice::Append)) {
        return {Delivery::Outcome::Permanent, Tr::tr("Cannot write %1: %2").arg(path, file.errorString())};
    }
    const bool fresh = file.size() == 0;
    if (knownKeys && knownKeys->isEmpty() && !fresh) {
        QFile reader(path);
        if (reader.open(QIODevice::ReadOnly)) {
            const auto records = parseCsv(QString::fromUtf8(reader.readAll()));
            for (const QStringList &r : records) {
                if (!r.isEmpty()) {
                    knownKeys->insert(r.first());
                }
            }
        }
    }
    if (knownKeys && knownKeys->contains(m.key)) {
        return {Delivery::Outcome::AlreadyDelivered, {}};
    }
    QString out;
    if (fresh) {
        out += csvRecord(csvHeader());
    }
    out += csvRecord({m.key, m.incident, m.templateName, m.user, extraText(m, QStringLiteral("job_count")),
                      extraText(m, QStringLiteral("delay_s")), extraText(m, QStringLiteral("queue")), m.subject, m.body});
    const QByteArray bytes = out.toUtf8();
    // Confirmed means on disk: a row that only sat in a buffer when the machine died was not delivered.
    if (file.write(bytes) != bytes.size() || !file.flush() || ::fsync(file.handle()) != 0) {
        return {Delivery::Outcome::Transient, Tr::tr("Cannot write %1: %2").arg(path, file.errorString())};
    }
    if (knownKeys) {
        knownKeys->insert(m.key);
    }
    return {Delivery::Outcome::Delivered, {}};
}

Delivery insertSql(const SqlTarget &t, const OutboxMessage &m, const QString &connectionName)
{
    QSqlDatabase db;
    if (QSqlDatabase::contains(connectionName)) {
        db = QSqlDatabase::database(connectionName, false);
    } else {
        db = QSqlDatabase::addDatabase(t.driver, connectionName);
        db.setDatabaseName(t.database);
        if (t.driver == u"QSQLITE") {
            db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        } else {
            db.setHostName(t.host);
            db.setPort(t.port);
            db.setUserName(t.user);
            db.setPassword(t.password.isEmpty() ? qEnvironmentVariable("PGPASSWORD") : t.password);
            db.setConnectOptions(QStringLiteral("connect_timeout=5;application_name=queuedeck"));
        }
    }
    if (!db.isOpen()) {
        // Never create the application's database: a typo in the path must not produce an empty file.
        if (t.driver == u"QSQLITE" && !QFileInfo(t.database).isFile()) {
            return {Delivery::Outcome::Permanent, Tr::tr("The SQLite database %1 does not exist.").arg(t.database)};
        }
        if (!db.open()) {
            return {Delivery::Outcome::Transient, Tr::tr("Cannot open the database: %1").arg(db.lastError().text())};
        }
    }
    QSqlQuery q(db);
    if (!q.prepare(t.insertStatement())) {
        return {Delivery::Outcome::Permanent,
                Tr::tr("Cannot insert into %1: %2 (the table needs the columns %3, %4, %5 and a UNIQUE index on %6)")
                    .arg(t.table, q.lastError().text(), t.userColumn, t.subjectColumn, t.bodyColumn, t.keyColumn)};
    }
    q.addBindValue(m.user);
    q.addBindValue(m.subject);
    q.addBindValue(m.body);
    q.addBindValue(m.key);
    if (!q.exec()) {
        const QSqlError e = q.lastError();
        const QString code = e.nativeErrorCode();
        // SQLITE_BUSY/LOCKED, PostgreSQL connection (08…), serialization and shutdown errors pass; the rest do not.
        const bool transient = e.type() == QSqlError::ConnectionError || code == u"5" || code == u"6" ||
                               code.startsWith(u"08") || code == u"40001" || code == u"40P01" || code.startsWith(u"57P");
        if (transient) {
            db.close();
        }
        return {transient ? Delivery::Outcome::Transient : Delivery::Outcome::Permanent,
                Tr::tr("Cannot insert into %1: %2 (the table needs a UNIQUE index on %3)").arg(t.table, e.text(), t.keyColumn)};
    }
    return {q.numRowsAffected() > 0 ? Delivery::Outcome::Delivered : Delivery::Outcome::AlreadyDelivered, {}};
}

} // namespace qd
