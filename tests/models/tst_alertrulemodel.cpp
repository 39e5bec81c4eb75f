// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "models/alertrulemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace qd;

class TestAlertRuleModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void showsTheRulesAsText()
    {
        AlertRuleModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRules(AlertRule::defaults());
        QCOMPARE(model.rowCount(), int(AlertRule::defaults().size()));
        QCOMPARE(model.columnCount(), int(AlertRuleModel::ColumnCount));
        // Row 0 is "oldest job age", 5 min / 15 min.
        QCOMPARE(model.index(0, AlertRuleModel::KindColumn).data().toString(), QStringLiteral("oldest job age"));
        QCOMPARE(model.index(0, AlertRuleModel::KindColumn).data(Qt::EditRole).toString(), QStringLiteral("oldest_age"));
        QCOMPARE(model.index(0, AlertRuleModel::WarnColumn).data().toString(), QStringLiteral("5m"));
        QCOMPARE(model.index(0, AlertRuleModel::CritColumn).data().toString(), QStringLiteral("15m"));
        QCOMPARE(model.index(0, AlertRuleModel::ForColumn).data().toString(), QStringLiteral("at once"));
        QCOMPARE(model.index(0, AlertRuleModel::ClearColumn).data().toString(), QStringLiteral("90%"));
        // A connection-wide rule has no queue glob to edit.
        const int noWorkers = 1;
        QVERIFY(!(model.flags(model.index(noWorkers, AlertRuleModel::QueuesColumn)) & Qt::ItemIsEditable));
        QVERIFY(model.flags(model.index(0, AlertRuleModel::QueuesColumn)) & Qt::ItemIsEditable);
        QVERIFY(model.problems().isEmpty());
    }

    void editsParseUnitsAndRefuseNonsense()
    {
        AlertRuleModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRules(AlertRule::defaults().mid(0, 1));
        QSignalSpy rejected(&model, &AlertRuleModel::editRejected);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

        QVERIFY(model.setData(model.index(0, AlertRuleModel::WarnColumn), QStringLiteral("2m")));
        QCOMPARE(model.rules().at(0).warn, std::optional<double>(120));
        QCOMPARE(changed.size(), 1);
        QVERIFY(model.setData(model.index(0, AlertRuleModel::ForColumn), QStringLiteral("1m30s")));
        QCOMPARE(model.rules().at(0).forMs, qint64(90'000));
        QVERIFY(model.setData(model.index(0, AlertRuleModel::QueuesColumn), QStringLiteral("print*")));
        QCOMPARE(model.rules().at(0).queueGlob, QStringLiteral("print*"));
        QVERIFY(model.setData(model.index(0, AlertRuleModel::ClearColumn), QStringLiteral("80%")));
        QCOMPARE(model.rules().at(0).clearRatio, 0.8);
        QVERIFY(model.setData(model.index(0, AlertRuleModel::ClearColumn), QStringLiteral("0.5")));
        QCOMPARE(model.rules().at(0).clearRatio, 0.5);

        QVERIFY(!model.setData(model.index(0, AlertRuleModel::WarnColumn), QStringLiteral("soon")));
        QVERIFY(!model.setData(model.index(0, AlertRuleModel::QueuesColumn), QStringLiteral("  ")));
        QVERIFY(!model.setData(model.index(0, AlertRuleModel::ClearColumn), QStringLiteral("150%")));
        QVERIFY(!model.setData(model.index(0, AlertRuleModel::KindColumn), QStringLiteral("teleport")));
        QCOMPARE(rejected.size(), 4);
        QVERIFY(rejected.at(0).at(1).toString().contains(QStringLiteral("not a duration")));
        QCOMPARE(model.rules().at(0).warn, std::optional<double>(120)); // unchanged
    }

    void aBrokenRuleStaysAndIsFlagged()
    {
        AlertRuleModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRules(AlertRule::defaults().mid(0, 1));
        QSignalSpy validity(&model, &AlertRuleModel::validityChanged);
        // Warn above crit parses, but cannot work: kept (nothing typed is lost) and flagged.
        QVERIFY(model.setData(model.index(0, AlertRuleModel::WarnColumn), QStringLiteral("1h")));
        QCOMPARE(validity.size(), 1);
        QCOMPARE(model.problems().size(), 1);
        QVERIFY(model.problems().at(0).startsWith(QStringLiteral("Rule 1 (oldest job age)")));
        QVERIFY(model.index(0, AlertRuleModel::CritColumn).data(Qt::ToolTipRole).toString().contains(QStringLiteral("cannot be used")));
        QVERIFY(model.index(0, AlertRuleModel::CritColumn).data(Qt::ForegroundRole).isValid());
        QVERIFY(model.setData(model.index(0, AlertRuleModel::CritColumn), QStringLiteral("2h")));
        QVERIFY(model.problems().isEmpty());
        // Clearing both levels: a rule that never fires is a problem too.
        QVERIFY(model.setData(model.index(0, AlertRuleModel::WarnColumn), QString()));
        QVERIFY(model.setData(model.index(0, AlertRuleModel::CritColumn), QString()));
        QVERIFY(model.problems().at(0).contains(QStringLiteral("never fires")));
    }

    void changingTheKindStartsFromThatKindsLevels()
    {
        AlertRuleModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRules(AlertRule::defaults().mid(0, 1)); // oldest age 300/900 s
        QVERIFY(model.setData(model.index(0, AlertRuleModel::KindColumn), QStringLiteral("depth")));
        const AlertRule r = model.rules().at(0);
        QCOMPARE(r.kind, RuleKind::Depth);
        QCOMPARE(r.warn, std::optional<double>(1000)); // not "300 jobs" left over from the age
        QCOMPARE(r.crit, std::optional<double>(10000));
        QCOMPARE(r.id, QStringLiteral("depth"));
        QVERIFY(model.problems().isEmpty());
    }

    void addAndRemove()
    {
        AlertRuleModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRules(AlertRule::defaults());
        const int n = model.rowCount();
        const int a = model.addRule(RuleKind::OldestAge);
        const int b = model.addRule(RuleKind::Depth);
        QCOMPARE(model.rowCount(), n + 2);
        QCOMPARE(model.rules().at(a).id, QStringLiteral("oldest-age-2")); // the default one is "oldest-age"
        QCOMPARE(model.rules().at(b).id, QStringLiteral("depth"));
        QVERIFY(model.problems().isEmpty());
        // Every added kind is usable as it comes.
        for (RuleKind k : {RuleKind::NewQueue, RuleKind::Stale, RuleKind::Poison, RuleKind::Unreachable}) {
            model.addRule(k);
        }
        QVERIFY2(model.problems().isEmpty(), qPrintable(model.problems().join(u'\n')));
        model.removeRules({a, b, b, 0});
        QCOMPARE(model.rowCount(), n - 1 + 4);
        QCOMPARE(model.rules().at(0).id, QStringLiteral("no-workers"));
    }

    void clearRatioText()
    {
        QCOMPARE(AlertRuleModel::parseClearRatio(QStringLiteral("90%")), std::optional<double>(0.9));
        QCOMPARE(AlertRuleModel::parseClearRatio(QStringLiteral("0.75")), std::optional<double>(0.75));
        QCOMPARE(AlertRuleModel::parseClearRatio(QStringLiteral("50")), std::optional<double>(0.5));
        QVERIFY(!AlertRuleModel::parseClearRatio(QStringLiteral("most")));
        QCOMPARE(AlertRuleModel::formatClearRatio(0.9), QStringLiteral("90%"));
    }
};

QTEST_MAIN(TestAlertRuleModel)
#include "tst_alertrulemodel.moc"
