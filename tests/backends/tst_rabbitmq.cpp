// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// RabbitMQ backend against the real rabbitmq-server that scripts/services started (management plugin), filled
// with pika (fixtures/rabbitmq/fill.py) and compared with `rabbitmqctl list_queues`; a consumer that prefetches
// and never acknowledges; a monitoring-tagged user; faults: 401, 500, a socket that dies mid-answer.
#include "core/backends/rabbitmq/rabbitmqbackend.h"

#include <QScopeGuard>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <csignal>

using qd::Snapshot;
using qd::rabbitmq::RabbitMqBackend;

namespace {

const QString kFixtures = QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/rabbitmq/");
const QString kVhost = QStringLiteral("qd-test");
const QString kHostile = QStringLiteral("Bestellungen-ü-<b>\"x\"</b>");

QString env(const char *name)
{
    return qEnvironmentVariable(name);
}

std::unique_ptr<RabbitMqBackend> backend(const QString &userInfo = QStringLiteral("guest:guest"), const QString &query = {})
{
    const QString url = QStringLiteral("rabbitmq+http://%1@127.0.0.1:%2/%3%4")
                            .arg(userInfo, env("QD_TEST_RABBIT_HTTP_PORT"), kVhost, query);
    return std::make_unique<RabbitMqBackend>(qd::ConnectionUrl::parse(url).value());
}

/// Runs rabbitmqctl against the test node; its standard output.
QByteArray runRabbitmqctl(const QStringList &args, int *exitCode = nullptr)
{
    QProcess p;
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    e.insert(QStringLiteral("HOME"), env("QD_TEST_RABBIT_HOME"));
    e.insert(QStringLiteral("ERL_EPMD_PORT"), env("QD_TEST_RABBIT_EPMD_PORT"));
    e.insert(QStringLiteral("RABBITMQ_NODENAME"), env("QD_TEST_RABBIT_NODE"));
    p.setProcessEnvironment(e);
    p.start(QStringLiteral("/usr/lib/rabbitmq/bin/rabbitmqctl"), args);
    p.waitForFinished(90'000);
    if (exitCode) {
        *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }
    return p.readAllStandardOutput();
}

/// `rabbitmqctl list_queues` on the test node: {name: [ready, unacknowledged, consumers]}.
QHash<QString, QList<qint64>> rabbitmqctl()
{
    const QByteArray json = runRabbitmqctl({QStringLiteral("-q"), QStringLiteral("list_queues"), QStringLiteral("-p"), kVhost,
                                            QStringLiteral("name"), QStringLiteral("messages_ready"),
                                            QStringLiteral("messages_unacknowledged"), QStringLiteral("consumers"),
                                            QStringLiteral("--formatter"), QStringLiteral("json")});
    QHash<QString, QList<qint64>> out;
    for (const QJsonValue &v : QJsonDocument::fromJson(json).array()) {
        const QJsonObject o = v.toObject();
        out.insert(o.value(u"name").toString(), {o.value(u"messages_ready").toInteger(),
                                                 o.value(u"messages_unacknowledged").toInteger(),
                                                 o.value(u"consumers").toInteger()});
    }
    return out;
}

bool matchesRabbitmqctl(const Snapshot &s, const QHash<QString, QList<qint64>> &truth)
{
    if (!s.ok() || s.queues.size() != truth.size()) {
        return false;
    }
    for (const auto &q : s.queues) {
        const auto t = truth.value(q.name);
        if (t.size() != 3 || q.waiting != t.at(0) || q.running != t.at(1)) {
            return false;
        }
    }
    return true;
}

/// A one-shot HTTP server for fault injection: answers `reply` to the first request, then closes.
class FakeHttp : public QTcpServer
{
public:
    explicit FakeHttp(QByteArray reply) : m_reply(std::move(reply))
    {
        listen(QHostAddress::LocalHost, 0);
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s, [this, s] {
                    s->readAll();
                    s->write(m_reply);
                    s->flush();
                    s->disconnectFromHost();
                });
            }
        });
    }

private:
    QByteArray m_reply;
};

} // namespace

class TestRabbitMq : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (env("QD_TEST_RABBIT_HTTP_PORT").isEmpty()) {
            QSKIP("no RabbitMQ: run through scripts/test (scripts/services starts one)");
        }
        QProcess fill;
        fill.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        fill.start(QStringLiteral("/usr/bin/python3"), {kFixtures + QStringLiteral("fill.py"), env("QD_TEST_RABBIT_AMQP_PORT"),
                                                        env("QD_TEST_RABBIT_HTTP_PORT"), kVhost});
        QVERIFY(fill.waitForFinished(120'000));
        QCOMPARE(fill.exitCode(), 0);
    }

    void snapshotEqualsRabbitmqctl()
    {
        auto b = backend();
        // Both the management API and rabbitmqctl report quorum queue counts from metrics that trail the broker by
        // up to one statistics interval: wait until the fill shows, then compare.
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                     const auto truth = rabbitmqctl();
                                     return truth.size() == 11 && truth.value(QStringLiteral("work.quorum")).value(0) == 3
                                            && matchesRabbitmqctl(b->snapshot().result(), truth);
                                 }()),
                                 20'000);
        const Snapshot s = b->snapshot().result();
        QCOMPARE(s.backend, QStringLiteral("rabbitmq"));
        QCOMPARE(s.queue(QStringLiteral("orders"))->waiting.value(), 5);
        QCOMPARE(s.queue(QStringLiteral("orders.dlq"))->waiting.value(), 2);
        QCOMPARE(s.queue(QStringLiteral("work.quorum"))->waiting.value(), 3);
        QVERIFY2(s.queue(kHostile), "unicode/HTML queue names come through verbatim; views escape them");
        QCOMPARE(s.queue(QStringLiteral("idle"))->oldestAgeSeconds.value(), 0.0);
        // Publishers that set the timestamp property give the oldest age (the head message, 300 s ago + 2).
        const double age = s.queue(QStringLiteral("orders"))->oldestAgeSeconds.value();
        QVERIFY2(age > 290 && age < 400, qPrintable(QString::number(age)));
        QVERIFY2(!s.queue(QStringLiteral("work.quorum"))->oldestAgeSeconds.has_value(), "no timestamp: unknown, not 0");
        QVERIFY(s.workersComplete);
        QVERIFY(s.workers.isEmpty());
        // Consumers per queue, exact; dead-letter queues by argument (default exchange) and by policy (fanout DLX).
        QCOMPARE(s.queue(QStringLiteral("orders"))->consumers, 0);
        QVERIFY(!s.queue(QStringLiteral("orders"))->isDeadLetterQueue());
        QCOMPARE(s.queue(QStringLiteral("orders.dlq"))->deadLetterOf, QStringList{QStringLiteral("orders")});
        QCOMPARE(s.queue(QStringLiteral("payments.dead"))->deadLetterOf, QStringList{QStringLiteral("payments")});
        QCOMPARE(s.queue(QStringLiteral("payments.dead"))->waiting, 1);
        QVERIFY(!s.queue(QStringLiteral("payments"))->isDeadLetterQueue());
        QVERIFY2(!s.warnings.join(u'\n').contains(u"orders.dlq: 2 message(s) ready and no consumer"), "a DLQ is not unserved");
        QVERIFY2(!s.queue(QStringLiteral("legacy.dlq"))->isDeadLetterQueue(), "nothing routes to it any more");
        QVERIFY2(s.warnings.join(u'\n').contains(u"orders: 5 message(s) ready and no consumer"), qPrintable(s.warnings.join(u'\n')));
        // The 20 MB message costs the poll nothing: counts only.
        QVERIFY2(b->lastPollBytes() < 200'000, qPrintable(QString::number(b->lastPollBytes())));
    }

    void deadLettersOfADeletedQueueAreKnownOnceSeen()
    {
        // legacy.dlq's source queue is gone: no argument, policy or binding says what it is, so it reads as a queue
        // with a message and no consumer. Once its letters are seen (a peek), their x-death says "from legacy", and
        // from the next poll on it is a dead-letter queue, never "unserved".
        auto b = backend();
        const Snapshot before = b->snapshot().result();
        QVERIFY2(before.ok(), qPrintable(before.error));
        QVERIFY(!before.queue(QStringLiteral("legacy.dlq"))->isDeadLetterQueue());
        QVERIFY2(before.warnings.join(u'\n').contains(u"legacy.dlq: 1 message(s) ready and no consumer"),
                 qPrintable(before.warnings.join(u'\n')));
        qd::JobQuery q;
        q.queue = QStringLiteral("legacy.dlq");
        const qd::JobPage page = b->jobs(q).result();
        QCOMPARE(page.jobs.size(), 1);
        QVERIFY2(page.jobs.at(0).errorLine.contains(u"rejected from legacy"), qPrintable(page.jobs.at(0).errorLine));
        const Snapshot after = b->snapshot().result();
        QCOMPARE(after.queue(QStringLiteral("legacy.dlq"))->deadLetterOf, QStringList{QStringLiteral("legacy")});
        QVERIFY2(!after.warnings.join(u'\n').contains(u"legacy.dlq: 1 message(s) ready"), qPrintable(after.warnings.join(u'\n')));
        QVERIFY(!after.queue(QStringLiteral("orders"))->isDeadLetterQueue()); // its own messages carry no x-death
    }

    void stuckConsumerHoldsMessages()
    {
        QProcess hold;
        hold.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        hold.start(QStringLiteral("/usr/bin/python3"), {kFixtures + QStringLiteral("hold.py"), env("QD_TEST_RABBIT_AMQP_PORT"),
                                                        kVhost, QStringLiteral("orders"), QStringLiteral("2")});
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += hold.readAllStandardOutput()).contains("ready"), 20'000);
        auto b = backend();
        QTRY_VERIFY_WITH_TIMEOUT(b->snapshot().result().queue(QStringLiteral("orders"))->running == 2, 15'000);
        QTRY_VERIFY_WITH_TIMEOUT(b->snapshot().result().workers.size() == 1, 15'000); // consumers trail too
        const Snapshot s = b->snapshot().result();
        QCOMPARE(s.queue(QStringLiteral("orders"))->waiting.value(), 3);
        QVERIFY(s.workers.at(0).id.startsWith(u"stuck-worker on "));
        QCOMPARE(s.workers.at(0).queues, QStringList{QStringLiteral("orders")});
        QCOMPARE(s.workers.at(0).state, qd::WorkerState::Busy);
        hold.kill();
        hold.waitForFinished(5000);
        // Unacknowledged messages go back to the queue when the consumer's connection dies.
        QTRY_VERIFY_WITH_TIMEOUT(b->snapshot().result().queue(QStringLiteral("orders"))->waiting == 5, 15'000);
        QTRY_VERIFY_WITH_TIMEOUT(b->snapshot().result().workers.isEmpty(), 15'000);
    }

    void peekLosesNothing()
    {
        auto b = backend();
        qd::JobQuery q;
        q.queue = QStringLiteral("orders");
        q.limit = 10;
        qd::JobPage page = b->jobs(q).result();
        QVERIFY2(page.error.isEmpty(), qPrintable(page.error));
        QCOMPARE(page.jobs.size(), 5);
        QVERIFY(page.notice.contains(u"redelivered"));
        QVERIFY(page.jobs.at(0).id.startsWith(u"order-"));
        QVERIFY(page.jobs.at(0).enqueuedAt.isValid());
        const qd::JobDetail d = b->job(page.jobs.at(0).id).result();
        QVERIFY2(d.failure.isEmpty(), qPrintable(d.failure));
        QVERIFY2(d.payload.contains(u"\"user_id\": 10"), qPrintable(d.payload)); // pretty JSON
        // Nothing was lost: still five ready, now marked redelivered.
        QTRY_VERIFY_WITH_TIMEOUT(rabbitmqctl().value(QStringLiteral("orders")).value(0) == 5, 15'000);
        page = b->jobs(q).result();
        QCOMPARE(page.jobs.size(), 5);
        QVERIFY(page.jobs.at(0).attempts.value() >= 1);
        // Peeks at the same moment (the job browser reloads twice when a queue opens) each see every message: a
        // get holds what it took until it answers, so they take turns instead of splitting the queue.
        {
            QList<QFuture<qd::JobPage>> peeks;
            for (int i = 0; i < 4; ++i) {
                peeks << b->jobs(q);
            }
            for (auto &f : peeks) {
                QCOMPARE(f.result().jobs.size(), 5);
            }
        }

        q.queue = QStringLiteral("orders.dlq"); // dead-lettered messages say why
        page = b->jobs(q).result();
        QCOMPARE(page.jobs.size(), 2);
        QVERIFY2(page.jobs.at(0).errorLine.contains(u"rejected from orders"), qPrintable(page.jobs.at(0).errorLine));

        q.queue = kHostile; // percent-encoded in the URL, shown escaped by the views
        page = b->jobs(q).result();
        QVERIFY2(page.error.isEmpty(), qPrintable(page.error));
        QCOMPARE(page.jobs.size(), 1);
        QVERIFY(b->job(page.jobs.at(0).id).result().payload.contains(u"<script>"));

        q.queue = QStringLiteral("big"); // 20 MB: capped, and the size is said
        page = b->jobs(q).result();
        QCOMPARE(page.jobs.size(), 1);
        const qd::JobDetail big = b->job(page.jobs.at(0).id).result();
        QVERIFY2(big.payload.size() < 100'000, qPrintable(QString::number(big.payload.size())));
        QVERIFY2(big.payload.contains(u"20971520 bytes"), qPrintable(big.payload.left(200)));

        q.queue = QStringLiteral("work.quorum"); // every peek would count as a delivery
        page = b->jobs(q).result();
        QVERIFY2(page.error.contains(u"quorum") && page.error.contains(u"peek_quorum=1"), qPrintable(page.error));
        q.state = qd::JobState::Failed;
        QVERIFY(!b->jobs(q).result().error.isEmpty());
    }

    void purgeWantsTheNameTypedTwiceAndIsAudited()
    {
        QTemporaryDir dir;
        auto ctl = [&](const QStringList &args, QByteArray *output = nullptr) {
            QProcess p;
            QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
            e.insert(QStringLiteral("QD_AUDIT_DB"), dir.filePath(QStringLiteral("audit.sqlite3")));
            p.setProcessEnvironment(e);
            p.start(env("QD_CTL"), args);
            p.waitForFinished(60'000);
            if (output) {
                *output = p.readAllStandardOutput() + p.readAllStandardError();
            }
            return p.exitCode();
        };
        const QString url = QStringLiteral("rabbitmq+http://guest:guest@127.0.0.1:%1/%2").arg(env("QD_TEST_RABBIT_HTTP_PORT"), kVhost);
        QByteArray out;
        QCOMPARE(ctl({QStringLiteral("purge"), url, QStringLiteral("--queue"), QStringLiteral("big")}, &out), 2);
        QVERIFY2(out.contains("--confirm"), out.constData());
        QCOMPARE(ctl({QStringLiteral("purge"), url, QStringLiteral("--queue"), QStringLiteral("big"), QStringLiteral("--confirm"),
                      QStringLiteral("bi")}),
                 2);
        QCOMPARE(ctl({QStringLiteral("purge"), url, QStringLiteral("--queue"), QStringLiteral("big"), QStringLiteral("--dry-run")}, &out), 0);
        QVERIFY2(out.contains("would delete 1 message(s) from big"), out.constData());
        QVERIFY2(out.contains("blast radius: 1 job(s)") && out.contains("from a sample of 1"), out.constData());
        QCOMPARE(rabbitmqctl().value(QStringLiteral("big")).value(0), 1);
        QCOMPARE(ctl({QStringLiteral("purge"), url, QStringLiteral("--queue"), QStringLiteral("big"), QStringLiteral("--confirm"),
                      QStringLiteral("big")},
                     &out),
                 0);
        QVERIFY2(out.contains("deleted 1 message(s) from big"), out.constData());
        QTRY_COMPARE_WITH_TIMEOUT(rabbitmqctl().value(QStringLiteral("big")).value(0), 0, 15'000);
        // RabbitMQ counts a purge as *reading* a queue: a monitoring user with read permission may purge. Only
        // Queuedeck's read-only profile stops it.
        const QString watcher = QStringLiteral("rabbitmq+http://watcher:watcher@127.0.0.1:%1/%2?readonly=1")
                                    .arg(env("QD_TEST_RABBIT_HTTP_PORT"), kVhost);
        QCOMPARE(ctl({QStringLiteral("purge"), watcher, QStringLiteral("--queue"), QStringLiteral("orders"), QStringLiteral("--confirm"),
                      QStringLiteral("orders")},
                     &out),
                 1);
        QVERIFY2(out.contains("read-only"), out.constData());
        // Shovels need administrator or policymaker: known after the first poll.
        auto b = backend(QStringLiteral("watcher:watcher"));
        QVERIFY(b->snapshot().result().ok());
        QTRY_VERIFY(!b->capabilities().moveToQueue);
        auto admin = backend();
        QVERIFY(admin->snapshot().result().ok());
        QTRY_VERIFY(admin->capabilities().moveToQueue);
    }

    void celeryOnRabbitMq()
    {
        QProcess fill;
        fill.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        fill.start(QStringLiteral("/usr/bin/python3"), {kFixtures + QStringLiteral("fill_celery.py"), env("QD_TEST_RABBIT_AMQP_PORT"),
                                                        env("QD_TEST_RABBIT_HTTP_PORT"), QStringLiteral("qd-celery")});
        QVERIFY(fill.waitForFinished(120'000));
        QCOMPARE(fill.exitCode(), 0);
        const QString url = QStringLiteral("celery+amqp://guest:guest@127.0.0.1:%1/qd-celery").arg(env("QD_TEST_RABBIT_HTTP_PORT"));
        RabbitMqBackend b(qd::ConnectionUrl::parse(url).value());
        QCOMPARE(b.kind(), QStringLiteral("celery"));
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                     const Snapshot s = b.snapshot().result();
                                     return s.queue(QStringLiteral("celery")) && s.queue(QStringLiteral("celery"))->waiting == 5
                                            && s.queue(QStringLiteral("emails")) && s.queue(QStringLiteral("emails"))->waiting == 2;
                                 }()),
                                 15'000);
        qd::JobQuery q;
        q.queue = QStringLiteral("emails");
        const qd::JobPage page = b.jobs(q).result();
        QVERIFY2(page.error.isEmpty(), qPrintable(page.error));
        QCOMPARE(page.jobs.size(), 2);
        QHash<QString, qd::JobSummary> byId;
        for (const auto &j : page.jobs) {
            byId.insert(j.id, j);
        }
        QCOMPARE(byId.value(QStringLiteral("render-eta")).className, QStringLiteral("tasks.render"));
        QVERIFY(byId.value(QStringLiteral("render-eta")).runAt > QDateTime::currentDateTimeUtc().addSecs(3000));
        QCOMPARE(byId.value(QStringLiteral("mail-retry")).className, QStringLiteral("tasks.send_email"));
        QCOMPARE(byId.value(QStringLiteral("mail-retry")).attempts.value(), 3);
        q.queue = QStringLiteral("celery");
        QStringList tasks;
        for (const auto &j : b.jobs(q).result().jobs) {
            tasks << j.className;
        }
        tasks.sort();
        QCOMPARE(tasks, (QStringList{QStringLiteral("tasks.render"), QStringLiteral("tasks.render"), QStringLiteral("tasks.send_email"),
                                     QStringLiteral("tasks.send_email"), QStringLiteral("tasks.send_email")}));
    }

    void deadLettersMoveBackWhereTheyDied()
    {
        auto b = backend();
        QVERIFY(b->capabilities().moveToQueue);
        const qd::MoveResult dry = b->moveMessages({QStringLiteral("orders.dlq"), QString(), true}).result();
        QVERIFY2(dry.error.isEmpty(), qPrintable(dry.error));
        QCOMPARE(dry.to, QStringLiteral("orders")); // from the x-first-death-queue header
        QCOMPARE(dry.before, 2);
        QTRY_VERIFY_WITH_TIMEOUT(rabbitmqctl().value(QStringLiteral("orders.dlq")).value(0) == 2, 15'000); // dry: untouched
        const qd::MoveResult moved = b->moveMessages({QStringLiteral("orders.dlq"), QString(), false}).result();
        QVERIFY2(moved.error.isEmpty(), qPrintable(moved.error));
        QCOMPARE(moved.moved, 2);
        QTRY_VERIFY_WITH_TIMEOUT(([] {
                                     const auto t = rabbitmqctl();
                                     return t.value(QStringLiteral("orders.dlq")).value(0) == 0
                                            && t.value(QStringLiteral("orders")).value(0) == 7;
                                 }()),
                                 15'000);
        auto ro = backend(QStringLiteral("guest:guest"), QStringLiteral("?readonly=1"));
        QVERIFY(!ro->capabilities().moveToQueue);
        QVERIFY(ro->moveMessages({QStringLiteral("orders"), QStringLiteral("idle"), false}).result().error.contains(u"read-only"));
    }

    void aMoveLosesNothingWhenQueuedeckGoesAway()
    {
        {
            auto b = backend();
            QFuture<qd::MoveResult> f = b->moveMessages({QStringLiteral("bulk.src"), QStringLiteral("bulk.dst"), false});
            // Once RabbitMQ lists the shovel, the app vanishes mid-move.
            QTRY_VERIFY_WITH_TIMEOUT(([] {
                                         QProcess curl;
                                         curl.start(QStringLiteral("curl"), {QStringLiteral("-s"), QStringLiteral("-u"), QStringLiteral("guest:guest"),
                                                                             QStringLiteral("http://127.0.0.1:%1/api/shovels/%2")
                                                                                 .arg(env("QD_TEST_RABBIT_HTTP_PORT"), kVhost)});
                                         curl.waitForFinished(10'000);
                                         return curl.readAllStandardOutput().contains("queuedeck-move-bulk.src");
                                     }()),
                                     15'000);
        }
        // RabbitMQ finishes the move itself; every message is in exactly one of the two queues all along.
        QTRY_VERIFY_WITH_TIMEOUT(([] {
                                     const auto t = rabbitmqctl();
                                     return t.value(QStringLiteral("bulk.src")).value(0) == 0
                                            && t.value(QStringLiteral("bulk.dst")).value(0) == 3000;
                                 }()),
                                 60'000);
    }

    void monitoringUserReadsWrongPasswordIs401()
    {
        auto watcher = backend(QStringLiteral("watcher:watcher"));
        const Snapshot ok = watcher->snapshot().result();
        QVERIFY2(ok.ok(), qPrintable(ok.error));
        QVERIFY(ok.queue(QStringLiteral("orders")));
        auto wrong = backend(QStringLiteral("watcher:guess"));
        const Snapshot s = wrong->snapshot().result();
        QVERIFY(!s.ok());
        QVERIFY2(s.error.contains(u"refused the credentials") && s.error.contains(u"401"), qPrintable(s.error));
        QVERIFY2(!s.error.contains(u"guess"), "the password never appears in a message");
        QCOMPARE(wrong->state(), qd::ConnectionState::Error);
    }

    void unknownVhostIs404()
    {
        const QString url = QStringLiteral("rabbitmq+http://guest:guest@127.0.0.1:%1/no-such-vhost").arg(env("QD_TEST_RABBIT_HTTP_PORT"));
        RabbitMqBackend b(qd::ConnectionUrl::parse(url).value());
        const Snapshot s = b.snapshot().result();
        QVERIFY(!s.ok());
        QVERIFY2(s.error.contains(u"404"), qPrintable(s.error));
    }

    void serverErrorIsReportedWithItsText()
    {
        FakeHttp fake("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/html\r\nContent-Length: 38\r\n\r\n"
                      "<html><b>boom</b>\u202Eevil</html>\n\n\n\n\n");
        RabbitMqBackend b(qd::ConnectionUrl::parse(QStringLiteral("rabbitmq+http://guest:guest@127.0.0.1:%1/").arg(fake.serverPort())).value());
        auto f = b.snapshot();
        QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), 15'000);
        const Snapshot s = f.result();
        QVERIFY(!s.ok());
        QVERIFY2(s.error.contains(u"answered 500"), qPrintable(s.error));
        QVERIFY2(!s.error.contains(QChar(0x202E)), "bidi controls are escaped");
    }

    void answerCutOffMidBody()
    {
        FakeHttp fake("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n[{\"name\":\"ord");
        RabbitMqBackend b(qd::ConnectionUrl::parse(QStringLiteral("rabbitmq+http://guest:guest@127.0.0.1:%1/?timeout=3").arg(fake.serverPort())).value());
        auto f = b.snapshot();
        QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), 15'000);
        QVERIFY(!f.result().ok());
        QVERIFY(!f.result().error.isEmpty());
    }

    void httpsIsVerified()
    {
        const QString port = env("QD_TEST_RABBIT_HTTPS_PORT");
        if (port.isEmpty()) {
            QFAIL("no TLS listener: scripts/services starts one (QD_TEST_RABBIT_HTTPS_PORT)");
        }
        const QString base = QStringLiteral("rabbitmq+https://guest:guest@%1:%2/%3").arg(QStringLiteral("%1"), port, kVhost);
        // Our test CA, by IP and by name (the certificate names both).
        for (const QString &host : {QStringLiteral("127.0.0.1"), QStringLiteral("localhost")}) {
            RabbitMqBackend b(qd::ConnectionUrl::parse(base.arg(host) + QStringLiteral("?tls_ca=") + env("QD_TEST_RABBIT_CA")).value());
            const Snapshot s = b.snapshot().result();
            QVERIFY2(s.ok(), qPrintable(s.error));
            QVERIFY(std::any_of(s.queues.cbegin(), s.queues.cend(), [](const qd::QueueStats &q) { return q.name == u"orders"; }));
        }
        // Celery on RabbitMQ over TLS: the same management API, verified the same way (issue: celery+amqp sent
        // Basic credentials over plain HTTP and had no TLS form).
        const QString celery = QStringLiteral("celery+amqps://guest:guest@127.0.0.1:%1/%2?tls_ca=%3").arg(port, kVhost, env("QD_TEST_RABBIT_CA"));
        RabbitMqBackend overTls(qd::ConnectionUrl::parse(celery).value());
        const Snapshot viaCelery = overTls.snapshot().result();
        QVERIFY2(viaCelery.ok(), qPrintable(viaCelery.error));
        QCOMPARE(viaCelery.backend, QStringLiteral("celery"));
        // Without the CA the certificate is not trusted: refused, with a reason, never silently accepted.
        RabbitMqBackend untrusted(qd::ConnectionUrl::parse(base.arg(QStringLiteral("127.0.0.1"))).value());
        const Snapshot s = untrusted.snapshot().result();
        QVERIFY(!s.ok());
        QVERIFY2(s.error.contains(u"certificate", Qt::CaseInsensitive) || s.error.contains(u"SSL", Qt::CaseInsensitive),
                 qPrintable(s.error));
        // Plain HTTP spoken to the TLS port is an error too, not a hang.
        RabbitMqBackend plain(qd::ConnectionUrl::parse(
            QStringLiteral("rabbitmq+http://guest:guest@127.0.0.1:%1/%2?timeout=5").arg(port, kVhost)).value());
        QVERIFY(!plain.snapshot().result().ok());
    }

    void serverThatHangsThenStopsThenComesBack()
    {
        QFile pidFile(env("QD_TEST_RABBIT_HOME") + QStringLiteral("/rabbit.pid"));
        QVERIFY(pidFile.open(QIODevice::ReadOnly));
        const qint64 pid = pidFile.readAll().trimmed().toLongLong();
        QVERIFY(pid > 0);
        auto b = backend(QStringLiteral("guest:guest"), QStringLiteral("?timeout=2"));
        QVERIFY2(b->snapshot().result().ok(), "the node answers before the faults");

        // Frozen (a hung VM, a full disk): the poll is in flight and never answered; it times out with a reason.
        QVERIFY(::kill(pid_t(pid), SIGSTOP) == 0);
        auto thaw = qScopeGuard([pid] { ::kill(pid_t(pid), SIGCONT); });
        auto frozen = b->snapshot();
        QTRY_VERIFY_WITH_TIMEOUT(frozen.isFinished(), 30'000);
        thaw.dismiss();
        QVERIFY(::kill(pid_t(pid), SIGCONT) == 0);
        QVERIFY(!frozen.result().ok());
        QVERIFY2(!frozen.result().error.isEmpty(), "a reason, not an empty error");
        QVERIFY2(frozen.result().queues.isEmpty(), "no zeros made up for queues that were not read");
        QTRY_VERIFY_WITH_TIMEOUT(b->snapshot().result().ok(), 30'000);

        // Stopped (the broker application goes down under the node): refused; started again: polls resume.
        int code = -1;
        runRabbitmqctl({QStringLiteral("-q"), QStringLiteral("stop_app")}, &code);
        QCOMPARE(code, 0);
        auto restart = qScopeGuard([] { runRabbitmqctl({QStringLiteral("-q"), QStringLiteral("start_app")}); });
        const Snapshot down = b->snapshot().result();
        QVERIFY(!down.ok());
        QVERIFY2(!down.error.isEmpty(), qPrintable(down.error));
        restart.dismiss();
        runRabbitmqctl({QStringLiteral("-q"), QStringLiteral("start_app")}, &code);
        QCOMPARE(code, 0);
        QTRY_VERIFY_WITH_TIMEOUT(b->snapshot().result().ok(), 60'000);
    }

    void notTheManagementPort()
    {
        FakeHttp fake("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 15\r\n\r\n<html>hi</html>");
        RabbitMqBackend b(qd::ConnectionUrl::parse(QStringLiteral("rabbitmq+http://guest:guest@127.0.0.1:%1/").arg(fake.serverPort())).value());
        auto f = b.snapshot();
        QTRY_VERIFY_WITH_TIMEOUT(f.isFinished(), 15'000);
        QVERIFY2(f.result().error.contains(u"management port"), qPrintable(f.result().error));
    }
};

QTEST_GUILESS_MAIN(TestRabbitMq)
#include "tst_rabbitmq.moc"
