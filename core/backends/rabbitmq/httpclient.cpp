// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/backends/rabbitmq/httpclient.h"

#include <QCoreApplication>
#include <QHash>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslConfiguration>
#include <QTimer>

namespace qd::http {

class Client::Worker final : public QObject
{
    struct State
    {
        QByteArray received;
        bool capped = false;
        bool late = false;
    };

public:
    Worker(QUrl base, Options options) : m_base(std::move(base)), m_options(std::move(options)) {}

    void send(const QByteArray &verb, const QString &path, const QByteArray &body, Done done)
    {
        if (!m_nam) {
            m_nam = new QNetworkAccessManager(this);
        }
        QUrl url = m_base;
        const qsizetype q = path.indexOf(u'?');
        url.setPath(url.path() + (q >= 0 ? path.left(q) : path), QUrl::TolerantMode);
        if (q >= 0) {
            url.setQuery(path.mid(q + 1), QUrl::TolerantMode);
        }
        QNetworkRequest request(url);
        request.setTransferTimeout(m_options.timeoutMs);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        request.setRawHeader("Authorization",
                             "Basic " + QByteArray(m_options.user.toUtf8() + ':' + m_options.password.toUtf8()).toBase64());
        // DELETE answers 406 to a JSON-only Accept header (RabbitMQ 3.10): ask for JSON only where it answers JSON.
        request.setRawHeader("Accept", verb == "DELETE" ? QByteArrayLiteral("*/*") : QByteArrayLiteral("application/json"));
        if (url.scheme() == u"https") {
            QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
            if (!m_options.caFile.isEmpty()) {
                conf.addCaCertificates(m_options.caFile);
            }
            conf.setPeerVerifyMode(QSslSocket::VerifyPeer);
            request.setSslConfiguration(conf);
        }
        QNetworkReply *reply = nullptr;
        if (verb == "GET") {
            reply = m_nam->get(request);
        } else {
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
            reply = verb == "PUT"      ? m_nam->put(request, body)
                    : verb == "DELETE" ? m_nam->deleteResource(request)
                                       : m_nam->post(request, body);
        }
        auto state = std::make_shared<State>();
        m_inFlight.insert(reply, state);
        const qint64 cap = m_options.maxBodyBytes;
        // Qt would otherwise buffer the whole answer as fast as the server sends it, whatever we read: a small read
        // buffer makes the cap hold while the answer streams, not after it.
        reply->setReadBufferSize(1 << 20);
        QObject::connect(reply, &QNetworkReply::metaDataChanged, reply, [reply, state, cap] {
            bool known = false;
            const qint64 announced = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong(&known);
            if (known && announced > cap && !state->capped) {
                state->capped = true; // refused before its first byte
                reply->abort();
            }
        });
        // The cap holds for everything in flight on this client together: a poll's parallel requests to a server
        // that streams endlessly on each must not hold the cap several times over.
        QObject::connect(reply, &QNetworkReply::readyRead, reply, [this, reply, state, cap] {
            const QByteArray chunk = reply->readAll();
            if (state->capped) {
                return;
            }
            state->received.append(chunk);
            m_inFlightBytes += chunk.size();
            if (m_inFlightBytes > cap) {
                // Every answer in flight is dropped with it: they are parts of one poll that has failed anyway,
                // and a server streaming without end on each would otherwise be read to the cap once per request.
                const auto inFlight = m_inFlight;
                for (auto it = inFlight.cbegin(); it != inFlight.cend(); ++it) {
                    State &other = *it.value();
                    if (!other.capped) {
                        other.capped = true;
                        m_inFlightBytes -= other.received.size();
                        other.received = QByteArray(); // nothing of it is used: give the memory back now
                        it.key()->abort();
                    }
                }
            }
        });
        // A wall-clock deadline for the whole exchange: the transfer timeout restarts with every byte, so a server
        // that drips one byte a second would keep the request alive forever.
        auto *deadline = new QTimer(reply);
        deadline->setSingleShot(true);
        QObject::connect(deadline, &QTimer::timeout, reply, [reply, state] {
            state->late = true;
            reply->abort();
        });
        deadline->start(m_options.timeoutMs);
        const int timeoutMs = m_options.timeoutMs;
        QObject::connect(reply, &QNetworkReply::finished, reply, [this, reply, state, cap, url, done, timeoutMs] {
            reply->deleteLater();
            m_inFlight.remove(reply);
            m_inFlightBytes -= state->received.size();
            Response r;
            r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QByteArray rest = state->capped ? QByteArray() : reply->readAll();
            if (state->capped || state->received.size() + rest.size() > cap) {
                r.error = QCoreApplication::translate("qd::http::Client", "The answer from %1 is larger than %2 MiB; it was cut off.")
                              .arg(url.host())
                              .arg(cap / (1024 * 1024));
                r.status = 0;
                r.refused = true;
                done(std::move(r));
                return;
            }
            state->received.append(rest);
            r.bytes = state->received.size();
            if (state->late) {
                r.error = QCoreApplication::translate("qd::http::Client",
                                                      "%1 did not answer in full within %2 s; the request was abandoned.")
                              .arg(url.host())
                              .arg(timeoutMs / 1000.0);
                r.status = 0;
                r.refused = true;
            } else if (r.status == 0) {
                r.error = reply->errorString();
            }
            r.body = std::move(state->received);
            done(std::move(r));
        });
    }

private:
    QUrl m_base;
    Options m_options;
    QNetworkAccessManager *m_nam = nullptr;
    QHash<QNetworkReply *, std::shared_ptr<State>> m_inFlight;
    qint64 m_inFlightBytes = 0; ///< body bytes held by every request still in flight
};

Client::Client(QUrl base, Options options, const QString &threadName)
    : m_worker(new Worker(std::move(base), std::move(options)))
{
    m_thread.setObjectName(threadName);
    m_worker->moveToThread(&m_thread);
    m_thread.start();
}

Client::~Client()
{
    QMetaObject::invokeMethod(
        m_worker,
        [w = m_worker] {
            delete w; // aborts what is in flight; their finished handlers still run with an error
            QThread::currentThread()->quit();
        },
        Qt::QueuedConnection);
    m_thread.wait();
}

void Client::get(const QString &path, Done done)
{
    QMetaObject::invokeMethod(m_worker, [w = m_worker, path, done = std::move(done)]() mutable {
        w->send("GET", path, {}, std::move(done));
    }, Qt::QueuedConnection);
}

void Client::post(const QString &path, const QByteArray &json, Done done)
{
    QMetaObject::invokeMethod(m_worker, [w = m_worker, path, json, done = std::move(done)]() mutable {
        w->send("POST", path, json, std::move(done));
    }, Qt::QueuedConnection);
}

void Client::put(const QString &path, const QByteArray &json, Done done)
{
    QMetaObject::invokeMethod(m_worker, [w = m_worker, path, json, done = std::move(done)]() mutable {
        w->send("PUT", path, json, std::move(done));
    }, Qt::QueuedConnection);
}

void Client::del(const QString &path, Done done)
{
    QMetaObject::invokeMethod(m_worker, [w = m_worker, path, done = std::move(done)]() mutable {
        w->send("DELETE", path, {}, std::move(done));
    }, Qt::QueuedConnection);
}

void Client::post(std::function<void()> fn)
{
    QMetaObject::invokeMethod(m_worker, std::move(fn), Qt::QueuedConnection);
}

} // namespace qd::http
