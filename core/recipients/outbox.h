// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QDateTime>
#include <QFuture>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace qd {

class Clock;

enum class OutboxStatus : quint8 { Queued, Sent, Failed, Skipped };

QString outboxStatusName(OutboxStatus status);            ///< "queued", "sent", "failed", "skipped"
std::optional<OutboxStatus> parseOutboxStatus(const QString &name);

/// One rendered message for one user, as the composer hands it to the outbox.
struct OutgoingMessage
{
    QString user;
    QString subject;
    QString body;
    QJsonObject extra; ///< sent along by channels that carry structure (job_count, delay_s, queue, …)
};

/// A message as the outbox keeps it.
struct OutboxMessage
{
    QString key;           ///< idempotency key, see Outbox::idempotencyKey()
    QString incident;
    QString templateName;
    QString channel;       ///< channel spec, e.g. "webhook:https://…", "csv:/path", "sql:…"
    QString user;
    QString subject;
    QString body;
    QJsonObject extra;
    OutboxStatus status = OutboxStatus::Queued;
    int attempts = 0;
    QString lastError;
    QDateTime createdAt;
    QDateTime nextAttemptAt; ///< failed: when it may be tried again (invalid: never, the failure is permanent)
    QDateTime sentAt;
};

struct EnqueueResult
{
    int queued = 0;
    int skippedDuplicate = 0; ///< already in the outbox for this incident, user and template
    QString error;
};

/// Where one recipient stands for an incident.
struct RecipientStatus
{
    QString user;
    QString key;
    QString templateName;
    QString channel;
    OutboxStatus status = OutboxStatus::Queued;
    int attempts = 0;
    QString lastError;
    QDateTime sentAt;
};

/// The messages to send for an incident, in SQLite, written on its own thread. Every message has an idempotency
/// key = sha256(incident \n user \n template) that is UNIQUE: enqueueing the same recipients twice (a double click,
/// a second operator, a re-run after a crash) adds nothing. A message is marked sent only after its channel
/// confirmed it; once sent, it is never handed out again.
class Outbox final
{
public:
    explicit Outbox(const QString &path, Clock *clock = nullptr);
    ~Outbox();
    Q_DISABLE_COPY_MOVE(Outbox)

    QString open(); ///< empty or a clear error
    QString path() const;
    Clock *clock() const;

    /// $QD_OUTBOX_DB, else <GenericDataLocation>/queuedeck/outbox.sqlite3 (next to the audit log; one outbox for
    /// the GUI and the CLI).
    static QString defaultPath();

    static QString idempotencyKey(const QString &incident, const QString &user, const QString &templateName);

    QFuture<EnqueueResult> enqueue(const QString &incident, const QString &templateName, const QString &channel,
                                   const QList<OutgoingMessage> &messages);

    /// Messages due for sending: queued, or failed with a retry time that has come; oldest first. Messages
    /// claimed by a running sender (see claim()) are left out. `incident` empty: every incident.
    QFuture<QList<OutboxMessage>> pending(int limit = 100, const QString &incident = {});
    /// How many messages pending() would return without a limit.
    QFuture<qint64> pendingCount(const QString &incident = {});
    /// pending(), and the messages returned are leased to the caller for `leaseMs`: two senders draining the
    /// same outbox (two windows, GUI and CLI) do not both take a message. The lease ends with markSent/markFailed/
    /// release, or by expiring (a crashed sender). `failedDueBy` (default now): failed messages whose retry time
    /// is later are left out, so a run does not take again what it failed itself.
    QFuture<QList<OutboxMessage>> claim(int limit, const QString &incident, qint64 leaseMs,
                                        const QDateTime &failedDueBy = {});
    QFuture<QString> release(const QString &key);
    /// Ends the leases of senders on this machine whose process is gone (a killed `queuedeckctl notify`), so a
    /// re-run resends their message at once (with the same key) instead of waiting for the lease to expire.
    /// claim() does this too; returns how many messages were taken back. A process on another machine, or one
    /// whose liveness cannot be checked, keeps its lease until it expires.
    QFuture<int> reclaimAbandoned();

    QFuture<QString> markSent(const QString &key);
    /// `nextAttemptAt` invalid: a permanent failure (4xx, bad channel), not retried by pending().
    QFuture<QString> markFailed(const QString &key, const QString &reason, const QDateTime &nextAttemptAt = {});
    /// The operator decided this user is not to be messaged (a test account, already called).
    QFuture<QString> markSkipped(const QString &key, const QString &reason = {});

    QFuture<std::optional<OutboxMessage>> message(const QString &key);
    QFuture<QList<RecipientStatus>> statuses(const QString &incident);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace qd
