// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QObject>

#include <functional>

class QTcpServer;
class QTcpSocket;

namespace qd {

/// The team server's HTTP endpoint for Prometheus and for load balancers: `GET /metrics` (the text exposition) and
/// `GET /healthz` (200 "leader" or "standby", 503 while the database is unreachable). A deliberately small HTTP/1.1
/// server: GET and HEAD only, one request per connection, requests over 8 KiB or slower than 5 s are dropped, and
/// nothing a client sends is ever echoed back.
class MetricsServer final : public QObject
{
    Q_OBJECT
public:
    struct Health
    {
        bool ok = true;
        QByteArray text;
    };
    MetricsServer(std::function<QByteArray()> metrics, std::function<Health()> health, QObject *parent = nullptr);
    ~MetricsServer() override;
    Q_DISABLE_COPY_MOVE(MetricsServer)

    /// Listens on `address:port` (port 0: a free one). Empty, or why it cannot.
    QString listen(const QHostAddress &address, quint16 port);
    quint16 port() const;

private:
    void serve(QTcpSocket *socket);

    QTcpServer *m_server;
    std::function<QByteArray()> m_metrics;
    std::function<Health()> m_health;
};

} // namespace qd
