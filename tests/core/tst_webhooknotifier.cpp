// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Alert webhooks against a real local HTTP server (tests/core/fixtures/webhook_receiver.py).
#include "core/alerts/alertengine.h"
#include "core/alerts/webhooknotifier.h"
#include "core/clock.h"
#include "tests/support/fakebackend.h"
#include "tests/support/webhookreceiver.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;

namespace {
/// Drives the engine through OK → WARN → CRIT → OK on one queue: three state changes.
QList<AlertChange> scenario(AlertEngine &engine, ManualClock &clock)
{
    QList<AlertChange> all;
    for (double age : {10.0, 400.0, 1000.0, 0.0}) {
        clock.advance(5000);
        Snapshot s;
        s.takenAt = clock.now();
        QueueStats q = test::queue(QStringLiteral("print"), 5, age);
        s.queues = {q};
        s.workers = {WorkerInfo{QStringLiteral("w"), WorkerState::Busy, {}, 1.0, {}}};
        all.append(engine.evaluate(QStringLiteral("c"), s, 5000));
    }
    return all;
}
} // namespace

class TestWebhookNotifier : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void slackExactlyOneMessagePerStateChangeDespiteA500()
    {
        QTemporaryDir dir;
        test::WebhookReceiver receiver;
        QVERIFY(receiver.start(dir.filePath(QStringLiteral("log.jsonl")), QStringLiteral("/hook"), 1)); // the first request gets a 500
        ManualClock clock;
        AlertEngine engine(&clock);
        WebhookNotifier notifier;
        notifier.setRetryPolicy(5, std::chrono::milliseconds(50));
        notifier.setTarget(QStringLiteral("c"), WebhookTarget{receiver.url, WebhookFormat::Slack, {}});
        QSignalSpy delivered(&notifier, &WebhookNotifier::delivered);
        const QList<AlertChange> changes = scenario(engine, clock);
        QCOMPARE(changes.size(), 3);
        for (const AlertChange &c : changes) {
            notifier.notify(QStringLiteral("Cards"), c);
        }
        QTRY_COMPARE(delivered.count(), 3);
        const auto requests = receiver.requests();
        QCOMPARE(requests.size(), 4); // one retried after the 500
        QCOMPARE(requests.at(0).value(QStringLiteral("status")).toInt(), 500);
        QStringList accepted;
        for (const auto &r : requests) {
            if (r.value(QStringLiteral("status")).toInt() == 202) {
                accepted << r.value(QStringLiteral("body")).toObject().value(QStringLiteral("text")).toString();
            }
        }
        QCOMPARE(accepted.size(), 3); // exactly one per state change
        QVERIFY2(accepted.at(0).contains(QStringLiteral("WARN Cards: print: oldest job waited")), qPrintable(accepted.at(0)));
        QVERIFY(accepted.at(1).contains(QStringLiteral("CRIT")));
        QVERIFY(accepted.at(2).contains(QStringLiteral("resolved")));
        QCOMPARE(delivered.at(0).at(1).toInt(), 2); // the first took two attempts
    }

    void pagerDutyTriggerThenResolveWithOneDedupKey()
    {
        QTemporaryDir dir;
        test::WebhookReceiver receiver;
        QVERIFY(receiver.start(dir.filePath(QStringLiteral("log.jsonl")), QStringLiteral("/hook"), 0));
        ManualClock clock;
        AlertEngine engine(&clock);
        WebhookNotifier notifier;
        notifier.setTarget(QStringLiteral("c"), WebhookTarget{receiver.url, WebhookFormat::PagerDuty, QStringLiteral("R0UT1NG")});
        QSignalSpy delivered(&notifier, &WebhookNotifier::delivered);
        for (const AlertChange &c : scenario(engine, clock)) {
            notifier.notify(QStringLiteral("Cards"), c);
        }
        QTRY_COMPARE(delivered.count(), 3);
        const auto requests = receiver.requests();
        QCOMPARE(requests.size(), 3);
        QStringList actions;
        QSet<QString> keys;
        for (const auto &r : requests) {
            const QJsonObject b = r.value(QStringLiteral("body")).toObject();
            actions << b.value(QStringLiteral("event_action")).toString();
            keys.insert(b.value(QStringLiteral("dedup_key")).toString());
            QCOMPARE(b.value(QStringLiteral("routing_key")).toString(), QStringLiteral("R0UT1NG"));
        }
        QCOMPARE(actions, (QStringList{QStringLiteral("trigger"), QStringLiteral("trigger"), QStringLiteral("resolve")}));
        QCOMPARE(keys.size(), 1);
        const QJsonObject payload = requests.at(1).value(QStringLiteral("body")).toObject().value(QStringLiteral("payload")).toObject();
        QCOMPARE(payload.value(QStringLiteral("severity")).toString(), QStringLiteral("critical"));
        QCOMPARE(payload.value(QStringLiteral("component")).toString(), QStringLiteral("print"));
    }

    void permanentErrorsAreNotRetried()
    {
        ManualClock clock;
        AlertEngine engine(&clock);
        WebhookNotifier notifier;
        notifier.setRetryPolicy(3, std::chrono::milliseconds(10));
        // Nothing listens on this port: a connection error is transient, retried, then reported.
        notifier.setTarget(QStringLiteral("c"), WebhookTarget{QUrl(QStringLiteral("http://127.0.0.1:9/")), WebhookFormat::Slack, {}});
        QSignalSpy failed(&notifier, &WebhookNotifier::failed);
        const auto changes = scenario(engine, clock);
        notifier.notify(QStringLiteral("Cards"), changes.first());
        QTRY_COMPARE(failed.count(), 1);
        QVERIFY2(failed.at(0).at(1).toString().contains(QStringLiteral("3 attempt")), qPrintable(failed.at(0).at(1).toString()));
    }
};

QTEST_GUILESS_MAIN(TestWebhookNotifier)
#include "tst_webhooknotifier.moc"
