// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// The Redis connection against a real redis-server: pipelining, database selection, per-command errors,
// EVALSHA falling back to EVAL, AUTH and ACL users, the reply cap with a 50 MB value, a server killed
// mid-command and restarted, and fault injection (a socket that dies mid-reply, a server that never answers).
#include "core/backend.h"
#include "core/backendfactory.h"
#include "core/backends/redis/redisconnection.h"
#include "tests/backends/redistestserver.h"

#include <QFuture>
#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace qd::redis;
using qd::test::RedisServer;

namespace {

constexpr int kDb = 1; // this executable's database on the shared server

Options optionsFor(int port, int db = kDb)
{
    Options o;
    o.host = QStringLiteral("127.0.0.1");
    o.port = quint16(port);
    o.db = db;
    return o;
}

Batch run(Client &c, QList<Command> commands)
{
    return c.pipeline(std::move(commands)).result();
}

} // namespace

class TestRedisConnection : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_shared = qd::test::sharedRedis();
        QVERIFY(m_shared.port > 0);
    }

    void pipelinesAThousandCommandsInOneRoundTrip()
    {
        Client c(optionsFor(m_shared.port), QStringLiteral("t"));
        QVERIFY(run(c, {{"FLUSHDB"}}).ok());
        const auto before = c.stats();
        QList<Command> cmds;
        for (int i = 0; i < 500; ++i) {
            cmds << Command{"SET", "k" + QByteArray::number(i), QByteArray::number(i * 2)};
            cmds << Command{"GET", "k" + QByteArray::number(i)};
        }
        const Batch b = run(c, cmds);
        QVERIFY2(b.ok(), qPrintable(b.error));
        QCOMPARE(b.replies.size(), 1000);
        QCOMPARE(b.replies.at(999).toInteger().value(), 998);
        const auto after = c.stats();
        QCOMPARE(after.roundTrips - before.roundTrips, 1);
        QCOMPARE(after.commands - before.commands, 1000);
    }

    void selectsTheDatabaseAndNamesItself()
    {
        Client c(optionsFor(m_shared.port, 7), QStringLiteral("t"));
        QVERIFY(run(c, {{"SET", "where", "seven"}}).ok());
        QCOMPARE(qd::test::redisCli(m_shared.host, m_shared.port, 7, {QStringLiteral("GET"), QStringLiteral("where")}),
                 QStringLiteral("seven"));
        const Batch b = run(c, {{"CLIENT", "GETNAME"}});
        QCOMPARE(b.replies.at(0).str, QByteArray("queuedeck"));
    }

    void oneWrongTypeKeyDoesNotFailTheBatch()
    {
        Client c(optionsFor(m_shared.port), QStringLiteral("t"));
        const Batch b = run(c, {{"SET", "str", "x"}, {"LLEN", "str"}, {"GET", "str"}});
        QVERIFY(b.ok());
        QVERIFY(b.replies.at(1).isError());
        QVERIFY(b.replies.at(1).errorText().startsWith(u"WRONGTYPE"));
        QCOMPARE(b.replies.at(2).str, QByteArray("x"));
    }

    void evalshaFallsBackToEvalAfterScriptFlush()
    {
        // A private server: SCRIPT FLUSH is server-wide and would cost the other tests' polls a round trip.
        RedisServer server;
        QVERIFY2(server.start(), qPrintable(server.error()));
        Client c(optionsFor(server.port(), 0), QStringLiteral("t"));
        const Script script(QByteArrayLiteral("return {KEYS[1], ARGV[1], 'queuedeck-test'}"));
        QVERIFY(run(c, {{"SCRIPT", "FLUSH"}}).ok());
        const auto before = c.stats();
        Batch b = run(c, {script.evalsha({"key"}, {"arg"}), {"PING"}});
        QVERIFY2(b.ok(), qPrintable(b.error));
        QCOMPARE(b.replies.at(0).toByteArrayList(), (QByteArrayList{"key", "arg", "queuedeck-test"}));
        QCOMPARE(b.replies.at(1).str, QByteArray("PONG"));
        QCOMPARE(c.stats().roundTrips - before.roundTrips, 2); // EVALSHA → NOSCRIPT → EVAL
        // Now cached by the server: one round trip.
        const auto cached = c.stats();
        b = run(c, {script.evalsha({"key"}, {"arg"})});
        QVERIFY(b.ok() && !b.replies.at(0).isError());
        QCOMPARE(c.stats().roundTrips - cached.roundTrips, 1);
    }

    void passwordAndAclUser()
    {
        RedisServer server({QStringLiteral("--requirepass"), QStringLiteral("s3cret")});
        QVERIFY2(server.start(), qPrintable(server.error()));

        Client none(optionsFor(server.port(), 0), QStringLiteral("t"));
        Batch b = run(none, {{"PING"}});
        QVERIFY(!b.ok());
        QVERIFY2(b.error.contains(u"requires a password"), qPrintable(b.error));

        Options wrong = optionsFor(server.port(), 0);
        wrong.password = QStringLiteral("guess");
        Client bad(wrong, QStringLiteral("t"));
        b = run(bad, {{"PING"}});
        QVERIFY(!b.ok());
        QVERIFY2(b.error.contains(u"refused the credentials"), qPrintable(b.error));
        QVERIFY2(!b.error.contains(u"guess"), "the password must never appear in a message");

        Options right = optionsFor(server.port(), 0);
        right.password = QStringLiteral("s3cret");
        Client good(right, QStringLiteral("t"));
        b = run(good, {{"ACL", "SETUSER", "ops", "on", ">opspw", "~*", "+@all"}});
        QVERIFY2(b.ok() && !b.replies.at(0).isError(), qPrintable(b.error + b.replies.value(0).errorText()));

        auto url = qd::ConnectionUrl::parse(QStringLiteral("sidekiq+redis://ops:opspw@127.0.0.1:%1/0").arg(server.port()));
        QVERIFY(url.ok());
        auto fromUrl = Options::fromUrl(url.value());
        QVERIFY(fromUrl.ok());
        Client acl(fromUrl.value(), QStringLiteral("t"));
        b = run(acl, {{"ACL", "WHOAMI"}});
        QVERIFY2(b.ok(), qPrintable(b.error));
        QCOMPARE(b.replies.at(0).str, QByteArray("ops"));
    }

    void fiftyMegabyteValueAgainstTheReplyCap()
    {
        Client c(optionsFor(m_shared.port), QStringLiteral("t"));
        const QByteArray big(50 * 1024 * 1024, 'j');
        QVERIFY(run(c, {{"SET", "big", big}}).ok());
        // Under the default 64 MiB cap the value arrives whole.
        Batch b = run(c, {{"GET", "big"}, {"STRLEN", "big"}});
        QVERIFY2(b.ok(), qPrintable(b.error));
        QCOMPARE(b.replies.at(0).str.size(), big.size());
        QCOMPARE(b.replies.at(1).toInteger().value(), big.size());

        Options capped = optionsFor(m_shared.port);
        capped.limits.maxReplyBytes = 16 * 1024 * 1024;
        Client small(capped, QStringLiteral("t"));
        b = run(small, {{"GET", "big"}});
        QVERIFY(!b.ok());
        QVERIFY2(b.error.contains(u"larger than the 16 MiB limit"), qPrintable(b.error));
        // The connection was dropped mid-reply and comes back for the next command (after its back-off).
        QTRY_VERIFY_WITH_TIMEOUT(run(small, {{"PING"}}).ok(), 5000);
        QVERIFY(run(c, {{"DEL", "big"}}).ok());
    }

    void serverKilledMidCommandThenRestarted()
    {
        auto server = std::make_unique<RedisServer>();
        QVERIFY2(server->start(), qPrintable(server->error()));
        const int port = server->port();
        Options o = optionsFor(port, 0);
        Client c(o, QStringLiteral("t"));
        QVERIFY(run(c, {{"PING"}}).ok());

        QFuture<Batch> blocked = c.pipeline({{"BLPOP", "nothing", "30"}}); // in flight when the server dies
        QTRY_VERIFY(qd::test::redisCli(QStringLiteral("127.0.0.1"), port, 0, {QStringLiteral("CLIENT"), QStringLiteral("LIST")})
                        .contains(u"cmd=blpop")); // the server is blocked on it now
        server->kill();
        QTRY_VERIFY_WITH_TIMEOUT(blocked.isFinished(), 5000);
        const Batch b = blocked.result();
        QVERIFY(!b.ok());
        QVERIFY2(b.error.contains(QString::number(port)), qPrintable(b.error));

        const Batch down = run(c, {{"PING"}});
        QVERIFY(!down.ok());

        server = std::make_unique<RedisServer>(QStringList{}, port);
        QVERIFY2(server->start(), qPrintable(server->error()));
        QTRY_VERIFY_WITH_TIMEOUT(run(c, {{"PING"}}).ok(), 15000);
    }

    void connectionRefusedSaysWhereAndBacksOff()
    {
        const int port = qd::test::freeLoopbackPort();
        Client c(optionsFor(port, 0), QStringLiteral("t"));
        const Batch first = run(c, {{"PING"}});
        QVERIFY(!first.ok());
        QVERIFY2(first.error.contains(QStringLiteral("127.0.0.1:%1").arg(port)), qPrintable(first.error));
        const Batch second = run(c, {{"PING"}});
        QVERIFY(!second.ok());
        QVERIFY2(second.error.contains(u"retrying in"), qPrintable(second.error));
    }

    void socketDiesMidReply()
    {
        QTcpServer fake;
        QVERIFY(fake.listen(QHostAddress::LocalHost, 0));
        connect(&fake, &QTcpServer::newConnection, this, [&fake] {
            QTcpSocket *s = fake.nextPendingConnection();
            connect(s, &QTcpSocket::readyRead, s, [s] {
                const QByteArray got = s->readAll();
                if (got.contains("SETNAME")) {
                    s->write("+OK\r\n+OK\r\n"); // SELECT, CLIENT SETNAME
                }
                if (got.contains("LRANGE")) {
                    s->write("*3\r\n$5\r\nhello\r\n$10\r\nwor"); // half a reply, then the host is gone
                    s->flush();
                    s->abort();
                }
            });
        });
        Client c(optionsFor(fake.serverPort(), 0), QStringLiteral("t"));
        QFuture<Batch> f = c.pipeline({{"LRANGE", "q", "0", "-1"}});
        QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), 5000);
        QVERIFY(!f.result().ok());
        QVERIFY2(f.result().error.contains(u"closed the connection") || f.result().error.contains(u"Cannot reach"),
                 qPrintable(f.result().error));
    }

    void aServerThatSaysOkToEverythingIsNoRedis()
    {
        // Answers "+OK" to every command (counted from the RESP arrays it receives): zeros read from such a server
        // would be lies, so every Redis family's poll fails, naming what was wrong, and shows no number.
        QTcpServer fake;
        QVERIFY(fake.listen(QHostAddress::LocalHost, 0));
        connect(&fake, &QTcpServer::newConnection, this, [&fake] {
            QTcpSocket *s = fake.nextPendingConnection();
            auto pending = std::make_shared<QByteArray>();
            connect(s, &QTcpSocket::readyRead, s, [s, pending] {
                *pending += s->readAll();
                for (;;) { // one "+OK" per complete command: *N, then N bulk strings
                    qsizetype at = 0;
                    auto line = [&]() -> std::optional<QByteArray> {
                        const qsizetype end = pending->indexOf("\r\n", at);
                        if (end < 0) {
                            return std::nullopt;
                        }
                        QByteArray l = pending->mid(at, end - at);
                        at = end + 2;
                        return l;
                    };
                    const auto head = line();
                    if (!head || !head->startsWith('*')) {
                        return;
                    }
                    bool complete = true;
                    for (int i = 0, n = head->mid(1).toInt(); i < n && complete; ++i) {
                        const auto len = line();
                        complete = len && at + len->mid(1).toLongLong() + 2 <= pending->size();
                        if (complete) {
                            at += len->mid(1).toLongLong() + 2;
                        }
                    }
                    if (!complete) {
                        return;
                    }
                    pending->remove(0, at);
                    s->write("+OK\r\n");
                }
            });
        });
        const QString hostPort = QStringLiteral("127.0.0.1:%1").arg(fake.serverPort());
        for (const QString &scheme : {QStringLiteral("sidekiq+redis"), QStringLiteral("rq+redis"),
                                      QStringLiteral("bullmq+redis"), QStringLiteral("celery+redis")}) {
            auto backend = qd::createBackend(scheme + QStringLiteral("://") + hostPort + QStringLiteral("/0"));
            QVERIFY2(backend, qPrintable(backend.error()));
            QFuture<qd::Snapshot> f = (*backend)->snapshot();
            QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), 10'000);
            const qd::Snapshot snap = f.result();
            QVERIFY2(!snap.ok(), qPrintable(scheme + QStringLiteral(": a poll of a server that says OK to everything succeeded")));
            QVERIFY(snap.queues.isEmpty());
            if (scheme.startsWith(u"sidekiq") || scheme.startsWith(u"rq")) {
                QVERIFY2(snap.error.contains(u"does not answer like Redis: SMEMBERS returned \"OK\""), qPrintable(snap.error));
            }
        }
    }

    void silentServerTimesOut()
    {
        QTcpServer fake; // accepts, never answers
        QVERIFY(fake.listen(QHostAddress::LocalHost, 0));
        Options o = optionsFor(fake.serverPort(), 0);
        o.replyTimeoutMs = 500;
        Client c(o, QStringLiteral("t"));
        QFuture<Batch> f = c.pipeline({{"PING"}});
        QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), 5000);
        QVERIFY2(f.result().error.contains(u"did not answer in full within 0.5 s"), qPrintable(f.result().error));
    }

    void tlsWithVerification()
    {
        // A private CA and a server certificate for 127.0.0.1, made by openssl for this test only.
        QTemporaryDir pki;
        auto openssl = [&](const QStringList &args) {
            QProcess p;
            p.setWorkingDirectory(pki.path());
            p.start(QStringLiteral("openssl"), args);
            return p.waitForFinished(30'000) && p.exitCode() == 0;
        };
        QFile ext(pki.filePath(QStringLiteral("ext.cnf")));
        QVERIFY(ext.open(QIODevice::WriteOnly));
        ext.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        ext.close();
        QVERIFY(openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                         QStringLiteral("-nodes"), QStringLiteral("-keyout"), QStringLiteral("ca.key"), QStringLiteral("-out"),
                         QStringLiteral("ca.pem"), QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                         QStringLiteral("/CN=Queuedeck Test CA")}));
        QVERIFY(openssl({QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                         QStringLiteral("-keyout"), QStringLiteral("server.key"), QStringLiteral("-out"),
                         QStringLiteral("server.csr"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1")}));
        QVERIFY(openssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), QStringLiteral("server.csr"),
                         QStringLiteral("-CA"), QStringLiteral("ca.pem"), QStringLiteral("-CAkey"), QStringLiteral("ca.key"),
                         QStringLiteral("-CAcreateserial"), QStringLiteral("-out"), QStringLiteral("server.pem"),
                         QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-extfile"), QStringLiteral("ext.cnf")}));
        const int tlsPort = qd::test::freeLoopbackPort();
        RedisServer server({QStringLiteral("--tls-port"), QString::number(tlsPort), QStringLiteral("--tls-cert-file"),
                            pki.filePath(QStringLiteral("server.pem")), QStringLiteral("--tls-key-file"),
                            pki.filePath(QStringLiteral("server.key")), QStringLiteral("--tls-ca-cert-file"),
                            pki.filePath(QStringLiteral("ca.pem")), QStringLiteral("--tls-auth-clients"), QStringLiteral("no")});
        QVERIFY2(server.start(), qPrintable(server.error()));

        auto options = [&](const QString &query) {
            auto url = qd::ConnectionUrl::parse(QStringLiteral("sidekiq+rediss://127.0.0.1:%1/0%2").arg(tlsPort).arg(query));
            return Options::fromUrl(url.value()).value();
        };
        Client trusted(options(QStringLiteral("?tls_ca=") + pki.filePath(QStringLiteral("ca.pem"))), QStringLiteral("t"));
        Batch b = run(trusted, {{"PING"}});
        QVERIFY2(b.ok(), qPrintable(b.error));
        QCOMPARE(b.replies.at(0).str, QByteArray("PONG"));

        Client untrusted(options(QString()), QStringLiteral("t")); // the system CAs do not know our test CA
        b = run(untrusted, {{"PING"}});
        QVERIFY(!b.ok());
        QVERIFY2(b.error.contains(u"certificate", Qt::CaseInsensitive), qPrintable(b.error));

        Client plain(optionsFor(tlsPort, 0), QStringLiteral("t")); // plain text to a TLS port
        b = run(plain, {{"PING"}});
        QVERIFY(!b.ok());
    }

    void urlOptions()
    {
        auto url = qd::ConnectionUrl::parse(
            QStringLiteral("rq+redis://db.example:6380/4?timeout=2.5&connect_timeout=1&max_reply_mb=8"));
        QVERIFY(url.ok());
        auto o = Options::fromUrl(url.value());
        QVERIFY(o.ok());
        QCOMPARE(o->port, 6380);
        QCOMPARE(o->db, 4);
        QCOMPARE(o->replyTimeoutMs, 2500);
        QCOMPARE(o->connectTimeoutMs, 1000);
        QCOMPARE(o->limits.maxReplyBytes, 8LL * 1024 * 1024);
        url = qd::ConnectionUrl::parse(QStringLiteral("rq+redis://h/0?max_reply_mb=lots"));
        QVERIFY2(!url.ok() && url.error().contains(u"number"), qPrintable(url.error())); // refused while parsing
        url = qd::ConnectionUrl::parse(QStringLiteral("rq+redis://h/0?max_reply_mb=99999"));
        QVERIFY(url.ok());
        QVERIFY(!Options::fromUrl(url.value()).ok()); // a number, but past the cap's range
        url = qd::ConnectionUrl::parse(QStringLiteral("rq+rediss://h/0?tls_ca=/nonexistent.pem"));
        QVERIFY(Options::fromUrl(url.value()).error().contains(u"/nonexistent.pem"));
    }

private:
    qd::test::SharedRedis m_shared;
};

QTEST_GUILESS_MAIN(TestRedisConnection)
#include "tst_redisconnection.moc"
