// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// The `queuedeckctl snapshot --json` contract (DESIGN.md, docs/cli.md): exact keys, unknown is null, never 0.
#include "core/cli/snapshotjson.h"
#include "core/headline.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace qd;

namespace {
Snapshot sample()
{
    Snapshot s;
    s.backend = QStringLiteral("delayedjob");
    s.takenAt = QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC);
    QueueStats print;
    print.name = QStringLiteral("print");
    print.waiting = 6000;
    print.running = 0;
    print.scheduled = 3;
    print.failed = 0;
    print.oldestAgeSeconds = 12 * 3600.0;
    QueueStats mail;
    mail.name = QStringLiteral("mailers");
    mail.waiting = 2;
    mail.oldestAgeSeconds = 3.5;
    mail.countExactness = Exactness::Approximate;
    s.queues = {mail, print};
    s.workers = {
        WorkerInfo{QStringLiteral("host:web2 pid:222"), WorkerState::Lost, {QStringLiteral("print")}, 18000.0, {}},
        WorkerInfo{QStringLiteral("host:web1 pid:111"), WorkerState::Busy, {}, std::nullopt, {}}};
    return s;
}
} // namespace

class TestSnapshotJson : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void contractKeys()
    {
        const QJsonObject o = snapshotToJson(sample());
        for (const char *key : {"backend", "taken_at", "queues", "workers", "totals"}) {
            QVERIFY2(o.contains(QLatin1String(key)), key);
        }
        QCOMPARE(o.value(QStringLiteral("backend")).toString(), QStringLiteral("delayedjob"));
        QCOMPARE(o.value(QStringLiteral("taken_at")).toString(), QStringLiteral("2023-11-14T22:13:20.000Z"));
        for (const QJsonValue &q : o.value(QStringLiteral("queues")).toArray()) {
            for (const char *key : {"name", "depth", "oldest_age_s", "running", "failed", "scheduled", "dead"}) {
                QVERIFY2(q.toObject().contains(QLatin1String(key)), key);
            }
        }
        for (const QJsonValue &w : o.value(QStringLiteral("workers")).toArray()) {
            for (const char *key : {"id", "state", "queues", "last_seen_age_s", "current_job", "quiet"}) {
                QVERIFY2(w.toObject().contains(QLatin1String(key)), key);
            }
        }
        const QJsonObject totals = o.value(QStringLiteral("totals")).toObject();
        QVERIFY(totals.contains(QStringLiteral("processed")) && totals.contains(QStringLiteral("failed")));
    }

    void unknownIsNullNeverZero()
    {
        const QJsonObject o = snapshotToJson(sample());
        const QJsonArray queues = o.value(QStringLiteral("queues")).toArray();
        const QJsonObject mail = queues.at(0).toObject();
        QCOMPARE(mail.value(QStringLiteral("name")).toString(), QStringLiteral("mailers"));
        QCOMPARE(mail.value(QStringLiteral("depth")).toInteger(), 2); // depth is the waiting count
        QCOMPARE(mail.value(QStringLiteral("oldest_age_s")).toDouble(), 3.5);
        for (const char *key : {"running", "failed", "scheduled", "dead"}) {
            QVERIFY2(mail.value(QLatin1String(key)).isNull(), key);
        }
        // A known zero stays a number.
        const QJsonObject print = queues.at(1).toObject();
        QVERIFY(print.value(QStringLiteral("running")).isDouble());
        QCOMPARE(print.value(QStringLiteral("running")).toInteger(), 0);
        QCOMPARE(print.value(QStringLiteral("depth")).toInteger(), 6000);
        QVERIFY(print.value(QStringLiteral("dead")).isNull());
        const QJsonObject busy = o.value(QStringLiteral("workers")).toArray().at(1).toObject();
        QVERIFY(busy.value(QStringLiteral("last_seen_age_s")).isNull());
        QCOMPARE(busy.value(QStringLiteral("queues")).toArray().size(), 0);
        const QJsonObject totals = o.value(QStringLiteral("totals")).toObject();
        QVERIFY(totals.value(QStringLiteral("processed")).isNull());
        QVERIFY(totals.value(QStringLiteral("failed")).isNull());
        // The serialised text really says null (not 0, not a missing key).
        const QByteArray text = QJsonDocument(o).toJson(QJsonDocument::Compact);
        QVERIFY(text.contains("\"processed\":null"));
    }

    void workerStatesAndExtras()
    {
        const QJsonObject o = snapshotToJson(sample());
        const QJsonArray workers = o.value(QStringLiteral("workers")).toArray();
        QCOMPARE(workers.at(0).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("lost"));
        QCOMPARE(workers.at(0).toObject().value(QStringLiteral("last_seen_age_s")).toDouble(), 18000.0);
        QCOMPARE(workers.at(1).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("busy"));
        // Extras beside the contract: exactness flags (false = approximate, null = unknown).
        const QJsonObject mail = o.value(QStringLiteral("queues")).toArray().at(0).toObject();
        QCOMPARE(mail.value(QStringLiteral("counts_exact")), QJsonValue(false));
        QVERIFY(mail.value(QStringLiteral("rates_exact")).isNull());
        QVERIFY(!o.contains(QStringLiteral("error")));
    }

    void backendGivenByTheCaller()
    {
        const QJsonObject o = snapshotToJson(sample(), QStringLiteral("delayedjob+sqlite"));
        QCOMPARE(o.value(QStringLiteral("backend")).toString(), QStringLiteral("delayedjob+sqlite"));
        QCOMPARE(o.value(QStringLiteral("queues")).toArray().size(), 2);
    }

    void failedPollKeepsTheShapeAndSaysWhy()
    {
        Snapshot s;
        s.backend = QStringLiteral("delayedjob");
        s.error = QStringLiteral("SQLite database /x does not exist.");
        const QJsonObject o = snapshotToJson(s);
        QVERIFY(o.value(QStringLiteral("taken_at")).isNull());
        QCOMPARE(o.value(QStringLiteral("error")).toString(), s.error);
        QCOMPARE(o.value(QStringLiteral("queues")).toArray().size(), 0);
    }

    void hostileNamesStayData()
    {
        // JSON is for machines: the name is kept exactly (the encoder escapes control characters).
        Snapshot s = sample();
        s.queues[0].name = QStringLiteral("evil\x1b[2J\u202Etxt\nnext");
        const QByteArray text = QJsonDocument(snapshotToJson(s)).toJson(QJsonDocument::Compact);
        QVERIFY(!text.contains('\x1b'));
        QVERIFY(!text.contains('\n'));
        const QJsonObject back = QJsonDocument::fromJson(text).object();
        QCOMPARE(
            back.value(QStringLiteral("queues")).toArray().at(0).toObject().value(QStringLiteral("name")).toString(),
            s.queues[0].name);
    }

    void headlineSaysWhatMattersFirstInTheBackendsWords()
    {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        Snapshot s;
        s.backend = QStringLiteral("sidekiq");
        s.takenAt = QDateTime::currentDateTimeUtc();
        QueueStats def;
        def.name = QStringLiteral("default");
        def.waiting = 35000;
        def.consumers = 0;
        def.dead = 25;
        def.stuck = 2;
        QueueStats mail;
        mail.name = QStringLiteral("mail");
        mail.waiting = 0;
        s.queues = {def, mail};
        s.workers = {WorkerInfo{QStringLiteral("vm:18192\x1b[2J"), WorkerState::Lost, {QStringLiteral("default")}, 90.0, {}}};
        s.workersComplete = true;
        s.totals.processed = 1204311;
        s.totals.failed = 3412;
        const QString h = Headline::of(s);
        QCOMPARE(h, QStringLiteral("Sidekiq: process vm:18192\\u001b[2J lost, 35,000 jobs wait, 1 queue(s) without a consumer, "
                                   "2 stuck, nothing is processing · lifetime 1,204,311 processed, 3,412 failed · 25 dead"));
        QCOMPARE(snapshotToJson(s).value(QStringLiteral("headline")).toString(), h);
        // A broker: messages; letters of a dead-letter queue count as dead, not as waiting.
        Snapshot r;
        r.backend = QStringLiteral("rabbitmq");
        r.takenAt = s.takenAt;
        QueueStats orders;
        orders.name = QStringLiteral("orders");
        orders.waiting = 50;
        orders.consumers = 1;
        QueueStats dlq;
        dlq.name = QStringLiteral("orders.dlq");
        dlq.waiting = 3;
        dlq.deadLetterOf = {QStringLiteral("orders")};
        r.queues = {orders, dlq};
        r.workers = {WorkerInfo{QStringLiteral("ctag"), WorkerState::Busy, {QStringLiteral("orders")}, 0.0, {}}};
        r.workersComplete = true;
        QCOMPARE(Headline::of(r), QStringLiteral("RabbitMQ: 50 messages wait, 1 busy, 0 idle · 3 dead"));
        Snapshot failed;
        failed.backend = QStringLiteral("celery");
        failed.error = QStringLiteral("Connection refused");
        QCOMPARE(Headline::of(failed), QStringLiteral("Celery: unreachable — Connection refused"));
        QLocale::setDefault(QLocale::c());
    }

    void escapesHostileTextForHumans()
    {
        const QString hostile = QStringLiteral("evil\x1b[2J\u202Etxt.exe\nnext");
        const QString shown = escapeForDisplay(hostile);
        QVERIFY(!shown.contains(QChar(0x1b)));
        QVERIFY(!shown.contains(QChar(0x202E)));
        QVERIFY(!shown.contains(u'\n'));
        QVERIFY(shown.contains(QStringLiteral("\\u001b")));
        QVERIFY(shown.contains(QStringLiteral("\\u202e")));
        QCOMPARE(escapeForDisplay(QString(500, u'x'), 10).size(), 11);
    }
};

QTEST_GUILESS_MAIN(TestSnapshotJson)
#include "tst_snapshotjson.moc"
