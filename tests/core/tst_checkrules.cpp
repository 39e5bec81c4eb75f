// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// `queuedeckctl check`: Nagios states, one status line, and "unknown" never passing for "fine".
#include "core/cli/check.h"

#include <QTest>

using namespace qd;

namespace {
QueueStats queue(const QString &name, std::optional<qint64> waiting, std::optional<double> oldest)
{
    QueueStats q;
    q.name = name;
    q.waiting = waiting;
    q.running = 0;
    q.oldestAgeSeconds = oldest;
    return q;
}

Snapshot sample()
{
    Snapshot s;
    s.backend = QStringLiteral("delayedjob");
    s.takenAt = QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC);
    // The Delayed::Job incident: 6,000 jobs waiting, the oldest for 12 h, the only worker lost.
    s.queues = {queue(QStringLiteral("mailers"), 2, 3.0), queue(QStringLiteral("mixpanel"), 5400, 600.0),
                queue(QStringLiteral("print"), 600, 12 * 3600.0)};
    s.workers = {
        WorkerInfo{QStringLiteral("host:web2 pid:222"), WorkerState::Lost, {QStringLiteral("print")}, 18000.0, {}}};
    return s;
}

Snapshot healthy()
{
    Snapshot s = sample();
    s.queues = {queue(QStringLiteral("mailers"), 1, 2.0), queue(QStringLiteral("print"), 3, 12.0)};
    s.workers = {WorkerInfo{QStringLiteral("host:web1 pid:1"), WorkerState::Busy, {}, 1.0, {}},
                 WorkerInfo{QStringLiteral("host:web1 pid:2"), WorkerState::Busy, {}, 2.0, {}},
                 WorkerInfo{QStringLiteral("host:web2 pid:3"), WorkerState::Busy, {}, 0.5, {}}};
    return s;
}
} // namespace

class TestCheckRules : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void okLineNamesOldestAndWorkers()
    {
        CheckThresholds t;
        t.maxLatency = 300;
        t.maxDepth = 100;
        t.minWorkers = 2;
        const CheckResult r = evaluateCheck(healthy(), t);
        QCOMPARE(r.state, CheckState::Ok);
        QCOMPARE(int(r.state), 0);
        QVERIFY2(r.line.startsWith(
                     QStringLiteral("QUEUEDECK OK - 2 queue(s), oldest job 12 s (print), 3 busy worker(s) | ")),
                 qPrintable(r.line));
        QVERIFY(!r.line.contains(u'\n'));
    }

    void perfdataCarriesTheLevels()
    {
        CheckThresholds t;
        t.warnLatency = 60;
        t.maxLatency = 300;
        t.maxDepth = 100;
        const CheckResult r = evaluateCheck(healthy(), t);
        QVERIFY2(r.line.contains(QStringLiteral("'print_depth'=3;;100;0;")), qPrintable(r.line));
        QVERIFY2(r.line.contains(QStringLiteral("'print_oldest'=12s;60;300;0;")), qPrintable(r.line));
        QVERIFY(r.line.contains(QStringLiteral("workers_busy=3")));
        const CheckResult none = evaluateCheck(healthy(), {});
        QVERIFY2(none.line.contains(QStringLiteral("'print_depth'=3;;;0;")), qPrintable(none.line));
    }

    void warnThenCriticalLatency_data()
    {
        QTest::addColumn<double>("warn");
        QTest::addColumn<double>("crit");
        QTest::addColumn<int>("state");
        QTest::newRow("below both") << 86400.0 << 172800.0 << int(CheckState::Ok);
        QTest::newRow("past warn") << 3600.0 << 86400.0 << int(CheckState::Warning);
        QTest::newRow("past crit") << 300.0 << 900.0 << int(CheckState::Critical);
        QTest::newRow("exactly at crit is not past it") << 300.0 << 43200.0 << int(CheckState::Warning);
    }

    void warnThenCriticalLatency()
    {
        QFETCH(double, warn);
        QFETCH(double, crit);
        QFETCH(int, state);
        CheckThresholds t;
        t.warnLatency = warn;
        t.maxLatency = crit;
        QCOMPARE(int(evaluateCheck(sample(), t).state), state);
    }

    void criticalNamesTheWorstQueueFirst()
    {
        CheckThresholds t;
        t.maxLatency = 300; // mixpanel (600 s) and print (12 h) are both past it; print is far worse
        const CheckResult r = evaluateCheck(sample(), t);
        QCOMPARE(r.state, CheckState::Critical);
        QVERIFY2(
            r.line.startsWith(QStringLiteral("QUEUEDECK CRITICAL - print: oldest job waited 12 h 00 m; mixpanel: ")),
            qPrintable(r.line));
        CheckThresholds d;
        d.warnDepth = 100;
        d.maxDepth = 1000;
        const CheckResult depth = evaluateCheck(sample(), d); // mixpanel critical, print only warning
        QCOMPARE(depth.state, CheckState::Critical);
        QVERIFY2(depth.line.startsWith(QStringLiteral("QUEUEDECK CRITICAL - mixpanel: 5400 jobs waiting; print: 600")),
                 qPrintable(depth.line));
    }

    void longListsAreCut()
    {
        Snapshot s = sample();
        for (int i = 0; i < 10; ++i) {
            s.queues << queue(QStringLiteral("q%1").arg(i), 50 + i, 1.0);
        }
        CheckThresholds t;
        t.maxDepth = 10;
        const CheckResult r = evaluateCheck(s, t);
        QVERIFY2(r.line.contains(QStringLiteral("(+9 more)")), qPrintable(r.line));
    }

    void unknownNeverPassesAThreshold()
    {
        Snapshot s = sample();
        s.queues[0].oldestAgeSeconds.reset();
        CheckThresholds t;
        t.maxLatency = 86400; // every known age is fine, but one is not known
        const CheckResult r = evaluateCheck(s, t);
        QCOMPARE(r.state, CheckState::Unknown);
        QVERIFY2(r.line.contains(QStringLiteral("mailers: age of the oldest job is unknown")), qPrintable(r.line));
        s.queues[0].waiting.reset();
        CheckThresholds d;
        d.warnDepth = 1'000'000;
        QCOMPARE(evaluateCheck(s, d).state, CheckState::Unknown);
        // ...but a value nobody asked about does not matter.
        CheckThresholds none;
        QCOMPARE(evaluateCheck(s, none).state, CheckState::Ok);
    }

    void criticalOutranksUnknown()
    {
        Snapshot s = sample();
        s.queues[0].oldestAgeSeconds.reset();
        CheckThresholds t;
        t.maxLatency = 300;
        const CheckResult r = evaluateCheck(s, t);
        QCOMPARE(r.state, CheckState::Critical); // a known emergency is reported as such
        QVERIFY(r.line.contains(QStringLiteral("unknown")));
    }

    void failedPollIsUnknownWithTheReason()
    {
        Snapshot s;
        s.error = QStringLiteral("SQLite database /x does not exist.");
        const CheckResult r = evaluateCheck(s, {});
        QCOMPARE(r.state, CheckState::Unknown);
        QCOMPARE(int(r.state), 3);
        QCOMPARE(r.line, QStringLiteral("QUEUEDECK UNKNOWN - SQLite database /x does not exist."));
        s.error = QStringLiteral("bad\x1b[31m\nline");
        QVERIFY(!evaluateCheck(s, {}).line.contains(u'\n'));
    }

    void minWorkersCountsOnlyLiveOnes()
    {
        CheckThresholds t;
        t.minWorkers = 1;
        const CheckResult r = evaluateCheck(sample(), t); // its only worker is lost
        QCOMPARE(r.state, CheckState::Critical);
        QVERIFY2(r.line.contains(QStringLiteral("0 live worker(s), 1 required")), qPrintable(r.line));
        QVERIFY(r.line.contains(QStringLiteral("1 lost")));
        QVERIFY(r.line.contains(QStringLiteral("idle workers are invisible")));
        QCOMPARE(evaluateCheck(healthy(), t).state, CheckState::Ok);
    }

    void hostileQueueNamesAreEscaped()
    {
        Snapshot s = sample();
        s.queues[2].name = QStringLiteral("pr\u202Eint'=x\x1b[2J");
        CheckThresholds t;
        t.maxLatency = 300;
        const CheckResult r = evaluateCheck(s, t);
        QVERIFY(!r.line.contains(QChar(0x202E)));
        QVERIFY(!r.line.contains(QChar(0x1b)));
        const QString perf = r.line.section(QStringLiteral(" | "), 1);
        QVERIFY2(perf.contains(QStringLiteral("'pr\\u202eint__x\\u001b[2J_depth'=600")), qPrintable(perf));
    }

    void stateNames()
    {
        QCOMPARE(checkStateName(CheckState::Ok), QStringLiteral("OK"));
        QCOMPARE(checkStateName(CheckState::Warning), QStringLiteral("WARNING"));
        QCOMPARE(checkStateName(CheckState::Critical), QStringLiteral("CRITICAL"));
        QCOMPARE(checkStateName(CheckState::Unknown), QStringLiteral("UNKNOWN"));
    }
};

QTEST_GUILESS_MAIN(TestCheckRules)
#include "tst_checkrules.moc"
