// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/collector.h"
#include "tests/support/fakebackend.h"

#include <QSignalSpy>
#include <QTest>

using namespace qd;
using qd::test::FakeBackend;

class TestCollector : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void stampsAndPublishes()
    {
        ManualClock clock;
        Collector c(&clock);
        auto b = std::make_shared<FakeBackend>(&clock);
        Snapshot s;
        s.queues = {test::queue(QStringLiteral("default"), 3, 12.5)};
        s.takenAt = QDateTime(); // the collector stamps when the backend did not
        b->script(s);
        QSignalSpy spy(&c, &Collector::snapshotReady);
        c.addConnection(QStringLiteral("a"), QStringLiteral("A"), b);
        c.start();
        QTRY_COMPARE(spy.count(), 1);
        const auto got = spy.at(0).at(1).value<Snapshot>();
        QVERIFY(got.ok());
        QCOMPARE(got.takenAt, clock.now());
        QCOMPARE(got.queues.at(0).waiting, std::optional<qint64>(3));
        QCOMPARE(c.latest(QStringLiteral("a")).takenAt, clock.now());
    }

    void intervalIsConfigurableAndDefaultsToFiveSeconds()
    {
        Collector c;
        QCOMPARE(c.interval(), std::chrono::milliseconds(5000));
        c.setInterval(std::chrono::milliseconds(250));
        QCOMPARE(c.interval(), std::chrono::milliseconds(250));
    }

    void pollsOnTheInterval()
    {
        ManualClock clock;
        Collector c(&clock);
        c.setInterval(std::chrono::milliseconds(100));
        auto b = std::make_shared<FakeBackend>(&clock);
        c.addConnection(QStringLiteral("a"), QStringLiteral("A"), b);
        QSignalSpy spy(&c, &Collector::snapshotReady);
        c.start();
        QTRY_VERIFY(spy.count() >= 3);
        c.stop();
    }

    void noPileUpWhileAPollIsInFlight()
    {
        ManualClock clock;
        Collector c(&clock);
        auto slow = std::make_shared<FakeBackend>(&clock, /*manualRelease=*/true);
        c.addConnection(QStringLiteral("slow"), QStringLiteral("Slow"), slow);
        c.start();
        c.pollNow();
        c.pollNow();
        QCOMPARE(slow->calls(), 1);
        QSignalSpy spy(&c, &Collector::snapshotReady);
        slow->release();
        QTRY_COMPARE(spy.count(), 1);
        c.pollNow();
        QCOMPARE(slow->calls(), 2);
    }

    void aHungPollFailsAtItsDeadlineAndIsNotStacked()
    {
        // A server that drips one byte at a time never finishes a poll: the board must say so within the deadline
        // rather than keep the last numbers "fresh", and must not pile a second poll onto the hung one.
        ManualClock clock;
        Collector c(&clock);
        c.setPollDeadline(std::chrono::milliseconds(200));
        QCOMPARE(c.pollDeadline(), std::chrono::milliseconds(200));
        auto hung = std::make_shared<FakeBackend>(&clock, /*manualRelease=*/true);
        c.addConnection(QStringLiteral("h"), QStringLiteral("Hung"), hung);
        QSignalSpy spy(&c, &Collector::snapshotReady);
        c.start();
        QTRY_COMPARE(spy.count(), 1);
        const auto failed = spy.at(0).at(1).value<Snapshot>();
        QVERIFY(!failed.ok());
        QVERIFY2(failed.error.contains(u"within 0.2 s"), qPrintable(failed.error));
        QCOMPARE(failed.takenAt, clock.now());
        QCOMPARE(failed.backend, QStringLiteral("fake"));
        c.pollNow();
        QCOMPARE(hung->calls(), 1); // still running on the server: no second poll
        hung->release(); // the late answer is dropped: its numbers are of an unknown moment
        QTRY_VERIFY((c.pollNow(), hung->calls() == 2)); // once it has ended, the next poll goes out
        QCOMPARE(spy.count(), 1);
        hung->release();
        QTRY_COMPARE(spy.count(), 2);
        QVERIFY(spy.at(1).at(1).value<Snapshot>().ok());
    }

    void oneFailingConnectionDoesNotStopOthers()
    {
        ManualClock clock;
        Collector c(&clock);
        auto bad = std::make_shared<FakeBackend>(&clock);
        auto good = std::make_shared<FakeBackend>(&clock);
        Snapshot failed;
        failed.error = QStringLiteral("connection refused");
        bad->script(failed);
        Snapshot fine;
        fine.queues = {test::queue(QStringLiteral("q"), 1)};
        good->script(fine);
        QSignalSpy spy(&c, &Collector::snapshotReady);
        c.addConnection(QStringLiteral("bad"), QStringLiteral("Bad"), bad);
        c.addConnection(QStringLiteral("good"), QStringLiteral("Good"), good);
        c.start();
        QTRY_COMPARE(spy.count(), 2);
        QVERIFY(!c.latest(QStringLiteral("bad")).ok());
        QCOMPARE(c.latest(QStringLiteral("bad")).error, QStringLiteral("connection refused"));
        QVERIFY(c.latest(QStringLiteral("good")).ok());
        QVERIFY(!c.lastGood(QStringLiteral("bad")).takenAt.isValid());
    }

    void staleness()
    {
        ManualClock clock;
        Collector c(&clock);
        c.setInterval(std::chrono::milliseconds(1000));
        auto b = std::make_shared<FakeBackend>(&clock);
        c.addConnection(QStringLiteral("a"), QStringLiteral("A"), b);
        QVERIFY(c.isStale(QStringLiteral("a"))); // nothing known yet
        QSignalSpy spy(&c, &Collector::snapshotReady);
        c.pollNow();
        QTRY_COMPARE(spy.count(), 1);
        QVERIFY(!c.isStale(QStringLiteral("a")));
        clock.advance(3000);
        QVERIFY(!c.isStale(QStringLiteral("a")));
        clock.advance(1);
        QVERIFY(c.isStale(QStringLiteral("a")));
    }

    void discoversNewQueuesAfterTheFirstSnapshot()
    {
        ManualClock clock;
        Collector c(&clock);
        auto b = std::make_shared<FakeBackend>(&clock);
        Snapshot first;
        first.queues = {test::queue(QStringLiteral("default"), 1)};
        Snapshot second = first;
        second.queues.append(test::queue(QStringLiteral("reports"), 35000));
        b->script(first);
        b->script(second);
        QSignalSpy ready(&c, &Collector::snapshotReady);
        QSignalSpy discovered(&c, &Collector::queueDiscovered);
        c.addConnection(QStringLiteral("a"), QStringLiteral("A"), b);
        c.pollNow();
        QTRY_COMPARE(ready.count(), 1);
        QCOMPARE(discovered.count(), 0);
        c.pollNow();
        QTRY_COMPARE(ready.count(), 2);
        QCOMPARE(discovered.count(), 1);
        QCOMPARE(discovered.at(0).at(1).toString(), QStringLiteral("reports"));
    }

    void removingAConnectionDropsItsInFlightResult()
    {
        ManualClock clock;
        Collector c(&clock);
        auto slow = std::make_shared<FakeBackend>(&clock, true);
        c.addConnection(QStringLiteral("a"), QStringLiteral("A"), slow);
        c.pollNow();
        QSignalSpy spy(&c, &Collector::snapshotReady);
        c.removeConnection(QStringLiteral("a"));
        slow->release();
        QCoreApplication::processEvents();
        QCOMPARE(spy.count(), 0);
        QVERIFY(c.connectionIds().isEmpty());
    }

    void unknownStaysUnknown()
    {
        QueueStats q;
        QVERIFY(!q.total().has_value());
        q.waiting = 0;
        QCOMPARE(q.total(), std::optional<qint64>(0));
        Snapshot s;
        s.workers = {WorkerInfo{QStringLiteral("w1"), WorkerState::Busy, {}, 1.0, {}}};
        const auto sum = s.workerSummary();
        QCOMPARE(sum.busy, std::optional<int>(1));
        QVERIFY(!sum.idle.has_value()); // idle workers are invisible unless the backend says it sees them all
        s.workersComplete = true;
        QCOMPARE(s.workerSummary().idle, std::optional<int>(0));
    }
};

QTEST_GUILESS_MAIN(TestCollector)
#include "tst_collector.moc"
