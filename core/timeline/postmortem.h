// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "incidenttimeline.h"

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
                         const QList<TimelineEntry> &timeline);

/// Gathers impact from the history store and entries from the timeline, then renders. Waits on both stores'
/// futures: call it from a worker thread (QtConcurrent::run), never from the GUI thread.
QString buildPostMortem(HistoryStore &history, IncidentTimeline &timeline, const PostMortemRequest &request);

} // namespace qd
