// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/backends/rabbitmq/amqpclient.h"

#include <QSslConfiguration>
#include <QSslSocket>
#include <QTimer>

#include <algorithm>

namespace qd::amqp {

namespace {

constexpr quint8 kMethodFrame = 1, kHeaderFrame = 2, kBodyFrame = 3, kHeartbeatFrame = 8;
constexpr char kFrameEnd = '\xCE';
constexpr quint16 kChannel = 1; ///< the one channel this client opens

constexpr quint32 id(quint16 classId, quint16 methodId)
{
    return (quint32(classId) << 16) | methodId;
}

// The methods used, by (class, method) as the spec numbers them.
constexpr quint32 kConnectionStart = id(10, 10), kConnectionStartOk = id(10, 11), kConnectionTune = id(10, 30),
                  kConnectionOpenOk = id(10, 41), kConnectionClose = id(10, 50), kConnectionCloseOk = id(10, 51),
                  kChannelOpenOk = id(20, 11), kChannelFlow = id(20, 20), kChannelClose = id(20, 40),
                  kChannelCloseOk = id(20, 41), kQueueDeclareOk = id(50, 11), kBasicReturn = id(60, 50),
                  kBasicGetOk = id(60, 71), kBasicGetEmpty = id(60, 72), kBasicAck = id(60, 80),
                  kBasicNack = id(60, 120), kConfirmSelectOk = id(85, 11);

/// "403 ACCESS_REFUSED - Login was refused…" from a Connection.Close or Channel.Close.
QString closeReason(Reader &r)
{
    const quint16 code = r.shortUint();
    const QByteArray text = r.shortString();
    return QStringLiteral("%1 %2").arg(code).arg(QString::fromUtf8(text));
}

} // namespace

Client::Client(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_frameMax(std::max<quint32>(m_options.frameMax, 128 * 1024))
{
}

Client::~Client()
{
    if (m_socket) {
        m_socket->abort();
    }
}

void Client::later(std::function<void()> fn)
{
    QMetaObject::invokeMethod(this, std::move(fn), Qt::QueuedConnection);
}

void Client::open(Done done)
{
    if (m_phase != Phase::Idle) {
        later([done, e = tr("The AMQP connection was already opened once.")] { done(e); });
        return;
    }
    m_openDone = std::move(done);
    m_phase = Phase::Connecting;
    m_socket = new QSslSocket(this);
    m_tick = new QTimer(this);
    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, &Client::onTick);
    m_tick->start();
    m_sinceReceived.start();
    m_sinceSent.start();
    connect(m_socket, &QSslSocket::readyRead, this, &Client::onReadyRead);
    connect(m_socket, &QSslSocket::errorOccurred, this, &Client::onSocketError);
    connect(m_socket, &QSslSocket::disconnected, this, &Client::onSocketError);
    if (m_options.tls) {
        QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
        if (!m_options.caFile.isEmpty()) {
            conf.addCaCertificates(m_options.caFile);
        }
        conf.setPeerVerifyMode(QSslSocket::VerifyPeer);
        m_socket->setSslConfiguration(conf);
        connect(m_socket, &QSslSocket::encrypted, this, &Client::onConnected);
        m_socket->connectToHostEncrypted(m_options.host, m_options.port);
    } else {
        connect(m_socket, &QSslSocket::connected, this, &Client::onConnected);
        m_socket->connectToHost(m_options.host, m_options.port);
    }
}

void Client::onConnected()
{
    m_phase = Phase::Handshake;
    expect(0, {kConnectionStart}, [this](quint32, Reader &r) { onStart(r); }, {});
    m_socket->write(QByteArray("AMQP\x00\x00\x09\x01", 8));
    m_sinceSent.restart();
}

void Client::onStart(Reader &r)
{
    m_greeted = true;
    r.octet(); // version 0-9 …
    r.octet();
    r.table(); // server properties
    const QByteArray mechanisms = r.longString();
    if (r.failed() || !mechanisms.split(' ').contains("PLAIN")) {
        fail(tr("The AMQP server at %1:%2 does not offer PLAIN login (it offers: %3).")
                 .arg(m_options.host)
                 .arg(m_options.port)
                 .arg(QString::fromUtf8(mechanisms)));
        return;
    }
    // authentication_failure_close: RabbitMQ then says "ACCESS_REFUSED" instead of just closing the socket.
    FieldTable capabilities{{"authentication_failure_close", FieldValue::boolean(true)},
                            {"publisher_confirms", FieldValue::boolean(true)}};
    FieldValue caps;
    caps.type = 'F';
    caps.table = capabilities;
    Writer w;
    w.table({{"product", FieldValue::string("Queuedeck")},
             {"platform", FieldValue::string("Qt " QT_VERSION_STR)},
             {"connection_name", FieldValue::string("queuedeck move")},
             {"capabilities", caps}});
    w.shortString("PLAIN");
    w.longString('\0' + m_options.user.toUtf8() + '\0' + m_options.password.toUtf8());
    w.shortString("en_US");
    sendMethod(0, 10, 11, w);
    expect(0, {kConnectionTune}, [this](quint32, Reader &tune) { onTune(tune); }, {});
}

void Client::onTune(Reader &r)
{
    const quint16 channelMax = r.shortUint();
    const quint32 frameMax = r.longUint();
    const quint16 heartbeat = r.shortUint();
    // 0 means "no limit" for frame_max and "off" for heartbeats; otherwise the smaller proposal wins.
    m_frameMax = frameMax == 0 ? m_options.frameMax : std::min(frameMax, m_options.frameMax);
    m_frameMax = std::max<quint32>(m_frameMax, 4096);
    m_heartbeat =
        heartbeat == 0 || m_options.heartbeatSeconds == 0 ? 0 : std::min(heartbeat, m_options.heartbeatSeconds);
    Writer ok;
    ok.shortUint(channelMax == 0 ? 1 : std::min<quint16>(channelMax, 1));
    ok.longUint(m_frameMax);
    ok.shortUint(m_heartbeat);
    sendMethod(0, 10, 31, ok);
    Writer open;
    open.shortString(m_options.vhost.toUtf8());
    open.shortString({}); // reserved
    open.octet(0);        // reserved bit
    sendMethod(0, 10, 40, open);
    expect(0, {kConnectionOpenOk},
           [this](quint32, Reader &) {
               Writer ch;
               ch.shortString({});
               sendMethod(kChannel, 20, 10, ch);
               expect(kChannel, {kChannelOpenOk},
                      [this](quint32, Reader &) {
                          Writer select;
                          select.octet(0); // nowait = false
                          sendMethod(kChannel, 85, 10, select);
                          expect(kChannel, {kConfirmSelectOk},
                                 [this](quint32, Reader &) {
                                     m_phase = Phase::Ready;
                                     if (auto done = std::exchange(m_openDone, {})) {
                                         done({});
                                     }
                                 },
                                 {});
                      },
                      {});
           },
           {});
}

void Client::get(const QByteArray &queue, GotOne done)
{
    if (m_phase != Phase::Ready) {
        later([done, e = m_error.isEmpty() ? tr("The AMQP channel is not open.") : m_error] { done(std::nullopt, e); });
        return;
    }
    Writer w;
    w.shortUint(0); // reserved
    w.shortString(queue);
    w.octet(0); // no_ack = false: the message stays the broker's until acknowledged
    sendMethod(kChannel, 60, 70, w);
    expect(
        kChannel, {kBasicGetOk, kBasicGetEmpty},
        [this, done](quint32 method, Reader &r) {
            if (method == kBasicGetEmpty) {
                done(std::nullopt, {});
                return;
            }
            Message m;
            m.deliveryTag = r.longLong();
            m.redelivered = (r.octet() & 1) != 0;
            m.exchange = r.shortString();
            m.routingKey = r.shortString();
            m.messageCount = r.longUint();
            beginContent(
                std::move(m), [done](Message got) { done(std::move(got), {}); },
                [done](const QString &error) { done(std::nullopt, error); });
        },
        [done](const QString &error) { done(std::nullopt, error); });
}

quint64 Client::publish(const QByteArray &exchange, const QByteArray &routingKey, const Properties &properties,
                        const QByteArray &body, bool mandatory)
{
    if (m_phase != Phase::Ready) {
        return 0;
    }
    Writer w;
    w.shortUint(0); // reserved
    w.shortString(exchange);
    w.shortString(routingKey);
    w.octet(mandatory ? 1 : 0); // immediate = false (RabbitMQ refuses it)
    sendMethod(kChannel, 60, 40, w);
    Writer header;
    header.shortUint(60);
    header.shortUint(0); // weight
    header.longLong(quint64(body.size()));
    header.properties(properties);
    writeFrame(kHeaderFrame, kChannel, header.data());
    // A body frame carries at most frame_max minus the 8 bytes of frame header and end octet.
    const qsizetype chunk = qsizetype(m_frameMax) - 8;
    for (qsizetype at = 0; at < body.size(); at += chunk) {
        writeFrame(kBodyFrame, kChannel, body.mid(at, chunk));
    }
    m_unconfirmed.insert(m_nextSequence);
    return m_nextSequence++;
}

void Client::ack(quint64 deliveryTag)
{
    if (m_phase == Phase::Ready) {
        Writer w;
        w.longLong(deliveryTag);
        w.octet(0); // multiple = false
        sendMethod(kChannel, 60, 80, w);
    }
}

void Client::nack(quint64 deliveryTag, bool requeue)
{
    if (m_phase == Phase::Ready) {
        Writer w;
        w.longLong(deliveryTag);
        w.octet(requeue ? 2 : 0); // bit 0 multiple, bit 1 requeue
        sendMethod(kChannel, 60, 120, w);
    }
}

void Client::readyCount(const QByteArray &queue, std::function<void(qint64, const QString &)> done)
{
    if (m_phase != Phase::Ready) {
        later([done, e = m_error.isEmpty() ? tr("The AMQP channel is not open.") : m_error] { done(-1, e); });
        return;
    }
    Writer w;
    w.shortUint(0);
    w.shortString(queue);
    w.octet(1); // passive; not durable, exclusive, auto-delete; wait for the answer
    w.table({});
    sendMethod(kChannel, 50, 10, w);
    expect(
        kChannel, {kQueueDeclareOk},
        [done](quint32, Reader &r) {
            r.shortString();
            done(qint64(r.longUint()), {});
        },
        [done](const QString &error) { done(-1, error); });
}

void Client::close(Done done)
{
    if (m_phase != Phase::Ready) {
        later([done] { done({}); });
        return;
    }
    m_phase = Phase::Closing;
    Writer w;
    w.shortUint(200);
    w.shortString("bye");
    w.shortUint(0);
    w.shortUint(0);
    sendMethod(0, 10, 50, w);
    expect(
        0, {kConnectionCloseOk},
        [this, done](quint32, Reader &) {
            m_phase = Phase::Closed;
            m_socket->disconnectFromHost();
            done({});
        },
        done);
}

void Client::abort(const QString &reason)
{
    fail(reason);
}

void Client::expect(quint16 channel, QList<quint32> methods, std::function<void(quint32, Reader &)> reply,
                    std::function<void(const QString &)> failed)
{
    m_rpc.push_back(Rpc{channel, std::move(methods), std::move(reply), std::move(failed)});
}

void Client::sendMethod(quint16 channel, quint16 classId, quint16 methodId, const Writer &args)
{
    Writer payload;
    payload.shortUint(classId);
    payload.shortUint(methodId);
    writeFrame(kMethodFrame, channel, payload.data() + args.data());
}

void Client::writeFrame(quint8 type, quint16 channel, const QByteArray &payload)
{
    Writer w;
    w.octet(type);
    w.shortUint(channel);
    w.longUint(quint32(payload.size()));
    m_socket->write(w.data() + payload + kFrameEnd);
    m_sinceSent.restart();
}

void Client::onReadyRead()
{
    m_in.append(m_socket->readAll());
    m_sinceReceived.restart();
    if (m_phase == Phase::Handshake && m_in.startsWith("AMQP")) {
        fail(tr("The server at %1:%2 speaks another AMQP version than 0-9-1.").arg(m_options.host).arg(m_options.port));
        return;
    }
    if (m_phase == Phase::Handshake && m_in.startsWith("HTTP/")) {
        fail(tr("%1:%2 is an HTTP port, not RabbitMQ's AMQP port: set amqp_port= in the URL.")
                 .arg(m_options.host)
                 .arg(m_options.port));
        return;
    }
    qsizetype at = 0;
    while (m_phase != Phase::Closed && m_in.size() - at >= 7) {
        Reader head(m_in, at);
        const quint8 type = head.octet();
        const quint16 channel = head.shortUint();
        const quint32 size = head.longUint();
        if (size > m_frameMax) {
            fail(tr("The AMQP server sent a frame of %1 bytes, over the agreed maximum of %2.")
                     .arg(size)
                     .arg(m_frameMax));
            return;
        }
        if (m_in.size() - at < qsizetype(size) + 8) {
            break;
        }
        if (m_in.at(at + 7 + qsizetype(size)) != kFrameEnd) {
            fail(tr("The AMQP stream is corrupt (a frame does not end where its length says)."));
            return;
        }
        const QByteArray payload = m_in.mid(at + 7, qsizetype(size));
        at += qsizetype(size) + 8;
        if (!dispatch(type, channel, payload)) {
            return;
        }
    }
    m_in.remove(0, at);
}

bool Client::dispatch(quint8 type, quint16 channel, const QByteArray &payload)
{
    if (type == kHeartbeatFrame) {
        return true;
    }
    if (type == kHeaderFrame || type == kBodyFrame) {
        return onContentFrame(type, payload);
    }
    if (type != kMethodFrame) {
        fail(tr("The AMQP server sent an unknown frame type %1.").arg(type));
        return false;
    }
    Reader r(payload);
    const quint16 classId = r.shortUint();
    const quint16 methodId = r.shortUint();
    if (r.failed()) {
        fail(tr("The AMQP server sent a truncated method frame."));
        return false;
    }
    return onMethod(channel, id(classId, methodId), r);
}

bool Client::onMethod(quint16 channel, quint32 method, Reader &r)
{
    if (m_content.active) {
        fail(tr("The AMQP server sent a method in the middle of a message."));
        return false;
    }
    if (method == kConnectionClose) {
        const QString why = closeReason(r);
        sendMethod(0, 10, 51, Writer());
        fail(m_phase == Phase::Handshake && why.startsWith(u"403")
                 ? tr("RabbitMQ refused the login of user \"%1\" on vhost \"%2\": %3")
                       .arg(m_options.user, m_options.vhost, why)
                 : tr("RabbitMQ closed the AMQP connection: %1").arg(why));
        return false;
    }
    if (method == kChannelClose) {
        const QString why = closeReason(r);
        sendMethod(kChannel, 20, 41, Writer());
        fail(tr("RabbitMQ closed the AMQP channel: %1").arg(why));
        return false;
    }
    if (method == kChannelFlow) { // deprecated by RabbitMQ, but answer it
        const quint8 active = r.octet();
        Writer ok;
        ok.octet(active);
        sendMethod(kChannel, 20, 21, ok);
        return true;
    }
    if (method == kBasicAck || method == kBasicNack) {
        const quint64 tag = r.longLong();
        const bool multiple = (r.octet() & 1) != 0;
        // multiple: everything up to and including the tag (0: everything outstanding).
        QList<quint64> settled;
        if (multiple) {
            for (auto it = m_unconfirmed.begin(); it != m_unconfirmed.end() && (tag == 0 || *it <= tag);) {
                settled << *it;
                it = m_unconfirmed.erase(it);
            }
        } else if (m_unconfirmed.erase(tag) > 0) {
            settled << tag;
        }
        for (const quint64 seq : settled) {
            Q_EMIT confirmed(seq, method == kBasicAck);
        }
        return m_phase != Phase::Closed;
    }
    if (method == kBasicReturn) {
        Message m;
        m.replyCode = r.shortUint();
        m.replyText = r.shortString();
        m.exchange = r.shortString();
        m.routingKey = r.shortString();
        beginContent(std::move(m), [this](Message back) { Q_EMIT returned(back); }, {});
        return true;
    }
    if (method == kConnectionCloseOk && m_phase != Phase::Closing) {
        return true;
    }
    if (m_rpc.empty() || m_rpc.front().channel != channel || !m_rpc.front().expects.contains(method)) {
        fail(tr("The AMQP server sent an unexpected method %1.%2.").arg(method >> 16).arg(method & 0xFFFF));
        return false;
    }
    Rpc rpc = std::move(m_rpc.front());
    m_rpc.pop_front();
    rpc.reply(method, r);
    if (r.failed()) {
        fail(tr("The AMQP server sent a malformed method %1.%2.").arg(method >> 16).arg(method & 0xFFFF));
        return false;
    }
    return m_phase != Phase::Closed;
}

void Client::beginContent(Message message, std::function<void(Message)> complete,
                          std::function<void(const QString &)> failed)
{
    m_content = Content{};
    m_content.active = true;
    m_content.message = std::move(message);
    m_content.complete = std::move(complete);
    m_content.fail = std::move(failed);
}

bool Client::onContentFrame(quint8 type, const QByteArray &payload)
{
    if (!m_content.active || (type == kHeaderFrame) == m_content.headerSeen) {
        fail(tr("The AMQP server sent message content out of order."));
        return false;
    }
    Message &m = m_content.message;
    if (type == kHeaderFrame) {
        Reader r(payload);
        r.shortUint(); // class
        r.shortUint(); // weight
        m.bodySize = r.longLong();
        m.properties = r.properties();
        if (r.failed()) {
            fail(tr("The AMQP server sent message properties this client cannot read faithfully."));
            return false;
        }
        m_content.headerSeen = true;
        m.oversized = m.bodySize > quint64(m_options.maxBodyBytes);
        if (!m.oversized) {
            m.body.reserve(qsizetype(m.bodySize));
        }
    } else {
        m_content.received += quint64(payload.size());
        if (m_content.received > m.bodySize) {
            fail(tr("The AMQP server sent more body than the message header announced."));
            return false;
        }
        if (!m.oversized) {
            m.body.append(payload);
        }
    }
    if (m_content.received == m.bodySize) {
        Content done = std::exchange(m_content, Content{});
        done.complete(std::move(done.message));
    }
    return m_phase != Phase::Closed;
}

void Client::onSocketError()
{
    if (m_phase == Phase::Closed) {
        return;
    }
    const QString where = QStringLiteral("%1:%2").arg(m_options.host).arg(m_options.port);
    if (m_phase == Phase::Connecting) {
        fail(tr("Cannot reach RabbitMQ's AMQP port at %1: %2").arg(where, m_socket->errorString()));
    } else if (m_phase == Phase::Handshake && !m_greeted) {
        fail(tr("%1 closed the connection without an AMQP greeting: is it RabbitMQ's AMQP port? Set amqp_port= in "
                "the URL (default 5672). %2")
                 .arg(where, m_socket->errorString()));
    } else if (m_phase == Phase::Handshake) {
        fail(tr("RabbitMQ at %1 closed the AMQP connection during login (wrong user or password, or no access to "
                "vhost \"%2\"?): %3")
                 .arg(where, m_options.vhost, m_socket->errorString()));
    } else {
        fail(tr("The AMQP connection to %1 was lost: %2").arg(where, m_socket->errorString()));
    }
}

bool Client::busy() const
{
    return m_phase != Phase::Ready || !m_rpc.empty() || m_content.active || !m_unconfirmed.empty();
}

void Client::onTick()
{
    if (m_phase == Phase::Closed || m_phase == Phase::Idle) {
        return;
    }
    if (m_heartbeat > 0 && m_phase == Phase::Ready && m_sinceSent.elapsed() >= m_heartbeat * 500) {
        writeFrame(kHeartbeatFrame, 0, {});
    }
    // A broker that sends no heartbeat for two intervals, or leaves an operation unanswered, is gone.
    const qint64 silence = m_sinceReceived.elapsed();
    if (busy() && silence > m_options.timeoutMs) {
        fail(tr("RabbitMQ did not answer over AMQP within %1 s.").arg(m_options.timeoutMs / 1000));
    } else if (m_heartbeat > 0 && silence > 2000LL * m_heartbeat) {
        fail(tr("RabbitMQ sent no AMQP heartbeat for %1 s.").arg(silence / 1000));
    }
}

void Client::fail(const QString &reason)
{
    if (m_phase == Phase::Closed) {
        return;
    }
    m_phase = Phase::Closed;
    m_error = reason;
    if (m_tick) {
        m_tick->stop();
    }
    if (m_socket) {
        m_socket->flush();
        m_socket->abort();
    }
    std::deque<Rpc> pending = std::exchange(m_rpc, {});
    Content content = std::exchange(m_content, Content{});
    Done open = std::exchange(m_openDone, {});
    // Report after this call returns: callers may be deep inside a read loop or a callback.
    later([this, pending = std::move(pending), open, reason, half = std::move(content.fail)] {
        if (open) {
            open(reason);
        }
        if (half) {
            half(reason); // a Get whose message was still arriving
        }
        for (const Rpc &rpc : pending) {
            if (rpc.fail) {
                rpc.fail(reason);
            }
        }
        Q_EMIT failed(reason);
    });
}

} // namespace qd::amqp
