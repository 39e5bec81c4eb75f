// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/backends/rabbitmq/amqpcodec.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <deque>
#include <functional>
#include <optional>
#include <set>

class QSslSocket;
class QTimer;

namespace qd::amqp {

/// Where and how to reach a broker's AMQP 0-9-1 port.
struct Options
{
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 5672;
    bool tls = false;
    QString caFile; ///< extra CAs to trust (PEM) with tls
    QString user = QStringLiteral("guest");
    QString password = QStringLiteral("guest");
    QString vhost = QStringLiteral("/");
    int timeoutMs = 30'000;                   ///< an operation without any answer for this long fails the connection
    qint64 maxBodyBytes = 16LL * 1024 * 1024; ///< larger bodies are not kept: Message::oversized
    quint32 frameMax = 128 * 1024;            ///< our proposal; the smaller of it and the broker's wins
    quint16 heartbeatSeconds = 60;            ///< our proposal; 0 disables heartbeats if the broker agrees
};

/// A message from Basic.Get-Ok or Basic.Return.
struct Message
{
    quint64 deliveryTag = 0; ///< Get-Ok only
    bool redelivered = false;
    QByteArray exchange;
    QByteArray routingKey;
    quint32 messageCount = 0; ///< Get-Ok: messages still ready in the queue
    Properties properties;
    QByteArray body;
    quint64 bodySize = 0;   ///< as announced by the content header (also when the body was not kept)
    bool oversized = false; ///< bodySize > Options::maxBodyBytes: the body was read and dropped, never cut
    quint16 replyCode = 0;  ///< Basic.Return
    QByteArray replyText;   ///< Basic.Return
};

/// A small asynchronous AMQP 0-9-1 client for exactly what a safe move needs: one connection with one channel
/// (number 1) in publisher-confirm mode, Basic.Get, Basic.Publish, acknowledgements both ways, a passive
/// Queue.Declare, and a clean close. PLAIN login; frame_max and heartbeats negotiated with the broker (heartbeats
/// are sent and a silent broker is detected). Lives on one thread with an event loop and must be used there;
/// callbacks run on that thread, never from inside the call that registered them. Any failure (socket error,
/// Connection.Close or Channel.Close from the broker, a protocol error, a timeout) is fatal for the client: every
/// pending callback gets the reason, failed() is emitted once, and the broker requeues whatever was got and not
/// acknowledged.
class Client final : public QObject
{
    Q_OBJECT
public:
    explicit Client(Options options, QObject *parent = nullptr);
    ~Client() override;
    Q_DISABLE_COPY_MOVE(Client)

    using Done = std::function<void(const QString &error)>;
    /// Connects, logs in, opens the vhost, channel 1, and Confirm.Select.
    void open(Done done);
    /// Basic.Get with no_ack=false (the message stays the broker's until ack()). No message: nullopt ("Get-Empty").
    using GotOne = std::function<void(std::optional<Message> message, const QString &error)>;
    void get(const QByteArray &queue, GotOne done);
    /// Basic.Publish; returns the publish sequence number that confirmed() reports.
    quint64 publish(const QByteArray &exchange, const QByteArray &routingKey, const Properties &properties,
                    const QByteArray &body, bool mandatory);
    /// Basic.Ack of one got message.
    void ack(quint64 deliveryTag);
    /// Basic.Nack of one got message, back into its queue (requeue) or dead-lettered/dropped.
    void nack(quint64 deliveryTag, bool requeue);
    /// Queue.Declare passive: the ready message count of an existing queue (the channel closes if it does not exist).
    void readyCount(const QByteArray &queue, std::function<void(qint64 count, const QString &error)> done);
    /// Connection.Close and wait for Close-Ok (the broker has then handled everything sent before).
    void close(Done done);
    /// Drops the socket at once.
    void abort(const QString &reason);

    bool isOpen() const { return m_phase == Phase::Ready; }
    quint32 frameMax() const { return m_frameMax; }
    quint16 heartbeatSeconds() const { return m_heartbeat; }
    qsizetype unconfirmed() const { return qsizetype(m_unconfirmed.size()); }

Q_SIGNALS:
    /// The broker confirmed (ack) or refused (nack) publish `sequence`; a `multiple` ack arrives one by one.
    void confirmed(quint64 sequence, bool ack);
    /// A mandatory publish could not be routed; it comes back here before its confirm.
    void returned(const qd::amqp::Message &message);
    /// The connection is gone (once).
    void failed(const QString &error);

private:
    enum class Phase : quint8 { Idle, Connecting, Handshake, Ready, Closing, Closed };
    struct Rpc
    {
        quint16 channel = 0;
        QList<quint32> expects; ///< (class << 16) | method
        std::function<void(quint32, Reader &)> reply;
        std::function<void(const QString &)> fail;
    };
    struct Content
    {
        bool active = false;
        bool headerSeen = false;
        quint64 received = 0;
        Message message;
        std::function<void(Message)> complete;
        std::function<void(const QString &)> fail;
    };

    void expect(quint16 channel, QList<quint32> methods, std::function<void(quint32, Reader &)> reply,
                std::function<void(const QString &)> fail);
    void sendMethod(quint16 channel, quint16 classId, quint16 methodId, const Writer &args);
    void writeFrame(quint8 type, quint16 channel, const QByteArray &payload);
    void onConnected();
    void onReadyRead();
    void onSocketError();
    void onTick();
    bool dispatch(quint8 type, quint16 channel, const QByteArray &payload);
    bool onMethod(quint16 channel, quint32 id, Reader &r);
    bool onContentFrame(quint8 type, const QByteArray &payload);
    void beginContent(Message message, std::function<void(Message)> complete,
                      std::function<void(const QString &)> failed);
    void onStart(Reader &r);
    void onTune(Reader &r);
    void fail(const QString &reason);
    void later(std::function<void()> fn);
    bool busy() const;

    Options m_options;
    QSslSocket *m_socket = nullptr;
    QTimer *m_tick = nullptr;
    Phase m_phase = Phase::Idle;
    Done m_openDone;
    QByteArray m_in;
    std::deque<Rpc> m_rpc;
    Content m_content;
    std::set<quint64> m_unconfirmed;
    quint64 m_nextSequence = 1;
    quint32 m_frameMax = 4096; ///< until Tune: the spec's minimum frame size is all either side may assume
    quint16 m_heartbeat = 0;
    bool m_greeted = false; ///< Connection.Start arrived: this is an AMQP server
    QElapsedTimer m_sinceReceived;
    QElapsedTimer m_sinceSent;
    QString m_error;
};

} // namespace qd::amqp
