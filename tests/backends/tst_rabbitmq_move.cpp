// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// The RabbitMQ move over AMQP 0-9-1 (the fallback without the shovel plugin, forced here with move=amqp because
// the test node has the plugin) against the real rabbitmq-server that scripts/services started. pika dead-letters
// real messages (fixtures/rabbitmq/move_fill.py) and checksums queues (move_dump.py). The one fake: a TCP relay
// between Queuedeck and the broker that cuts the connection at a chosen AMQP frame.
#include "core/backends/rabbitmq/amqpclient.h"
#include "core/backends/rabbitmq/rabbitmqbackend.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QtEndian>

#include <functional>

using qd::rabbitmq::RabbitMqBackend;

namespace {

const QString kFixtures = QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/rabbitmq/");
constexpr int kMessages = 500;
constexpr int kBatch = 100;

QString env(const char *name)
{
    return qEnvironmentVariable(name);
}

QByteArray python(const QStringList &args, int *exitCode)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p.start(QStringLiteral("/usr/bin/python3"), args);
    p.waitForFinished(180'000);
    *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return p.readAllStandardOutput();
}

bool fill(const QString &vhost, const QStringList &what)
{
    int rc = -1;
    python(QStringList{kFixtures + QStringLiteral("move_fill.py"), env("QD_TEST_RABBIT_AMQP_PORT"),
                       env("QD_TEST_RABBIT_HTTP_PORT"), vhost} +
               what,
           &rc);
    return rc == 0;
}

/// One message as pika sees it: checksums of its body and of all its properties and headers.
struct Seen
{
    QString body;
    QString props;
    bool operator==(const Seen &o) const = default;
};
using Dump = QHash<QString, QMultiHash<QString, Seen>>; ///< queue → message id → what pika saw

Dump dump(const QString &vhost, const QStringList &queues)
{
    int rc = -1;
    const QByteArray out = python(
        QStringList{kFixtures + QStringLiteral("move_dump.py"), env("QD_TEST_RABBIT_AMQP_PORT"), vhost} + queues, &rc);
    Dump d;
    const QJsonObject o = QJsonDocument::fromJson(out).object();
    for (auto it = o.begin(); it != o.end(); ++it) {
        QMultiHash<QString, Seen> &q = d[it.key()];
        for (const QJsonValue &v : it.value().toArray()) {
            const QJsonObject m = v.toObject();
            q.insert(m.value(u"id").toString(), {m.value(u"body").toString(), m.value(u"props").toString()});
        }
    }
    return d;
}

std::unique_ptr<RabbitMqBackend> backend(const QString &vhost, const QString &options,
                                         const QString &userInfo = QStringLiteral("guest:guest"))
{
    const QString url = QStringLiteral("rabbitmq+http://%1@127.0.0.1:%2/%3?move=amqp&%4")
                            .arg(userInfo, env("QD_TEST_RABBIT_HTTP_PORT"), vhost, options);
    return std::make_unique<RabbitMqBackend>(qd::ConnectionUrl::parse(url).value());
}

QString amqpPort()
{
    return QStringLiteral("amqp_port=") + env("QD_TEST_RABBIT_AMQP_PORT");
}

/// Waits with the event loop running (the fault proxy lives on this thread).
qd::MoveResult await(QFuture<qd::MoveResult> f)
{
    if (!QTest::qWaitFor([&] { return f.isFinished(); }, 180'000)) {
        qd::MoveResult r;
        r.error = QStringLiteral("test: the move did not finish within 3 minutes");
        return r;
    }
    return f.result();
}

qd::ActionResult awaitAction(QFuture<qd::ActionResult> f)
{
    if (!QTest::qWaitFor([&] { return f.isFinished(); }, 120'000)) {
        qd::ActionResult r;
        r.error = QStringLiteral("test: the action did not finish within 2 minutes");
        return r;
    }
    return f.result();
}

qd::JobAction chosen(qd::ActionKind kind, const QStringList &ids, bool dryRun = false, const QString &to = {})
{
    qd::JobAction a;
    a.kind = kind;
    a.expected = qd::JobState::Waiting;
    a.jobIds = ids;
    a.dryRun = dryRun;
    a.targetQueue = to;
    a.queue = QStringLiteral("work.dlq");
    return a;
}

/// A TCP relay to the broker's AMQP port that parses what the client sends and cuts both connections, without
/// forwarding it, at the first frame `cutAt` picks (it sees frame type, class id, method id).
class FaultProxy : public QTcpServer
{
public:
    using Rule = std::function<bool(quint8 type, quint16 classId, quint16 methodId)>;
    explicit FaultProxy(Rule cutAt) : m_cutAt(std::move(cutAt))
    {
        listen(QHostAddress::LocalHost, 0);
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *client = nextPendingConnection()) {
                relay(client);
            }
        });
    }
    bool cut() const { return m_cut; }

private:
    void relay(QTcpSocket *client)
    {
        auto *broker = new QTcpSocket(client);
        broker->connectToHost(QHostAddress::LocalHost, quint16(env("QD_TEST_RABBIT_AMQP_PORT").toUInt()));
        auto pending = std::make_shared<QByteArray>();
        auto headerDone = std::make_shared<bool>(false);
        auto kill = [this, client, broker] {
            m_cut = true;
            broker->abort();
            client->abort();
        };
        connect(broker, &QTcpSocket::readyRead, client, [client, broker] { client->write(broker->readAll()); });
        connect(broker, &QTcpSocket::disconnected, client, [client] { client->disconnectFromHost(); });
        connect(client, &QTcpSocket::disconnected, client, [client, broker] {
            broker->disconnectFromHost();
            client->deleteLater();
        });
        connect(client, &QTcpSocket::readyRead, client, [this, client, broker, pending, headerDone, kill] {
            pending->append(client->readAll());
            if (!*headerDone && pending->size() >= 8) { // "AMQP" 0 0 9 1
                broker->write(pending->left(8));
                pending->remove(0, 8);
                *headerDone = true;
            }
            while (*headerDone && pending->size() >= 7) {
                const auto type = quint8(pending->at(0));
                const qsizetype frame = qsizetype(qFromBigEndian<quint32>(pending->constData() + 3)) + 8;
                if (pending->size() < frame) {
                    return;
                }
                const quint16 cls = type == 1 ? qFromBigEndian<quint16>(pending->constData() + 7) : 0;
                const quint16 method = type == 1 ? qFromBigEndian<quint16>(pending->constData() + 9) : 0;
                if (!m_cut && m_cutAt(type, cls, method)) {
                    kill();
                    return;
                }
                broker->write(pending->left(frame));
                pending->remove(0, frame);
            }
        });
    }

    Rule m_cutAt;
    bool m_cut = false;
};

} // namespace

class TestRabbitMqMove : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (env("QD_TEST_RABBIT_HTTP_PORT").isEmpty()) {
            QSKIP("no RabbitMQ: run through scripts/test (scripts/services starts one)");
        }
    }

    void deadLettersMoveBackIntact()
    {
        const QString vhost = QStringLiteral("qd-move-intact");
        QVERIFY(fill(vhost, {QStringLiteral("many"), QString::number(kMessages)}));
        const Dump before = dump(vhost, {QStringLiteral("work.dlq")});
        QCOMPARE(before.value(QStringLiteral("work.dlq")).size(), kMessages);

        auto b = backend(vhost, amqpPort());
        QVERIFY(b->capabilities().moveToQueue);
        QMutex mutex;
        QList<qint64> progress;
        qd::MoveRequest request{QStringLiteral("work.dlq"), QString(), false};
        request.progress = [&](const qd::MoveResult &sofar) {
            QMutexLocker lock(&mutex);
            progress << sofar.moved;
        };
        const qd::MoveResult r = await(b->moveMessages(request));
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.method, QStringLiteral("amqp"));
        QCOMPARE(r.to, QStringLiteral("work")); // where they were dead-lettered from
        QCOMPARE(r.before, kMessages);
        QCOMPARE(r.moved, kMessages);
        QCOMPARE(r.left, 0);
        {
            QMutexLocker lock(&mutex);
            QCOMPARE(progress, (QList<qint64>{100, 200, 300, 400, 500})); // one report per batch
        }
        // Every body, property and header (x-death included) as pika wrote and RabbitMQ dead-lettered it.
        const Dump after = dump(vhost, {QStringLiteral("work"), QStringLiteral("work.dlq")});
        QCOMPARE(after.value(QStringLiteral("work.dlq")).size(), 0);
        QCOMPARE(after.value(QStringLiteral("work")).size(), kMessages);
        QCOMPARE(after.value(QStringLiteral("work")), before.value(QStringLiteral("work.dlq")));
    }

    void chosenMessagesAreRetriedMovedOrDeletedOnce()
    {
        using qd::ActionKind;
        const QString vhost = QStringLiteral("qd-move-chosen");
        QVERIFY(fill(vhost, {QStringLiteral("many"), QStringLiteral("20")}));
        const Dump before = dump(vhost, {QStringLiteral("work.dlq")});
        const auto dlq = before.value(QStringLiteral("work.dlq"));
        QCOMPARE(dlq.size(), 20);
        auto b = backend(vhost, amqpPort());
        QVERIFY(b->capabilities().retry && b->capabilities().cancel && b->capabilities().retryWaiting);

        // A dry run finds the message and changes nothing.
        qd::ActionResult r = awaitAction(b->act(chosen(ActionKind::Retry, {QStringLiteral("m-3")}, true)));
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.succeeded, QStringList{QStringLiteral("m-3")});
        QCOMPARE(dump(vhost, {QStringLiteral("work.dlq")}).value(QStringLiteral("work.dlq")).size(), 20);

        // Retry two chosen messages: back to the queue they died in, intact; a position and an unknown id are skipped.
        r = awaitAction(b->act(chosen(ActionKind::Retry, {QStringLiteral("m-3"), QStringLiteral("m-7"), QStringLiteral("#5"),
                                                          QStringLiteral("m-nope")})));
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(QSet<QString>(r.succeeded.begin(), r.succeeded.end()), (QSet<QString>{QStringLiteral("m-3"), QStringLiteral("m-7")}));
        QCOMPARE(QSet<QString>(r.skipped.begin(), r.skipped.end()), (QSet<QString>{QStringLiteral("#5"), QStringLiteral("m-nope")}));
        Dump after = dump(vhost, {QStringLiteral("work"), QStringLiteral("work.dlq")});
        QCOMPARE(after.value(QStringLiteral("work.dlq")).size(), 18);
        QCOMPARE(after.value(QStringLiteral("work")).size(), 2);
        for (const QString &id : {QStringLiteral("m-3"), QStringLiteral("m-7")}) {
            QCOMPARE(after.value(QStringLiteral("work")).values(id), dlq.values(id)); // body, properties, x-death
        }
        // Again: it is no longer there, so it is skipped, not sent twice.
        r = awaitAction(b->act(chosen(ActionKind::Retry, {QStringLiteral("m-3")})));
        QVERIFY(r.succeeded.isEmpty());
        QCOMPARE(r.skipped, QStringList{QStringLiteral("m-3")});

        // Two operators retry the same message at the same moment: exactly one succeeds.
        auto other = backend(vhost, amqpPort());
        auto f1 = b->act(chosen(ActionKind::Retry, {QStringLiteral("m-9")}));
        auto f2 = other->act(chosen(ActionKind::Retry, {QStringLiteral("m-9")}));
        const qd::ActionResult r1 = awaitAction(f1);
        const qd::ActionResult r2 = awaitAction(f2);
        QCOMPARE(r1.succeeded.size() + r2.succeeded.size(), 1);
        QCOMPARE(r1.skipped.size() + r2.skipped.size(), 1);
        after = dump(vhost, {QStringLiteral("work"), QStringLiteral("work.dlq")});
        QCOMPARE(after.value(QStringLiteral("work")).values(QStringLiteral("m-9")).size(), 1);
        QVERIFY(!after.value(QStringLiteral("work.dlq")).contains(QStringLiteral("m-9")));
        QCOMPARE(after.value(QStringLiteral("work.dlq")).size(), 17); // the others went back untouched

        // Delete one; move one to a named queue; a queue that does not exist keeps the message where it is.
        r = awaitAction(b->act(chosen(ActionKind::Cancel, {QStringLiteral("m-11")})));
        QCOMPARE(r.succeeded, QStringList{QStringLiteral("m-11")});
        r = awaitAction(b->act(chosen(ActionKind::Move, {QStringLiteral("m-12")}, false, QStringLiteral("work"))));
        QCOMPARE(r.succeeded, QStringList{QStringLiteral("m-12")});
        r = awaitAction(b->act(chosen(ActionKind::Move, {QStringLiteral("m-13")}, false, QStringLiteral("no-such-queue"))));
        QVERIFY(r.succeeded.isEmpty());
        QVERIFY2(r.error.contains(QStringLiteral("route")), qPrintable(r.error));
        after = dump(vhost, {QStringLiteral("work"), QStringLiteral("work.dlq")});
        QVERIFY(!after.value(QStringLiteral("work.dlq")).contains(QStringLiteral("m-11")));
        QVERIFY(!after.value(QStringLiteral("work")).contains(QStringLiteral("m-11")));
        QCOMPARE(after.value(QStringLiteral("work")).values(QStringLiteral("m-12")).size(), 1);
        QCOMPARE(after.value(QStringLiteral("work.dlq")).values(QStringLiteral("m-13")).size(), 1);
        QCOMPARE(after.value(QStringLiteral("work.dlq")).size(), 15);

        // Read-only profiles and other states are refused before anything is touched.
        auto ro = backend(vhost, amqpPort() + QStringLiteral("&readonly=1"));
        QVERIFY(!ro->capabilities().retry);
        QVERIFY(awaitAction(ro->act(chosen(ActionKind::Retry, {QStringLiteral("m-1")}))).error.contains(QStringLiteral("read-only")));
        qd::JobAction failed = chosen(ActionKind::Retry, {QStringLiteral("m-1")});
        failed.expected = qd::JobState::Failed;
        QVERIFY(!awaitAction(b->act(failed)).error.isEmpty());
        QCOMPARE(dump(vhost, {QStringLiteral("work.dlq")}).value(QStringLiteral("work.dlq")).size(), 15);
    }

    void editedDeadLetterIsRepublishedInPlace()
    {
        const QString vhost = QStringLiteral("qd-move-edit");
        QVERIFY(fill(vhost, {QStringLiteral("json"), QStringLiteral("5")}));
        const Dump before = dump(vhost, {QStringLiteral("work.dlq")});
        auto b = backend(vhost, amqpPort());
        QVERIFY(b->capabilities().payloadEdit && !b->capabilities().resendCopy);
        qd::JobQuery q;
        q.queue = QStringLiteral("work.dlq");
        q.limit = 50;
        auto peek = b->jobs(q);
        QVERIFY(QTest::qWaitFor([&] { return peek.isFinished(); }, 60'000));
        QCOMPARE(peek.result().jobs.size(), 5);
        auto detailFuture = b->job(QStringLiteral("m-2"));
        QVERIFY(QTest::qWaitFor([&] { return detailFuture.isFinished(); }, 10'000));
        const qd::JobDetail detail = detailFuture.result();
        const QJsonObject editable = QJsonDocument::fromJson(detail.editablePayload.toUtf8()).object();
        QCOMPARE(editable.value(u"body").toObject().value(u"user_id").toInt(), 1002);
        QVERIFY(editable.value(u"headers").toObject().contains(u"user"));
        QVERIFY(!editable.value(u"headers").toObject().contains(u"x-death")); // RabbitMQ's own: not editable

        // Change the body and one header, drop one, add one; x-death and the typed headers left alone stay as they were.
        QJsonObject edited = editable;
        QJsonObject body = editable.value(u"body").toObject();
        body.insert(QStringLiteral("user_id"), 4242);
        edited.insert(QStringLiteral("body"), body);
        QJsonObject headers = editable.value(u"headers").toObject();
        headers.insert(QStringLiteral("user"), QStringLiteral("fixed-by-ops"));
        headers.remove(QStringLiteral("negative"));
        headers.insert(QStringLiteral("edited"), true);
        edited.insert(QStringLiteral("headers"), headers);
        qd::ResendRequest r;
        r.jobId = QStringLiteral("m-2");
        r.expected = qd::JobState::Waiting;
        r.payload = QString::fromUtf8(QJsonDocument(edited).toJson());
        QVERIFY(!b->validatePayload(QStringLiteral("{\"headers\":{\"x-death\":[]},\"body\":\"x\"}")).isEmpty());
        r.inPlace = false;
        auto copy = b->resend(r);
        QVERIFY(QTest::qWaitFor([&] { return copy.isFinished(); }, 10'000));
        QVERIFY(copy.result().error.contains(QStringLiteral("in place")));
        r.inPlace = true;
        auto sent = b->resend(r);
        QVERIFY(QTest::qWaitFor([&] { return sent.isFinished(); }, 120'000));
        QCOMPARE(sent.result().error, QString());
        QCOMPARE(sent.result().newId, QStringLiteral("m-2"));
        QVERIFY(sent.result().original.contains(QStringLiteral("1002")));

        const Dump after = dump(vhost, {QStringLiteral("work"), QStringLiteral("work.dlq")});
        QCOMPARE(after.value(QStringLiteral("work.dlq")).size(), 4);
        QCOMPARE(after.value(QStringLiteral("work")).size(), 1);
        QVERIFY(after.value(QStringLiteral("work")).contains(QStringLiteral("m-2")));
        QVERIFY(after.value(QStringLiteral("work")).value(QStringLiteral("m-2")).body != before.value(QStringLiteral("work.dlq")).value(QStringLiteral("m-2")).body);
        for (const QString &id : {QStringLiteral("m-0"), QStringLiteral("m-1"), QStringLiteral("m-3"), QStringLiteral("m-4")}) {
            QCOMPARE(after.value(QStringLiteral("work.dlq")).values(id), before.value(QStringLiteral("work.dlq")).values(id));
        }
        // What arrived, as the management API shows it: the edited body and headers, x-death and the rest intact.
        q.queue = QStringLiteral("work");
        auto again = b->jobs(q);
        QVERIFY(QTest::qWaitFor([&] { return again.isFinished(); }, 60'000));
        QCOMPARE(again.result().jobs.size(), 1);
        auto arrivedFuture = b->job(QStringLiteral("m-2"));
        QVERIFY(QTest::qWaitFor([&] { return arrivedFuture.isFinished(); }, 10'000));
        const qd::JobDetail arrived = arrivedFuture.result();
        QVERIFY2(arrived.payload.contains(QStringLiteral("\"user_id\": 4242")), qPrintable(arrived.payload));
        QVERIFY2(arrived.payload.contains(QStringLiteral("fixed-by-ops")) && arrived.payload.contains(QStringLiteral("\"edited\":true")),
                 qPrintable(arrived.payload));
        QVERIFY(!arrived.payload.contains(QStringLiteral("\"negative\"")));
        QVERIFY2(arrived.payload.contains(QStringLiteral("x-death")) && arrived.payload.contains(QStringLiteral("\"when\"")),
                 qPrintable(arrived.payload));
        // Gone from the dead-letter queue: a second resend finds nothing, and says so.
        auto twice = b->resend(r);
        QVERIFY(QTest::qWaitFor([&] { return twice.isFinished(); }, 60'000));
        QVERIFY(!twice.result().error.isEmpty());
    }

    void connectionDroppedMidMove_data()
    {
        QTest::addColumn<QString>("where");
        QTest::addColumn<int>("maxDuplicates");
        QTest::newRow("mid-publish, batch 2") << QStringLiteral("publish") << kBatch;
        QTest::newRow("mid-get, batch 3") << QStringLiteral("get") << kBatch;
        // Batch 1 is published and confirmed, but its acknowledgements never reach the broker: the worst case.
        QTest::newRow("before the acks of batch 1") << QStringLiteral("ack") << kBatch;
    }

    void connectionDroppedMidMove()
    {
        QFETCH(QString, where);
        QFETCH(int, maxDuplicates);
        const QString vhost = QStringLiteral("qd-move-fault");
        QVERIFY(fill(vhost, {QStringLiteral("many"), QString::number(kMessages)}));
        const QMultiHash<QString, Seen> original =
            dump(vhost, {QStringLiteral("work.dlq")}).value(QStringLiteral("work.dlq"));
        QCOMPARE(original.size(), kMessages);

        int publishes = 0, gets = 0;
        FaultProxy proxy([&](quint8 type, quint16 cls, quint16 method) {
            if (type != 1 || cls != 60) {
                return false;
            }
            publishes += method == 40 ? 1 : 0;
            gets += method == 70 ? 1 : 0;
            return (where == u"publish" && method == 40 && publishes == kBatch + kBatch / 2) ||
                   (where == u"get" && method == 70 && gets == 2 * kBatch + 30) || (where == u"ack" && method == 80);
        });
        QVERIFY(proxy.isListening());
        auto b = backend(vhost, QStringLiteral("amqp_port=%1").arg(proxy.serverPort()));
        const qd::MoveResult cut = await(b->moveMessages({QStringLiteral("work.dlq"), QString(), false}));
        QVERIFY(proxy.cut());
        QVERIFY2(cut.error.contains(u"was lost") && cut.error.contains(u"nothing is lost"), qPrintable(cut.error));
        QVERIFY(cut.moved < kMessages);

        // Every message is in the DLQ, in the target, or in both, unchanged — once RabbitMQ has noticed the drop
        // and put back what was got and not acknowledged.
        auto check = [&](int *duplicates) {
            const Dump now = dump(vhost, {QStringLiteral("work"), QStringLiteral("work.dlq")});
            QMultiHash<QString, Seen> all = now.value(QStringLiteral("work"));
            all.unite(now.value(QStringLiteral("work.dlq")));
            for (auto it = all.cbegin(); it != all.cend(); ++it) {
                if (original.value(it.key()) != it.value()) {
                    qWarning("message %s changed", qPrintable(it.key()));
                    return false;
                }
            }
            *duplicates = int(all.size() - all.uniqueKeys().size());
            return all.uniqueKeys().size() == original.size();
        };
        int duplicates = -1;
        QVERIFY2(QTest::qWaitFor([&] { return check(&duplicates); }, 30'000), "a message was lost");
        qInfo("%s: %lld moved before the cut, %d duplicate(s)", qPrintable(where), cut.moved, duplicates);
        QVERIFY2(duplicates <= maxDuplicates, qPrintable(QString::number(duplicates)));
        if (where == u"ack") {
            QCOMPARE(duplicates, kBatch); // the bound is reached, and not exceeded
        }

        // Run again, without the fault: it finishes.
        auto direct = backend(vhost, amqpPort());
        const qd::MoveResult again = await(direct->moveMessages({QStringLiteral("work.dlq"), QString(), false}));
        QVERIFY2(again.error.isEmpty(), qPrintable(again.error));
        QCOMPARE(again.left, 0);
        const Dump end = dump(vhost, {QStringLiteral("work"), QStringLiteral("work.dlq")});
        QCOMPARE(end.value(QStringLiteral("work.dlq")).size(), 0);
        const QMultiHash<QString, Seen> work = end.value(QStringLiteral("work"));
        QCOMPARE(work.uniqueKeys().size(), kMessages);
        QCOMPARE(work.size(), kMessages + duplicates);
    }

    void oversizedMessageStaysWhereItIs()
    {
        const QString vhost = QStringLiteral("qd-move-big");
        QVERIFY(fill(vhost, {QStringLiteral("big")}));
        const Dump before = dump(vhost, {QStringLiteral("work.dlq")});
        QCOMPARE(before.value(QStringLiteral("work.dlq")).size(), 1);

        // 20 MiB over the default 16 MiB cap: refused, said so, kept whole.
        auto capped = backend(vhost, amqpPort());
        const qd::MoveResult refused = await(capped->moveMessages({QStringLiteral("work.dlq"), QString(), false}));
        QVERIFY2(refused.error.contains(u"over the size limit") && refused.error.contains(u"20.0 MiB") &&
                     refused.error.contains(u"max_body_mb="),
                 qPrintable(refused.error));
        QCOMPARE(refused.moved, 0);
        QCOMPARE(refused.left, 1);
        QCOMPARE(dump(vhost, {QStringLiteral("work.dlq")}), before);

        // A destination nothing routes to: the mandatory publish comes back, the message stays.
        auto roomy = backend(vhost, amqpPort() + QStringLiteral("&max_body_mb=32"));
        const qd::MoveResult nowhere =
            await(roomy->moveMessages({QStringLiteral("work.dlq"), QStringLiteral("no-such-queue"), false}));
        QVERIFY2(nowhere.error.contains(u"could not route") && nowhere.error.contains(u"NO_ROUTE"),
                 qPrintable(nowhere.error));
        QCOMPARE(nowhere.moved, 0);
        QCOMPARE(dump(vhost, {QStringLiteral("work.dlq")}), before);

        // With room for it, it moves intact (across 160 body frames each way).
        const qd::MoveResult moved = await(roomy->moveMessages({QStringLiteral("work.dlq"), QString(), false}));
        QVERIFY2(moved.error.isEmpty(), qPrintable(moved.error));
        QCOMPARE(moved.moved, 1);
        const Dump after = dump(vhost, {QStringLiteral("work"), QStringLiteral("work.dlq")});
        QCOMPARE(after.value(QStringLiteral("work")), before.value(QStringLiteral("work.dlq")));
        QCOMPARE(after.value(QStringLiteral("work.dlq")).size(), 0);
    }

    void wrongPasswordIsAClearError()
    {
        auto open = [](qd::amqp::Options o) {
            qd::amqp::Client client(o);
            QString error;
            bool done = false;
            client.open([&](const QString &e) {
                error = e;
                done = true;
            });
            if (!QTest::qWaitFor([&] { return done; }, 30'000)) {
                return QStringLiteral("test: no answer");
            }
            return error;
        };
        qd::amqp::Options o;
        o.port = quint16(env("QD_TEST_RABBIT_AMQP_PORT").toUInt());
        o.password = QStringLiteral("guess");
        const QString refused = open(o);
        QVERIFY2(refused.contains(u"refused the login of user \"guest\"") && refused.contains(u"ACCESS_REFUSED"),
                 qPrintable(refused));
        QVERIFY2(!refused.contains(u"guess"), "the password never appears in a message");

        o.password = QStringLiteral("guest");
        o.vhost = QStringLiteral("no-such-vhost");
        const QString vhost = open(o);
        QVERIFY2(vhost.contains(u"no-such-vhost"), qPrintable(vhost));

        o.vhost = QStringLiteral("/");
        o.port = quint16(env("QD_TEST_RABBIT_HTTP_PORT").toUInt());
        const QString http = open(o);
        QVERIFY2(http.contains(u"amqp_port="), qPrintable(http));

        o.port = quint16(env("QD_TEST_RABBIT_AMQP_PORT").toUInt());
        QVERIFY2(open(o).isEmpty(), qPrintable(open(o)));
    }
};

QTEST_GUILESS_MAIN(TestRabbitMqMove)
#include "tst_rabbitmq_move.moc"
