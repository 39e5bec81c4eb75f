// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/history/historystore.h"
#include "core/snapshot.h"

#include <QWidget>

#include <memory>

namespace qd {

class Collector;
class JobBrowser;
class TimeSeriesChart;

/// One queue in depth: a header with the current numbers and their freshness, a banner when the connection's
/// last poll failed, a range selector (5 min / 1 h / 24 h) and four live charts — depth by state, throughput
/// in/out, age of the oldest waiting job, workers busy/idle/lost. History comes from the HistoryStore
/// asynchronously; live points are appended from the Collector as snapshots arrive.
class QueueDetailView final : public QWidget
{
    Q_OBJECT
public:
    enum class Range { FiveMinutes, OneHour, OneDay };

    QueueDetailView(Collector *collector, HistoryStore *history, QWidget *parent = nullptr);
    ~QueueDetailView() override;
    Q_DISABLE_COPY_MOVE(QueueDetailView)

    void setQueue(const QString &connectionId, const QString &queue);
    QString connectionId() const;
    QString queue() const;
    void setRange(Range range);
    Range range() const;

    /// The charts, in display order: depth, throughput, oldest age, workers (tests, screenshots).
    QList<TimeSeriesChart *> charts() const;
    QString headerText() const;
    QString bannerText() const; ///< empty when hidden
    /// The "Jobs" tab: drill-down and actions for the same queue.
    JobBrowser *jobs() const;
    void showJobs(bool jobs);
    /// True once the history requested by the last setQueue/setRange has arrived.
    bool historyLoaded() const;

Q_SIGNALS:
    void historyLoadFinished();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();
    void reload();
    void onSnapshot(const QString &connectionId, const Snapshot &snapshot);
    void updateHeader(const Snapshot &snapshot);
    void updateWindow();

    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace qd
