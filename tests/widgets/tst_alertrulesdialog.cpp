// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// The alert rules editor: editing in the table, flagged rules keeping OK off, import/export, the webhook's
// Send Test against a real local HTTP server, and the webhook secret round trip through a real GNOME Keyring
// on the private session bus scripts/services starts (QD_TEST_DBUS_ADDRESS).
#include "widgets/alertrulesdialog.h"
#include "models/alertrulemodel.h"
#include "core/alerts/alertrulesio.h"
#include "core/settings/credentialstore.h"

#include "tests/support/webhookreceiver.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QJsonObject>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace qd;
using qd::test::WebhookReceiver;

namespace {

QPushButton *okButton(AlertRulesDialog &d)
{
    return d.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
}

QLineEdit *field(AlertRulesDialog &d, const QString &accessibleName)
{
    for (QLineEdit *e : d.findChildren<QLineEdit *>()) {
        if (e->accessibleName() == accessibleName) {
            return e;
        }
    }
    return nullptr;
}

} // namespace

class TestAlertRulesDialog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_bus = qEnvironmentVariable("QD_TEST_DBUS_ADDRESS");
        if (!m_bus.isEmpty()) {
            qputenv("DBUS_SESSION_BUS_ADDRESS", m_bus.toUtf8());
        }
        m_service = QStringLiteral("Queuedeck-test-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    }

    void brokenRulesKeepOkOff()
    {
        AlertRulesDialog d(QStringLiteral("Prod"), QString(), AlertRule::defaults());
        QAbstractItemModelTester tester(d.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        QVERIFY(okButton(d)->isEnabled());
        QAbstractItemModel *m = d.table()->model();
        QVERIFY(m->setData(m->index(0, AlertRuleModel::WarnColumn), QStringLiteral("1h"))); // above crit (15m)
        QVERIFY(!okButton(d)->isEnabled());
        QVERIFY2(d.statusText().contains(QStringLiteral("above the critical")), qPrintable(d.statusText()));
        d.accept(); // refused while broken
        QCOMPARE(d.result(), int(QDialog::Rejected));
        QVERIFY(d.isVisible());
        QVERIFY(m->setData(m->index(0, AlertRuleModel::CritColumn), QStringLiteral("2h")));
        QVERIFY(okButton(d)->isEnabled());

        // Typing nonsense says why, and keeps the old value.
        QVERIFY(!m->setData(m->index(0, AlertRuleModel::ForColumn), QStringLiteral("a while")));
        QVERIFY(d.statusText().contains(QStringLiteral("Not changed")));

        // Editing through the real editor: type into the cell and commit.
        const QModelIndex glob = m->index(0, AlertRuleModel::QueuesColumn);
        d.table()->setCurrentIndex(glob);
        d.table()->edit(glob);
        auto *editor = d.table()->viewport()->findChild<QLineEdit *>();
        QVERIFY(editor);
        editor->selectAll();
        QTest::keyClicks(editor, QStringLiteral("print*"));
        QTest::keyClick(editor, Qt::Key_Return);
        QTRY_COMPARE(d.rules().at(0).queueGlob, QStringLiteral("print*"));

        d.accept(); // not saved (no connection id): closes at once
        QCOMPARE(d.result(), int(QDialog::Accepted));
        QCOMPARE(d.rules().at(0).warn, std::optional<double>(3600));
    }

    void kindComboChangesTheRule()
    {
        AlertRulesDialog d(QStringLiteral("Prod"), QString(), AlertRule::defaults().mid(0, 1));
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        const QModelIndex kind = d.model()->index(0, AlertRuleModel::KindColumn);
        d.table()->setCurrentIndex(kind);
        d.table()->edit(kind);
        auto *combo = d.table()->viewport()->findChild<QComboBox *>();
        QVERIFY(combo);
        QCOMPARE(combo->count(), 14);
        QCOMPARE(combo->currentData().toString(), QStringLiteral("oldest_age"));
        combo->setCurrentIndex(combo->findData(QStringLiteral("depth")));
        QTest::keyClick(combo, Qt::Key_Return);
        QTRY_COMPARE(d.rules().at(0).kind, RuleKind::Depth);
    }

    void addRemoveResetImportExport()
    {
        AlertRulesDialog d(QStringLiteral("Prod"), QString(), AlertRule::defaults());
        const int n = d.model()->rowCount();
        d.addRule();
        QCOMPARE(d.model()->rowCount(), n + 1);
        d.table()->selectRow(n);
        d.removeSelectedRules();
        QCOMPARE(d.model()->rowCount(), n);
        d.table()->selectRow(0);
        d.removeSelectedRules();
        QCOMPARE(d.model()->rowCount(), n - 1);

        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("rules.json"));
        QVERIFY(d.exportRules(file));
        d.resetToDefaults();
        QCOMPARE(d.model()->rowCount(), n);
        QVERIFY(d.importRules(file));
        QCOMPARE(d.model()->rowCount(), n - 1);
        QCOMPARE(d.rules().at(0).id, QStringLiteral("no-workers"));
        // The file is what queuedeckctl --rules-file reads.
        QVERIFY(AlertRulesIO::readFile(file).ok());

        QFile bad(dir.filePath(QStringLiteral("bad.json")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write(R"([{"id":"x","kind":"depth","warn":5,"crit":1}])");
        bad.close();
        QVERIFY(!d.importRules(bad.fileName()));
        QVERIFY2(d.statusText().contains(QStringLiteral("Not imported")), qPrintable(d.statusText()));
        QCOMPARE(d.model()->rowCount(), n - 1); // the rules in the table are kept
    }

    void webhookNeedsAUsableUrlAndSendsATest()
    {
        QTemporaryDir dir;
        WebhookReceiver receiver;
        QVERIFY(receiver.start(dir.filePath(QStringLiteral("hook.log"))));
        AlertRulesDialog d(QStringLiteral("Prod <b>db</b>"), QString(), AlertRule::defaults());
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        auto *box = d.findChild<QGroupBox *>();
        box->setChecked(true);
        QVERIFY(!okButton(d)->isEnabled()); // on, but no URL
        field(d, QStringLiteral("Webhook URL"))->setText(QStringLiteral("ftp://example.org/x"));
        QVERIFY(!okButton(d)->isEnabled());
        QVERIFY(d.statusText().contains(QStringLiteral("https://")));
        field(d, QStringLiteral("Webhook URL"))->setText(receiver.url.toString());
        QVERIFY(okButton(d)->isEnabled());

        QSignalSpy tested(&d, &AlertRulesDialog::testFinished);
        d.sendTest();
        QVERIFY(tested.wait(15000));
        QVERIFY2(tested.at(0).at(0).toBool(), qPrintable(tested.at(0).at(1).toString()));
        QTRY_COMPARE(receiver.requests().size(), 1);
        const QString text = receiver.requests().at(0).value(QStringLiteral("body")).toObject().value(QStringLiteral("text")).toString();
        QVERIFY2(text.contains(QStringLiteral("Test message from Queuedeck")) && text.contains(QStringLiteral("Prod <b>db</b>")),
                 qPrintable(text));

        // PagerDuty needs its routing key.
        auto *format = d.findChild<QComboBox *>();
        format->setCurrentIndex(format->findData(int(WebhookFormat::PagerDuty)));
        QVERIFY(!okButton(d)->isEnabled());
        field(d, QStringLiteral("PagerDuty routing key"))->setText(QStringLiteral("R0UT1NGKEY"));
        QVERIFY(okButton(d)->isEnabled());
        const auto target = d.webhookTarget();
        QVERIFY(target);
        QCOMPARE(target->format, WebhookFormat::PagerDuty);
        QCOMPARE(target->routingKey, QStringLiteral("R0UT1NGKEY"));

        // A server that is not there: the test says so.
        field(d, QStringLiteral("Webhook URL"))->setText(QStringLiteral("http://127.0.0.1:1/hook"));
        d.sendTest();
        QVERIFY(tested.wait(15000));
        QCOMPARE(tested.at(1).at(0).toBool(), false);
        QVERIFY(d.statusText().contains(QStringLiteral("failed")));
    }

    void webhookSecretGoesThroughTheKeyring()
    {
        if (m_bus.isEmpty()) {
            if (qEnvironmentVariableIsSet("CI")) {
                QFAIL("QD_TEST_DBUS_ADDRESS is not set: run through scripts/test, which starts the keyring");
            }
            QSKIP("no private keyring (QD_TEST_DBUS_ADDRESS): run scripts/services start first");
        }
        const QString id = QStringLiteral("conn-1");
        const QString url = QStringLiteral("https://hooks.example.org/services/T0/B0/secret");
        {
            AlertRulesDialog d(QStringLiteral("Prod"), id, AlertRule::defaults(), nullptr, m_service);
            QSignalSpy keyring(&d, &AlertRulesDialog::keyringFinished);
            QVERIFY(keyring.wait(20000)); // the read on opening: nothing there yet
            QVERIFY(keyring.at(0).at(0).toBool());
            QVERIFY(field(d, QStringLiteral("Webhook URL"))->text().isEmpty());
            d.findChild<QGroupBox *>()->setChecked(true);
            field(d, QStringLiteral("Webhook URL"))->setText(url);
            d.accept();
            QVERIFY(d.keyringBusy()); // OK waits for the keyring before closing
            QVERIFY(keyring.wait(20000));
            QVERIFY(keyring.at(1).at(0).toBool());
            QCOMPARE(d.result(), int(QDialog::Accepted));
        }
        QFutureWatcher<CredentialResult> w;
        QSignalSpy done(&w, &QFutureWatcherBase::finished);
        w.setFuture(CredentialStore(m_service).read(CredentialStore::webhookKey(id)));
        QVERIFY(done.wait(20000));
        QVERIFY(w.result().found);
        QVERIFY(w.result().secret.contains(QStringLiteral("hooks.example.org")));
        {
            // Opening again fills the URL from the keyring.
            AlertRulesDialog d(QStringLiteral("Prod"), id, AlertRule::defaults(), nullptr, m_service);
            d.setWebhook(AlertRulesDialog::Webhook{true, WebhookFormat::Slack, {}, {}});
            QTRY_COMPARE_WITH_TIMEOUT(field(d, QStringLiteral("Webhook URL"))->text(), url, 20000);
            // Turning it off removes the secret.
            QSignalSpy keyring(&d, &AlertRulesDialog::keyringFinished);
            d.findChild<QGroupBox *>()->setChecked(false);
            d.accept();
            QVERIFY(keyring.wait(20000));
            QCOMPARE(d.result(), int(QDialog::Accepted));
        }
        w.setFuture(CredentialStore(m_service).read(CredentialStore::webhookKey(id)));
        QVERIFY(done.wait(20000));
        QVERIFY(!w.result().found);
    }

private:
    QString m_bus;
    QString m_service;
};

QTEST_MAIN(TestAlertRulesDialog)
#include "tst_alertrulesdialog.moc"
