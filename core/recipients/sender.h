// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/recipients/channels.h"
#include "core/recipients/outbox.h"

#include <QObject>

#include <chrono>
#include <memory>

namespace qd {

struct SendSummary
{
    int sent = 0;
    int skipped = 0;   ///< the channel already had the message (a resend after a crash): marked sent, nothing new
    int failed = 0;    ///< marked failed: permanently (4xx, bad channel) or until a later run (retries exhausted)
    bool cancelled = false;
    QString error;     ///< the outbox itself failed (the run stopped)
};

/// Drains an incident's messages from the outbox through their channels, one message at a time. Resumable: a
/// message is marked sent only after its channel confirmed it, and a crash between the two is covered by the
/// channel (the webhook's Idempotency-Key header, the SQL table's ON CONFLICT, the key column of the CSV file),
/// so re-running a sender over the same outbox never messages anyone twice. Each message is leased while it is
/// being sent, so two senders on one outbox do not take the same message.
class Sender final : public QObject
{
    Q_OBJECT
public:
    explicit Sender(Outbox *outbox, QObject *parent = nullptr);
    ~Sender() override;
    Q_DISABLE_COPY_MOVE(Sender)

    /// Attempts per message within one run and the first backoff delay (doubled each time).
    void setRetryPolicy(int maxAttempts, std::chrono::milliseconds firstDelay);
    void setRequestTimeout(std::chrono::milliseconds timeout);
    /// When a message whose attempts ran out (a transient failure) may be tried again by a later run.
    void setRetryLater(std::chrono::seconds delay);

    /// The channels of this run with their passwords: the outbox keeps a channel without its password
    /// (ChannelSpec::storedString), so its messages are sent through the matching channel given here. A message
    /// whose channel needs a password nobody gave stays due and says so.
    void setChannels(const QList<ChannelSpec> &channels);
    void start(const QString &incident);
    /// Stops after the message in flight (an HTTP request is aborted; its message stays queued).
    void cancel();
    bool isRunning() const;

Q_SIGNALS:
    void progress(qint64 done, qint64 total);
    void messageDone(const QString &user, qd::OutboxStatus status, const QString &detail);
    void finished(const qd::SendSummary &summary);

private:
    struct Private;
    std::unique_ptr<Private> d;

    void next();
    void attempt(const OutboxMessage &message, const ChannelSpec &channel, int attemptNo);
    void settle(const OutboxMessage &message, const ChannelSpec &channel, int attemptNo, const Delivery &delivery);
    void done(const OutboxMessage &message, OutboxStatus status, const QString &detail, const QString &markError);
    void finish();
};

} // namespace qd
