// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "cli/check.h"
#include "cli/snapshotjson.h"

#include <QJsonArray>
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
    print.oldestAgeSeconds = 12 * 3600.0;
    QueueStats mail;
    mail.name = QStringLiteral("mailers");
    mail.waiting = 2;
    mail.oldestAgeSeconds = 3.0;
    s.queues = {mail, print};
    s.workers = {WorkerInfo{QStringLiteral("host:web2 pid:222"), WorkerState::Lost, {QStringLiteral("print")}, 18000.0, {}}};
    return s;
}
} // namespace

class TestCliLogic : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void jsonContractUsesNullForUnknown()
    {
        const QJsonObject o = snapshotToJson(sample());
        QCOMPARE(o.value(QStringLiteral("backend")).toString(), QStringLiteral("delayedjob"));
        QCOMPARE(o.value(QStringLiteral("taken_at")).toString(), QStringLiteral("2023-11-14T22:13:20.000Z"));
        const QJsonObject mail = o.value(QStringLiteral("queues")).toArray().at(0).toObject();
        for (const char *key : {"name", "depth", "oldest_age_s", "running", "failed", "scheduled", "dead"}) {
            QVERIFY2(mail.contains(QLatin1String(key)), key);
        }
        QCOMPARE(mail.value(QStringLiteral("depth")).toInt(), 2);
        QVERIFY(mail.value(QStringLiteral("running")).isNull()); // unknown: null, never 0
        QVERIFY(mail.value(QStringLiteral("dead")).isNull());
        const QJsonObject w = o.value(QStringLiteral("workers")).toArray().at(0).toObject();
        QCOMPARE(w.value(QStringLiteral("state")).toString(), QStringLiteral("lost"));
        QCOMPARE(w.value(QStringLiteral("last_seen_age_s")).toDouble(), 18000.0);
        QVERIFY(o.value(QStringLiteral("totals")).toObject().value(QStringLiteral("processed")).isNull());
    }

    void escapesHostileText()
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

    void checkOk()
    {
        CheckThresholds t;
        t.maxLatency = 86400;
        const CheckResult r = evaluateCheck(sample(), t);
        QCOMPARE(r.state, CheckState::Ok);
        QVERIFY2(r.line.startsWith(QStringLiteral("QUEUEDECK OK - 2 queue(s)")), qPrintable(r.line));
        QVERIFY(r.line.contains(QStringLiteral("'print_depth'=6000")));
    }

    void checkWarnAndCritical()
    {
        CheckThresholds t;
        t.warnLatency = 300;
        QCOMPARE(evaluateCheck(sample(), t).state, CheckState::Warning);
        t.maxLatency = 900;
        const CheckResult r = evaluateCheck(sample(), t);
        QCOMPARE(r.state, CheckState::Critical);
        QVERIFY2(r.line.contains(QStringLiteral("print: oldest job waited 12 h 00 m")), qPrintable(r.line));
        CheckThresholds d;
        d.maxDepth = 100;
        QCOMPARE(evaluateCheck(sample(), d).state, CheckState::Critical);
    }

    void unknownNeverPassesAThreshold()
    {
        Snapshot s = sample();
        s.queues[0].oldestAgeSeconds.reset();
        CheckThresholds t;
        t.maxLatency = 86400;
        const CheckResult r = evaluateCheck(s, t);
        QCOMPARE(r.state, CheckState::Unknown);
        QVERIFY(r.line.contains(QStringLiteral("unknown")));
    }

    void failedPollIsUnknownWithTheReason()
    {
        Snapshot s;
        s.error = QStringLiteral("SQLite database /x does not exist.");
        const CheckResult r = evaluateCheck(s, {});
        QCOMPARE(r.state, CheckState::Unknown);
        QCOMPARE(r.line, QStringLiteral("QUEUEDECK UNKNOWN - SQLite database /x does not exist."));
    }

    void minWorkersCountsOnlyLiveOnes()
    {
        CheckThresholds t;
        t.minWorkers = 1;
        const CheckResult r = evaluateCheck(sample(), t); // its only worker is lost
        QCOMPARE(r.state, CheckState::Critical);
        QVERIFY2(r.line.contains(QStringLiteral("0 live worker(s), 1 required")), qPrintable(r.line));
        QVERIFY(r.line.contains(QStringLiteral("1 lost")));
    }
};

QTEST_GUILESS_MAIN(TestCliLogic)
#include "tst_clilogic.moc"
