// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "models/alertlistmodel.h"
#include "core/clock.h"
#include "core/collector.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace qd;

class TestAlertListModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void listsAcknowledgesAndResetsAcknowledgementOnChange()
    {
        ManualClock clock;
        Collector collector(&clock);
        AlertListModel model(&collector);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        Alert a;
        a.connectionId = QStringLiteral("c");
        a.queue = QStringLiteral("print");
        a.ruleId = QStringLiteral("oldest-age");
        a.state = AlertState::Warn;
        a.message = QStringLiteral("print: oldest job waited 6 min");
        a.since = QDateTime::currentDateTimeUtc();
        Alert b = a;
        b.queue.clear();
        b.ruleId = QStringLiteral("no-workers");
        b.kind = RuleKind::NoWorkers;
        b.state = AlertState::Crit;
        model.setAlerts({b, a});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, AlertListModel::StateColumn).data().toString(), QStringLiteral("Critical"));
        QCOMPARE(model.index(0, AlertListModel::RuleColumn).data().toString(), QStringLiteral("no workers"));
        QCOMPARE(model.index(1, AlertListModel::MessageColumn).data().toString(), a.message);
        model.acknowledge(1);
        QVERIFY(model.index(1, 0).data(AlertListModel::AcknowledgedRole).toBool());
        model.setAlerts({b, a}); // same state: still acknowledged
        QVERIFY(model.index(1, 0).data(AlertListModel::AcknowledgedRole).toBool());
        a.state = AlertState::Crit; // escalated: needs a new acknowledgement
        model.setAlerts({b, a});
        QVERIFY(!model.index(1, 0).data(AlertListModel::AcknowledgedRole).toBool());
        // Snooze: acknowledged for an hour, then it asks for attention again.
        model.snooze(0, clock.now().addSecs(3600));
        QVERIFY(model.index(0, 0).data(AlertListModel::AcknowledgedRole).toBool());
        QVERIFY(model.index(0, 0).data().toString().contains(QStringLiteral("snoozed until")));
        model.setAlerts({b, a});
        QVERIFY(model.index(0, 0).data(AlertListModel::AcknowledgedRole).toBool()); // survives a refresh
        clock.advance(3601 * 1000);
        QVERIFY(!model.index(0, 0).data(AlertListModel::AcknowledgedRole).toBool());
        // The next poll repaints the row (it said "snoozed until …") and asks for attention once.
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy expired(&model, &AlertListModel::snoozeExpired);
        model.expireSnoozes();
        QCOMPARE(changed.count(), 1);
        QCOMPARE(expired.count(), 1);
        QCOMPARE(expired.first().first().value<Alert>().ruleId, QStringLiteral("no-workers"));
        QVERIFY(!model.index(0, 0).data().toString().contains(QStringLiteral("snoozed")));
        model.expireSnoozes();
        QCOMPARE(expired.count(), 1); // once
        model.setAlerts({});
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_MAIN(TestAlertListModel)
#include "tst_alertlistmodel.moc"
