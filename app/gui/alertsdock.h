// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/alerts/alertengine.h"
#include "core/snapshot.h"

#include "models/queuestatus.h"

#include <QDockWidget>

#include <memory>

class QTableView;

namespace qd {

class AlertListModel;
class Session;

/// The alerts panel: shows what the session's rule engine (the same as `queuedeckctl check/watch`) made of every
/// poll of every connection: lists the active alerts worst first, and says in its title how many there are (an empty
/// table alone does not tell "nothing wrong" from "not evaluated"). The window decides what a change
/// means for the status bar, the tray and the timeline (alertsChanged).
class AlertsDock final : public QDockWidget
{
    Q_OBJECT
public:
    explicit AlertsDock(Session *session, QWidget *parent = nullptr);
    ~AlertsDock() override;
    Q_DISABLE_COPY_MOVE(AlertsDock)

    AlertEngine *engine() const { return m_engine; }
    /// The engine's verdict for views: a queue's own alerts; for a connection (empty queue), everything.
    StatusSource statusSource() const;
    AlertListModel *model() const { return m_model; }
    void acknowledgeCurrent();
    void snoozeCurrent(const QDateTime &until);

Q_SIGNALS:
    void queueActivated(const QString &connectionId, const QString &queue);
    /// The alerts whose state this poll changed; the list already shows them.
    void alertsChanged(const QString &connectionId, const qd::Snapshot &snapshot, const QList<qd::AlertChange> &changes);

protected:
    void changeEvent(QEvent *event) override;

private:
    void onEvaluated(const QString &connectionId, const Snapshot &snapshot, const QList<AlertChange> &changes);
    void updateTitle();
    void retranslate();

    AlertEngine *m_engine; ///< the session's
    AlertListModel *m_model;
    QTableView *m_view;
};

} // namespace qd
