// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

// Shared by the RabbitMQ backend's source files (rabbitmqbackend.cpp: polling and peeking;
// rabbitmqactions.cpp: move and purge). Not part of the backend's interface.

#include "core/backends/rabbitmq/amqpclient.h"
#include "core/backends/rabbitmq/httpclient.h"
#include "core/backends/rabbitmq/rabbitmqbackend.h"

#include <QHash>
#include <QMutex>
#include <QUrl>

#include <atomic>
#include <deque>
#include <functional>
#include <memory>

namespace qd::rabbitmq {

namespace detail {

/// `/api/queues/<vhost>/<queue>`; `vhost` already percent-encoded.
QString apiQueuePath(const QString &vhost, const QString &queue);
/// A failed answer as one line an operator can act on.
QString describe(const http::Response &r, const QString &endpoint, const QString &user);
/// Ready + unacknowledged messages of one queue (`path` from Private::queuePath), or -1 and the error.
void countMessages(http::Client *c, const QString &path, const QString &endpoint, const QString &user,
                   std::function<void(qint64, QString)> then);

} // namespace detail

struct RabbitMqBackend::Private
{
    QString kind;
    bool readOnly = false;
    std::atomic<int> tags{-1}; ///< -1 unknown; bit 0: administrator or policymaker
    std::atomic<bool> askedWhoami{false};
    QMutex peekMutex;
    QHash<QString, JobDetail> peeked; ///< last peek's messages by id (guarded by peekMutex)
    /// Queue → the queues its peeked messages were dead-lettered from (their x-death), when every message of the
    /// last peek had died in another queue; kept until a peek says otherwise: a dead-letter queue whose source is
    /// gone (deleted, renamed, another vhost's policy) is still known as one once a peek has seen its letters.
    /// Guarded by peekMutex.
    QHash<QString, QStringList> deadLetterSources;
    bool peekQuorum = false;
    QString vhost;
    QString endpoint;
    QString user;
    int statsLimit = 500;
    std::unique_ptr<http::Client> client;
    std::atomic<qint64> lastBytes{0};
    QString moveMode; ///< "auto" (shovel, else AMQP), "shovel" or "amqp"
    /// Peeks run one at a time (on the HTTP client's thread, the only one touching these): a get with requeue
    /// holds the messages it took until it answers, so a second peek at the same moment would see only what is
    /// left and show a near-empty queue.
    bool peeking = false;
    std::deque<std::function<void()>> peekQueue;
    amqp::Options amqp;

    QString vhostPath() const { return QString::fromLatin1(QUrl::toPercentEncoding(vhost)); }
    QString queuePath(const QString &queue) const { return detail::apiQueuePath(vhostPath(), queue); }
};

} // namespace qd::rabbitmq
