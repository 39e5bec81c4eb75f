// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/backends/redis/redisconnection.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QHash>
#include <QMutex>
#include <QPromise>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTimer>

namespace qd::redis {

namespace {
constexpr qint64 kMinBackoffMs = 250;
constexpr qint64 kMaxBackoffMs = 10'000;

int secondsOption(const ConnectionUrl &url, const char *key, int fallback)
{
    bool ok = false;
    const double s = url.option(QString::fromLatin1(key)).toDouble(&ok);
    return ok && s > 0 && s < 3600 ? int(s * 1000) : fallback;
}

} // namespace

// ---------------------------------------------------------------------------------------------- Options

QString Options::endpoint() const
{
    return QStringLiteral("%1:%2/%3").arg(host).arg(port).arg(db);
}

Result<Options> Options::fromUrl(const ConnectionUrl &url)
{
    Options o;
    o.host = url.host;
    o.port = quint16(url.port > 0 ? url.port : 6379);
    o.tls = url.transport == u"rediss";
    o.user = url.user;
    o.password = url.password;
    if (o.password.isEmpty()) {
        o.password = qEnvironmentVariable("REDISCLI_AUTH");
    }
    o.db = url.path.isEmpty() ? 0 : url.path.toInt();
    o.connectTimeoutMs = secondsOption(url, "connect_timeout", o.connectTimeoutMs);
    o.replyTimeoutMs = secondsOption(url, "timeout", o.replyTimeoutMs);
    const QString cap = url.option(QStringLiteral("max_reply_mb"));
    if (!cap.isEmpty()) {
        bool ok = false;
        const qint64 mb = cap.toLongLong(&ok);
        if (!ok || mb < 1 || mb > 4096) {
            return Result<Options>::failure(tr("max_reply_mb must be a number of MiB between 1 and 4096, got \"%1\".")
                                                .arg(cap.left(40)));
        }
        o.limits.maxReplyBytes = mb * 1024 * 1024;
    }
    o.caFile = url.option(QStringLiteral("tls_ca"));
    if (!o.caFile.isEmpty() && !QFile::exists(o.caFile)) {
        return Result<Options>::failure(tr("The TLS CA file %1 (tls_ca) does not exist.").arg(o.caFile));
    }
    return o;
}

// ----------------------------------------------------------------------------------------------- Script

namespace {
// Scripts by SHA-1, so a NOSCRIPT reply can be answered with EVAL of the source.
QHash<QByteArray, QByteArray> &scriptSources()
{
    static QHash<QByteArray, QByteArray> sources;
    return sources;
}
QMutex &scriptMutex()
{
    static QMutex m;
    return m;
}
void registerScript(const QByteArray &sha, const QByteArray &source)
{
    QMutexLocker lock(&scriptMutex());
    scriptSources().insert(sha, source);
}
QByteArray scriptSource(const QByteArray &sha)
{
    QMutexLocker lock(&scriptMutex());
    return scriptSources().value(sha);
}
} // namespace

Script::Script(QByteArray source)
    : m_source(std::move(source)), m_sha1(QCryptographicHash::hash(m_source, QCryptographicHash::Sha1).toHex())
{
    registerScript(m_sha1, m_source);
}

Command Script::evalsha(const QByteArrayList &keys, const QByteArrayList &args) const
{
    Command c;
    c.reserve(3 + keys.size() + args.size());
    c << QByteArrayLiteral("EVALSHA") << m_sha1 << QByteArray::number(keys.size());
    c += keys;
    c += args;
    return c;
}


// ------------------------------------------------------------------------------------------- Connection

Connection::Connection(Options options, QObject *parent) : QObject(parent), m_options(std::move(options)) {}

Connection::~Connection()
{
    shutdown(tr("The connection to Redis was closed."));
    delete m_reader;
}

void Connection::deliver(Done done, Batch batch)
{
    // Never call back from inside send(): the caller may not expect re-entrancy.
    QMetaObject::invokeMethod(
        this, [done = std::move(done), batch = std::move(batch)]() mutable { done(std::move(batch)); },
        Qt::QueuedConnection);
}

void Connection::send(QList<Command> commands, Done done)
{
    if (commands.isEmpty()) {
        deliver(std::move(done), Batch{});
        return;
    }
    Pending p{std::move(commands), {}, std::move(done), {}};
    switch (m_phase) {
    case Phase::Ready:
        write(std::move(p));
        return;
    case Phase::Connecting:
    case Phase::Handshake:
        m_waiting.push_back(std::move(p));
        return;
    case Phase::Idle:
        if (m_backoffMs > 0 && m_sinceFailure.isValid() && m_sinceFailure.elapsed() < m_backoffMs) {
            const double wait = double(m_backoffMs - m_sinceFailure.elapsed()) / 1000.0;
            deliver(std::move(p.done),
                    Batch{{}, tr("%1 (retrying in %2 s)").arg(m_lastError).arg(wait, 0, 'f', 1)});
            return;
        }
        m_waiting.push_back(std::move(p));
        startConnecting();
        return;
    }
}

void Connection::startConnecting()
{
    if (!m_socket) {
        m_socket = new QSslSocket(this);
        m_timer = new QTimer(this);
        m_timer->setSingleShot(true);
        connect(m_timer, &QTimer::timeout, this, &Connection::onTimeout);
        connect(m_socket, &QSslSocket::readyRead, this, &Connection::onReadyRead);
        connect(m_socket, &QAbstractSocket::errorOccurred, this, &Connection::onSocketError);
        connect(m_socket, &QAbstractSocket::disconnected, this, [this] {
            if (m_phase != Phase::Idle) {
                failAll(tr("Redis at %1 closed the connection.").arg(m_options.endpoint()), true);
            }
        });
        connect(m_socket, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
            QStringList texts;
            for (const QSslError &e : errors) {
                texts << e.errorString();
            }
            m_sslErrors = texts.join(QStringLiteral("; "));
        });
        if (m_options.tls) {
            connect(m_socket, &QSslSocket::encrypted, this, &Connection::onConnected);
        } else {
            connect(m_socket, &QAbstractSocket::connected, this, &Connection::onConnected);
        }
    }
    delete m_reader;
    m_reader = new RespReader(m_options.limits);
    m_sslErrors.clear();
    m_phase = Phase::Connecting;
    m_timer->start(m_options.connectTimeoutMs);
    ++m_stats.connects;
    if (m_options.tls) {
        QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
        if (!m_options.caFile.isEmpty()) {
            conf.addCaCertificates(m_options.caFile);
        }
        conf.setPeerVerifyMode(QSslSocket::VerifyPeer);
        m_socket->setSslConfiguration(conf);
        m_socket->connectToHostEncrypted(m_options.host, m_options.port);
    } else {
        m_socket->connectToHost(m_options.host, m_options.port);
    }
}

void Connection::onConnected()
{
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_phase = Phase::Handshake;
    QList<Command> hello;
    if (!m_options.password.isEmpty()) {
        Command auth{QByteArrayLiteral("AUTH")};
        if (!m_options.user.isEmpty()) {
            auth << m_options.user.toUtf8();
        }
        auth << m_options.password.toUtf8();
        hello << auth;
    }
    hello << Command{QByteArrayLiteral("SELECT"), QByteArray::number(m_options.db)};
    hello << Command{QByteArrayLiteral("CLIENT"), QByteArrayLiteral("SETNAME"), m_options.clientName};
    const bool authenticated = !m_options.password.isEmpty();
    write(Pending{hello, {}, [this, authenticated](Batch b) {
                      if (!b.ok()) {
                          return; // failAll already ran
                      }
                      for (qsizetype i = 0; i < b.replies.size(); ++i) {
                          const Reply &r = b.replies.at(i);
                          if (!r.isError()) {
                              continue;
                          }
                          const QString text = r.errorText();
                          QString why;
                          if (authenticated && i == 0) {
                              why = tr("Redis at %1 refused the credentials: %2").arg(m_options.endpoint(), text);
                          } else if (text.startsWith(u"NOAUTH")) {
                              why = tr("Redis at %1 requires a password (%2). Give it in the URL "
                                       "(redis://user:password@host) or in REDISCLI_AUTH.")
                                        .arg(m_options.endpoint(), text);
                          } else if (r.str.startsWith("ERR unknown command") && i == b.replies.size() - 1) {
                              continue; // CLIENT SETNAME is optional (proxies may not support it)
                          } else {
                              why = tr("Redis at %1 refused the connection setup: %2").arg(m_options.endpoint(), text);
                          }
                          failAll(why, true);
                          return;
                      }
                      m_phase = Phase::Ready;
                      m_failures = 0;
                      m_backoffMs = 0;
                      m_lastError.clear();
                      Q_EMIT connectionChanged(true, QString());
                      while (!m_waiting.empty()) {
                          Pending p = std::move(m_waiting.front());
                          m_waiting.pop_front();
                          write(std::move(p));
                      }
                  }, {}});
}

void Connection::write(Pending &&p)
{
    QByteArray bytes;
    for (const Command &c : std::as_const(p.commands)) {
        bytes += encodeCommand(c);
    }
    m_stats.roundTrips += 1;
    m_stats.commands += p.commands.size();
    m_stats.bytesOut += bytes.size();
    m_socket->write(bytes);
    p.deadline = QDeadlineTimer(m_options.replyTimeoutMs);
    m_inflight.push_back(std::move(p));
    armTimer();
}

void Connection::armTimer()
{
    if (!m_inflight.empty()) {
        // The oldest batch's wall-clock deadline: a server that drips a byte at a time cannot keep it alive.
        m_timer->start(int(std::clamp<qint64>(m_inflight.front().deadline.remainingTime(), 0, m_options.replyTimeoutMs)));
    } else if (m_phase == Phase::Ready) {
        m_timer->stop();
    }
}

void Connection::onReadyRead()
{
    const QByteArray bytes = m_socket->readAll();
    m_stats.bytesIn += bytes.size();
    if (!m_reader->feed(bytes)) {
        failAll(m_reader->error(), true);
        return;
    }
    while (auto reply = m_reader->next()) {
        if (m_inflight.empty()) {
            failAll(tr("Redis at %1 sent a reply nobody asked for; the connection is dropped.").arg(m_options.endpoint()),
                    true);
            return;
        }
        Pending &front = m_inflight.front();
        front.replies.append(std::move(*reply));
        if (front.replies.size() == front.commands.size()) {
            Pending done = std::move(front);
            m_inflight.pop_front();
            complete(std::move(done));
            if (m_phase == Phase::Idle) {
                return; // the completion failed the connection (handshake refused)
            }
        }
    }
    if (m_reader->hasError()) {
        failAll(m_reader->error(), true);
        return;
    }
    if (!bytes.isEmpty()) {
        armTimer();
    }
}

void Connection::complete(Pending &&p)
{
    // EVALSHA answered NOSCRIPT: send those commands again as EVAL with the source, then deliver everything.
    QList<qsizetype> retry;
    for (qsizetype i = 0; i < p.replies.size(); ++i) {
        const Reply &r = p.replies.at(i);
        const Command &c = p.commands.at(i);
        if (r.isError() && r.str.startsWith("NOSCRIPT") && c.size() >= 3 && c.first() == "EVALSHA"
            && !scriptSource(c.at(1)).isEmpty()) {
            retry.append(i);
        }
    }
    if (retry.isEmpty()) {
        p.done(Batch{std::move(p.replies), {}});
        return;
    }
    QList<Command> evals;
    for (qsizetype i : std::as_const(retry)) {
        Command c = p.commands.at(i);
        c[0] = QByteArrayLiteral("EVAL");
        c[1] = scriptSource(c.at(1));
        evals.append(c);
    }
    auto original = std::make_shared<Pending>(std::move(p));
    write(Pending{evals, {}, [original, retry](Batch b) {
                      if (!b.ok()) {
                          original->done(std::move(b));
                          return;
                      }
                      for (qsizetype k = 0; k < retry.size(); ++k) {
                          original->replies[retry.at(k)] = b.replies.at(k);
                      }
                      original->done(Batch{std::move(original->replies), {}});
                  }, {}});
}

void Connection::onSocketError()
{
    if (m_phase == Phase::Idle) {
        return;
    }
    QString why = m_socket->errorString();
    if (!m_sslErrors.isEmpty()) {
        why = m_sslErrors;
    }
    failAll(tr("Cannot reach Redis at %1: %2").arg(m_options.endpoint(), why), true);
}

void Connection::onTimeout()
{
    if (m_phase == Phase::Connecting) {
        failAll(tr("Redis at %1 did not accept the connection within %2 s.")
                    .arg(m_options.endpoint())
                    .arg(m_options.connectTimeoutMs / 1000.0),
                true);
    } else if (!m_inflight.empty()) {
        failAll(tr("Redis at %1 did not answer in full within %2 s; the connection is dropped.")
                    .arg(m_options.endpoint())
                    .arg(m_options.replyTimeoutMs / 1000.0),
                true);
    }
}

void Connection::failAll(const QString &reason, bool backoff)
{
    const bool wasConnected = m_phase == Phase::Ready;
    m_phase = Phase::Idle;
    m_lastError = reason;
    if (m_timer) {
        m_timer->stop();
    }
    if (m_socket) {
        m_socket->blockSignals(true);
        m_socket->abort();
        m_socket->blockSignals(false);
    }
    if (backoff) {
        ++m_failures;
        m_backoffMs = std::min(kMaxBackoffMs, kMinBackoffMs << std::min(m_failures - 1, 6));
        m_sinceFailure.start();
    }
    std::deque<Pending> failed;
    failed.swap(m_inflight);
    for (auto &p : m_waiting) {
        failed.push_back(std::move(p));
    }
    m_waiting.clear();
    for (auto &p : failed) {
        p.done(Batch{{}, reason});
    }
    if (wasConnected || !failed.empty()) {
        Q_EMIT connectionChanged(false, reason);
    }
}

void Connection::shutdown(const QString &reason)
{
    if (m_phase != Phase::Idle || !m_waiting.empty() || !m_inflight.empty()) {
        failAll(reason, false);
    }
}

// ----------------------------------------------------------------------------------------------- Client

Client::Client(Options options, const QString &threadName) : m_connection(new Connection(std::move(options)))
{
    m_thread.setObjectName(threadName);
    m_connection->moveToThread(&m_thread);
    m_thread.start();
}

Client::~Client()
{
    QMetaObject::invokeMethod(
        m_connection,
        [c = m_connection] {
            delete c;
            QThread::currentThread()->quit();
        },
        Qt::QueuedConnection);
    m_thread.wait();
}

void Client::post(std::function<void(Connection &)> fn)
{
    QMetaObject::invokeMethod(
        m_connection, [c = m_connection, fn = std::move(fn)] { fn(*c); }, Qt::QueuedConnection);
}

QFuture<Batch> Client::pipeline(QList<Command> commands)
{
    auto promise = std::make_shared<QPromise<Batch>>();
    promise->start();
    QFuture<Batch> f = promise->future();
    post([promise, commands = std::move(commands)](Connection &c) mutable {
        c.send(std::move(commands), [promise](Batch b) {
            promise->addResult(std::move(b));
            promise->finish();
        });
    });
    return f;
}

Connection::Stats Client::stats()
{
    auto promise = std::make_shared<QPromise<Connection::Stats>>();
    promise->start();
    QFuture<Connection::Stats> f = promise->future();
    post([promise](Connection &c) {
        promise->addResult(c.stats());
        promise->finish();
    });
    return f.result();
}

} // namespace qd::redis
