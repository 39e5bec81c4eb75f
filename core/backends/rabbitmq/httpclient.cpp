// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "httpclient.h"

#include <QCoreApplication>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslConfiguration>

namespace qd::http {

class Client::Worker final : public QObject
{
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
        auto received = std::make_shared<QByteArray>();
        auto capped = std::make_shared<bool>(false);
        const qint64 cap = m_options.maxBodyBytes;
        QObject::connect(reply, &QNetworkReply::readyRead, reply, [reply, received, capped, cap] {
            received->append(reply->readAll());
            if (received->size() > cap && !*capped) {
                *capped = true;
                reply->abort();
            }
        });
        QObject::connect(reply, &QNetworkReply::finished, reply, [reply, received, capped, cap, url, done] {
            reply->deleteLater();
            received->append(reply->readAll());
            Response r;
            r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            r.bytes = received->size();
            if (*capped) {
                r.error = QCoreApplication::translate("qd::http::Client", "The answer from %1 is larger than %2 MiB; it was cut off.")
                              .arg(url.host())
                              .arg(cap / (1024 * 1024));
            } else if (r.status == 0) {
                r.error = reply->errorString();
            }
            r.body = std::move(*received);
            done(std::move(r));
        });
    }

private:
    QUrl m_base;
    Options m_options;
    QNetworkAccessManager *m_nam = nullptr;
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
