// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/alerts/alertengine.h"
#include "core/snapshot.h"

#include <QFuture>
#include <QMainWindow>
#include <QPointer>
#include <QSet>

#include <memory>

class QStackedWidget;
class QSystemTrayIcon;
class QToolBar;
class QTreeView;

namespace qd {

class AlertsDock;
class AlertSettings;
class AuditLog;
class AuditView;
class WorkersDialog;
class Outbox;
class Session;
class AlertListModel;
class Collector;
class ConnectionTreeModel;
class HistoryStore;
class IncidentTimeline;
class OverviewPage;
class QueueDetailView;
class QueueOverviewModel;
class TimelineActions;
class Language;
class ShortcutsOverlay;
class WallView;
class WelcomePage;
namespace demo {
class DemoSimulator;
}

/// The main window: connections and their queues on the left; the overview, a queue's charts, or the
/// first-run page on the right; every connection's state in the status bar. It wires the session's services to
/// views and owns no data itself: the Session does (collector, history, alerts, timeline, audit log, outbox).
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(Session *session, QWidget *parent = nullptr);
    /// The timeline notes, demo incidents and operator events go to (the session's, when it keeps one); enables
    /// "Add Note" and "Export Post-mortem".
    void setTimeline(IncidentTimeline *timeline);
    /// The post-mortem of one connection over the last `hours`, built off the GUI thread.
    QFuture<QString> postMortem(const QString &connectionId, int hours = 24);
    ~MainWindow() override;
    Q_DISABLE_COPY_MOVE(MainWindow)

    /// Adds the saved connections. One whose URL names a user gets its password from the keyring first, so it
    /// is added when the keyring answers (connectionsLoaded() says when all are in).
    void loadSavedConnections();
    /// Adds a connection; `persist` saves it: the URL without its password in the settings file, the password
    /// in the desktop keyring (a keyring that refuses it is reported; the connection works for this session).
    /// Returns an error or an empty string.
    QString addConnection(const QString &name, const QString &url, bool persist);
    /// Opens the alert rules and webhook editor for a connection (the selected one when empty).
    void editAlertRules(const QString &connectionId = {});
    AlertSettings *alertSettings() const { return m_alertSettings; }
    QString startDemo();

    void showOverview();
    /// The audit log viewer (View → Audit Log, Ctrl+Shift+L), refreshed each time it is shown.
    AuditView *showAuditLog();
    /// View → Workers…: the workers of one connection, with Quiet and Stop where the backend can.
    WorkersDialog *showWorkers(const QString &connectionId);
    void showQueue(const QString &connectionId, const QString &queue);

    /// War-room mode (F11, --wall): the wall as a full-screen window of its own over this one, or at `size`
    /// when given (screenshots, tests). Esc or F11 on the wall comes back.
    WallView *setWallMode(bool on, const QSize &size = {});
    WallView *wall() const { return m_wall; }
    /// File → Settings (Ctrl+,): poll interval, history retention, operator name, theme, language.
    void editSettings();
    /// Offers and switches the GUI language in the settings (without it the choice is hidden).
    void setLanguage(Language *language) { m_language = language; }
    /// Help → Keyboard Shortcuts (F1).
    ShortcutsOverlay *showShortcuts();

    QTreeView *sidebar() const { return m_sidebar; }
    OverviewPage *overview() const { return m_overview; }
    QueueDetailView *detail() const { return m_detail; }
    QWidget *currentPage() const;
    AlertListModel *alerts() const;

Q_SIGNALS:
    void connectionsLoaded();

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void buildPages();
    void buildAlerts(Session *session);
    void connectOperatorActions(Session *session);
    void connectNavigation();
    void createActions();
    void updateCentral();
    void addConnectionDialog();
    void removeSelectedConnection();
    void onAlertsChanged(const QString &connectionId, const Snapshot &snapshot, const QList<AlertChange> &changes);
    QString selectedConnection() const;

    Collector *m_collector;
    HistoryStore *m_history;
    QueueOverviewModel *m_overviewModel;
    ConnectionTreeModel *m_treeModel;
    QTreeView *m_sidebar;
    QStackedWidget *m_stack;
    WelcomePage *m_welcome;
    OverviewPage *m_overview;
    QueueDetailView *m_detail;
    QSet<QString> m_persistent;
    std::unique_ptr<demo::DemoSimulator> m_demo;
    AlertsDock *m_alerts;
    AlertSettings *m_alertSettings;
    int m_loading = 0; ///< saved connections still waiting for the keyring
    int m_sessionCount = 0;
    QSystemTrayIcon *m_tray = nullptr;
    TimelineActions *m_timelineActions;
    AuditLog *m_audit; ///< the session's; nullptr when it could not be opened (actions are off)
    AuditView *m_auditView = nullptr;
    QPointer<WorkersDialog> m_workers;
    WallView *m_wall = nullptr;
    QAction *m_wallAction = nullptr;
    QToolBar *m_toolBar = nullptr;
    ShortcutsOverlay *m_shortcuts = nullptr;
    Language *m_language = nullptr;
    Outbox *m_outbox; ///< the session's; nullptr when it could not be opened (sending is off)
};

} // namespace qd
