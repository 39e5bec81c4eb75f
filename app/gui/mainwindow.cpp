// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "app/gui/mainwindow.h"

#include "widgets/addconnectiondialog.h"
#include "core/audit/auditlog.h"
#include "widgets/jobbrowser.h"
#include "models/alertlistmodel.h"
#include "core/textsafety.h"
#include "app/gui/alertsdock.h"
#include "app/gui/alertsettings.h"
#include "core/futurewatch.h"
#include "core/settings/credentialstore.h"
#include "widgets/auditview.h"
#include "widgets/workersdialog.h"
#include "core/recipients/outbox.h"
#include "app/gui/appicon.h"
#include "widgets/charts/timeserieschart.h"
#include "core/backend.h"
#include "core/backendfactory.h"
#include "core/clock.h"
#include "core/collector.h"
#include "models/connectiontreemodel.h"
#include "core/demo/demosimulator.h"
#include "widgets/overviewpage.h"
#include "widgets/charts/queuedetailview.h"
#include "models/queueoverviewmodel.h"
#include "core/settings/connectionsettings.h"
#include "widgets/statusstrip.h"
#include "app/gui/timelineactions.h"
#include "widgets/icons.h"
#include "app/gui/language.h"
#include "widgets/settingsdialog.h"
#include "widgets/shortcutsoverlay.h"
#include "widgets/wallview.h"
#include "widgets/worstalertlabel.h"
#include "core/history/historystore.h"
#include "core/session/session.h"
#include "app/gui/welcomepage.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QSystemTrayIcon>
#include <QDateTime>
#include <QHeaderView>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QTreeView>

namespace qd {

MainWindow::MainWindow(Session *session, QWidget *parent)
    : QMainWindow(parent), m_collector(session->collector()), m_history(session->history()),
      m_audit(session->audit()), m_outbox(session->outbox())
{
    buildPages();
    buildAlerts(session);
    connectOperatorActions(session);
    connectNavigation();
    createActions();
    restoreGeometry(QSettings().value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(QSettings().value(QStringLiteral("window/state")).toByteArray()); // docks and toolbar
    updateCentral();
}

/// The sidebar, the pages (welcome, overview, a queue's detail) and every connection's state in the status bar.
void MainWindow::buildPages()
{
    Collector *collector = m_collector;
    HistoryStore *history = m_history;
    setWindowTitle(tr("Queuedeck"));
    m_overviewModel = new QueueOverviewModel(collector, this);
    m_treeModel = new ConnectionTreeModel(collector, this);

    m_sidebar = new QTreeView(this);
    m_sidebar->setModel(m_treeModel);
    m_sidebar->setHeaderHidden(false);
    m_sidebar->header()->setStretchLastSection(false);
    m_sidebar->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_sidebar->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_sidebar->setUniformRowHeights(true);
    m_sidebar->setAccessibleName(tr("Connections and queues"));
    m_sidebar->setMinimumWidth(220);

    m_stack = new QStackedWidget(this);
    m_welcome = new WelcomePage(m_stack);
    m_overview = new OverviewPage(m_overviewModel, m_stack);
    m_overview->setCollector(collector);
    m_detail = new QueueDetailView(collector, history, m_stack);
    m_timelineActions = new TimelineActions(collector, history, m_detail, this);
    connect(m_timelineActions, &TimelineActions::message, statusBar(), &QStatusBar::showMessage);
    m_stack->addWidget(m_welcome);
    m_stack->addWidget(m_overview);
    m_stack->addWidget(m_detail);

    auto *split = new QSplitter(this);
    split->addWidget(m_sidebar);
    split->addWidget(m_stack);
    split->setStretchFactor(1, 1);
    split->setSizes({260, 1180});
    setCentralWidget(split);
    // Permanent: a transient alert message must not hide whether each connection is alive.
    statusBar()->addPermanentWidget(new StatusStrip(collector, this));

}

/// The alerts dock, the worst alert in the status bar, rules and webhooks, and the engine's verdict on icons.
void MainWindow::buildAlerts(Session *session)
{
    m_alerts = new AlertsDock(session, this);
    addDockWidget(Qt::BottomDockWidgetArea, m_alerts);
    resizeDocks({m_alerts}, {170}, Qt::Vertical); // room for the worst few alerts; the charts keep the rest
    connect(m_alerts, &AlertsDock::queueActivated, this, &MainWindow::showQueue);
    connect(m_alerts, &AlertsDock::alertsChanged, this, &MainWindow::onAlertsChanged);
    // The worst alert stays in sight, whatever transient message the status bar shows.
    auto *worst = new WorstAlertLabel(alerts(), this);
    statusBar()->addPermanentWidget(worst, 1);
    connect(worst, &WorstAlertLabel::clicked, this, [this] {
        m_alerts->show();
        m_alerts->raise();
    });
    m_alertSettings = new AlertSettings(session->alerts(), session->webhooks(), this);
    connect(m_alertSettings, &AlertSettings::message, this, [this](const QString &text) {
        statusBar()->showMessage(text, 30000);
    });
    connect(m_alertSettings, &AlertSettings::changed, this, [this](const QString &id, const QString &summary) {
        m_timelineActions->addEvent(id, tr("Operator %1: %2").arg(ConnectionSettings().operatorName(), summary));
    });
    // A snooze that ran out asks for attention again, as loudly as the alert did.
    connect(alerts(), &AlertListModel::snoozeExpired, this, [this](const Alert &a) {
        const QString what = tr("Snooze over: %1").arg(escapeForDisplay(a.message, 300));
        statusBar()->showMessage(what, 20000);
        if (m_tray) {
            m_tray->showMessage(m_collector->displayName(a.connectionId), what,
                                a.state == AlertState::Crit ? QSystemTrayIcon::Critical : QSystemTrayIcon::Warning);
        }
    });
    // Icons and tiles show the rule engine's verdict too, so a poison job or a lost worker is never drawn green.
    m_overviewModel->setStatusSource(m_alerts->statusSource());
    m_treeModel->setStatusSource(m_alerts->statusSource());
    connect(m_alerts, &AlertsDock::alertsChanged, m_overviewModel, &QueueOverviewModel::refreshStatus);
    connect(m_alerts, &AlertsDock::alertsChanged, m_treeModel, &ConnectionTreeModel::refreshStatus);

}

/// Operator actions: core audits them in the log the CLI shares and puts them on the incident timeline.
void MainWindow::connectOperatorActions(Session *session)
{
    // Without the log the browser still lists jobs, and actions say they cannot be audited; without the outbox
    // users can still be found and previewed, and sending says why it is off.
    if (!m_audit && !session->auditError().isEmpty()) {
        statusBar()->showMessage(tr("Audit log unavailable: %1 — actions are disabled.").arg(session->auditError()), 20000);
    }
    m_detail->jobs()->setAuditLog(m_audit, ConnectionSettings().operatorName());
    m_timelineActions->setAuditLog(m_audit);
    m_detail->jobs()->setOutbox(m_outbox);
    if (session->timeline()) {
        setTimeline(session->timeline());
    }
    // Core puts every action on the timeline (with its audit row); the window only says it on the status line.
    m_detail->jobs()->setTimeline(session->timeline());
    connect(m_detail->jobs(), &JobBrowser::actionDone, this,
            [this](const QString &, const QString &summary) { statusBar()->showMessage(summary, 10000); });
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(appIcon(), this);
        m_tray->setToolTip(tr("Queuedeck"));
        m_tray->show();
    }

}

/// The welcome page's buttons, tiles and the sidebar open what they name.
void MainWindow::connectNavigation()
{
    connect(m_welcome, &WelcomePage::openDemoRequested, this, [this] {
        if (const QString err = startDemo(); !err.isEmpty()) {
            QMessageBox::warning(this, tr("Demo"), err);
        }
    });
    connect(m_welcome, &WelcomePage::addConnectionRequested, this, &MainWindow::addConnectionDialog);
    connect(m_overview, &OverviewPage::queueActivated, this, &MainWindow::showQueue);
    auto navigate = [this](const QModelIndex &idx) {
        if (!idx.isValid()) {
            return;
        }
        const QModelIndex first = idx.siblingAtColumn(0);
        if (first.data(ConnectionTreeModel::IsConnectionRole).toBool()) {
            showOverview();
        } else {
            showQueue(first.data(ConnectionTreeModel::ConnectionIdRole).toString(),
                      first.data(ConnectionTreeModel::QueueNameRole).toString());
        }
    };
    // Keyboard navigation moves the current index; the view also sets one by itself on first focus, which
    // must not yank the operator away from the page they chose (previous is invalid exactly then).
    connect(m_sidebar->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [navigate](const QModelIndex &current, const QModelIndex &previous) {
                if (previous.isValid()) {
                    navigate(current);
                }
            });
    connect(m_sidebar, &QTreeView::clicked, this, navigate);
    connect(m_treeModel, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &under) {
        if (!under.isValid()) {
            updateCentral();
            return;
        }
        m_sidebar->expand(under);
        // A queue opened before its first poll (--queue, an alert) gets its sidebar row once it exists.
        if (m_stack->currentWidget() == m_detail && !m_sidebar->currentIndex().isValid()) {
            const QModelIndex idx = m_treeModel->queueIndex(m_detail->connectionId(), m_detail->queue());
            if (idx.isValid()) {
                m_sidebar->setCurrentIndex(idx);
            }
        }
    });
    connect(m_treeModel, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateCentral);
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QMenu *view = menuBar()->addMenu(tr("&View"));
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    if (!m_toolBar) {
        m_toolBar = addToolBar(tr("Main"));
        m_toolBar->setObjectName(QStringLiteral("mainToolBar"));
        m_toolBar->setMovable(false);
    }
    QToolBar *bar = m_toolBar;
    bar->setWindowTitle(tr("Main"));
    // Every action has a shortcut; the help overlay (F1) lists them, read from these menus.
    auto add = [](QMenu *menu, Icon icon, const QString &text, const QKeySequence &keys, auto &&slot, QObject *context) {
        QAction *a = menu->addAction(qd::icon(icon), text, context, std::forward<decltype(slot)>(slot));
        a->setShortcut(keys);
        return a;
    };

    auto *addConn = add(file, Icon::Add, tr("&Add Connection…"), QKeySequence::New, [this] { addConnectionDialog(); }, this);
    add(file, Icon::Remove, tr("&Remove Connection"), QKeySequence(tr("Ctrl+Shift+Del")), [this] { removeSelectedConnection(); }, this);
    add(file, Icon::Demo, tr("Open the &Demo"), QKeySequence(tr("Ctrl+Shift+D")), [this] {
        if (const QString err = startDemo(); !err.isEmpty()) {
            QMessageBox::warning(this, tr("Demo"), err);
        }
    }, this);
    add(file, Icon::Rules, tr("Alert &Rules and Webhook…"), QKeySequence(tr("Ctrl+Shift+R")), [this] { editAlertRules(); }, this);
    add(file, Icon::Export, tr("Export &Post-mortem…"), QKeySequence(tr("Ctrl+Shift+E")),
        [this] { m_timelineActions->exportPostMortem(selectedConnection()); }, this);
    file->addSeparator();
    auto *settings = add(file, Icon::Settings, tr("&Settings…"), QKeySequence(tr("Ctrl+,")), [this] { editSettings(); }, this);
    settings->setMenuRole(QAction::PreferencesRole);
    file->addSeparator();
    add(file, Icon::Quit, tr("&Quit"), QKeySequence(tr("Ctrl+Q")), [] { QApplication::closeAllWindows(); }, qApp);

    auto *refresh = add(view, Icon::Refresh, tr("&Refresh Now"), QKeySequence::Refresh, [this] { m_collector->pollNow(); }, this);
    add(view, Icon::Acknowledge, tr("&Acknowledge Alert"), QKeySequence(tr("Ctrl+K")), [this] { m_alerts->acknowledgeCurrent(); }, this);
    add(view, Icon::Snooze, tr("&Snooze Alert for 1 Hour"), QKeySequence(tr("Ctrl+Shift+K")),
        [this] { m_alerts->snoozeCurrent(m_collector->clock()->now().addSecs(3600)); }, this);
    add(view, Icon::Note, tr("Add &Note to Timeline…"), QKeySequence(tr("Ctrl+Shift+N")),
        [this] { m_timelineActions->addNote(selectedConnection()); }, this);
    add(view, Icon::Audit, tr("Au&dit Log…"), QKeySequence(tr("Ctrl+Shift+L")), [this] { showAuditLog(); }, this);
    add(view, Icon::Overview, tr("&Workers…"), QKeySequence(tr("Ctrl+Shift+W")), [this] { showWorkers(selectedConnection()); }, this);
    view->addSeparator();
    auto *overview = add(view, Icon::Overview, tr("&Overview"), QKeySequence(tr("Ctrl+1")), [this] { showOverview(); }, this);
    // Focus moves between the three areas by keyboard alone: connections, the page, the alerts.
    add(view, Icon::Overview, tr("Go to &Connections"), QKeySequence(tr("Ctrl+0")), [this] { m_sidebar->setFocus(); }, this);
    add(view, Icon::Alert, tr("Go to A&lerts"), QKeySequence(tr("Ctrl+9")), [this] {
        m_alerts->show();
        m_alerts->raise();
        if (QWidget *w = m_alerts->widget()) {
            w->setFocus();
        }
    }, this);
    view->addSeparator();
    m_wallAction = add(view, Icon::Wall, tr("&War Room Wall"), QKeySequence(Qt::Key_F11), [this](bool on) { setWallMode(on); }, this);
    m_wallAction->setCheckable(true);

    add(help, Icon::Keyboard, tr("&Keyboard Shortcuts"), QKeySequence(Qt::Key_F1), [this] { showShortcuts(); }, this);
    auto *about = help->addAction(qd::icon(Icon::Help), tr("&About Queuedeck"), this, [this] {
        QMessageBox::about(this, tr("About Queuedeck"),
                           tr("Queuedeck %1\nOperations dashboard for job and message queues.").arg(QApplication::applicationVersion()));
    });
    about->setMenuRole(QAction::AboutRole);

    for (QAction *a : {addConn, refresh, overview, m_wallAction, settings}) {
        a->setToolTip(QStringLiteral("%1 (%2)").arg(a->text().remove(u'&').remove(QStringLiteral("…")),
                                                    a->shortcut().toString(QKeySequence::NativeText)));
        bar->addAction(a);
    }
}

ShortcutsOverlay *MainWindow::showShortcuts()
{
    if (!m_shortcuts) {
        m_shortcuts = new ShortcutsOverlay(this);
    }
    QList<ShortcutEntry> entries = ShortcutsOverlay::fromMenus(menuBar());
    const QString chart = tr("Queue charts");
    entries.append({chart, tr("Last 5 minutes"), QKeySequence(tr("Alt+1")).toString(QKeySequence::NativeText)});
    entries.append({chart, tr("Last hour"), QKeySequence(tr("Alt+2")).toString(QKeySequence::NativeText)});
    entries.append({chart, tr("Last 24 hours"), QKeySequence(tr("Alt+3")).toString(QKeySequence::NativeText)});
    const QString wall = tr("War room wall");
    entries.append({wall, tr("Leave the wall"), tr("Esc, F11")});
    entries.append({wall, tr("Previous / next connection"), tr("Left, Right")});
    entries.append({wall, tr("Cycle connections on a timer"), QStringLiteral("C")});
    entries.append({wall, tr("Next / previous tile"), tr("Tab, Down / Shift+Tab, Up")});
    entries.append({wall, tr("Open the queue"), tr("Enter")});
    entries.append({wall, tr("Pin or unpin the queue"), QStringLiteral("P")});
    m_shortcuts->setEntries(entries);
    m_shortcuts->popup();
    return m_shortcuts;
}

void MainWindow::editSettings()
{
    ConnectionSettings settings;
    AppPreferences current;
    current.pollSeconds = double(settings.pollInterval().count()) / 1000.0;
    const HistoryRetention retention = settings.historyRetention();
    current.rawHours = int(retention.raw.count());
    current.rollupDays = int(std::max<qint64>(1, retention.rollups.count() / 24));
    current.operatorName = settings.operatorName();
    current.theme = Theme::current();
    QList<QPair<QString, QString>> languages;
    if (m_language) {
        current.language = m_language->code();
        for (const Language::Entry &e : Language::available()) {
            languages.append({e.code, e.nativeName});
        }
    }
    SettingsDialog dialog(current, languages, this);
    if (dialog.exec() != QDialog::Accepted) {
        return;
    }
    const AppPreferences p = dialog.preferences();
    const auto interval = std::chrono::milliseconds(qint64(p.pollSeconds * 1000));
    settings.setPollInterval(interval);
    m_collector->setInterval(interval);
    const HistoryRetention kept{std::chrono::hours(p.rawHours), std::chrono::hours(qint64(p.rollupDays) * 24)};
    settings.setHistoryRetention(kept);
    if (m_history) {
        m_history->setRetention(kept);
    }
    if (p.operatorName != current.operatorName) {
        settings.setOperatorName(p.operatorName);
        m_detail->jobs()->setAuditLog(m_audit, p.operatorName);
    }
    Theme::save(p.theme);
    if (p.theme != current.theme) {
        Theme::apply(p.theme);
    }
    if (m_language && p.language != current.language) {
        QString error;
        if (m_language->apply(p.language, &error)) {
            Language::save(p.language);
        } else {
            statusBar()->showMessage(tr("Language not changed: %1").arg(error), 20000);
        }
    }
}

AuditView *MainWindow::showAuditLog()
{
    if (!m_auditView) {
        m_auditView = new AuditView(m_audit, this);
    } else {
        m_auditView->refresh();
    }
    m_auditView->show();
    m_auditView->raise();
    return m_auditView;
}

WorkersDialog *MainWindow::showWorkers(const QString &connectionId)
{
    if (connectionId.isEmpty() || !m_collector->backend(connectionId)) {
        statusBar()->showMessage(tr("Add a connection first: there are no workers to show."), 10000);
        return nullptr;
    }
    if (m_workers && m_workers->connectionId() != connectionId) {
        m_workers->close();
        m_workers->deleteLater();
    }
    if (!m_workers || m_workers->connectionId() != connectionId) {
        m_workers = new WorkersDialog(m_collector, connectionId, m_audit, ConnectionSettings().operatorName(), this);
        m_workers->setAttribute(Qt::WA_DeleteOnClose);
        m_workers->setTimeline(m_timelineActions->timeline());
        connect(m_workers, &WorkersDialog::actionDone, this,
                [this](const QString &, const QString &summary) { statusBar()->showMessage(summary, 10000); });
    }
    m_workers->show();
    m_workers->raise();
    return m_workers;
}

AlertListModel *MainWindow::alerts() const
{
    return m_alerts->model();
}

QWidget *MainWindow::currentPage() const
{
    return m_stack->currentWidget();
}

void MainWindow::updateCentral()
{
    if (m_collector->connectionIds().isEmpty()) {
        m_stack->setCurrentWidget(m_welcome);
    } else if (m_stack->currentWidget() == m_welcome) {
        m_stack->setCurrentWidget(m_overview);
    }
    m_sidebar->expandAll();
}

void MainWindow::showOverview()
{
    if (!m_collector->connectionIds().isEmpty()) {
        m_stack->setCurrentWidget(m_overview);
    }
}

void MainWindow::showQueue(const QString &connectionId, const QString &queue)
{
    if (m_detail->connectionId() != connectionId || m_detail->queue() != queue) {
        m_detail->setQueue(connectionId, queue);
        // What already happened to this queue (or its whole connection) shows as markers on its charts.
        m_timelineActions->markQueue(connectionId, queue);
        // "Stuck" in the job browser: waiting past the queue's warning threshold; running over an hour.
        m_detail->jobs()->setStuckThresholds(qint64(m_overviewModel->thresholds(connectionId).warnOldestSeconds), 3600);
    }
    m_stack->setCurrentWidget(m_detail);
    const QModelIndex idx = m_treeModel->queueIndex(connectionId, queue);
    if (idx.isValid() && m_sidebar->currentIndex().siblingAtColumn(0) != idx) {
        m_sidebar->setCurrentIndex(idx);
    }
}

QString MainWindow::addConnection(const QString &name, const QString &url, bool persist)
{
    auto backend = createBackend(url, m_collector->clock());
    if (!backend) {
        return backend.error();
    }
    // A URL given as its own name (--connect) is shown everywhere — sidebar, alerts, timeline, webhook posts —
    // so without its password.
    const QString shown = name.trimmed().isEmpty() || name == url ? backend.value()->url().toDisplayString() : name;
    QString id;
    if (persist) {
        id = ConnectionSettings().addConnection(shown, url);
        m_persistent.insert(id);
        const QString password = QUrl(url).password(QUrl::FullyDecoded);
        if (!password.isEmpty()) {
            whenFinished(CredentialStore(m_alertSettings->keyringService()).write(CredentialStore::connectionKey(id), password),
                         this, [this, name = shown](const CredentialResult &r) {
                             if (!r.ok()) {
                                 statusBar()->showMessage(tr("%1: the password was not saved and will be asked for "
                                                             "again after a restart: %2").arg(name, r.error), 30000);
                             }
                         });
        }
    } else {
        // Counted, not derived from the number of connections: that repeats after a removal.
        do {
            id = QStringLiteral("session-%1").arg(++m_sessionCount);
        } while (m_collector->connectionIds().contains(id));
    }
    m_collector->addConnection(id, shown, backend.value());
    return {};
}

void MainWindow::loadSavedConnections()
{
    auto add = [this](const SavedConnection &c, const QString &url) {
        auto backend = createBackend(url, m_collector->clock());
        if (backend) {
            m_persistent.insert(c.id);
            m_alertSettings->load(c.id, c.name);
            m_collector->addConnection(c.id, c.name, backend.value());
        } else {
            statusBar()->showMessage(tr("%1: %2").arg(c.name, backend.error()), 30000);
        }
    };
    const QList<SavedConnection> saved = ConnectionSettings().connections();
    for (const SavedConnection &c : saved) {
        if (QUrl(c.url).userName().isEmpty()) {
            add(c, c.url);
            continue;
        }
        ++m_loading;
        whenFinished(CredentialStore(m_alertSettings->keyringService()).read(CredentialStore::connectionKey(c.id)), this,
                     [this, c, add](const CredentialResult &r) {
                         QUrl url(c.url);
                         if (r.found) {
                             url.setPassword(r.secret, QUrl::DecodedMode);
                         } else if (!r.ok()) {
                             // Still added: a server without a password works, and the status strip says if not.
                             statusBar()->showMessage(tr("%1: no password from the keyring: %2").arg(c.name, r.error), 30000);
                         }
                         add(c, url.toString(QUrl::FullyEncoded));
                         if (--m_loading == 0) {
                             Q_EMIT connectionsLoaded();
                         }
                     });
    }
    if (m_loading == 0) {
        Q_EMIT connectionsLoaded();
    }
}

void MainWindow::editAlertRules(const QString &connectionId)
{
    const QString id = connectionId.isEmpty() ? selectedConnection() : connectionId;
    if (id.isEmpty()) {
        QMessageBox::information(this, tr("Alert Rules"), tr("Add a connection first: rules belong to a connection."));
        return;
    }
    m_alertSettings->edit(id, m_collector->displayName(id), m_persistent.contains(id), this);
}

QString MainWindow::startDemo()
{
    if (m_demo) {
        showOverview();
        return {};
    }
    auto sim = std::make_unique<demo::DemoSimulator>(demo::DemoSimulator::defaultDatabasePath());
    if (const QString err = sim->start(); !err.isEmpty()) {
        return err;
    }
    const QString id = QStringLiteral("demo-%1").arg(QDateTime::currentSecsSinceEpoch());
    connect(sim.get(), &demo::DemoSimulator::incident, this, [this, id](const QString &what) {
        statusBar()->showMessage(tr("Demo: %1").arg(what), 15000);
        m_timelineActions->addEvent(id, tr("Demo script: %1").arg(what));
    });
    auto backend = createBackend(sim->connectionUrl(), m_collector->clock());
    if (!backend) {
        return backend.error();
    }
    m_demo = std::move(sim);
    // A fresh id per run (above): the demo's database starts over each time, so its history should too.
    // The demo's day is compressed (an hour a minute), so are its thresholds: warn at 1 min, critical at 2.5.
    const StatusThresholds demoThresholds{60, 150};
    m_overviewModel->setThresholds(id, demoThresholds);
    m_treeModel->setThresholds(id, demoThresholds);
    QList<AlertRule> rules = AlertRule::defaults();
    for (AlertRule &r : rules) {
        if (r.kind == RuleKind::OldestAge) {
            r.warn = demoThresholds.warnOldestSeconds;
            r.crit = demoThresholds.critOldestSeconds;
        } else if (r.kind == RuleKind::DepthGrowing || r.kind == RuleKind::NewQueue) {
            r.forMs = 60'000; // a demo hour is a minute
        }
    }
    m_alerts->engine()->setRules(id, rules);
    m_collector->addConnection(id, tr("Demo (Delayed::Job)"), backend.value());
    showOverview();
    return {};
}

void MainWindow::addConnectionDialog()
{
    AddConnectionDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted) {
        return;
    }
    if (const QString err = addConnection(dialog.name(), dialog.url(), true); !err.isEmpty()) {
        QMessageBox::warning(this, tr("Add Connection"), err);
    }
}

void MainWindow::removeSelectedConnection()
{
    const QModelIndex idx = m_sidebar->currentIndex();
    if (!idx.isValid()) {
        return;
    }
    const QString id = idx.siblingAtColumn(0).data(ConnectionTreeModel::ConnectionIdRole).toString();
    const QString name = m_collector->displayName(id);
    if (QMessageBox::question(this, tr("Remove Connection"), tr("Stop monitoring \"%1\"?").arg(name)) != QMessageBox::Yes) {
        return;
    }
    m_collector->removeConnection(id);
    const bool persistent = m_persistent.remove(id);
    m_alertSettings->forget(id, persistent);
    if (persistent) {
        ConnectionSettings().removeConnection(id);
    }
    if (m_detail->connectionId() == id) {
        showOverview();
    }
}

void MainWindow::onAlertsChanged(const QString &connectionId, const Snapshot &snapshot, const QList<AlertChange> &changes)
{
    for (const AlertChange &c : changes) {
        const bool worse = alertSeverity(c.alert.state) > alertSeverity(c.previous);
        const QString what = QStringLiteral("%1 %2").arg(alertStateText(c.alert.state), c.alert.message);
        if (worse && (c.alert.state == AlertState::Crit || c.alert.state == AlertState::Warn)) {
            statusBar()->showMessage(what, 20000);
            if (m_tray) {
                m_tray->showMessage(m_collector->displayName(connectionId), c.alert.message,
                                    c.alert.state == AlertState::Crit ? QSystemTrayIcon::Critical
                                                                      : QSystemTrayIcon::Warning);
            }
        }
        // The timeline of the queue on screen: a marker where an alert began or ended.
        if (connectionId == m_detail->connectionId() && (c.alert.queue.isEmpty() || c.alert.queue == m_detail->queue())) {
            const QString label = worse ? QStringLiteral("%1 %2").arg(alertStateText(c.alert.state), AlertRule::kindName(c.alert.kind))
                                        : tr("%1 cleared").arg(AlertRule::kindName(c.alert.kind));
            for (TimeSeriesChart *chart : m_detail->charts()) {
                chart->addMarker(snapshot.takenAt.toMSecsSinceEpoch(), label);
            }
        }
    }
}

void MainWindow::setTimeline(IncidentTimeline *timeline)
{
    m_timelineActions->setTimeline(timeline);
    if (m_wall) {
        m_wall->setTimeline(timeline);
    }
}

WallView *MainWindow::setWallMode(bool on, const QSize &size)
{
    if (on && !m_wall) {
        m_wall = new WallView(m_overviewModel, alerts(), m_collector, this);
        m_wall->setWindowFlag(Qt::Window); // a window of its own: full screen, perhaps on the room's big screen
        m_wall->setWindowTitle(tr("Queuedeck — War Room"));
        m_wall->setTimeline(m_timelineActions->timeline());
        m_wall->setCycleSeconds(QSettings().value(QStringLiteral("wall/autoCycleSeconds"), 0).toInt());
        connect(m_wall, &WallView::exitRequested, this, [this] { setWallMode(false); });
        connect(m_wall, &WallView::queueActivated, this, [this](const QString &id, const QString &queue) {
            setWallMode(false);
            showQueue(id, queue);
        });
    }
    if (m_wallAction) {
        m_wallAction->setChecked(on);
    }
    if (!m_wall) {
        return nullptr;
    }
    if (!on) {
        m_wall->hide();
        activateWindow();
        return m_wall;
    }
    if (size.isValid()) {
        m_wall->resize(size);
        m_wall->show();
    } else {
        m_wall->setScreen(screen());
        m_wall->showFullScreen();
    }
    m_wall->raise();
    m_wall->activateWindow();
    return m_wall;
}

QFuture<QString> MainWindow::postMortem(const QString &connectionId, int hours)
{
    return m_timelineActions->postMortem(connectionId, hours);
}

QString MainWindow::selectedConnection() const
{
    const QModelIndex idx = m_sidebar->currentIndex();
    if (idx.isValid()) {
        return idx.siblingAtColumn(0).data(ConnectionTreeModel::ConnectionIdRole).toString();
    }
    if (!m_detail->connectionId().isEmpty()) {
        return m_detail->connectionId();
    }
    return m_collector->connectionIds().isEmpty() ? QString() : m_collector->connectionIds().constFirst();
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::LanguageChange && m_toolBar) {
        // Menus and actions are rebuilt in the new language (their shortcuts stay); the pages and docks
        // retranslate themselves.
        const bool wall = m_wallAction && m_wallAction->isChecked();
        menuBar()->clear();
        m_toolBar->clear();
        createActions();
        m_wallAction->setChecked(wall);
        setWindowTitle(tr("Queuedeck"));
        m_sidebar->setAccessibleName(tr("Connections and queues"));
        if (m_tray) {
            m_tray->setToolTip(tr("Queuedeck"));
        }
        if (m_wall) {
            m_wall->setWindowTitle(tr("Queuedeck — War Room"));
        }
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings().setValue(QStringLiteral("window/geometry"), saveGeometry());
    QSettings().setValue(QStringLiteral("window/state"), saveState());
    QMainWindow::closeEvent(event);
}

} // namespace qd
