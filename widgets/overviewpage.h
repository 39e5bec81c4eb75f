// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QHash>
#include <QWidget>

class QAbstractItemModel;
class QGridLayout;
class QLabel;
class QScrollArea;
class QTableView;

namespace qd {

class Collector;
class QueueTile;
class UnknownLastSortProxy;

/// Every queue as a tile, worst first (critical, warning, unknown, ok; then deepest), in a grid that reflows
/// with the window width; below it, every queue again as one sortable table row with a sparkline, which is
/// what scales to hundreds of queues. A summary line on top counts queues by status. Projected from
/// QueueOverviewModel.
class OverviewPage final : public QWidget
{
    Q_OBJECT
public:
    explicit OverviewPage(QAbstractItemModel *overviewModel, QWidget *parent = nullptr);
    Q_DISABLE_COPY_MOVE(OverviewPage)
    /// Adds one line per connection with its workers (busy / idle / lost) under the summary.
    void setCollector(Collector *collector);
    QString workersText() const;

    QList<QueueTile *> tiles() const; ///< in display order
    QString summaryText() const;
    QTableView *table() const { return m_table; }

Q_SIGNALS:
    void queueActivated(const QString &connectionId, const QString &queue);

protected:
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

public:
    /// At most this many tiles, the worst first; every queue is in the table below them.
    static constexpr qsizetype kMaxTiles = 60;

private:
    void retranslate();
    /// Rebuilds once the model's signals of this event-loop turn are in (a poll and the age timer's second).
    void scheduleRebuild();
    void rebuild();
    void relayout();
    void fitTileArea();
    void updateWorkers();
    void setupTable();
    void fitColumns();

    QAbstractItemModel *m_model;
    QLabel *m_summary;
    QLabel *m_workers;
    Collector *m_collector = nullptr;
    QScrollArea *m_scroll;
    QWidget *m_canvas;
    QGridLayout *m_grid;
    UnknownLastSortProxy *m_sorted;
    QTableView *m_table;
    QHash<QString, QueueTile *> m_tiles;
    QList<QueueTile *> m_order;
    int m_columns = 0;
    bool m_rebuildPending = false;
};

} // namespace qd
