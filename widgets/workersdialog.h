// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/jobs.h"

#include <QDialog>
#include <QPointer>

class QLabel;
class QPushButton;
class QTableView;
class QTimer;

namespace qd {

class IncidentTimeline;

class AuditLog;
class Collector;
class WorkerTableModel;

/// View → Workers…: every worker of one connection, live (each poll updates the rows in place), with how old
/// the list is. Quiet (take no new jobs) and Stop (shut down cleanly) act on the selected worker where the
/// backend can (Capabilities::quietWorkers / stopWorkers); otherwise the button is off and its tooltip says why.
/// Each signal asks first and is written to the audit log, like every other action.
class WorkersDialog final : public QDialog
{
    Q_OBJECT
public:
    WorkersDialog(Collector *collector, const QString &connectionId, AuditLog *audit, const QString &operatorName,
                  QWidget *parent = nullptr);
    ~WorkersDialog() override;
    Q_DISABLE_COPY_MOVE(WorkersDialog)

    /// The desktop's incident timeline, where core puts the sentence of each action run from here (not owned).
    void setTimeline(IncidentTimeline *timeline);

    WorkerTableModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QPushButton *quietButton() const { return m_quiet; }
    QPushButton *stopButton() const { return m_stop; }
    QString freshnessText() const;
    QString statusText() const;
    QString connectionId() const { return m_connectionId; }
    bool selectWorker(const QString &id);
    /// Sends `signal` to the selected worker without asking, audits it and reports through actionDone().
    void signalSelected(WorkerSignal signal);

Q_SIGNALS:
    /// A signal was sent or refused; `summary` is what the status bar and the timeline say.
    void actionDone(const QString &connectionId, const QString &summary);

protected:
    void changeEvent(QEvent *event) override;

private:
    void ask(WorkerSignal signal);
    void retranslate();
    void updateButtons();
    void updateFreshness();
    QString selectedId() const;

    Collector *m_collector;
    const QString m_connectionId;
    AuditLog *m_audit;
    const QString m_operator;
    QPointer<IncidentTimeline> m_timeline;
    WorkerTableModel *m_model;
    QTableView *m_view;
    QLabel *m_freshness;
    QLabel *m_status;
    QPushButton *m_quiet;
    QPushButton *m_stop;
    QPushButton *m_close;
    QTimer *m_tick;
};

} // namespace qd
