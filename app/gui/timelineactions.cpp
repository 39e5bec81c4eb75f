// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "app/gui/timelineactions.h"

#include "core/backend.h"
#include "core/futurewatch.h"
#include "core/privatefiles.h"

#include "core/alerts/alertengine.h"
#include "core/clock.h"
#include "core/collector.h"
#include "widgets/charts/queuedetailview.h"
#include "core/timeline/incidenttimeline.h"
#include "core/timeline/postmortem.h"
#include "widgets/charts/timeserieschart.h"

#include <QDate>
#include <QFile>
#include <QFileDialog>
#include <QInputDialog>
#include <QMessageBox>
#include <QtConcurrent/QtConcurrentRun>

namespace qd {

TimelineActions::TimelineActions(Collector *collector, HistoryStore *history, QueueDetailView *detail, QWidget *window)
    : QObject(window), m_collector(collector), m_history(history), m_detail(detail), m_window(window)
{
}

void TimelineActions::addEvent(const QString &connectionId, const QString &text)
{
    if (m_timeline) {
        m_timeline->addEvent(connectionId, text);
    }
}

void TimelineActions::recordAlert(const AlertChange &change)
{
    if (m_timeline) {
        m_timeline->recordAlert(change);
    }
}

void TimelineActions::markQueue(const QString &connectionId, const QString &queue)
{
    if (!m_timeline) {
        return;
    }
    const QDateTime now = m_collector->clock()->now();
    whenFinished(m_timeline->entries(connectionId, now.addDays(-1), now), this,
                 [this, connectionId, queue](const QList<TimelineEntry> &entries) {
            if (m_detail->connectionId() != connectionId || m_detail->queue() != queue) {
                return; // the operator moved on
            }
            for (const TimelineEntry &e : entries) {
                if (e.queue.isEmpty() || e.queue == queue) {
                    const QString label = e.kind == TimelineEntry::Kind::AlertChanged
                                              ? QStringLiteral("%1 %2").arg(alertStateText(e.state), e.rule)
                                              : e.text.left(40);
                    for (TimeSeriesChart *chart : m_detail->charts()) {
                        chart->addMarker(e.at.toMSecsSinceEpoch(), label);
                    }
                }
            }
        });
}

void TimelineActions::addNote(const QString &connectionId)
{
    if (!m_timeline || connectionId.isEmpty()) {
        return;
    }
    bool ok = false;
    const QString text = QInputDialog::getMultiLineText(
        m_window, tr("Add Note"),
        tr("Note for the %1 timeline (what you did or saw):").arg(m_collector->displayName(connectionId)), QString(), &ok);
    if (ok && !text.trimmed().isEmpty()) {
        m_timeline->addNote(connectionId, text.trimmed(),
                            m_detail->connectionId() == connectionId ? m_detail->queue() : QString());
        Q_EMIT message(tr("Note added to the timeline."), 5000);
    }
}

QFuture<QString> TimelineActions::postMortem(const QString &connectionId, int hours)
{
    if (!m_timeline || !m_history) {
        return QtFuture::makeReadyFuture(QString());
    }
    PostMortemRequest r;
    r.connectionId = connectionId;
    r.connectionName = m_collector->displayName(connectionId);
    r.to = m_collector->clock()->now();
    r.from = r.to.addSecs(-3600LL * hours);
    for (const QueueStats &q : m_collector->lastGood(connectionId).queues) {
        r.queues << q.name;
    }
    if (Backend *b = m_collector->backend(connectionId)) {
        r.connectionUrl = b->url().toDisplayString();
    }
    HistoryStore *history = m_history;
    IncidentTimeline *timeline = m_timeline;
    AuditLog *audit = m_audit;
    // The stores answer with futures; waiting on them belongs on a worker thread, not here.
    return QtConcurrent::run([history, timeline, audit, r] { return buildPostMortem(*history, *timeline, r, audit); });
}

void TimelineActions::exportPostMortem(const QString &connectionId)
{
    if (connectionId.isEmpty() || !m_timeline || !m_history) {
        QMessageBox::information(m_window, tr("Export Post-mortem"), tr("There is no connection with history to report on."));
        return;
    }
    const QString file = QFileDialog::getSaveFileName(
        m_window, tr("Export Post-mortem"), tr("post-mortem-%1.md").arg(QDate::currentDate().toString(Qt::ISODate)),
        tr("Markdown (*.md)"));
    if (file.isEmpty()) {
        return;
    }
    whenFinished(postMortem(connectionId), this, [this, file](const QString &markdown) {
        if (!QFile::exists(file)) {
            qd::makePrivateFile(file); // names of queues, workers and operators: the owner's only
        }
        QFile out(file);
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) || out.write(markdown.toUtf8()) < 0) {
            QMessageBox::warning(m_window, tr("Export Post-mortem"), tr("Cannot write %1: %2").arg(file, out.errorString()));
            return;
        }
        Q_EMIT message(tr("Post-mortem written to %1").arg(file), 10000);
    });
}

} // namespace qd
