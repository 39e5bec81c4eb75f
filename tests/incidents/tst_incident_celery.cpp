// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Issue 17, item 3 (the Celery lesson of shared/incidents/004_…): a 1,000-task backlog on Redis with no worker
// stayed green "OK" for minutes. Replayed with real Celery 5.2 (fixtures/celery_backlog.py). A plain Celery
// message carries no enqueue time and, without events, workers are invisible: the operator must never see OK —
// the age is unknown at the first poll, then a lower bound ("≥", how long Queuedeck has watched), never a
// made-up value; "not-draining" warns after a few polls; `queuedeckctl check URL` exits non-zero (UNKNOWN, 3:
// one poll cannot tell the age).
#include "core/backends/celery/celerybackend.h"
#include "tests/incidents/incidentsupport.h"
#include "tests/backends/redistestserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace qd;

namespace {

constexpr int kDb = 41; // see the list in tests/backends/redistestserver.h
const QString kQueue = QStringLiteral("celery");

} // namespace

class TestIncidentCelery : public QObject
{
    Q_OBJECT
private:
    test::SharedRedis m_redis;

private Q_SLOTS:
    void initTestCase()
    {
        m_redis = test::sharedRedis();
        const QJsonObject sent = QJsonDocument::fromJson(test::runFixture(
                                                             QStringLiteral("/usr/bin/python3"),
                                                             {test::incidentFixture(QStringLiteral("celery_backlog.py")),
                                                              m_redis.plainUrl(kDb), QStringLiteral("1000")}))
                                     .object();
        QCOMPARE(sent.value(u"celery").toInt(), 1000);
    }

    void neverOkNeverMadeUp()
    {
        test::Watch watch;
        celery::CeleryBackend backend(ConnectionUrl::parse(m_redis.url(QStringLiteral("celery"), kDb)).value(), watch.clock());
        Snapshot s = watch.poll(backend);
        QVERIFY2(s.ok(), qPrintable(s.error));
        qInfo().noquote() << "first poll:\n" << watch.describe();
        const QueueStats *q = s.queue(kQueue);
        QVERIFY(q);
        QCOMPARE(q->waiting.value(), 1000);
        QVERIFY2(!q->oldestAgeSeconds, "an age at the first sight of a message without a timestamp is made up");
        QVERIFY(!s.workersKnown);
        QCOMPARE(watch.state(QStringLiteral("oldest-age"), kQueue), AlertState::Unknown);
        QVERIFY(watch.worst() != AlertState::Ok);

        // Polls 5 s apart (fake time): the age is a lower bound that grows with the watching, never OK.
        for (int poll = 2; poll <= 4; ++poll) {
            watch.advance();
            s = watch.poll(backend);
            QVERIFY2(s.ok(), qPrintable(s.error));
            q = s.queue(kQueue);
            QVERIFY(q->oldestAgeIsLowerBound);
            const double watched = double(watch.intervalMs()) * (poll - 1) / 1000.0;
            QVERIFY2(qAbs(q->oldestAgeSeconds.value() - watched) < 0.01, qPrintable(QString::number(*q->oldestAgeSeconds)));
            QCOMPARE(watch.state(QStringLiteral("oldest-age"), kQueue), AlertState::Unknown);
            QVERIFY(watch.worst() != AlertState::Ok);
            qInfo().noquote() << "poll" << poll << ":\n" << watch.describe();
        }
        // Three polls with the backlog standing still: "not-draining" warns (after poll 4, 3 standing polls).
        const auto notDraining = watch.alert(QStringLiteral("not-draining"), kQueue);
        QVERIFY2(notDraining && notDraining->state == AlertState::Warn, qPrintable(watch.describe()));
        QVERIFY2(notDraining->message.contains(u"1000 jobs wait"), qPrintable(notDraining->message));

        // Minutes later (fake time), the lower bound alone crosses the levels: "at least 16 min" is critical.
        watch.advance(16 * 60'000);
        s = watch.poll(backend);
        QVERIFY(s.queue(kQueue)->oldestAgeIsLowerBound);
        QVERIFY(s.queue(kQueue)->oldestAgeSeconds.value() > 900);
        QCOMPARE(watch.state(QStringLiteral("oldest-age"), kQueue), AlertState::Crit);
    }

    void checkIsNotOk()
    {
        const test::CheckRun r = test::checkUrl(m_redis.url(QStringLiteral("celery"), kDb));
        qInfo().noquote() << r.line;
        QVERIFY(r.exitCode != 0);
        // One poll sees a message once: its age is unknown, so the check says UNKNOWN (3), not OK.
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.line.startsWith(u"QUEUEDECK UNKNOWN - "), qPrintable(r.line));
        QVERIFY2(r.line.contains(u"celery: age of the oldest job is unknown"), qPrintable(r.line));
    }

    void cleanupTestCase() { test::redisCli(m_redis.host, m_redis.port, kDb, {QStringLiteral("FLUSHDB")}); }
};

QTEST_GUILESS_MAIN(TestIncidentCelery)
#include "tst_incident_celery.moc"
