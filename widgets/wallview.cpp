// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/wallview.h"

#include "models/alertlistmodel.h"
#include "core/clock.h"
#include "core/collector.h"
#include "widgets/fitlabel.h"
#include "core/headline.h"
#include "core/futurewatch.h"
#include "core/textsafety.h"
#include "widgets/theme.h"
#include "core/timeline/incidenttimeline.h"
#include "widgets/walltile.h"

#include <QGridLayout>
#include <QKeyEvent>
#include <QLocale>
#include <QSettings>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>

namespace qd {

namespace {

constexpr int AlertRows = 4;
constexpr int TimelineRows = 4;
const QString PinnedKey = QStringLiteral("wall/pinned");

QColor muted(const QPalette &pal)
{
    QColor c = pal.color(QPalette::WindowText);
    c.setAlpha(170);
    return c;
}

} // namespace

WallView::WallView(QAbstractItemModel *overviewModel, QAbstractItemModel *alerts, Collector *collector, QWidget *parent)
    : QWidget(parent), m_model(overviewModel), m_alerts(alerts), m_collector(collector),
      m_pinned(QSettings().value(PinnedKey).toStringList()), m_cycle(new QTimer(this)), m_clockTimer(new QTimer(this))
{
    setAccessibleName(tr("War room wall"));
    setAutoFillBackground(true);
    setFocusPolicy(Qt::StrongFocus);
    auto *root = new QVBoxLayout(this);

    auto *header = new QHBoxLayout();
    auto *titles = new QVBoxLayout();
    m_title = new FitLabel(FitLabel::Fit::Elide, this);
    m_summary = new FitLabel(FitLabel::Fit::Elide, this);
    titles->addWidget(m_title);
    titles->addWidget(m_summary);
    header->addLayout(titles, 3);
    auto *clock = new QVBoxLayout();
    m_clock = new FitLabel(FitLabel::Fit::Shrink, this);
    m_clock->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_clock->setAccessibleName(tr("Clock"));
    m_date = new FitLabel(FitLabel::Fit::Elide, this);
    m_date->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    clock->addWidget(m_clock);
    clock->addWidget(m_date);
    header->addLayout(clock, 1);
    root->addLayout(header);

    m_tileArea = new QWidget(this);
    m_tileArea->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    m_grid = new QGridLayout(m_tileArea);
    m_grid->setContentsMargins(0, 0, 0, 0);
    root->addWidget(m_tileArea, 1);
    m_more = new FitLabel(FitLabel::Fit::Elide, this);
    root->addWidget(m_more);

    auto *bottom = new QHBoxLayout();
    auto column = [this, bottom](FitLabel *&heading, QList<FitLabel *> &rows, int count, const QString &name) {
        auto *box = new QVBoxLayout();
        heading = new FitLabel(FitLabel::Fit::Elide, this);
        box->addWidget(heading);
        for (int i = 0; i < count; ++i) {
            auto *row = new FitLabel(FitLabel::Fit::Elide, this);
            row->setAccessibleName(name);
            rows.append(row);
            box->addWidget(row);
        }
        box->addStretch();
        bottom->addLayout(box, 1);
    };
    column(m_alertsHeading, m_alertRows, AlertRows, tr("Alert"));
    column(m_timelineHeading, m_timelineRows, TimelineRows, tr("Timeline entry"));
    root->addLayout(bottom);
    m_keys = new FitLabel(FitLabel::Fit::Elide, this);
    root->addWidget(m_keys);

    connect(m_model, &QAbstractItemModel::dataChanged, this, &WallView::rebuild);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &WallView::rebuild);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &WallView::rebuild);
    connect(m_model, &QAbstractItemModel::modelReset, this, &WallView::rebuild);
    connect(m_alerts, &QAbstractItemModel::modelReset, this, &WallView::updateAlerts);
    connect(m_alerts, &QAbstractItemModel::dataChanged, this, &WallView::updateAlerts);
    connect(m_alerts, &QAbstractItemModel::rowsInserted, this, &WallView::updateAlerts);
    connect(m_alerts, &QAbstractItemModel::rowsRemoved, this, &WallView::updateAlerts);
    connect(m_clockTimer, &QTimer::timeout, this, &WallView::updateClock);
    m_clockTimer->start(1000);
    connect(m_cycle, &QTimer::timeout, this, [this] { nextScope(); });

    applyScale();
    rebuild();
    updateAlerts();
    updateTimeline();
    updateClock();
}

WallView::~WallView() = default;

void WallView::setTimeline(IncidentTimeline *timeline)
{
    if (m_timeline) {
        disconnect(m_timeline, nullptr, this, nullptr);
    }
    m_timeline = timeline;
    m_events.clear();
    if (!timeline) {
        updateTimeline();
        return;
    }
    connect(timeline, &IncidentTimeline::entryAdded, this, &WallView::addTimelineEntry);
    const QDateTime now = m_collector->clock()->now();
    for (const QString &id : m_collector->connectionIds()) {
        whenFinished(timeline->entries(id, now.addSecs(-24 * 3600), now), this, [this](const QList<TimelineEntry> &entries) {
            for (const TimelineEntry &e : entries) {
                addTimelineEntry(e);
            }
        });
    }
}

void WallView::addTimelineEntry(const TimelineEntry &e)
{
    QString text = e.text;
    if (e.kind == TimelineEntry::Kind::AlertChanged && text.isEmpty()) {
        text = QStringLiteral("%1 %2 %3").arg(alertStateText(e.state), e.queue, e.rule);
    }
    const QString who = m_collector->displayName(e.connectionId);
    Event ev{e.at, who.isEmpty() ? text : QStringLiteral("%1: %2").arg(who, text)};
    auto pos = std::find_if(m_events.begin(), m_events.end(), [&](const Event &x) { return x.at < ev.at; });
    m_events.insert(pos, ev);
    while (m_events.size() > 50) {
        m_events.removeLast();
    }
    updateTimeline();
}

QStringList WallView::scopes() const
{
    return QStringList{QString()} + m_collector->connectionIds();
}

void WallView::setScope(const QString &connectionId)
{
    m_scope = scopes().contains(connectionId) ? connectionId : QString();
    rebuild();
}

void WallView::nextScope(int step)
{
    const QStringList all = scopes();
    const qsizetype at = std::max<qsizetype>(0, all.indexOf(m_scope));
    setScope(all.at(((at + step) % all.size() + all.size()) % all.size()));
}

void WallView::setCycleSeconds(int seconds)
{
    m_cycleSeconds = std::max(0, seconds);
    if (m_cycleSeconds > 0) {
        m_cycle->start(m_cycleSeconds * 1000);
    } else {
        m_cycle->stop();
    }
    rebuild(); // the key line says whether it cycles
}

void WallView::setPinned(const QStringList &keys)
{
    m_pinned = keys;
    QSettings().setValue(PinnedKey, keys);
    rebuild();
}

void WallView::togglePin(const QString &connectionId, const QString &queue)
{
    const QString key = TileData::keyOf(connectionId, queue);
    QStringList keys = m_pinned;
    if (!keys.removeOne(key)) {
        keys.append(key);
    }
    setPinned(keys);
}

void WallView::rebuild()
{
    QList<TileData> all = readTiles(m_model);
    QList<TileData> pinned;
    m_candidates.clear();
    int counts[4] = {0, 0, 0, 0};
    for (const TileData &t : std::as_const(all)) {
        if (!m_scope.isEmpty() && t.connectionId != m_scope) {
            continue;
        }
        ++counts[int(t.status)];
        (m_pinned.contains(t.key()) ? pinned : m_candidates).append(t);
    }
    std::sort(pinned.begin(), pinned.end(),
              [this](const TileData &a, const TileData &b) { return m_pinned.indexOf(a.key()) < m_pinned.indexOf(b.key()); });
    m_candidates = pinned + m_candidates;

    const QString where = m_scope.isEmpty() ? tr("All connections") : escapeForDisplay(m_collector->displayName(m_scope), 120);
    m_title->setFullText(tr("War room · %1").arg(where));
    const int total = int(m_candidates.size());
    // Each connection's headline after the counts: what an operator must know first, in the backend's words.
    QStringList headlines;
    for (const QString &id : m_collector->connectionIds()) {
        const Snapshot s = m_collector->lastGood(id);
        if ((m_scope.isEmpty() || m_scope == id) && s.takenAt.isValid()) {
            headlines << Headline::of(s);
        }
    }
    m_summary->setFullText((total == 0 ? tr("No queues yet.")
                                       : tr("%n queue(s): %1 critical, %2 warning, %3 unknown, %4 ok", nullptr, total)
                                             .arg(counts[int(QueueStatus::Crit)])
                                             .arg(counts[int(QueueStatus::Warn)])
                                             .arg(counts[int(QueueStatus::Unknown)])
                                             .arg(counts[int(QueueStatus::Ok)]))
                           + (headlines.isEmpty() ? QString() : QStringLiteral(" — ") + headlines.join(QStringLiteral(" | "))));
    QPalette pal = palette();
    pal.setColor(QPalette::WindowText, counts[int(QueueStatus::Crit)] > 0  ? Theme::color(Theme::Role::Crit, palette())
                                       : counts[int(QueueStatus::Warn)] > 0 ? Theme::color(Theme::Role::Warn, palette())
                                                                            : palette().color(QPalette::WindowText));
    m_summary->setPalette(pal);
    m_keys->setFullText(m_cycleSeconds > 0
                            ? tr("Esc leave · ←/→ connection · C stop cycling (every %1 s) · Tab next tile · Enter open · P pin")
                                  .arg(m_cycleSeconds)
                            : tr("Esc leave · ←/→ connection · C cycle connections · Tab next tile · Enter open · P pin"));
    relayout();
}

void WallView::relayout()
{
    // As many tiles as fit at the design size for this screen; the grid then shares out the room.
    const QSize design = WallTile::designSize() * m_scale;
    const int spacing = m_grid->spacing();
    const QSize area = m_tileArea->size();
    const int maxCols = std::max(1, (area.width() + spacing) / (design.width() + spacing));
    const int maxRows = std::max(1, (area.height() + spacing) / (design.height() + spacing));
    const int shown = std::min<int>(int(m_candidates.size()), maxCols * maxRows);
    // Of the grids that hold them all, the one whose tiles come closest to the design's shape, so few queues
    // get big tiles with big numbers rather than tall thin ones.
    int colsUsed = std::max(1, std::min(maxCols, shown));
    double best = 0;
    for (int cols = 1; cols <= std::min(maxCols, std::max(1, shown)); ++cols) {
        const int rows = (shown + cols - 1) / cols;
        if (rows > maxRows) {
            continue;
        }
        const double w = double(area.width() - (cols - 1) * spacing) / cols;
        const double h = double(area.height() - (rows - 1) * spacing) / std::max(1, rows);
        const double fit = std::min(w / design.width(), h / design.height());
        if (fit > best + 1e-9) {
            best = fit;
            colsUsed = cols;
        }
    }

    QHash<QString, WallTile *> keep;
    QList<WallTile *> order;
    for (int i = 0; i < shown; ++i) {
        const TileData &t = m_candidates.at(i);
        WallTile *tile = m_tiles.take(t.key());
        if (!tile) {
            tile = new WallTile(m_tileArea);
            connect(tile, &WallTile::activated, this, &WallView::queueActivated);
            connect(tile, &WallTile::pinToggled, this, &WallView::togglePin);
        }
        tile->setScale(m_scale);
        tile->setData(t, m_pinned.contains(t.key()));
        keep.insert(t.key(), tile);
        order.append(tile);
    }
    qDeleteAll(m_tiles);
    m_tiles = keep;
    if (order != m_order || m_grid->count() != order.size() || m_grid->columnCount() != colsUsed) {
        while (m_grid->count() > 0) {
            delete m_grid->takeAt(0);
        }
        for (int c = 0; c < m_grid->columnCount(); ++c) {
            m_grid->setColumnStretch(c, 0);
        }
        for (int r = 0; r < m_grid->rowCount(); ++r) {
            m_grid->setRowStretch(r, 0);
        }
        for (int i = 0; i < order.size(); ++i) {
            m_grid->addWidget(order[i], i / colsUsed, i % colsUsed);
            m_grid->setColumnStretch(i % colsUsed, 1);
            m_grid->setRowStretch(i / colsUsed, 1);
            order[i]->show();
        }
        for (int i = 1; i < order.size(); ++i) {
            setTabOrder(order[i - 1], order[i]);
        }
        m_order = order;
    }

    std::fill(std::begin(m_hidden), std::end(m_hidden), 0);
    for (qsizetype i = shown; i < m_candidates.size(); ++i) {
        ++m_hidden[int(m_candidates.at(i).status)];
    }
    const int hidden = int(m_candidates.size()) - shown;
    // Never dropped silently: how many did not fit, and how bad the worst of them is.
    m_more->setFullText(hidden == 0 ? QString()
                                    : tr("+%n more queue(s) not shown: %1 critical, %2 warning, %3 unknown, %4 ok", nullptr, hidden)
                                          .arg(m_hidden[int(QueueStatus::Crit)])
                                          .arg(m_hidden[int(QueueStatus::Warn)])
                                          .arg(m_hidden[int(QueueStatus::Unknown)])
                                          .arg(m_hidden[int(QueueStatus::Ok)]));
    m_more->setVisible(hidden > 0);
}

void WallView::updateClock()
{
    const QDateTime now = m_collector->clock()->now();
    const QLocale locale;
    m_clock->setFullText(locale.toString(now.toLocalTime().time(), QStringLiteral("HH:mm:ss")));
    //: war-room clock: local date, then the time in UTC (incident rooms span time zones)
    m_date->setFullText(tr("%1 · %2 UTC").arg(locale.toString(now.toLocalTime().date(), QLocale::ShortFormat),
                                              locale.toString(now.toUTC().time(), QStringLiteral("HH:mm"))));
}

void WallView::updateAlerts()
{
    const int n = m_alerts->rowCount();
    m_alertsHeading->setFullText(n == 0 ? tr("No active alerts") : tr("Active alerts (%1)").arg(n));
    for (int i = 0; i < m_alertRows.size(); ++i) {
        FitLabel *row = m_alertRows[i];
        if (i >= n) {
            row->setFullText({});
            continue;
        }
        const auto state = AlertState(m_alerts->index(i, 0).data(AlertListModel::StateRole).toInt());
        const QString acked = m_alerts->index(i, 0).data(AlertListModel::AcknowledgedRole).toBool() ? tr(" (acknowledged)")
                                                                                                    : QString();
        const QString message = escapeForDisplay(m_alerts->index(i, AlertListModel::MessageColumn).data().toString(), 300);
        const QString since = m_alerts->index(i, AlertListModel::SinceColumn).data().toString();
        // Several systems on one wall: every alert says which one it belongs to.
        const QString connection = escapeForDisplay(m_alerts->index(i, AlertListModel::ConnectionColumn).data().toString(), 60);
        //: war-room alert line: state word, connection, message, since when, acknowledged marker
        row->setFullText(tr("%1  %2 · %3 · since %4%5").arg(alertStateText(state), connection, message, since, acked));
        QPalette pal = palette();
        if (state == AlertState::Crit || state == AlertState::Warn) {
            pal.setColor(QPalette::WindowText, Theme::color(state == AlertState::Crit ? Theme::Role::Crit : Theme::Role::Warn, palette()));
        }
        row->setPalette(pal);
    }
    if (n > m_alertRows.size()) {
        m_alertsHeading->setFullText(tr("Active alerts (%1, worst %2 shown)").arg(n).arg(m_alertRows.size()));
    }
}

void WallView::updateTimeline()
{
    m_timelineHeading->setFullText(m_timeline ? tr("Timeline") : tr("Timeline unavailable"));
    const QLocale locale;
    for (int i = 0; i < m_timelineRows.size(); ++i) {
        m_timelineRows[i]->setFullText(
            i < m_events.size() ? QStringLiteral("%1  %2").arg(locale.toString(m_events[i].at.toLocalTime().time(), QStringLiteral("HH:mm")),
                                                               escapeForDisplay(m_events[i].text, 300))
                                : QString());
    }
}

void WallView::applyScale()
{
    // 1 on a 1920×1080 screen; a 4K wall doubles everything.
    const double s = width() > 0 && height() > 0 ? std::clamp(std::min(width() / 1920.0, height() / 1080.0), 0.5, 4.0) : 1.0;
    m_scale = s;
    auto px = [s](int base) { return int(std::lround(base * s)); };
    const int margin = px(24);
    layout()->setContentsMargins(margin, px(16), margin, px(12));
    layout()->setSpacing(px(10));
    m_grid->setSpacing(px(16));
    m_title->setPixelSize(px(34), true);
    m_summary->setPixelSize(px(24), true);
    m_clock->setPixelSize(px(52), true, 0.6);
    m_date->setPixelSize(px(20));
    m_more->setPixelSize(px(22), true);
    m_alertsHeading->setPixelSize(px(22), true);
    m_timelineHeading->setPixelSize(px(22), true);
    for (FitLabel *row : std::as_const(m_alertRows) + m_timelineRows) {
        row->setPixelSize(px(20));
    }
    m_keys->setPixelSize(px(15));
    QPalette pal = palette();
    pal.setColor(QPalette::WindowText, muted(palette()));
    m_date->setPalette(pal);
    m_keys->setPalette(pal);
}

QString WallView::summaryText() const
{
    return m_summary->fullText();
}

QString WallView::moreText() const
{
    return m_more->fullText();
}

QStringList WallView::alertLines() const
{
    QStringList lines;
    for (const FitLabel *row : m_alertRows) {
        if (!row->fullText().isEmpty()) {
            lines << row->fullText();
        }
    }
    return lines;
}

QStringList WallView::timelineLines() const
{
    QStringList lines;
    for (const FitLabel *row : m_timelineRows) {
        if (!row->fullText().isEmpty()) {
            lines << row->fullText();
        }
    }
    return lines;
}

QString WallView::clockText() const
{
    return m_clock->fullText();
}

void WallView::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Escape:
    case Qt::Key_F11: Q_EMIT exitRequested(); return;
    case Qt::Key_Left: nextScope(-1); return;
    case Qt::Key_Right: nextScope(1); return;
    case Qt::Key_Down: focusNextChild(); return;
    case Qt::Key_Up: focusPreviousChild(); return;
    case Qt::Key_C: setCycleSeconds(m_cycleSeconds > 0 ? 0 : std::max(5, QSettings().value(QStringLiteral("wall/cycleSeconds"), 20).toInt())); return;
    default: QWidget::keyPressEvent(event);
    }
}

void WallView::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    applyScale();
    // The tile area has its new size only once the layout ran; lay the tiles out then.
    QTimer::singleShot(0, this, &WallView::relayout);
}

void WallView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    QTimer::singleShot(0, this, [this] {
        relayout();
        if (!m_order.isEmpty() && !focusWidget()) {
            m_order.first()->setFocus();
        }
    });
}

void WallView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange || event->type() == QEvent::PaletteChange) {
        applyScale();
        rebuild();
        updateAlerts();
        updateTimeline();
        updateClock();
    }
}

} // namespace qd
