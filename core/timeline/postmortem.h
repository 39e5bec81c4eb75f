// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/audit/auditlog.h"

#include "core/timeline/incidenttimeline.h"

#include <QDateTime>
#include <QStringList>

#include <optional>

namespace qd {

class HistoryStore;

struct PostMortemRequest
{
    QString connectionId;
    QString connectionName;
    QDateTime from;
    QDateTime to;
    QStringList queues;
    QString connectionUrl;   ///< without password: how the audit log names the connection
};

struct QueueImpact
{
    QString queue;
    std::optional<double> peakWaiting;
    QDateTime peakAt;
    std::optional<double> longestWaitSeconds;
    std::optional<double> arrived; ///< ≈ jobs that arrived in the window (integral of the in-rate; a lower bound)
};

/// The Markdown skeleton of a post-mortem: impact per queue, the timeline, and the headings a team fills in
/// (summary, root cause, five whys, action items). Text from job data is escaped for Markdown tables.
QString renderPostMortem(const PostMortemRequest &request, const QList<QueueImpact> &impact,
                         const QList<TimelineEntry> &timeline, const QList<AuditRecord> &actions = {});

/// Gathers impact from the history store and entries from the timeline, then renders. Waits on both stores'
/// futures: call it from a worker thread (QtConcurrent::run), never from the GUI thread.
/// `audit` (optional): operator actions on the connection in the window — the GUI's and queuedeckctl's alike.
QString buildPostMortem(HistoryStore &history, IncidentTimeline &timeline, const PostMortemRequest &request,
                        AuditLog *audit = nullptr);

} // namespace qd
