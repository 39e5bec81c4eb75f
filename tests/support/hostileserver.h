// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

// A hostile or broken server, for fault injection only (the real peers fill every other test): it speaks just
// enough Redis or HTTP to get past the connection setup, then answers every request with one kind of bad answer.
// Its answers are generated as the client reads them (a few MiB buffered at most), so a 312 MB or endless answer
// costs the test nothing and the client's memory is what a test measures.

#include "core/backends/redis/respreader.h"

#include <QElapsedTimer>
#include <QHash>
#include <QPointer>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <memory>

namespace qd::test {

class HostileServer final : public QTcpServer
{
public:
    enum class Protocol { Redis, Http };
    enum class Fault {
        Huge,      ///< `size` bytes: Redis an array of 50 MB strings; HTTP a JSON list with its Content-Length
        Undeclared,///< HTTP: a `size`-byte body with no Content-Length, ended by closing (Redis: as Huge)
        Endless,   ///< an answer that never ends: HTTP chunked, Redis a string announced as a terabyte
        Integers,  ///< Redis: an array of 16 M small integers (HTTP: as Huge)
        Drip,      ///< a valid-looking answer, one byte every `dripMs`, forever
        WrongType, ///< Redis `+OK` to every command; HTTP 200 `{"ok":true}` to every path
        Garbage,   ///< random bytes
    };

    HostileServer(Protocol protocol, Fault fault, qint64 size = 312LL * 1000 * 1000)
        : m_protocol(protocol), m_fault(fault), m_size(size)
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = nextPendingConnection()) {
                accept(s);
            }
        });
        listen(QHostAddress::LocalHost, 0);
    }

    quint16 port() const { return serverPort(); }
    qint64 bytesSent() const { return m_sent; }
    int dripMs = 500;

private:
    struct Peer
    {
        qd::redis::RespReader commands;
        QByteArray request;
        bool streaming = false;
        qint64 left = 0;     ///< filler bytes still to send for the current element (Huge/Undeclared)
        qint64 elements = 0; ///< Redis elements still to start
        QByteArray tail;     ///< what goes after the filler
        bool endless = false;
        std::unique_ptr<QTimer> drip;
    };

    void accept(QTcpSocket *s)
    {
        auto peer = std::make_shared<Peer>();
        connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
        connect(s, &QTcpSocket::readyRead, s, [this, s, peer] { onRequest(s, *peer); });
        connect(s, &QTcpSocket::bytesWritten, s, [this, s, peer] { refill(s, *peer); });
        connect(s, &QObject::destroyed, this, [peer] { peer->drip.reset(); });
    }

    void onRequest(QTcpSocket *s, Peer &p)
    {
        const QByteArray in = s->readAll();
        if (p.streaming) {
            return; // the bad answer is under way; everything else the client says is ignored
        }
        if (m_protocol == Protocol::Http) {
            p.request += in;
            if (!p.request.contains("\r\n\r\n")) {
                return;
            }
            p.request.clear();
            startHttp(s, p);
            return;
        }
        p.commands.feed(in);
        while (auto command = p.commands.next()) {
            const QByteArray name = command->elements.isEmpty() ? QByteArray() : command->elements.first().str.toUpper();
            if (m_fault == Fault::WrongType || name == "AUTH" || name == "SELECT" || name == "CLIENT") {
                s->write("+OK\r\n"); // the connection setup succeeds, so the fault meets a real poll
                continue;
            }
            startRedis(s, p);
            return;
        }
    }

    void startRedis(QTcpSocket *s, Peer &p)
    {
        p.streaming = true;
        switch (m_fault) {
        case Fault::Huge:
        case Fault::Undeclared:
            p.elements = std::max<qint64>(1, m_size / (50LL * 1000 * 1000));
            send(s, "*" + QByteArray::number(p.elements) + "\r\n");
            break;
        case Fault::Endless:
            // One string announced as a terabyte: nothing in its header is refused, only its bytes add up.
            p.elements = 0;
            p.left = 1'000'000'000'000LL;
            send(s, "$1000000000000\r\n");
            break;
        case Fault::Integers:
            send(s, "*16000000\r\n");
            p.elements = 16'000'000;
            break;
        case Fault::Drip:
            startDrip(s, p, "*3\r\n$5\r\nhello\r\n" + QByteArray("$100000000\r\n"));
            return;
        case Fault::Garbage:
            send(s, garbage());
            s->disconnectFromHost();
            return;
        case Fault::WrongType:
            return;
        }
        refill(s, p);
    }

    void startHttp(QTcpSocket *s, Peer &p)
    {
        p.streaming = true;
        const QByteArray json = "Content-Type: application/json\r\n";
        switch (m_fault) {
        case Fault::Huge:
        case Fault::Integers:
            send(s, "HTTP/1.1 200 OK\r\n" + json + "Content-Length: " + QByteArray::number(m_size) + "\r\n\r\n[");
            p.left = m_size - 2;
            p.tail = "]";
            break;
        case Fault::Undeclared:
            send(s, "HTTP/1.1 200 OK\r\n" + json + "Connection: close\r\n\r\n[");
            p.left = m_size - 2;
            p.tail = "]";
            break;
        case Fault::Endless:
            send(s, "HTTP/1.1 200 OK\r\n" + json + "Transfer-Encoding: chunked\r\n\r\n1\r\n[\r\n");
            p.endless = true;
            break;
        case Fault::Drip:
            startDrip(s, p, "HTTP/1.1 200 OK\r\n" + json + "Content-Length: 1000000\r\n\r\n[");
            return;
        case Fault::WrongType: {
            const QByteArray body = R"({"ok":true})";
            send(s, "HTTP/1.1 200 OK\r\n" + json + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
            p.streaming = false; // answer every request the same way
            return;
        }
        case Fault::Garbage:
            send(s, garbage());
            s->disconnectFromHost();
            return;
        }
        refill(s, p);
    }

    void startDrip(QTcpSocket *s, Peer &p, const QByteArray &head)
    {
        send(s, head);
        p.drip = std::make_unique<QTimer>();
        QPointer<QTcpSocket> guard(s);
        QObject::connect(p.drip.get(), &QTimer::timeout, s, [this, guard] {
            if (guard) {
                send(guard, "x");
            }
        });
        p.drip->start(dripMs);
    }

    /// Tops the socket's send buffer up to a few MiB: the answer is made only as fast as the client reads it.
    void refill(QTcpSocket *s, Peer &p)
    {
        if (!p.streaming || p.drip) {
            return;
        }
        constexpr qint64 kChunk = 1 << 20;
        while (s->bytesToWrite() < 4 * kChunk) {
            if (m_protocol == Protocol::Http) {
                if (p.endless) {
                    send(s, QByteArray::number(kChunk, 16) + "\r\n" + filler(kChunk) + "\r\n");
                    continue;
                }
                if (p.left <= 0) {
                    send(s, p.tail);
                    p.streaming = false;
                    if (m_fault == Fault::Undeclared) {
                        s->disconnectFromHost();
                    }
                    return;
                }
                const qint64 n = std::min(kChunk, p.left);
                send(s, filler(n));
                p.left -= n;
                continue;
            }
            // Redis
            if (p.left > 0) {
                const qint64 n = std::min(kChunk, p.left);
                send(s, filler(n));
                p.left -= n;
                if (p.left == 0) {
                    send(s, "\r\n");
                }
                continue;
            }
            if (p.elements <= 0) {
                p.streaming = false;
                return;
            }
            if (m_fault == Fault::Integers) {
                const qint64 n = std::min<qint64>(p.elements, 200'000);
                send(s, QByteArray(":1\r\n").repeated(n));
                p.elements -= n;
                continue;
            }
            --p.elements;
            p.left = 50LL * 1000 * 1000;
            send(s, "$" + QByteArray::number(p.left) + "\r\n");
        }
    }

    void send(QTcpSocket *s, const QByteArray &bytes)
    {
        m_sent += bytes.size();
        s->write(bytes);
    }

    static QByteArray filler(qint64 n)
    {
        static const QByteArray chunk(1 << 20, 'x');
        return n == chunk.size() ? chunk : chunk.left(n);
    }

    static QByteArray garbage()
    {
        QByteArray g(64 * 1024, Qt::Uninitialized);
        QRandomGenerator rng(20261207);
        for (char &c : g) {
            c = char(rng.bounded(256));
        }
        return g;
    }

    Protocol m_protocol;
    Fault m_fault;
    qint64 m_size;
    qint64 m_sent = 0;
};

} // namespace qd::test
