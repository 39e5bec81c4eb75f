// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/clock.h"
#include "core/history/historystore.h"
#include "core/timeline/incidenttimeline.h"
#include "core/audit/auditlog.h"
#include "core/timeline/postmortem.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;

class TestPostMortem : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void timelineRecordsAndReadsBack()
    {
        QTemporaryDir dir;
        ManualClock clock;
        IncidentTimeline t(dir.filePath(QStringLiteral("t.sqlite3")), &clock);
        QCOMPARE(t.open(), QString());
        QSignalSpy added(&t, &IncidentTimeline::entryAdded);
        AlertChange c;
        c.alert.connectionId = QStringLiteral("c");
        c.alert.queue = QStringLiteral("print");
        c.alert.ruleId = QStringLiteral("oldest-age");
        c.alert.state = AlertState::Crit;
        c.alert.message = QStringLiteral("print: oldest job waited 16 min");
        c.alert.since = clock.now();
        t.recordAlert(c);
        clock.advance(60'000);
        t.addNote(QStringLiteral("c"), QStringLiteral("Restarted the workers | with god"));
        t.addEvent(QStringLiteral("other"), QStringLiteral("deploy"));
        QCOMPARE(added.count(), 3);
        auto f = t.entries(QStringLiteral("c"), clock.now().addSecs(-3600), clock.now());
        f.waitForFinished();
        const auto entries = f.result();
        QCOMPARE(entries.size(), 2);
        QCOMPARE(entries.at(0).state, AlertState::Crit);
        QCOMPARE(entries.at(0).queue, QStringLiteral("print"));
        QCOMPARE(entries.at(1).kind, TimelineEntry::Kind::Note);
    }

    void postMortemFromHistoryAndTimeline()
    {
        QTemporaryDir dir;
        ManualClock clock(QDateTime::fromSecsSinceEpoch(1'760'000'000, Qt::UTC));
        const QDateTime start = clock.now();
        HistoryStore history(dir.filePath(QStringLiteral("h.sqlite3")), &clock);
        QCOMPARE(history.open(), QString());
        IncidentTimeline timeline(dir.filePath(QStringLiteral("t.sqlite3")), &clock);
        QCOMPARE(timeline.open(), QString());
        // 12 minutes of a growing print backlog at 60 jobs/min arriving; then it drains.
        for (int i = 0; i <= 12 * 12; ++i) {
            const qint64 t = start.toMSecsSinceEpoch() + i * 5000;
            history.recordSample(SeriesKey{QStringLiteral("c"), QStringLiteral("print"), Metric::Waiting}, t, i < 120 ? i * 5 : 0);
            history.recordSample(SeriesKey{QStringLiteral("c"), QStringLiteral("print"), Metric::OldestAge}, t, i < 120 ? i * 5 : 0);
            history.recordSample(SeriesKey{QStringLiteral("c"), QStringLiteral("print"), Metric::InRate}, t, 60);
        }
        history.flush().waitForFinished();
        AlertChange c;
        c.alert.connectionId = QStringLiteral("c");
        c.alert.queue = QStringLiteral("print");
        c.alert.ruleId = QStringLiteral("no-workers");
        c.alert.kind = RuleKind::NoWorkers;
        c.alert.state = AlertState::Crit;
        c.alert.message = QStringLiteral("230 jobs wait and no worker is taking them");
        c.alert.since = start.addSecs(60);
        timeline.recordAlert(c);
        clock.advance(12 * 60'000);
        timeline.addNote(QStringLiteral("c"), QStringLiteral("Restarted delayed_job workers"));
        timeline.flush().waitForFinished();

        // Operator actions come from the audit log (the GUI's and queuedeckctl's), for this connection only.
        AuditLog audit(dir.filePath(QStringLiteral("audit.sqlite3")), &clock);
        QCOMPARE(audit.open(), QString());
        AuditRecord retry;
        retry.operatorName = QStringLiteral("ada");
        retry.connection = QStringLiteral("delayedjob+postgresql://app@db:5432/cards");
        retry.action = QStringLiteral("retry");
        retry.expectedState = QStringLiteral("failed");
        retry.filter = QStringLiteral("bulk #4, batch 1 of 1: queue=print state=failed");
        retry.succeeded = 230;
        retry.result = QStringLiteral("ok");
        audit.append(retry);
        AuditRecord elsewhere = retry;
        elsewhere.connection = QStringLiteral("sidekiq+redis://other:6379/0");
        elsewhere.operatorName = QStringLiteral("mallory");
        audit.append(elsewhere).waitForFinished();

        PostMortemRequest r{QStringLiteral("c"), QStringLiteral("Cards production"), start, clock.now(),
                            {QStringLiteral("print")}, QStringLiteral("delayedjob+postgresql://app@db:5432/cards")};
        const QString md = buildPostMortem(history, timeline, r, &audit);
        QVERIFY2(md.contains(QStringLiteral("— ada: retry failed — 230 done, 0 skipped (bulk #4, batch 1 of 1: queue=print state=failed)")),
                 qPrintable(md));
        QVERIFY(!md.contains(QStringLiteral("mallory")));
        QVERIFY2(md.startsWith(QStringLiteral("# Post-mortem: Cards production")), qPrintable(md));
        QVERIFY2(md.contains(QStringLiteral("| print | 595 | ")), qPrintable(md));   // peak waiting
        QVERIFY(md.contains(QStringLiteral("| 9 m 55 s |")));                         // longest wait
        QVERIFY(md.contains(QStringLiteral("| ≈720 |")));                             // 12 min × 60/min
        QVERIFY(md.contains(QStringLiteral("**CRIT** 230 jobs wait and no worker is taking them")));
        QVERIFY(md.contains(QStringLiteral("Restarted delayed_job workers")));
        QVERIFY(md.contains(QStringLiteral("## Action items")));
    }

    void hostileTextCannotBreakTheMarkdown()
    {
        PostMortemRequest r{QStringLiteral("c"), QStringLiteral("x"), QDateTime::currentDateTimeUtc(),
                            QDateTime::currentDateTimeUtc(), {}, {}};
        TimelineEntry e;
        e.kind = TimelineEntry::Kind::Note;
        e.at = r.from;
        e.text = QStringLiteral("a | b\n| forged | row");
        const QString md = renderPostMortem(r, {}, {e});
        QVERIFY(md.contains(QStringLiteral("a \\| b\\u000a\\| forged \\| row")));
    }
};

QTEST_GUILESS_MAIN(TestPostMortem)
#include "tst_postmortem.moc"
