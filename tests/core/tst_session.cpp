// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Session: the one owner of a running Queuedeck's services. A poll is recorded, evaluated by the rules, and each
// alert change is on the timeline and posted to the webhook (a real local HTTP server) before the views hear of it;
// a store that cannot be opened is left out with its reason, and the session goes on.
#include "core/alerts/webhooknotifier.h"
#include "core/audit/auditlog.h"
#include "core/clock.h"
#include "tests/support/waitfor.h"
#include "core/collector.h"
#include "tests/support/fakebackend.h"
#include "core/history/historystore.h"
#include "core/session/session.h"
#include "core/timeline/incidenttimeline.h"
#include "tests/support/webhookreceiver.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;

namespace {

using test::waitFor;

} // namespace

class TestSession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aPollIsRecordedEvaluatedAndPostedBeforeTheViewsHear()
    {
        QTemporaryDir dir;
        ManualClock clock(QDateTime::currentDateTimeUtc());
        Session session({dir.filePath(QStringLiteral("h.sqlite3")), dir.filePath(QStringLiteral("t.sqlite3")),
                         dir.filePath(QStringLiteral("a.sqlite3")), dir.filePath(QStringLiteral("o.sqlite3"))},
                        &clock);
        QVERIFY(session.history() && session.timeline() && session.audit() && session.outbox());
        QCOMPARE(session.historyError() + session.timelineError() + session.auditError() + session.outboxError(), QString());

        test::WebhookReceiver receiver;
        QVERIFY(receiver.start(dir.filePath(QStringLiteral("hooks.jsonl"))));
        session.webhooks()->setTarget(QStringLiteral("c1"), WebhookTarget{receiver.url, WebhookFormat::Slack, {}});
        QSignalSpy posted(session.webhooks(), &WebhookNotifier::delivered);

        // The founding incident: 6,000 print jobs, the oldest 12 h old.
        auto backend = std::make_shared<test::FakeBackend>(&clock);
        Snapshot s;
        s.queues = {test::queue(QStringLiteral("print"), 6000, 43200)};
        backend->script(s);
        QSignalSpy evaluated(&session, &Session::alertsEvaluated);
        QSignalSpy recorded(session.timeline(), &IncidentTimeline::entryAdded);
        session.collector()->addConnection(QStringLiteral("c1"), QStringLiteral("Cards"), backend);
        session.collector()->pollNow();
        QTRY_COMPARE(evaluated.count(), 1);
        const auto changes = evaluated.first().at(2).value<QList<AlertChange>>();
        QVERIFY2(!changes.isEmpty(), "a 12 h old job raises an alert on the first poll");
        QCOMPARE(recorded.count(), changes.size()); // on the timeline when the views hear of it
        QTRY_COMPARE(posted.count(), changes.size());
        QCOMPARE(receiver.requests().size(), changes.size());
        QVERIFY(!session.alerts()->active().isEmpty());

        // And in the history, for the charts.
        session.history()->flush().waitForFinished();
        const Series waiting = waitFor(session.history()->load({QStringLiteral("c1"), QStringLiteral("print"), Metric::Waiting},
                                                               clock.now().addSecs(-60), clock.now().addSecs(60)));
        QCOMPARE(waiting.points.size(), 1);
        QCOMPARE(waiting.points.first().y(), 6000.0);

        // A connection removed: its alerts go with it.
        session.collector()->removeConnection(QStringLiteral("c1"));
        QVERIFY(session.alerts()->active().isEmpty());
    }

    void aStoreThatCannotOpenIsLeftOutWithItsReason()
    {
        // Under a plain file: no directory can be made there, not even by root.
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("file")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        const QString nowhere = file.fileName() + QStringLiteral("/x/");
        Session session({nowhere + QStringLiteral("h.sqlite3"), {}, nowhere + QStringLiteral("a.sqlite3"), {}});
        QVERIFY(!session.history());
        QVERIFY(!session.historyError().isEmpty());
        QVERIFY(!session.audit());
        QVERIFY(!session.auditError().isEmpty());
        QVERIFY(!session.timeline()); // not asked for: no error either
        QCOMPARE(session.timelineError(), QString());
        // The rest works: polls are evaluated, and actions refuse to run unaudited where they ask for the log.
        auto backend = std::make_shared<test::FakeBackend>(Clock::system());
        backend->script(Snapshot{});
        QSignalSpy evaluated(&session, &Session::alertsEvaluated);
        session.collector()->addConnection(QStringLiteral("c"), QStringLiteral("c"), backend);
        session.collector()->pollNow();
        QTRY_COMPARE(evaluated.count(), 1);
    }
};

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
