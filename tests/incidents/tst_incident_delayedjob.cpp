// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Incident 002 (shared/incidents/002_…): an OS upgrade killed the Delayed::Job workers; 6,000 jobs piled up
// for 12 h and nothing told anyone. Replayed with real delayed_job rows (fixtures/dj_workers_down.rb): 6,000
// print jobs due 12 h ago, stat pings, and the locks of the two dead workers (older than max_run_time, which
// the URL carries as the workers' configuration). What the operator must see at the FIRST poll: critical
// "no workers" (first in the list) and critical "oldest job"; `queuedeckctl check URL` exits 2 (issue 17,
// item 1: it said OK).
#include "core/backendfactory.h"
#include "tests/backends/djtestsupport.h"
#include "tests/incidents/incidentsupport.h"

#include <QTemporaryDir>
#include <QTest>

using namespace qd;

class TestIncidentDelayedJob : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_url;
    QJsonObject m_report;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString db = m_dir.filePath(QStringLiteral("incident.sqlite3"));
        QProcess ruby;
        ruby.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        ruby.start(QStringLiteral("/usr/bin/ruby"), {test::incidentFixture(QStringLiteral("dj_workers_down.rb")),
                                                     QStringLiteral("sqlite3"), db, QStringLiteral("6000")});
        QVERIFY(ruby.waitForFinished(120'000));
        QCOMPARE(ruby.exitCode(), 0);
        m_report = QJsonDocument::fromJson(ruby.readAllStandardOutput()).object();
        QCOMPARE(m_report.value(u"print").toInt(), 5998);
        m_url = QStringLiteral("delayedjob+sqlite://%1?max_run_time=600").arg(db);
    }

    void firstPollIsCriticalWithNoWorkersFirst()
    {
        test::Watch watch;
        auto backend = createBackend(m_url, watch.clock());
        QVERIFY2(backend.ok(), qPrintable(backend.error()));
        const Snapshot s = watch.poll(*backend.value());
        QVERIFY2(s.ok(), qPrintable(s.error));
        QCOMPARE(s.queue(QStringLiteral("print"))->waiting.value(), 5998);
        QCOMPARE(s.workerSummary().lost.value_or(-1), 2);
        QCOMPARE(s.workerSummary().busy.value_or(-1), 0);
        qInfo().noquote() << "first poll:\n" << watch.describe();

        const auto noWorkers = watch.alert(QStringLiteral("no-workers"));
        QVERIFY2(noWorkers && noWorkers->state == AlertState::Crit, qPrintable(watch.describe()));
        QVERIFY2(noWorkers->message.contains(u"2 worker(s) lost"), qPrintable(noWorkers->message));
        const auto oldest = watch.alert(QStringLiteral("oldest-age"), QStringLiteral("print"));
        QVERIFY2(oldest && oldest->state == AlertState::Crit, qPrintable(watch.describe()));
        QVERIFY(oldest->value.value_or(0) > 11.9 * 3600);
        QCOMPARE(watch.state(QStringLiteral("oldest-age"), QStringLiteral("mixpanel")), AlertState::Crit);
        // The operator reads the cause before its symptoms: "no workers" heads the list.
        const QList<Alert> active = watch.active();
        QCOMPARE(active.first().ruleId, QStringLiteral("no-workers"));
        QCOMPARE(watch.state(QStringLiteral("worker-lost")), AlertState::Warn);
    }

    void staysCriticalAfterHoldTimes()
    {
        test::Watch watch;
        auto backend = createBackend(m_url, watch.clock());
        QVERIFY2(backend.ok(), qPrintable(backend.error()));
        for (int poll = 0; poll < 4; ++poll) {
            QVERIFY(watch.poll(*backend.value()).ok());
            watch.advance(30'000); // past the "no-workers" hold of 30 s; nothing may clear by itself
        }
        QCOMPARE(watch.active().first().ruleId, QStringLiteral("no-workers"));
        QCOMPARE(watch.state(QStringLiteral("no-workers")), AlertState::Crit);
        QCOMPARE(watch.state(QStringLiteral("oldest-age"), QStringLiteral("print")), AlertState::Crit);
        QCOMPARE(watch.state(QStringLiteral("not-draining"), QStringLiteral("print")), AlertState::Warn);
    }

    void checkExitsCritical()
    {
        const test::CheckRun r = test::checkUrl(m_url);
        qInfo().noquote() << r.line;
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.line.startsWith(u"QUEUEDECK CRITICAL - "), qPrintable(r.line));
        QVERIFY2(r.line.contains(u"no worker"), qPrintable(r.line));
        QVERIFY2(r.line.contains(u"print: oldest job waited"), qPrintable(r.line));
        // "no workers" is named first on the status line too.
        QVERIFY2(r.line.indexOf(u"no worker") < r.line.indexOf(u"print:"), qPrintable(r.line));
    }
};

QTEST_GUILESS_MAIN(TestIncidentDelayedJob)
#include "tst_incident_delayedjob.moc"
