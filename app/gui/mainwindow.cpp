// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "mainwindow.h"

#include "addconnectiondialog.h"
#include "audit/auditlog.h"
#include "jobbrowser.h"
#include "alertlistmodel.h"
#include "textsafety.h"
#include "alertsdock.h"
#include "alertsettings.h"
#include "futurewatch.h"
#include "settings/credentialstore.h"
#include "auditview.h"
#include "recipients/outbox.h"
#include "appicon.h"
#include "timeserieschart.h"
#include "backend.h"
#include "backendfactory.h"
#include "clock.h"
#include "collector.h"
#include "connectiontreemodel.h"
#include "demo/demosimulator.h"
#include "overviewpage.h"
#include "queuedetailview.h"
#include "queueoverviewmodel.h"
#include "settings/connectionsettings.h"
#include "statusstrip.h"
#include "timelineactions.h"
#include "wallview.h"
#include "welcomepage.h"

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

MainWindow::MainWindow(Collector *collector, HistoryStore *history, QWidget *parent)
    : QMainWindow(parent), m_collector(collector), m_history(history)
{
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

    m_alerts = new AlertsDock(collector, this);
    addDockWidget(Qt::BottomDockWidgetArea, m_alerts);
    resizeDocks({m_alerts}, {170}, Qt::Vertical); // room for the worst few alerts; the charts keep the rest
    connect(m_alerts, &AlertsDock::queueActivated, this, &MainWindow::showQueue);
    connect(m_alerts, &AlertsDock::alertsChanged, this, &MainWindow::onAlertsChanged);
    m_alertSettings = new AlertSettings(m_alerts->engine(), this);
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

    // Operator actions: audited in the log the CLI shares, and put on the incident timeline.
    m_audit = std::make_unique<AuditLog>(AuditLog::defaultPath());
    if (const QString err = m_audit->open(); !err.isEmpty()) {
        m_audit.reset(); // the browser still lists jobs, and actions say they cannot be audited
        statusBar()->showMessage(tr("Audit log unavailable: %1 — actions are disabled.").arg(err), 20000);
    }
    m_detail->jobs()->setAuditLog(m_audit.get(), ConnectionSettings().operatorName());
    m_timelineActions->setAuditLog(m_audit.get());
    m_outbox = std::make_unique<Outbox>(Outbox::defaultPath());
    if (const QString err = m_outbox->open(); !err.isEmpty()) {
        m_outbox.reset(); // users can still be found and previewed; sending says why it is off
    }
    m_detail->jobs()->setOutbox(m_outbox.get());
    connect(m_detail->jobs(), &JobBrowser::actionDone, this, [this](const QString &id, const QString &summary) {
        m_timelineActions->addEvent(id, tr("Operator %1: %2").arg(ConnectionSettings().operatorName(), summary));
        statusBar()->showMessage(summary, 10000);
    });
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(appIcon(), this);
        m_tray->setToolTip(tr("Queuedeck"));
        m_tray->show();
    }

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
    createActions();
    restoreGeometry(QSettings().value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(QSettings().value(QStringLiteral("window/state")).toByteArray()); // docks and toolbar
    updateCentral();
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QMenu *view = menuBar()->addMenu(tr("&View"));
    QToolBar *bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setMovable(false);

    auto *add = file->addAction(tr("&Add Connection…"), this, &MainWindow::addConnectionDialog);
    add->setShortcut(QKeySequence::New);
    auto *remove = file->addAction(tr("&Remove Connection"), this, &MainWindow::removeSelectedConnection);
    remove->setShortcut(QKeySequence(tr("Ctrl+Shift+Del")));
    auto *demo = file->addAction(tr("Open the &Demo"), this, [this] {
        if (const QString err = startDemo(); !err.isEmpty()) {
            QMessageBox::warning(this, tr("Demo"), err);
        }
    });
    auto *rules = file->addAction(tr("Alert &Rules and Webhook…"), this, [this] { editAlertRules(); });
    rules->setShortcut(QKeySequence(tr("Ctrl+Shift+R")));
    file->addAction(tr("Export &Post-mortem…"), this, [this] { m_timelineActions->exportPostMortem(selectedConnection()); });
    file->addSeparator();
    auto *quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);

    auto *refresh = view->addAction(tr("&Refresh Now"), m_collector, &Collector::pollNow);
    refresh->setShortcut(QKeySequence::Refresh);
    auto *ack = view->addAction(tr("&Acknowledge Alert"), m_alerts, &AlertsDock::acknowledgeCurrent);
    ack->setShortcut(QKeySequence(tr("Ctrl+K")));
    auto *snooze = view->addAction(tr("&Snooze Alert for 1 Hour"), this,
                                   [this] { m_alerts->snoozeCurrent(m_collector->clock()->now().addSecs(3600)); });
    snooze->setShortcut(QKeySequence(tr("Ctrl+Shift+K")));
    auto *note = view->addAction(tr("Add &Note to Timeline…"), this, [this] { m_timelineActions->addNote(selectedConnection()); });
    note->setShortcut(QKeySequence(tr("Ctrl+Shift+N")));
    auto *auditLog = view->addAction(tr("Au&dit Log…"), this, &MainWindow::showAuditLog);
    auditLog->setShortcut(QKeySequence(tr("Ctrl+Shift+L")));
    auto *overview = view->addAction(tr("&Overview"), this, &MainWindow::showOverview);
    overview->setShortcut(QKeySequence(tr("Ctrl+1")));
    view->addSeparator();
    m_wallAction = view->addAction(tr("&War Room Wall"), this, [this](bool on) { setWallMode(on); });
    m_wallAction->setCheckable(true);
    m_wallAction->setShortcut(QKeySequence(Qt::Key_F11));
    for (QAction *a : {add, refresh, overview}) {
        a->setToolTip(QStringLiteral("%1 (%2)").arg(a->text().remove(u'&').remove(QStringLiteral("…")),
                                                    a->shortcut().toString(QKeySequence::NativeText)));
        bar->addAction(a);
    }
    Q_UNUSED(demo)
}

AuditView *MainWindow::showAuditLog()
{
    if (!m_auditView) {
        m_auditView = new AuditView(m_audit.get(), this);
    } else {
        m_auditView->refresh();
    }
    m_auditView->show();
    m_auditView->raise();
    return m_auditView;
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
        m_timelineActions->recordAlert(c);
        m_alertSettings->notify(m_collector->displayName(connectionId), c);
        const bool worse = alertSeverity(c.alert.state) > alertSeverity(c.previous);
        const QString what = QStringLiteral("%1 %2").arg(alertStateName(c.alert.state), c.alert.message);
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
            const QString label = worse ? QStringLiteral("%1 %2").arg(alertStateName(c.alert.state), AlertRule::kindName(c.alert.kind))
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

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings().setValue(QStringLiteral("window/geometry"), saveGeometry());
    QSettings().setValue(QStringLiteral("window/state"), saveState());
    QMainWindow::closeEvent(event);
}

} // namespace qd
