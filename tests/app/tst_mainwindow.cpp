// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "tests/support/fakebackend.h"
#include "tests/support/webhookreceiver.h"
#include "models/alertlistmodel.h"
#include "app/gui/alertsettings.h"
#include "core/alerts/webhooknotifier.h"
#include "core/settings/connectionsettings.h"
#include "core/settings/credentialstore.h"
#include "core/collector.h"
#include "core/history/historystore.h"
#include "app/gui/mainwindow.h"
#include "widgets/overviewpage.h"
#include "widgets/charts/queuedetailview.h"
#include "widgets/queuetile.h"
#include "core/timeline/incidenttimeline.h"
#include "core/audit/auditlog.h"
#include "core/recipients/outbox.h"
#include "core/session/session.h"
#include "app/gui/language.h"
#include "widgets/settingsdialog.h"
#include "widgets/shortcutsoverlay.h"
#include "widgets/theme.h"
#include "widgets/wallview.h"
#include "widgets/walltile.h"

#include <QAction>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QLineEdit>
#include <QMenuBar>
#include <QPushButton>
#include <QTimer>
#include <QTranslator>
#include <QFutureWatcher>
#include <QJsonObject>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QUuid>

using namespace qd;

namespace {

/// What the desktop opened before it had a Session: the audit log and outbox where the test environment puts
/// them, no history or timeline (a test that needs them keeps them in its own directory).
Session::Stores desktopWithoutHistory()
{
    return {{}, {}, AuditLog::defaultPath(), Outbox::defaultPath()};
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("QueuedeckTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
        QSettings().clear();
        QSettings(ConnectionSettings::fileName(), QSettings::NativeFormat).clear();
        m_bus = qEnvironmentVariable("QD_TEST_DBUS_ADDRESS");
        if (!m_bus.isEmpty()) {
            qputenv("DBUS_SESSION_BUS_ADDRESS", m_bus.toUtf8());
        }
        m_service = QStringLiteral("Queuedeck-test-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    }

    void firstRunThenSidebarOverviewAndDetail()
    {
        QTemporaryDir dir;
        ManualClock clock(QDateTime::currentDateTimeUtc());
        Session session({dir.filePath(QStringLiteral("h.sqlite3")), dir.filePath(QStringLiteral("t.sqlite3")),
                         AuditLog::defaultPath(), Outbox::defaultPath()},
                        &clock);
        QCOMPARE(session.historyError(), QString());
        QCOMPARE(session.timelineError(), QString());
        Collector &collector = *session.collector();
        MainWindow w(&session);
        w.resize(1200, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QCOMPARE(w.currentPage()->metaObject()->className(), "qd::WelcomePage"); // no connections: first run

        auto backend = std::make_shared<test::FakeBackend>(&clock);
        Snapshot s;
        s.queues = {test::queue(QStringLiteral("print"), 6000, 43200), test::queue(QStringLiteral("default"), 2, 1)};
        backend->script(s);
        collector.addConnection(QStringLiteral("c1"), QStringLiteral("Cards"), backend);
        collector.pollNow();
        QTRY_COMPARE(w.sidebar()->model()->rowCount(w.sidebar()->model()->index(0, 0)), 2);
        QCOMPARE(w.currentPage(), static_cast<QWidget *>(w.overview()));
        QTRY_COMPARE(w.overview()->tiles().size(), 2);
        QCOMPARE(w.overview()->tiles().first()->queueName(), QStringLiteral("print")); // worst first
        // The print queue's oldest job waited 12 h: the alert panel says so, critical first.
        QTRY_VERIFY(w.alerts()->rowCount() > 0);
        QCOMPARE(w.alerts()->index(0, AlertListModel::StateColumn).data(AlertListModel::StateRole).toInt(),
                 int(AlertState::Crit));
        QVERIFY(w.alerts()->index(0, AlertListModel::MessageColumn).data().toString().contains(QStringLiteral("print")));

        QSignalSpy loaded(w.detail(), &QueueDetailView::historyLoadFinished);
        QTest::mouseClick(w.overview()->tiles().first(), Qt::LeftButton);
        QCOMPARE(w.currentPage(), static_cast<QWidget *>(w.detail()));
        QCOMPARE(w.detail()->queue(), QStringLiteral("print"));
        QTRY_VERIFY(w.detail()->historyLoaded());
        QCOMPARE(w.sidebar()->currentIndex().data().toString(), QStringLiteral("print"));

        w.showOverview();
        QCOMPARE(w.currentPage(), static_cast<QWidget *>(w.overview()));

        // Alerts land on the timeline, and the post-mortem reports them.
        IncidentTimeline &timeline = *session.timeline();
        QSignalSpy recorded(&timeline, &IncidentTimeline::entryAdded);
        auto down = std::make_shared<test::FakeBackend>(&clock);
        Snapshot failed;
        failed.error = QStringLiteral("connection refused");
        for (int i = 0; i < 3; ++i) {
            down->script(failed);
        }
        collector.addConnection(QStringLiteral("c2"), QStringLiteral("Mail"), down);
        QSignalSpy polled(&collector, &Collector::snapshotReady);
        collector.pollNow();
        QTRY_VERIFY(polled.count() >= 2); // both connections answered (backends answer asynchronously)
        clock.advance(20'000);
        collector.pollNow();
        QTRY_VERIFY(polled.count() >= 4);
        QTRY_VERIFY(recorded.count() >= 1); // "unreachable" after its hold
        auto pm = w.postMortem(QStringLiteral("c2"), 1);
        QTRY_VERIFY(pm.isFinished());
        QVERIFY2(pm.result().contains(QStringLiteral("backend unreachable: connection refused")), qPrintable(pm.result()));
    }

    void savedConnectionKeepsItsPasswordInTheKeyringAndItsRulesInSettings()
    {
        requireKeyring();
        QString id;
        {
            Session session(desktopWithoutHistory());
            MainWindow w(&session);
            w.alertSettings()->setKeyringService(m_service);
            QCOMPARE(w.addConnection(QStringLiteral("Broker"), QStringLiteral("rabbitmq+http://ops:s3cr%40t%2F@127.0.0.1:1/"), true),
                     QString());
            id = ConnectionSettings().connections().constLast().id;
            QTRY_COMPARE_WITH_TIMEOUT(readSecret(CredentialStore::connectionKey(id)), QStringLiteral("s3cr@t/"), 20000);
        }
        QFile settingsFile(ConnectionSettings::fileName());
        QVERIFY(settingsFile.open(QIODevice::ReadOnly));
        QVERIFY(!settingsFile.readAll().contains("s3cr"));

        QList<AlertRule> rules = AlertRule::defaults().mid(0, 1);
        rules[0].queueGlob = QStringLiteral("dlq.*");
        ConnectionSettings().setAlertRules(id, rules);

        Session session(desktopWithoutHistory());

        Collector &collector = *session.collector();

        MainWindow w(&session);
        w.alertSettings()->setKeyringService(m_service);
        QSignalSpy loaded(&w, &MainWindow::connectionsLoaded);
        w.loadSavedConnections();
        QVERIFY(loaded.count() == 1 || loaded.wait(20000));
        QVERIFY(collector.backend(id));
        QCOMPARE(collector.backend(id)->url().password, QStringLiteral("s3cr@t/"));
        QCOMPARE(w.alertSettings()->engine()->rules(id).size(), 1);
        QCOMPARE(w.alertSettings()->engine()->rules(id).at(0).queueGlob, QStringLiteral("dlq.*"));

        // Removing the connection takes its password out of the keyring.
        w.alertSettings()->forget(id, true);
        ConnectionSettings().removeConnection(id);
        QTRY_COMPARE_WITH_TIMEOUT(readSecret(CredentialStore::connectionKey(id)), QString(), 20000);
    }

    void brokenSavedRulesFallBackToTheDefaultsAndSaySo()
    {
        Session session(desktopWithoutHistory());
        MainWindow w(&session);
        const QString id = ConnectionSettings().addConnection(QStringLiteral("Jobs"), QStringLiteral("sidekiq+redis://127.0.0.1:1/0"));
        QSettings(ConnectionSettings::fileName(), QSettings::NativeFormat)
            .setValue(QStringLiteral("alertRules/") + id, QStringLiteral(R"([{"id":"a","kind":"depth"}])"));
        QSignalSpy message(w.alertSettings(), &AlertSettings::message);
        w.loadSavedConnections();
        QCOMPARE(message.count(), 1);
        QVERIFY2(message.at(0).at(0).toString().contains(QStringLiteral("default rules apply")),
                 qPrintable(message.at(0).at(0).toString()));
        QCOMPARE(w.alertSettings()->engine()->rules(id).size(), AlertRule::defaults().size());
        ConnectionSettings().removeConnection(id);
    }

    void alertChangesGoToTheConnectionsWebhookOncePerChange()
    {
        requireKeyring();
        QTemporaryDir dir;
        test::WebhookReceiver receiver;
        QVERIFY(receiver.start(dir.filePath(QStringLiteral("hook.log"))));
        ManualClock clock(QDateTime::currentDateTimeUtc());
        Session session(desktopWithoutHistory(), &clock);
        Collector &collector = *session.collector();
        MainWindow w(&session);
        w.alertSettings()->setKeyringService(m_service);
        const QString id = QStringLiteral("hooked");
        ConnectionSettings().setWebhook(id, ConnectionSettings::Webhook{true, QStringLiteral("slack"), receiver.url.host()});
        {
            QFutureWatcher<CredentialResult> watcher;
            QSignalSpy done(&watcher, &QFutureWatcherBase::finished);
            watcher.setFuture(CredentialStore(m_service).write(
                CredentialStore::webhookKey(id), WebhookNotifier::targetToSecret(WebhookTarget{receiver.url, WebhookFormat::Slack, {}})));
            QVERIFY(done.wait(20000));
            QVERIFY2(watcher.result().ok(), qPrintable(watcher.result().error));
        }
        QSignalSpy loaded(w.alertSettings(), &AlertSettings::loaded);
        w.alertSettings()->load(id, QStringLiteral("Printers"));
        QVERIFY(loaded.wait(20000));
        QVERIFY(w.alertSettings()->notifier()->hasTarget(id));

        auto backend = std::make_shared<test::FakeBackend>(&clock);
        Snapshot stuck;
        stuck.queues = {test::queue(QStringLiteral("print"), 6000, 43200)};
        Snapshot fine;
        fine.queues = {test::queue(QStringLiteral("print"), 0, 0)};
        backend->script(stuck);
        backend->script(stuck);
        backend->script(fine);
        collector.addConnection(id, QStringLiteral("Printers"), backend);
        QSignalSpy polled(&collector, &Collector::snapshotReady);
        QSignalSpy delivered(w.alertSettings()->notifier(), &WebhookNotifier::delivered);
        for (int i = 1; i <= 3; ++i) {
            collector.pollNow();
            QVERIFY(polled.count() >= i || polled.wait(10000));
            clock.advance(5000);
            if (i == 1) {
                QVERIFY(delivered.wait(15000)); // CRIT oldest age
            }
        }
        QVERIFY(delivered.count() == 2 || delivered.wait(15000)); // and its clearing; nothing for the repeat
        QCOMPARE(receiver.requests().size(), 2);
        const QString first = receiver.requests().at(0).value(QStringLiteral("body")).toObject().value(QStringLiteral("text")).toString();
        const QString second = receiver.requests().at(1).value(QStringLiteral("body")).toObject().value(QStringLiteral("text")).toString();
        QVERIFY2(first.contains(QStringLiteral("CRIT")) && first.contains(QStringLiteral("Printers")), qPrintable(first));
        QVERIFY2(second.contains(QStringLiteral("resolved")), qPrintable(second));
    }

    void aUrlAsItsOwnNameIsShownWithoutItsPassword()
    {
        Session session(desktopWithoutHistory());
        Collector &collector = *session.collector();
        MainWindow w(&session);
        const QString url = QStringLiteral("rabbitmq+http://ops:hunter2@127.0.0.1:1/prod");
        QCOMPARE(w.addConnection(url, url, false), QString()); // what --connect does
        const QString shown = collector.displayName(collector.connectionIds().constLast());
        QVERIFY2(!shown.contains(QStringLiteral("hunter2")), qPrintable(shown));
        QVERIFY2(shown.contains(QStringLiteral("ops@127.0.0.1")), qPrintable(shown));
        QVERIFY(collector.backend(collector.connectionIds().constLast())->url().password == u"hunter2"); // still used
    }

    void everyActionHasAShortcutAndTheOverlayListsThem()
    {
        Session session(desktopWithoutHistory());
        MainWindow w(&session);
        w.resize(1200, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        int actions = 0;
        const QList<ShortcutEntry> listed = ShortcutsOverlay::fromMenus(w.menuBar());
        QSet<QString> keys;
        for (QAction *menu : w.menuBar()->actions()) {
            for (QAction *a : menu->menu()->actions()) {
                if (a->isSeparator() || a->menuRole() == QAction::AboutRole) {
                    continue;
                }
                ++actions;
                QVERIFY2(!a->shortcut().isEmpty(), qPrintable(a->text()));
                QVERIFY2(!a->icon().isNull(), qPrintable(a->text())); // from the one icon provider
                const QString k = a->shortcut().toString();
                QVERIFY2(!keys.contains(k), qPrintable(QStringLiteral("%1 used twice").arg(k)));
                keys.insert(k);
            }
        }
        QCOMPARE(listed.size(), actions);
        QTest::keyClick(&w, Qt::Key_F1);
        auto *overlay = w.findChild<ShortcutsOverlay *>();
        QVERIFY(overlay);
        QTRY_VERIFY(overlay->isVisible());
        QVERIFY(overlay->entries().size() > actions); // and the wall's and the charts' keys
        QCOMPARE(overlay->geometry(), w.rect());
        QTest::keyClick(overlay, Qt::Key_Escape);
        QVERIFY(!overlay->isVisible());
    }

    void f11OpensTheWallAndEscapeComesBack()
    {
        ManualClock clock(QDateTime::currentDateTimeUtc());
        Session session(desktopWithoutHistory(), &clock);
        Collector &collector = *session.collector();
        MainWindow w(&session);
        w.resize(1200, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto backend = std::make_shared<test::FakeBackend>(&clock);
        Snapshot s;
        s.queues = {test::queue(QStringLiteral("print"), 6000, 43200), test::queue(QStringLiteral("default"), 2, 1)};
        backend->script(s);
        collector.addConnection(QStringLiteral("c1"), QStringLiteral("Cards"), backend);
        collector.pollNow();
        QTRY_COMPARE(w.overview()->tiles().size(), 2);
        QTest::keyClick(&w, Qt::Key_F11);
        QVERIFY(w.wall());
        QTRY_VERIFY(w.wall()->isVisible());
        QVERIFY(w.wall()->isWindow());
        QTRY_COMPARE(w.wall()->tiles().size(), 2);
        QCOMPARE(w.wall()->tiles().constFirst()->tileData().queue, QStringLiteral("print"));
        QTRY_VERIFY(w.wall()->alertLines().size() >= 1); // the same alerts as the dock
        QTest::keyClick(w.wall(), Qt::Key_Escape);
        QVERIFY(!w.wall()->isVisible());
        // Enter on a tile leaves the wall on that queue's page.
        w.setWallMode(true, QSize(1280, 720));
        QTRY_COMPARE(w.wall()->tiles().size(), 2);
        QTest::keyClick(w.wall()->tiles().constFirst(), Qt::Key_Return);
        QVERIFY(!w.wall()->isVisible());
        QCOMPARE(w.currentPage(), static_cast<QWidget *>(w.detail()));
        QCOMPARE(w.detail()->queue(), QStringLiteral("print"));
    }

    void settingsApplyPollIntervalOperatorThemeAndLanguage()
    {
        Session session(desktopWithoutHistory());
        Collector &collector = *session.collector();
        MainWindow w(&session);
        Language language;
        w.setLanguage(&language);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const QPalette before = QApplication::palette();
        QTimer::singleShot(0, &w, [] {
            auto *dialog = qobject_cast<SettingsDialog *>(QApplication::activeModalWidget());
            QVERIFY(dialog);
            auto *edit = dialog->findChild<QLineEdit *>();
            edit->clear(); // nobody to name in the audit log: refused, with the reason
            QVERIFY(!dialog->problem().isEmpty());
            QVERIFY(!dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->isEnabled());
            QTest::keyClicks(edit, QStringLiteral("alice"));
            QVERIFY(dialog->problem().isEmpty());
            auto combos = dialog->findChildren<QComboBox *>();
            QCOMPARE(combos.size(), 2);
            combos[0]->setCurrentIndex(combos[0]->findData(int(Theme::Mode::Dark)));
            QVERIFY(combos[1]->findData(QStringLiteral("de")) > 0); // the embedded German translation is offered
            combos[1]->setCurrentIndex(combos[1]->findData(QStringLiteral("de")));
            dialog->findChild<QDoubleSpinBox *>()->setValue(12);
            dialog->accept();
        });
        w.editSettings();
        QCOMPARE(ConnectionSettings().operatorName(), QStringLiteral("alice"));
        QCOMPARE(ConnectionSettings().pollInterval(), std::chrono::milliseconds(12000));
        QCOMPARE(collector.interval(), std::chrono::milliseconds(12000));
        QCOMPARE(Theme::saved(), Theme::Mode::Dark);
        QVERIFY(Theme::isDark(QApplication::palette()));
        QCOMPARE(Language::saved(), QStringLiteral("de"));
        // The menus follow the language at once.
        QTRY_COMPARE(w.menuBar()->actions().constFirst()->text(), QStringLiteral("&Datei"));
        QVERIFY(!ShortcutsOverlay::fromMenus(w.menuBar()).isEmpty());
        QVERIFY(language.apply(QStringLiteral("en")));
        QTRY_COMPARE(w.menuBar()->actions().constFirst()->text(), QStringLiteral("&File"));
        Theme::apply(Theme::Mode::System);
        QCOMPARE(QApplication::palette(), before);
        Theme::save(Theme::Mode::System);
        Language::save({});
    }

    void badUrlIsRefusedClearly()
    {
        Session session(desktopWithoutHistory());
        Collector &collector = *session.collector();
        MainWindow w(&session);
        const QString err = w.addConnection(QStringLiteral("x"), QStringLiteral("kafka+tcp://h"), false);
        QVERIFY(err.contains(QStringLiteral("Unknown scheme")));
        QVERIFY(collector.connectionIds().isEmpty());
    }

private:
    void requireKeyring()
    {
        if (m_bus.isEmpty()) {
            if (qEnvironmentVariableIsSet("CI")) {
                QFAIL("QD_TEST_DBUS_ADDRESS is not set: run through scripts/test, which starts the keyring");
            }
            QSKIP("no private keyring (QD_TEST_DBUS_ADDRESS): run scripts/services start first");
        }
    }
    QString readSecret(const QString &key) const
    {
        QFutureWatcher<CredentialResult> watcher;
        QSignalSpy done(&watcher, &QFutureWatcherBase::finished);
        watcher.setFuture(CredentialStore(m_service).read(key));
        if (!watcher.isFinished() && !done.wait(20000)) {
            return {};
        }
        return watcher.result().secret;
    }

    QString m_bus;
    QString m_service;
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
