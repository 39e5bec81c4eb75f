// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QThread>
#include <QUrl>

#include <functional>

class QNetworkAccessManager;

namespace qd::http {

struct Response
{
    int status = 0;       ///< HTTP status; 0 when no answer arrived
    QByteArray body;
    QString error;        ///< transport failure or cap exceeded; empty when an answer (any status) arrived
    qint64 bytes = 0;     ///< body bytes received
    bool refused = false; ///< the server did answer, but the answer was refused here (over the cap, past the deadline)
};

struct Options
{
    QString user;
    QString password;
    QString caFile;               ///< extra CAs for https (PEM)
    int timeoutMs = 15'000;       ///< wall clock for the whole request: bytes arriving do not extend it
    qint64 maxBodyBytes = 64LL * 1024 * 1024;
};

/// A QNetworkAccessManager on its own thread; requests are asynchronous and answered on that thread.
/// Basic auth is sent up front (no 401 round trip); https verifies the peer; an answer is aborted as soon as it
/// passes the cap (at once when its Content-Length says it will) or its wall-clock deadline.
class Client final
{
public:
    Client(QUrl base, Options options, const QString &threadName);
    ~Client();
    Q_DISABLE_COPY_MOVE(Client)

    using Done = std::function<void(Response)>;
    /// `path` is appended to the base URL as is (already percent-encoded), query included.
    void get(const QString &path, Done done);
    void post(const QString &path, const QByteArray &json, Done done);
    void put(const QString &path, const QByteArray &json, Done done);
    void del(const QString &path, Done done);
    /// Runs `fn` on the client's thread (to chain requests without crossing threads).
    void post(std::function<void()> fn);

private:
    class Worker;
    QThread m_thread;
    Worker *m_worker;
};

} // namespace qd::http
