// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/recipients/outbox.h"
#include "core/recipients/channels.h"
#include "core/privatefiles.h"
#include "core/processlease.h"

#include "core/clock.h"
#include "core/serialexecutor.h"
#include "core/sqlthread.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QUuid>
#include <QVariant>

namespace qd {

namespace {

/// Rewrites every channel spec that still holds a password to the same spec without it, then checkpoints the WAL
/// so the old text is left in neither file. Empty, or the database's error.
QString removeStoredPasswords(QSqlDatabase &db)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT DISTINCT channel FROM outbox"))) {
        return q.lastError().text();
    }
    QStringList withSecrets;
    while (q.next()) {
        const QString channel = q.value(0).toString();
        if (ChannelSpec::withoutSecrets(channel) != channel) {
            withSecrets << channel;
        }
    }
    if (withSecrets.isEmpty()) {
        return {};
    }
    QSqlQuery update(db);
    update.prepare(QStringLiteral("UPDATE outbox SET channel = ? WHERE channel = ?"));
    for (const QString &channel : std::as_const(withSecrets)) {
        update.addBindValue(ChannelSpec::withoutSecrets(channel));
        update.addBindValue(channel);
        if (!update.exec()) {
            return update.lastError().text();
        }
    }
    if (!q.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"))) {
        return q.lastError().text();
    }
    return {};
}

/// lupdate files Tr::tr() strings under the context the runtime looks them up in.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(qd::Outbox)
};

QString notOpen()
{
    return Tr::tr("The outbox is not open.");
}

/// A null QString binds as SQL NULL; the text columns are NOT NULL.
QString text(const QString &t)
{
    return t.isNull() ? QStringLiteral("") : t;
}

QVariant msOrNull(const QDateTime &t)
{
    return t.isValid() ? QVariant(t.toMSecsSinceEpoch()) : QVariant(QMetaType(QMetaType::LongLong));
}

QDateTime fromMs(const QVariant &v)
{
    return v.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

const QString columns = QStringLiteral("key, incident, template, channel, recipient, subject, body, extra, status,"
                                       " attempts, last_error, created_at, next_attempt_at, sent_at");

OutboxMessage readMessage(const QSqlQuery &q)
{
    OutboxMessage m;
    m.key = q.value(0).toString();
    m.incident = q.value(1).toString();
    m.templateName = q.value(2).toString();
    m.channel = q.value(3).toString();
    m.user = q.value(4).toString();
    m.subject = q.value(5).toString();
    m.body = q.value(6).toString();
    m.extra = QJsonDocument::fromJson(q.value(7).toString().toUtf8()).object();
    m.status = parseOutboxStatus(q.value(8).toString()).value_or(OutboxStatus::Queued);
    m.attempts = q.value(9).toInt();
    m.lastError = q.value(10).toString();
    m.createdAt = fromMs(q.value(11));
    m.nextAttemptAt = fromMs(q.value(12));
    m.sentAt = fromMs(q.value(13));
    return m;
}

/// Ends the live leases of processes that are gone (call inside a write transaction).
int reclaim(QSqlDatabase db, qint64 now)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT DISTINCT lease_owner FROM outbox WHERE lease_until > ? AND lease_owner IS NOT NULL"));
    q.addBindValue(now);
    QStringList gone;
    if (q.exec()) {
        while (q.next()) {
            if (const QString owner = q.value(0).toString(); processLeaseOwnerGone(owner)) {
                gone << owner;
            }
        }
    }
    int taken = 0;
    QSqlQuery u(db);
    u.prepare(QStringLiteral("UPDATE outbox SET lease_until = NULL, lease_owner = NULL WHERE lease_owner = ? AND lease_until > ?"));
    for (const QString &owner : std::as_const(gone)) {
        u.addBindValue(owner);
        u.addBindValue(now);
        if (u.exec()) {
            taken += u.numRowsAffected();
        }
    }
    return taken;
}

} // namespace

QString outboxStatusName(OutboxStatus status)
{
    switch (status) {
    case OutboxStatus::Queued:
        return QStringLiteral("queued");
    case OutboxStatus::Sent:
        return QStringLiteral("sent");
    case OutboxStatus::Failed:
        return QStringLiteral("failed");
    case OutboxStatus::Skipped:
        return QStringLiteral("skipped");
    }
    return {};
}

std::optional<OutboxStatus> parseOutboxStatus(const QString &name)
{
    for (OutboxStatus s : {OutboxStatus::Queued, OutboxStatus::Sent, OutboxStatus::Failed, OutboxStatus::Skipped}) {
        if (outboxStatusName(s) == name) {
            return s;
        }
    }
    return std::nullopt;
}

struct Outbox::Private
{
    QString path;
    Clock *clock;
    QString name = QStringLiteral("qd-outbox-") + QUuid::createUuid().toString(QUuid::Id128);
    bool opened = false;
    SerialExecutor executor{QStringLiteral("outbox")};

    QSqlDatabase db() const { return QSqlDatabase::database(name, false); }

    /// Due messages, oldest first; `now` decides which failed ones are due and which leases have expired.
    /// `failedDueBy`: a failed message is due when its retry time is at or before it (≤ now).
    QList<OutboxMessage> due(int limit, const QString &incident, qint64 now, qint64 failedDueBy) const
    {
        QList<OutboxMessage> out;
        QSqlQuery q(db());
        q.prepare(QStringLiteral("SELECT ") + columns +
                  QStringLiteral(" FROM outbox WHERE (status = 'queued' OR (status = 'failed' AND next_attempt_at IS NOT"
                                 " NULL AND next_attempt_at <= ?)) AND (lease_until IS NULL OR lease_until <= ?)"
                                 " AND (? = '' OR incident = ?) ORDER BY id LIMIT ?"));
        q.addBindValue(std::min(now, failedDueBy));
        q.addBindValue(now);
        q.addBindValue(text(incident));
        q.addBindValue(text(incident));
        q.addBindValue(limit);
        if (q.exec()) {
            while (q.next()) {
                out.append(readMessage(q));
            }
        }
        return out;
    }
};

Outbox::Outbox(const QString &path, Clock *clock) : d(std::make_unique<Private>())
{
    d->path = path;
    d->clock = clock ? clock : Clock::system();
}

Outbox::~Outbox()
{
    closeDatabaseOn(d->executor, d->name);
}

QString Outbox::path() const
{
    return d->path;
}

Clock *Outbox::clock() const
{
    return d->clock;
}

QString Outbox::defaultPath()
{
    const QString env = qEnvironmentVariable("QD_OUTBOX_DB");
    if (!env.isEmpty()) {
        return env;
    }
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/queuedeck/outbox.sqlite3");
}

QString Outbox::idempotencyKey(const QString &incident, const QString &user, const QString &templateName)
{
    const QByteArray input = (incident + u'\n' + user + u'\n' + templateName).toUtf8();
    return QString::fromLatin1(QCryptographicHash::hash(input, QCryptographicHash::Sha256).toHex());
}

QString Outbox::open()
{
    if (!makePrivateDataFile(d->path)) { // user ids and message bodies: the owner's only
        return Tr::tr("Cannot create the directory of the outbox %1.").arg(d->path);
    }
    Private *p = d.get();
    return p->executor.run([p]() -> QString {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), p->name);
        db.setDatabaseName(p->path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open()) {
            return Tr::tr("Cannot open the outbox %1: %2").arg(p->path, db.lastError().text());
        }
        QSqlQuery q(db);
        // synchronous=NORMAL: in WAL mode a commit survives a crash of the app, only a power cut can lose the
        // last ones — and a lost "sent" mark means a resend the channel recognises by its idempotency key, a lost
        // enqueue one the next run makes again. It saves two fsyncs per message (10,000 recipients: minutes).
        // secure_delete: what an UPDATE replaces (a password cut out of an old row) is overwritten, not left in a
        // free page of the file.
        if (!q.exec(QStringLiteral("PRAGMA secure_delete=ON")) || !q.exec(QStringLiteral("PRAGMA journal_mode=WAL")) ||
            !q.exec(QStringLiteral("PRAGMA synchronous=NORMAL")) ||
            !q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY,"
                                   " key TEXT NOT NULL UNIQUE, incident TEXT NOT NULL, template TEXT NOT NULL,"
                                   " channel TEXT NOT NULL, recipient TEXT NOT NULL, subject TEXT NOT NULL,"
                                   " body TEXT NOT NULL, extra TEXT NOT NULL, status TEXT NOT NULL,"
                                   " attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '',"
                                   " created_at INTEGER NOT NULL, next_attempt_at INTEGER, lease_until INTEGER,"
                                   " sent_at INTEGER)")) ||
            !q.exec(QStringLiteral("CREATE INDEX IF NOT EXISTS outbox_incident ON outbox (incident, status)")) ||
            !q.exec(QStringLiteral("CREATE INDEX IF NOT EXISTS outbox_lease ON outbox (lease_until) WHERE lease_until IS NOT NULL"))) {
            return Tr::tr("%1 is not a usable outbox: %2").arg(p->path, q.lastError().text());
        }
        // lease_owner came later: add it to outboxes made before.
        bool hasOwner = false;
        if (q.exec(QStringLiteral("PRAGMA table_info(outbox)"))) {
            while (q.next()) {
                hasOwner = hasOwner || q.value(1).toString() == u"lease_owner";
            }
        }
        if (!hasOwner && !q.exec(QStringLiteral("ALTER TABLE outbox ADD COLUMN lease_owner TEXT"))) {
            return Tr::tr("%1 is not a usable outbox: %2").arg(p->path, q.lastError().text());
        }
        // Outboxes written before channels were stored without their password: cut it out of them now.
        const QString migrateError = removeStoredPasswords(db);
        if (!migrateError.isEmpty()) {
            return Tr::tr("%1 is not a usable outbox: %2").arg(p->path, migrateError);
        }
        p->opened = true;
        return {};
    }).result();
}

QFuture<EnqueueResult> Outbox::enqueue(const QString &incident, const QString &templateName, const QString &channel,
                                       const QList<OutgoingMessage> &messages)
{
    Private *p = d.get();
    const qint64 now = d->clock->nowMs();
    return p->executor.run([p, incident, templateName, channel, messages, now] {
        EnqueueResult result;
        if (!p->opened) {
            result.error = notOpen();
            return result;
        }
        QSqlDatabase db = p->db();
        if (!db.transaction()) {
            result.error = Tr::tr("Cannot write to the outbox: %1").arg(db.lastError().text());
            return result;
        }
        QSqlQuery q(db);
        // The UNIQUE key does the deduplication, also against another process writing the same outbox.
        q.prepare(QStringLiteral("INSERT OR IGNORE INTO outbox (key, incident, template, channel, recipient, subject,"
                                 " body, extra, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?)"));
        for (const OutgoingMessage &m : messages) {
            q.addBindValue(idempotencyKey(incident, m.user, templateName));
            q.addBindValue(text(incident));
            q.addBindValue(text(templateName));
            q.addBindValue(text(ChannelSpec::withoutSecrets(channel))); // the password never reaches the file
            q.addBindValue(text(m.user));
            q.addBindValue(text(m.subject));
            q.addBindValue(text(m.body));
            q.addBindValue(QString::fromUtf8(QJsonDocument(m.extra).toJson(QJsonDocument::Compact)));
            q.addBindValue(now);
            if (!q.exec()) {
                result.error = Tr::tr("Cannot write to the outbox: %1").arg(q.lastError().text());
                db.rollback();
                result.queued = 0;
                result.skippedDuplicate = 0;
                return result;
            }
            if (q.numRowsAffected() > 0) {
                ++result.queued;
            } else {
                ++result.skippedDuplicate;
            }
        }
        if (!db.commit()) {
            result.error = Tr::tr("Cannot write to the outbox: %1").arg(db.lastError().text());
            result.queued = 0;
            result.skippedDuplicate = 0;
        }
        return result;
    });
}

QFuture<QList<OutboxMessage>> Outbox::pending(int limit, const QString &incident)
{
    Private *p = d.get();
    const qint64 now = d->clock->nowMs();
    return p->executor.run([p, limit, incident, now] {
        return p->opened ? p->due(limit, incident, now, now) : QList<OutboxMessage>();
    });
}

QFuture<qint64> Outbox::pendingCount(const QString &incident)
{
    Private *p = d.get();
    const qint64 now = d->clock->nowMs();
    return p->executor.run([p, incident, now]() -> qint64 {
        if (!p->opened) {
            return 0;
        }
        QSqlQuery q(p->db());
        q.prepare(QStringLiteral("SELECT COUNT(*) FROM outbox WHERE (status = 'queued' OR (status = 'failed' AND"
                                 " next_attempt_at IS NOT NULL AND next_attempt_at <= ?)) AND (? = '' OR incident = ?)"));
        q.addBindValue(now);
        q.addBindValue(text(incident));
        q.addBindValue(text(incident));
        return q.exec() && q.next() ? q.value(0).toLongLong() : 0;
    });
}

QFuture<QList<OutboxMessage>> Outbox::claim(int limit, const QString &incident, qint64 leaseMs,
                                            const QDateTime &failedDueBy)
{
    Private *p = d.get();
    const qint64 now = d->clock->nowMs();
    const qint64 dueBy = failedDueBy.isValid() ? failedDueBy.toMSecsSinceEpoch() : now;
    return p->executor.run([p, limit, incident, now, dueBy, leaseMs] {
        QList<OutboxMessage> out;
        if (!p->opened) {
            return out;
        }
        QSqlQuery q(p->db());
        // IMMEDIATE: the write lock is taken before reading, so two processes cannot claim the same rows.
        if (!q.exec(QStringLiteral("BEGIN IMMEDIATE"))) {
            return out;
        }
        reclaim(p->db(), now);
        out = p->due(limit, incident, now, dueBy);
        q.prepare(QStringLiteral("UPDATE outbox SET lease_until = ?, lease_owner = ? WHERE key = ?"));
        const QString owner = processLeaseOwner();
        for (const OutboxMessage &m : out) {
            q.addBindValue(now + leaseMs);
            q.addBindValue(owner);
            q.addBindValue(m.key);
            if (!q.exec()) {
                q.exec(QStringLiteral("ROLLBACK"));
                return QList<OutboxMessage>();
            }
        }
        if (!q.exec(QStringLiteral("COMMIT"))) {
            q.exec(QStringLiteral("ROLLBACK"));
            return QList<OutboxMessage>();
        }
        return out;
    });
}

QFuture<int> Outbox::reclaimAbandoned()
{
    Private *p = d.get();
    const qint64 now = d->clock->nowMs();
    return p->executor.run([p, now]() -> int {
        if (!p->opened) {
            return 0;
        }
        QSqlQuery q(p->db());
        if (!q.exec(QStringLiteral("BEGIN IMMEDIATE"))) {
            return 0;
        }
        const int taken = reclaim(p->db(), now);
        if (!q.exec(QStringLiteral("COMMIT"))) {
            q.exec(QStringLiteral("ROLLBACK"));
            return 0;
        }
        return taken;
    });
}

QFuture<QString> Outbox::release(const QString &key)
{
    Private *p = d.get();
    return p->executor.run([p, key]() -> QString {
        if (!p->opened) {
            return notOpen();
        }
        QSqlQuery q(p->db());
        q.prepare(QStringLiteral("UPDATE outbox SET lease_until = NULL WHERE key = ?"));
        q.addBindValue(key);
        return q.exec() ? QString() : q.lastError().text();
    });
}

QFuture<QString> Outbox::markSent(const QString &key)
{
    Private *p = d.get();
    const qint64 now = d->clock->nowMs();
    return p->executor.run([p, key, now]() -> QString {
        if (!p->opened) {
            return notOpen();
        }
        QSqlQuery q(p->db());
        q.prepare(QStringLiteral("UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1,"
                                 " last_error = '', next_attempt_at = NULL, lease_until = NULL"
                                 " WHERE key = ? AND status != 'sent'"));
        q.addBindValue(now);
        q.addBindValue(key);
        return q.exec() ? QString() : Tr::tr("Cannot mark %1 sent: %2").arg(key, q.lastError().text());
    });
}

QFuture<QString> Outbox::markFailed(const QString &key, const QString &reason, const QDateTime &nextAttemptAt)
{
    Private *p = d.get();
    return p->executor.run([p, key, reason, next = msOrNull(nextAttemptAt)]() -> QString {
        if (!p->opened) {
            return notOpen();
        }
        QSqlQuery q(p->db());
        // Never downgrades a sent message: a late failure report of a resend changes nothing.
        q.prepare(QStringLiteral("UPDATE outbox SET status = 'failed', last_error = ?, next_attempt_at = ?,"
                                 " attempts = attempts + 1, lease_until = NULL WHERE key = ? AND status != 'sent'"));
        q.addBindValue(text(reason));
        q.addBindValue(next);
        q.addBindValue(key);
        return q.exec() ? QString() : Tr::tr("Cannot mark %1 failed: %2").arg(key, q.lastError().text());
    });
}

QFuture<QString> Outbox::markSkipped(const QString &key, const QString &reason)
{
    Private *p = d.get();
    return p->executor.run([p, key, reason]() -> QString {
        if (!p->opened) {
            return notOpen();
        }
        QSqlQuery q(p->db());
        q.prepare(QStringLiteral("UPDATE outbox SET status = 'skipped', last_error = ?, next_attempt_at = NULL,"
                                 " lease_until = NULL WHERE key = ? AND status != 'sent'"));
        q.addBindValue(text(reason));
        q.addBindValue(key);
        return q.exec() ? QString() : Tr::tr("Cannot mark %1 skipped: %2").arg(key, q.lastError().text());
    });
}

QFuture<std::optional<OutboxMessage>> Outbox::message(const QString &key)
{
    Private *p = d.get();
    return p->executor.run([p, key]() -> std::optional<OutboxMessage> {
        if (!p->opened) {
            return std::nullopt;
        }
        QSqlQuery q(p->db());
        q.prepare(QStringLiteral("SELECT ") + columns + QStringLiteral(" FROM outbox WHERE key = ?"));
        q.addBindValue(key);
        if (q.exec() && q.next()) {
            return readMessage(q);
        }
        return std::nullopt;
    });
}

QFuture<QList<RecipientStatus>> Outbox::statuses(const QString &incident)
{
    Private *p = d.get();
    return p->executor.run([p, incident] {
        QList<RecipientStatus> out;
        if (!p->opened) {
            return out;
        }
        QSqlQuery q(p->db());
        q.prepare(QStringLiteral("SELECT ") + columns + QStringLiteral(" FROM outbox WHERE incident = ? ORDER BY id"));
        q.addBindValue(text(incident));
        if (q.exec()) {
            while (q.next()) {
                const OutboxMessage m = readMessage(q);
                out.append(RecipientStatus{m.user, m.key, m.templateName, m.channel, m.status, m.attempts, m.lastError,
                                           m.sentAt});
            }
        }
        return out;
    });
}

} // namespace qd
