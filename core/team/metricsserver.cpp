// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/team/metricsserver.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace qd {

namespace {

constexpr qsizetype kMaxRequest = 8 * 1024;
constexpr int kRequestTimeoutMs = 5000;

QByteArray response(int status, const QByteArray &reason, const QByteArray &type, const QByteArray &body, bool head)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason + "\r\nContent-Type: " + type
                     + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n"
                     + "Cache-Control: no-store\r\n\r\n";
    if (!head) {
        out += body;
    }
    return out;
}

} // namespace

MetricsServer::MetricsServer(std::function<QByteArray()> metrics, std::function<Health()> health, QObject *parent)
    : QObject(parent), m_server(new QTcpServer(this)), m_metrics(std::move(metrics)), m_health(std::move(health))
{
    connect(m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server->nextPendingConnection()) {
            serve(socket);
        }
    });
}

MetricsServer::~MetricsServer() = default;

QString MetricsServer::listen(const QHostAddress &address, quint16 port)
{
    if (!m_server->listen(address, port)) {
        return tr("Cannot listen on %1:%2 for /metrics: %3").arg(address.toString()).arg(port).arg(m_server->errorString());
    }
    return {};
}

quint16 MetricsServer::port() const
{
    return m_server->serverPort();
}

void MetricsServer::serve(QTcpSocket *socket)
{
    socket->setParent(this);
    auto *timeout = new QTimer(socket);
    timeout->setSingleShot(true);
    connect(timeout, &QTimer::timeout, socket, [socket] { socket->abort(); });
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    connect(socket, &QAbstractSocket::errorOccurred, socket, [socket] { socket->deleteLater(); });
    timeout->start(kRequestTimeoutMs);
    connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
        if (socket->property("answered").toBool()) {
            socket->readAll();
            return;
        }
        const QByteArray seen = socket->peek(kMaxRequest + 1);
        const qsizetype end = seen.indexOf("\r\n\r\n");
        if (end < 0) {
            if (seen.size() > kMaxRequest) {
                socket->abort(); // no end of headers within 8 KiB: not a scrape
            }
            return;
        }
        socket->read(end + 4);
        socket->setProperty("answered", true);
        const QList<QByteArray> line = seen.left(seen.indexOf("\r\n")).split(' ');
        const QByteArray method = line.value(0);
        const QByteArray path = line.value(1).split('?').value(0);
        const bool head = method == "HEAD";
        QByteArray reply;
        if (method != "GET" && !head) {
            reply = response(405, "Method Not Allowed", "text/plain; charset=utf-8", "GET or HEAD\n", false);
        } else if (path == "/metrics") {
            reply = response(200, "OK", "text/plain; version=0.0.4; charset=utf-8", m_metrics(), head);
        } else if (path == "/healthz") {
            const Health h = m_health();
            reply = h.ok ? response(200, "OK", "text/plain; charset=utf-8", h.text + '\n', head)
                         : response(503, "Service Unavailable", "text/plain; charset=utf-8", h.text + '\n', head);
        } else {
            reply = response(404, "Not Found", "text/plain; charset=utf-8", "/metrics or /healthz\n", head);
        }
        socket->write(reply);
        socket->disconnectFromHost();
    });
}

} // namespace qd
