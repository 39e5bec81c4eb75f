// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QFuture>
#include <QObject>

class QWidget;

namespace qd {

struct AlertChange;
class Collector;
class HistoryStore;
class AuditLog;
class IncidentTimeline;
class QueueDetailView;

/// The window's side of the incident timeline: records alert changes and events, adds operator notes, puts
/// past entries as markers on the charts of the queue on screen, and builds/exports the post-mortem (off
/// the GUI thread). Without a timeline every call is a harmless no-op, so the window need not check.
class TimelineActions final : public QObject
{
    Q_OBJECT
public:
    /// `window` parents the dialogs (note text, file name, errors).
    TimelineActions(Collector *collector, HistoryStore *history, QueueDetailView *detail, QWidget *window);
    Q_DISABLE_COPY_MOVE(TimelineActions)

    void setTimeline(IncidentTimeline *timeline) { m_timeline = timeline; }
    /// Operator actions for the post-mortem (the GUI's and queuedeckctl's), if there is an audit log.
    void setAuditLog(AuditLog *audit) { m_audit = audit; }
    IncidentTimeline *timeline() const { return m_timeline; }

    void addEvent(const QString &connectionId, const QString &text);
    void recordAlert(const AlertChange &change);
    /// Loads the last day of the connection's timeline and marks the detail view's charts with what concerns
    /// `queue` (or the whole connection), unless another queue is shown by the time it arrives.
    void markQueue(const QString &connectionId, const QString &queue);
    void addNote(const QString &connectionId);
    QFuture<QString> postMortem(const QString &connectionId, int hours = 24);
    void exportPostMortem(const QString &connectionId);

Q_SIGNALS:
    /// For the status bar.
    void message(const QString &text, int timeoutMs);

private:
    Collector *m_collector;
    HistoryStore *m_history;
    QueueDetailView *m_detail;
    QWidget *m_window;
    IncidentTimeline *m_timeline = nullptr;
    AuditLog *m_audit = nullptr;
};

} // namespace qd
