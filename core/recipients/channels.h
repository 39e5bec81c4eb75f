// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/csv.h"

#include "core/recipients/outbox.h"

#include "core/result.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace qd {

/// An application's notifications table, from `sqlite:///abs/path?…` or `postgresql://user@host:port/db?…` with
/// `table=notifications&user_col=user_id&subject_col=subject&body_col=body&key_col=idempotency_key` (those are
/// the defaults). Table and column names are checked to be plain identifiers (optionally schema.table) and quoted.
struct SqlTarget
{
    QString driver;      ///< "QSQLITE" or "QPSQL"
    QString database;    ///< file path (SQLite) or database name
    QString host;
    int port = -1;
    QString user;
    QString password;    ///< from the URL, else $PGPASSWORD; never shown
    QString table = QStringLiteral("notifications");
    QString userColumn = QStringLiteral("user_id");
    QString subjectColumn = QStringLiteral("subject");
    QString bodyColumn = QStringLiteral("body");
    QString keyColumn = QStringLiteral("idempotency_key");

    /// INSERT … ON CONFLICT (key) DO NOTHING: a resend after a crash cannot add a second row. The key column
    /// needs a UNIQUE index (or primary key) in the application's table.
    QString insertStatement() const;
};

/// Where messages go, from an outbox row's channel spec:
///  - `webhook:https://…` JSON POST with an Idempotency-Key header, retried with backoff on 5xx/429/network errors;
///  - `csv:/path/file.csv` rows appended for support tools (RFC 4180, spreadsheet formulas defused);
///  - `sql:sqlite:///…` or `sql:postgresql://…` INSERT into the application's own notifications table.
struct ChannelSpec
{
    Q_DECLARE_TR_FUNCTIONS(qd::ChannelSpec)

public:
    enum class Kind : quint8 { Webhook, Csv, Sql };

    Kind kind = Kind::Webhook;
    QString spec;
    QUrl url;          ///< Webhook
    QString csvPath;   ///< Csv
    SqlTarget sql;     ///< Sql

    static Result<ChannelSpec> parse(const QString &spec);
    QString displayString() const; ///< without any password
    /// The spec as the outbox keeps it: the same channel without the password of its URL. The run that sends
    /// gives the channel again (Sender::setChannels) to supply it; PostgreSQL also finds $PGPASSWORD/~/.pgpass.
    QString storedString() const { return withoutSecrets(spec); }
    /// True when sending needs a password that storedString() does not keep (a webhook's user:password@).
    bool needsPassword() const;
    /// `spec` with the password of the URL in it cut (`scheme://user:pw@host` → `scheme://user@host`); also for
    /// text that is not a valid channel, so an error can quote it.
    static QString withoutSecrets(const QString &spec);
};

/// What a channel said about one message.
struct Delivery
{
    enum class Outcome : quint8 {
        Delivered,        ///< the channel confirmed it
        AlreadyDelivered, ///< the channel already had it (same key): nothing new reached the user
        Transient,        ///< may work later (5xx, timeout, connection refused, database busy)
        Permanent,        ///< will not work by retrying (4xx, missing table, bad spec)
    };
    Outcome outcome = Outcome::Delivered;
    QString reason;
};

/// The JSON a webhook receives for one message: the message's extra fields, then incident, user, subject, body,
/// template and idempotency_key.
QJsonObject webhookPayload(const OutboxMessage &message);

QStringList csvHeader();

/// Blocking: call from a worker thread. Appends `message` to the CSV file (with a header when the file is new)
/// and syncs it to disk. `knownKeys` caches the keys already in the file, filled on first use: a message whose key
/// is there already is not written twice.
Delivery appendCsv(const QString &path, const OutboxMessage &message, QSet<QString> *knownKeys);

/// Blocking: call from the thread that owns `connectionName` (created on first use, reused after).
Delivery insertSql(const SqlTarget &target, const OutboxMessage &message, const QString &connectionName);

} // namespace qd
