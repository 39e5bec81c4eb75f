// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/alerts/alertrulesio.h"
#include "core/settings/connectionsettings.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

#include <cmath>
#include <limits>

using namespace qd;

class TestAlertRulesIO : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("QueuedeckTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_alertrulesio"));
        QSettings(ConnectionSettings::fileName(), QSettings::NativeFormat).clear();
    }

    void kindIdsRoundTrip()
    {
        QCOMPARE(AlertRulesIO::allKinds().size(), 14);
        for (RuleKind k : AlertRulesIO::allKinds()) {
            QCOMPARE(AlertRulesIO::parseKindId(AlertRulesIO::kindId(k)), std::optional<RuleKind>(k));
            QVERIFY(!AlertRulesIO::thresholdHelp(k).isEmpty());
            QVERIFY(!AlertRulesIO::holdHelp(k).isEmpty());
        }
        QVERIFY(!AlertRulesIO::parseKindId(QStringLiteral("oldest-age")));
    }

    void defaultsAreValidAndRoundTrip()
    {
        const QList<AlertRule> defaults = AlertRule::defaults();
        for (const AlertRule &r : defaults) {
            QVERIFY2(AlertRulesIO::validate(r).isEmpty(), qPrintable(r.id + u": " + AlertRulesIO::validate(r)));
        }
        const auto back = AlertRulesIO::fromJson(AlertRulesIO::toJson(defaults));
        QVERIFY2(back.ok(), qPrintable(back.error()));
        QCOMPARE(back->size(), defaults.size());
        for (qsizetype i = 0; i < defaults.size(); ++i) {
            QCOMPARE(back->at(i).id, defaults.at(i).id);
            QCOMPARE(back->at(i).kind, defaults.at(i).kind);
            QCOMPARE(back->at(i).queueGlob, defaults.at(i).queueGlob);
            QCOMPARE(back->at(i).warn, defaults.at(i).warn);
            QCOMPARE(back->at(i).crit, defaults.at(i).crit);
            QCOMPARE(back->at(i).forMs, defaults.at(i).forMs);
            QCOMPARE(back->at(i).clearRatio, defaults.at(i).clearRatio);
        }
    }

    void validateSaysWhatIsWrong_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("expected"); // a fragment of the message; "" = valid
        QTest::newRow("ok") << QString() << QString();
        QTest::newRow("no id") << QStringLiteral("id") << QStringLiteral("no id");
        QTest::newRow("no glob") << QStringLiteral("glob") << QStringLiteral("which queues");
        QTest::newRow("negative") << QStringLiteral("negative") << QStringLiteral("0 or more");
        QTest::newRow("nan") << QStringLiteral("nan") << QStringLiteral("0 or more");
        QTest::newRow("no levels") << QStringLiteral("nolevels") << QStringLiteral("never fires");
        QTest::newRow("warn above crit") << QStringLiteral("inverted") << QStringLiteral("above the critical");
        QTest::newRow("hold too long") << QStringLiteral("hold") << QStringLiteral("30 days");
        QTest::newRow("clear ratio") << QStringLiteral("ratio") << QStringLiteral("clear ratio");
    }

    void validateSaysWhatIsWrong()
    {
        QFETCH(QString, field);
        QFETCH(QString, expected);
        AlertRule r;
        r.id = QStringLiteral("r1");
        r.kind = RuleKind::Depth;
        r.warn = 100;
        r.crit = 1000;
        if (field == u"id") r.id = QStringLiteral("  ");
        if (field == u"glob") r.queueGlob.clear();
        if (field == u"negative") r.warn = -1;
        if (field == u"nan") r.crit = std::numeric_limits<double>::quiet_NaN();
        if (field == u"nolevels") r.warn = r.crit = std::nullopt;
        if (field == u"inverted") r.warn = 2000;
        if (field == u"hold") r.forMs = 31LL * 24 * 3600 * 1000;
        if (field == u"ratio") r.clearRatio = 0;
        const QString problem = AlertRulesIO::validate(r);
        if (expected.isEmpty()) {
            QVERIFY2(problem.isEmpty(), qPrintable(problem));
        } else {
            QVERIFY2(problem.contains(expected), qPrintable(problem));
        }
    }

    void newQueueNeedsAWindowNotALevel()
    {
        AlertRule r;
        r.id = QStringLiteral("nq");
        r.kind = RuleKind::NewQueue;
        QVERIFY(AlertRulesIO::validate(r).contains(QStringLiteral("how long")));
        r.forMs = 60'000;
        QVERIFY(AlertRulesIO::validate(r).isEmpty());
    }

    void fromJsonRefusesTheWholeListOnOneBadRule()
    {
        const auto doc = QJsonDocument::fromJson(R"([
            {"id": "a", "kind": "depth", "queues": "mail*", "warn": 10, "crit": 100},
            {"id": "b", "kind": "teleport", "warn": 1}
        ])");
        const auto r = AlertRulesIO::fromJson(doc.array());
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(QStringLiteral("rule 2")) && r.error().contains(QStringLiteral("teleport")),
                 qPrintable(r.error()));

        const auto dup = AlertRulesIO::fromJson(QJsonDocument::fromJson(R"([
            {"id": "a", "kind": "depth", "warn": 10},
            {"id": "a", "kind": "oldest_age", "crit": 900}
        ])").array());
        QVERIFY(!dup.ok());
        QVERIFY2(dup.error().contains(QStringLiteral("twice")), qPrintable(dup.error()));

        const auto inverted = AlertRulesIO::fromJson(QJsonDocument::fromJson(R"([
            {"id": "a", "kind": "oldest_age", "warn": 900, "crit": 300}
        ])").array());
        QVERIFY(!inverted.ok());
        QVERIFY2(inverted.error().contains(QStringLiteral("oldest_age")), qPrintable(inverted.error()));
    }

    void fromJsonFillsDefaultsForMissingKeys()
    {
        const auto r = AlertRulesIO::fromJson(QJsonDocument::fromJson(R"([{"id": "d", "kind": "depth", "crit": 5}])").array());
        QVERIFY2(r.ok(), qPrintable(r.error()));
        QCOMPARE(r->at(0).queueGlob, QStringLiteral("*"));
        QCOMPARE(r->at(0).warn, std::optional<double>());
        QCOMPARE(r->at(0).crit, std::optional<double>(5));
        QCOMPARE(r->at(0).forMs, qint64(0));
        QCOMPARE(r->at(0).clearRatio, 0.9);
    }

    void durations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("seconds"); // -1: refused
        QTest::newRow("plain") << QStringLiteral("90") << qint64(90);
        QTest::newRow("s") << QStringLiteral("90s") << qint64(90);
        QTest::newRow("m") << QStringLiteral("5m") << qint64(300);
        QTest::newRow("h m") << QStringLiteral("1h30m") << qint64(5400);
        QTest::newRow("spaces, case") << QStringLiteral(" 1H 30M ") << qint64(5400);
        QTest::newRow("fraction") << QStringLiteral("1.5m") << qint64(90);
        QTest::newRow("days") << QStringLiteral("2d") << qint64(172800);
        QTest::newRow("empty") << QString() << qint64(0);
        QTest::newRow("word") << QStringLiteral("soon") << qint64(-1);
        QTest::newRow("trailing") << QStringLiteral("5m!") << qint64(-1);
        QTest::newRow("unit first") << QStringLiteral("m5") << qint64(-1);
        QTest::newRow("unitless in the middle") << QStringLiteral("5 3m") << qint64(-1);
        QTest::newRow("negative") << QStringLiteral("-5m") << qint64(-1);
        QTest::newRow("huge") << QStringLiteral("99999999999999d") << qint64(-1);
    }

    void durations()
    {
        QFETCH(QString, text);
        QFETCH(qint64, seconds);
        const auto r = AlertRulesIO::parseDuration(text);
        if (seconds < 0) {
            QVERIFY2(!r.ok(), qPrintable(text));
            QVERIFY(r.error().contains(QStringLiteral("not a duration")));
        } else {
            QVERIFY2(r.ok(), qPrintable(r.error()));
            QCOMPARE(*r, seconds);
            if (seconds > 0) { // what the editor shows reads back the same
                QCOMPARE(*AlertRulesIO::parseDuration(AlertRulesIO::formatDuration(seconds)), seconds);
            }
        }
    }

    void thresholdsByUnit()
    {
        QCOMPARE(AlertRulesIO::formatThreshold(RuleKind::OldestAge, 5400), QStringLiteral("1h30m"));
        QCOMPARE(AlertRulesIO::formatThreshold(RuleKind::Depth, 1000), QStringLiteral("1000"));
        QCOMPARE(AlertRulesIO::formatThreshold(RuleKind::FailureRate, 2.5), QStringLiteral("2.5"));
        QCOMPARE(AlertRulesIO::formatThreshold(RuleKind::Depth, std::nullopt), QString());

        QCOMPARE(*AlertRulesIO::parseThreshold(RuleKind::OldestAge, QStringLiteral("15m")), std::optional<double>(900));
        QCOMPARE(*AlertRulesIO::parseThreshold(RuleKind::Depth, QStringLiteral(" 1000 ")), std::optional<double>(1000));
        QCOMPARE(*AlertRulesIO::parseThreshold(RuleKind::Depth, QString()), std::optional<double>());
        QVERIFY(!AlertRulesIO::parseThreshold(RuleKind::Depth, QStringLiteral("lots")).ok());
        QVERIFY(!AlertRulesIO::parseThreshold(RuleKind::Depth, QStringLiteral("-3")).ok());
        QVERIFY(!AlertRulesIO::parseThreshold(RuleKind::Depth, QStringLiteral("inf")).ok());
        QVERIFY(!AlertRulesIO::parseThreshold(RuleKind::OldestAge, QStringLiteral("5 minutes")).ok());

        QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        QCOMPARE(*AlertRulesIO::parseThreshold(RuleKind::FailureRate, QStringLiteral("2,5")), std::optional<double>(2.5));
        QLocale::setDefault(QLocale::c());
    }

    void settingsKeepRulesPerConnection()
    {
        ConnectionSettings s;
        const QString id = s.addConnection(QStringLiteral("Prod"), QStringLiteral("sidekiq://127.0.0.1:6379/0"));
        QVERIFY(!s.alertRules(id));

        QList<AlertRule> rules = AlertRule::defaults().mid(0, 2);
        rules[0].queueGlob = QStringLiteral("print*");
        rules[0].warn = 60;
        s.setAlertRules(id, rules);
        const auto back = s.alertRules(id);
        QVERIFY(back);
        QCOMPARE(back->size(), 2);
        QCOMPARE(back->at(0).queueGlob, QStringLiteral("print*"));
        QCOMPARE(back->at(0).warn, std::optional<double>(60));

        s.resetAlertRules(id);
        QVERIFY(!s.alertRules(id));

        // Hand-edited into nonsense: not silently "no rules", but the defaults and a reason.
        QSettings(ConnectionSettings::fileName(), QSettings::NativeFormat)
            .setValue(QStringLiteral("alertRules/") + id, QStringLiteral(R"([{"id":"x","kind":"depth","warn":-1}])"));
        QString why;
        QVERIFY(!s.alertRules(id, &why));
        QVERIFY2(why.contains(QStringLiteral("0 or more")), qPrintable(why));
        QSettings(ConnectionSettings::fileName(), QSettings::NativeFormat)
            .setValue(QStringLiteral("alertRules/") + id, QStringLiteral("{not json"));
        QVERIFY(!s.alertRules(id, &why));
        QVERIFY2(why.contains(QStringLiteral("JSON")), qPrintable(why));

        ConnectionSettings::Webhook w;
        w.enabled = true;
        w.format = QStringLiteral("pagerduty");
        w.host = QStringLiteral("events.pagerduty.com");
        s.setWebhook(id, w);
        QCOMPARE(s.webhook(id).enabled, true);
        QCOMPARE(s.webhook(id).format, QStringLiteral("pagerduty"));
        QCOMPARE(s.webhook(id).host, QStringLiteral("events.pagerduty.com"));

        s.removeConnection(id); // takes its rules and webhook with it
        QVERIFY(!QSettings(ConnectionSettings::fileName(), QSettings::NativeFormat).contains(QStringLiteral("alertRules/") + id));
        QCOMPARE(s.webhook(id).enabled, false);
    }
};

QTEST_GUILESS_MAIN(TestAlertRulesIO)
#include "tst_alertrulesio.moc"
