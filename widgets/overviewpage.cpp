// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/overviewpage.h"

#include "core/collector.h"
#include "models/freshness.h"
#include "core/headline.h"
#include "core/textsafety.h"
#include "widgets/theme.h"
#include "models/queueoverviewmodel.h"
#include "widgets/queuetile.h"
#include "widgets/sparkline.h"
#include "models/unknownlastsortproxy.h"

#include <QEvent>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace qd {

using M = QueueOverviewModel;

OverviewPage::OverviewPage(QAbstractItemModel *overviewModel, QWidget *parent) : QWidget(parent), m_model(overviewModel)
{
    auto *root = new QVBoxLayout(this);
    m_summary = new QLabel(this);
    m_summary->setTextFormat(Qt::PlainText);
    QFont f = m_summary->font();
    f.setPointSizeF(f.pointSizeF() * 1.15);
    m_summary->setFont(f);
    root->addWidget(m_summary);
    m_workers = new QLabel(this);
    m_workers->setTextFormat(Qt::PlainText);
    m_workers->hide();
    root->addWidget(m_workers);
    m_scroll = new QScrollArea(this);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_canvas = new QWidget(m_scroll);
    m_grid = new QGridLayout(m_canvas);
    m_grid->setSpacing(10);
    m_grid->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_scroll->setWidget(m_canvas);
    // The columns follow the viewport's width, which can settle after the page's own resize (a page shown
    // for the first time in the stack): watch it directly.
    m_scroll->viewport()->installEventFilter(this);
    root->addWidget(m_scroll);
    m_sorted = new UnknownLastSortProxy(M::SortRole, this); // numbers sort as numbers, "—" last, unknown backlogs first
    m_table = new QTableView(this);
    setupTable();
    root->addWidget(m_table, 1); // the tiles take what they need (see relayout), the table the rest

    connect(m_model, &QAbstractItemModel::dataChanged, this, &OverviewPage::scheduleRebuild);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &OverviewPage::scheduleRebuild);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &OverviewPage::scheduleRebuild);
    connect(m_model, &QAbstractItemModel::modelReset, this, &OverviewPage::scheduleRebuild);
    retranslate();
}

void OverviewPage::retranslate()
{
    setAccessibleName(tr("Overview of all queues"));
    m_table->setAccessibleName(tr("All queues"));
    fitColumns(); // a header may be longer in the new language ("Fehlgeschlagen")
    rebuild(); // the summary and the tiles' texts
    if (m_collector) {
        updateWorkers();
    }
}

void OverviewPage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        retranslate();
    }
    QWidget::changeEvent(event);
}

void OverviewPage::fitColumns()
{
    // Wide enough for typical values and for the header's own text, in whatever language it is.
    QHeaderView *header = m_table->horizontalHeader();
    const int em = fontMetrics().averageCharWidth();
    const QFontMetrics headerFont(header->font());
    const std::pair<int, int> widths[] = {{M::ConnectionColumn, 24}, {M::WaitingColumn, 10}, {M::TrendColumn, 16},
                                          {M::RunningColumn, 10},    {M::ConsumersColumn, 11}, {M::ScheduledColumn, 11}, {M::FailedColumn, 9},
                                          {M::OldestAgeColumn, 12},  {M::InRateColumn, 13},   {M::OutRateColumn, 13},
                                          {M::UpdatedColumn, 22}};
    for (const auto &[column, chars] : widths) {
        const QString title = m_model->headerData(column, Qt::Horizontal).toString();
        // Room for the sort arrow and the section's padding too.
        header->resizeSection(column, std::max(em * chars, headerFont.horizontalAdvance(title) + 3 * em + 12));
    }
}

void OverviewPage::setupTable()
{
    m_sorted->setSourceModel(m_model);
    m_table->setModel(m_sorted);
    m_table->setItemDelegateForColumn(M::TrendColumn, new SparklineDelegate(M::HistoryRole, m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->setAlternatingRowColors(true);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(M::OldestAgeColumn, Qt::DescendingOrder); // the queue that waits longest on top
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_table->setMinimumHeight(fontMetrics().height() * 8);
    // Fixed widths, not ResizeToContents: that would measure every row on every poll.
    QHeaderView *header = m_table->horizontalHeader();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(M::QueueColumn, QHeaderView::Stretch);
    fitColumns();
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &idx) {
        Q_EMIT queueActivated(idx.data(M::ConnectionIdRole).toString(), idx.data(M::QueueNameRole).toString());
    });
}

void OverviewPage::setCollector(Collector *collector)
{
    m_collector = collector;
    connect(collector, &Collector::snapshotReady, this, &OverviewPage::updateWorkers);
    connect(collector, &Collector::connectionRemoved, this, &OverviewPage::updateWorkers);
    updateWorkers();
}

QString OverviewPage::workersText() const
{
    return m_workers->isHidden() ? QString() : m_workers->text();
}

void OverviewPage::updateWorkers()
{
    QStringList lines;
    bool anyLost = false;
    for (const QString &id : m_collector->connectionIds()) {
        const Snapshot s = m_collector->lastGood(id);
        if (!s.takenAt.isValid()) {
            continue;
        }
        const WorkerSummary w = s.workerSummary();
        // The connection's headline in its backend's words: lost workers by name, what waits, whether anything works.
        QString line = tr("%1 — %2").arg(escapeForDisplay(m_collector->displayName(id), 80), Headline::of(s));
        if (s.totals.processedToday) {
            //: Sidekiq's per-day counters, since midnight UTC
            line += tr(" · today %1 processed, %2 failed")
                        .arg(Freshness::count(s.totals.processedToday), Freshness::count(s.totals.failedToday));
        }
        if (w.lost.value_or(0) > 0 && w.busy.value_or(0) + w.idle.value_or(0) == 0) {
            line += tr("  ✖ no live worker: nothing is being processed");
            anyLost = true;
        }
        lines << line;
    }
    m_workers->setText(lines.join(u'\n'));
    m_workers->setVisible(!lines.isEmpty());
    QPalette pal = palette();
    if (anyLost) {
        pal.setColor(QPalette::WindowText, Theme::color(Theme::Role::Crit, palette()));
    }
    m_workers->setPalette(pal);
}

QList<QueueTile *> OverviewPage::tiles() const
{
    return m_order;
}

QString OverviewPage::summaryText() const
{
    return m_summary->text();
}

void OverviewPage::scheduleRebuild()
{
    if (!m_rebuildPending) {
        m_rebuildPending = true;
        QTimer::singleShot(0, this, &OverviewPage::rebuild);
    }
}

void OverviewPage::rebuild()
{
    m_rebuildPending = false;
    int counts[4] = {0, 0, 0, 0};
    const QList<TileData> entries = readTiles(m_model, kMaxTiles, counts);
    const int total = m_model->rowCount();
    QHash<QString, QueueTile *> keep;
    QList<QueueTile *> order;
    for (const TileData &e : entries) {
        QueueTile *tile = m_tiles.take(e.key());
        if (!tile) {
            tile = new QueueTile(m_canvas);
            connect(tile, &QueueTile::activated, this, &OverviewPage::queueActivated);
        }
        tile->setData(e);
        keep.insert(e.key(), tile);
        order.append(tile);
    }
    qDeleteAll(m_tiles); // queues that are gone
    m_tiles = keep;
    const bool reordered = order != m_order;
    m_order = order;
    if (reordered) {
        m_columns = 0; // force a relayout
        relayout();
    }
    m_table->setVisible(!entries.isEmpty());
    QString summary = entries.isEmpty()
                          ? tr("No queues yet.")
                          : tr("%n queue(s): %1 critical, %2 warning, %3 unknown, %4 ok", nullptr, total)
                                .arg(counts[int(QueueStatus::Crit)])
                                .arg(counts[int(QueueStatus::Warn)])
                                .arg(counts[int(QueueStatus::Unknown)])
                                .arg(counts[int(QueueStatus::Ok)]);
    if (total > entries.size()) {
        //: after the overview's summary when there are more queues than tiles
        summary += tr(" — tiles for the %1 worst; every queue is in the table").arg(entries.size());
    }
    m_summary->setText(summary);
}

void OverviewPage::relayout()
{
    const int tileWidth = m_order.isEmpty() ? 300 : m_order.first()->sizeHint().width();
    const int avail = m_scroll->viewport()->width() - 20;
    const int columns = std::max(1, (avail + m_grid->spacing()) / (tileWidth + m_grid->spacing()));
    if (columns == m_columns && m_grid->count() == m_order.size()) {
        return;
    }
    m_columns = columns;
    while (m_grid->count() > 0) {
        delete m_grid->takeAt(0); // the layout item, not the tile
    }
    for (int i = 0; i < m_order.size(); ++i) {
        m_order[i]->setMinimumSize(m_order[i]->sizeHint());
        m_grid->addWidget(m_order[i], i / columns, i % columns);
        m_order[i]->show();
    }
    // Keyboard focus follows the visual order, worst first.
    for (int i = 1; i < m_order.size(); ++i) {
        setTabOrder(m_order[i - 1], m_order[i]);
    }
    fitTileArea();
}

void OverviewPage::fitTileArea()
{
    // As tall as its rows of tiles (no empty band above the table), up to 60 % of the page; the rest scrolls.
    // Set as a fixed height: QScrollArea caches its content's size hint from the first layout.
    if (m_order.isEmpty() || m_columns <= 0) {
        m_scroll->setVisible(false);
        return;
    }
    const QMargins margins = m_grid->contentsMargins();
    const int tileHeight = m_order.first()->sizeHint().height();
    const int rows = int((m_order.size() + m_columns - 1) / m_columns);
    const int chrome = margins.top() + margins.bottom() + 2 * m_scroll->frameWidth();
    const int content = rows * tileHeight + (rows - 1) * m_grid->spacing() + chrome;
    const int cap = std::max(tileHeight + chrome, height() * 3 / 5);
    m_scroll->setFixedHeight(std::min(content, cap));
    m_scroll->setVisible(true);
}

bool OverviewPage::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_scroll->viewport() && event->type() == QEvent::Resize) {
        relayout();
    }
    return QWidget::eventFilter(watched, event);
}

void OverviewPage::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    relayout();
    fitTileArea(); // the page's height moves the cap even when the columns stay
}

} // namespace qd
