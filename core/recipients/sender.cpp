// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/recipients/sender.h"
#include "core/futurewatch.h"

#include "core/clock.h"
#include "core/serialexecutor.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QSet>
#include <QSqlDatabase>
#include <QTimer>
#include <QUuid>

namespace qd {

struct Sender::Private
{
    Outbox *outbox = nullptr;
    QNetworkAccessManager *nam = nullptr;
    QString incident;
    bool running = false;
    bool cancelled = false;
    SendSummary summary;
    qint64 total = 0;
    qint64 doneCount = 0;
    QSet<QString> seen; ///< keys taken in this run: a message is tried at most once per run
    QDateTime startedAt;
    QHash<QString, ChannelSpec> channels; ///< storedString() → the channel with its password, for this run
    QPointer<QNetworkReply> inFlight;
    int maxAttempts = 5;
    std::chrono::milliseconds firstDelay{1000};
    std::chrono::milliseconds timeout{10000};
    std::chrono::seconds retryLater{300};

    // Only touched on the executor's thread.
    QHash<QString, QSet<QString>> csvKeys;
    QHash<QString, QString> sqlConnections; ///< channel spec → connection name
    QString connectionPrefix = QStringLiteral("qd-sender-") + QUuid::createUuid().toString(QUuid::Id128);

    SerialExecutor executor{QStringLiteral("sender")}; // last: destroyed first, while the state above still exists

    std::chrono::milliseconds backoff(int attemptNo) const { return firstDelay * (1LL << std::min(attemptNo - 1, 8)); }

    /// Long enough for every attempt of one message, so the lease outlives the sender's own retries.
    qint64 leaseMs() const
    {
        qint64 ms = 60'000;
        for (int i = 1; i <= maxAttempts; ++i) {
            ms += timeout.count() + backoff(i).count();
        }
        return ms;
    }
};

Sender::Sender(Outbox *outbox, QObject *parent) : QObject(parent), d(std::make_unique<Private>())
{
    d->outbox = outbox;
    d->nam = new QNetworkAccessManager(this);
}

Sender::~Sender()
{
    if (d->inFlight) {
        d->inFlight->disconnect(this);
        d->inFlight->abort();
    }
    delete d->nam;
    d->nam = nullptr;
    Private *p = d.get();
    p->executor.run([p] {
        for (const QString &name : std::as_const(p->sqlConnections)) {
            QSqlDatabase::database(name, false).close();
            QSqlDatabase::removeDatabase(name);
        }
    }).waitForFinished();
}

void Sender::setRetryPolicy(int maxAttempts, std::chrono::milliseconds firstDelay)
{
    d->maxAttempts = std::max(1, maxAttempts);
    d->firstDelay = firstDelay;
}

void Sender::setRequestTimeout(std::chrono::milliseconds timeout)
{
    d->timeout = timeout;
}

void Sender::setRetryLater(std::chrono::seconds delay)
{
    d->retryLater = delay;
}

bool Sender::isRunning() const
{
    return d->running;
}

void Sender::setChannels(const QList<ChannelSpec> &channels)
{
    d->channels.clear();
    for (const ChannelSpec &c : channels) {
        d->channels.insert(c.storedString(), c);
    }
}

void Sender::start(const QString &incident)
{
    if (d->running) {
        return;
    }
    d->running = true;
    d->cancelled = false;
    d->incident = incident;
    d->summary = {};
    d->total = 0;
    d->doneCount = 0;
    d->seen.clear();
    // What this run fails from now on is due again at the earliest now: the run does not take it twice.
    d->startedAt = d->outbox->clock()->now().addMSecs(-1);
    whenFinished(d->outbox->pendingCount(incident), this, [this](qint64 total) {
        d->total = total;
        Q_EMIT progress(0, total);
        next();
    });
}

void Sender::cancel()
{
    if (!d->running) {
        return;
    }
    d->cancelled = true;
    if (d->inFlight) {
        d->inFlight->abort();
    }
}

void Sender::next()
{
    if (d->cancelled) {
        d->summary.cancelled = true;
        finish();
        return;
    }
    whenFinished(d->outbox->claim(1, d->incident, d->leaseMs(), d->startedAt), this, [this](const QList<OutboxMessage> &claimed) {
        if (claimed.isEmpty()) {
            finish();
            return;
        }
        const OutboxMessage m = claimed.first();
        if (d->seen.contains(m.key)) { // due again already (a zero retry delay): leave it to the next run
            whenFinished(d->outbox->release(m.key), this, [this](const QString &) { finish(); });
            return;
        }
        d->seen.insert(m.key);
        const auto given = d->channels.constFind(m.channel);
        auto channel = given != d->channels.cend() ? Result<ChannelSpec>(*given) : ChannelSpec::parse(m.channel);
        if (!channel) {
            const QString reason = channel.error();
            whenFinished(d->outbox->markFailed(m.key, reason), this, [this, m, reason](const QString &markError) {
                ++d->summary.failed;
                done(m, OutboxStatus::Failed, reason, markError);
            });
            return;
        }
        if (channel->needsPassword()) {
            // Not sent without it (a 401 would count as a permanent failure); due again when it is given.
            const QString reason = tr("The outbox does not keep the password of %1: give the channel again to send.")
                                       .arg(channel->displayString());
            whenFinished(d->outbox->markFailed(m.key, reason, d->outbox->clock()->now()), this,
                         [this, m, reason](const QString &markError) {
                             ++d->summary.failed;
                             done(m, OutboxStatus::Failed, reason, markError);
                         });
            return;
        }
        attempt(m, channel.value(), 1);
    });
}

void Sender::attempt(const OutboxMessage &m, const ChannelSpec &channel, int attemptNo)
{
    if (d->cancelled) {
        whenFinished(d->outbox->release(m.key), this, [this](const QString &) {
            d->summary.cancelled = true;
            finish();
        });
        return;
    }
    Private *p = d.get();
    switch (channel.kind) {
    case ChannelSpec::Kind::Webhook: {
        QNetworkRequest request(channel.url.adjusted(QUrl::RemoveUserInfo));
        if (!channel.url.userName().isEmpty()) {
            // Basic credentials up front, from the channel given for this run (the outbox keeps no password).
            request.setRawHeader("Authorization",
                                 "Basic " + (channel.url.userName() + u':' + channel.url.password()).toUtf8().toBase64());
        }
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        request.setRawHeader("User-Agent", "Queuedeck");
        // The receiver's guarantee against a resend (after a timeout that was in fact a success, or a crash).
        request.setRawHeader("Idempotency-Key", m.key.toLatin1());
        request.setTransferTimeout(int(d->timeout.count()));
        QNetworkReply *reply =
            d->nam->post(request, QJsonDocument(webhookPayload(m)).toJson(QJsonDocument::Compact));
        d->inFlight = reply;
        connect(reply, &QNetworkReply::finished, this, [this, reply, m, channel, attemptNo] {
            reply->deleteLater();
            d->inFlight = nullptr;
            if (d->cancelled) {
                // Maybe received, maybe not: the message stays queued, and its key guards the resend.
                attempt(m, channel, attemptNo);
                return;
            }
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            Delivery delivery;
            if (reply->error() == QNetworkReply::NoError && status >= 200 && status < 300) {
                delivery.outcome = Delivery::Outcome::Delivered;
            } else {
                const bool transient = status == 0 || status == 408 || status == 429 || status >= 500;
                delivery.outcome = transient ? Delivery::Outcome::Transient : Delivery::Outcome::Permanent;
                delivery.reason = status ? QStringLiteral("HTTP %1").arg(status) : reply->errorString();
            }
            settle(m, channel, attemptNo, delivery);
        });
        return;
    }
    case ChannelSpec::Kind::Csv:
        whenFinished(p->executor.run([p, path = channel.csvPath, m] { return appendCsv(path, m, &p->csvKeys[path]); }), this,
                     [this, m, channel, attemptNo](const Delivery &delivery) { settle(m, channel, attemptNo, delivery); });
        return;
    case ChannelSpec::Kind::Sql:
        whenFinished(p->executor.run([p, target = channel.sql, spec = channel.spec, m] {
                QString &name = p->sqlConnections[spec];
                if (name.isEmpty()) {
                    name = p->connectionPrefix + u'-' + QString::number(p->sqlConnections.size());
                }
                return insertSql(target, m, name);
            }), this,
                     [this, m, channel, attemptNo](const Delivery &delivery) { settle(m, channel, attemptNo, delivery); });
        return;
    }
}

void Sender::settle(const OutboxMessage &m, const ChannelSpec &channel, int attemptNo, const Delivery &delivery)
{
    switch (delivery.outcome) {
    case Delivery::Outcome::Delivered:
    case Delivery::Outcome::AlreadyDelivered: {
        const bool already = delivery.outcome == Delivery::Outcome::AlreadyDelivered;
        whenFinished(d->outbox->markSent(m.key), this, [this, m, already](const QString &markError) {
            ++(already ? d->summary.skipped : d->summary.sent);
            done(m, OutboxStatus::Sent, already ? tr("already delivered") : QString(), markError);
        });
        return;
    }
    case Delivery::Outcome::Transient:
        if (attemptNo < d->maxAttempts && !d->cancelled) {
            QTimer::singleShot(d->backoff(attemptNo), this, [this, m, channel, attemptNo] { attempt(m, channel, attemptNo + 1); });
            return;
        }
        [[fallthrough]];
    case Delivery::Outcome::Permanent: {
        const bool later = delivery.outcome == Delivery::Outcome::Transient;
        const QString reason = tr("%1 after %n attempt(s)", nullptr, attemptNo).arg(delivery.reason);
        const QDateTime retryAt =
            later ? d->outbox->clock()->now().addSecs(d->retryLater.count()) : QDateTime();
        whenFinished(d->outbox->markFailed(m.key, reason, retryAt), this, [this, m, reason](const QString &markError) {
            ++d->summary.failed;
            done(m, OutboxStatus::Failed, reason, markError);
        });
        return;
    }
    }
}

void Sender::done(const OutboxMessage &m, OutboxStatus status, const QString &detail, const QString &markError)
{
    ++d->doneCount;
    Q_EMIT messageDone(m.user, status, detail);
    Q_EMIT progress(d->doneCount, std::max(d->total, d->doneCount));
    if (!markError.isEmpty()) {
        d->summary.error = markError;
        finish();
        return;
    }
    next();
}

void Sender::finish()
{
    d->running = false;
    d->seen.clear();
    Q_EMIT finished(d->summary);
}

} // namespace qd
