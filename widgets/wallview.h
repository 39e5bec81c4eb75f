// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "widgets/tiledata.h"

#include <QHash>
#include <QStringList>
#include <QWidget>

class QAbstractItemModel;
class QGridLayout;
class QTimer;
class QVBoxLayout;

namespace qd {

class Collector;
class FitLabel;
class IncidentTimeline;
struct TimelineEntry;
class WallTile;

/// War-room mode: a full-screen wall for the big screen of an incident room. The queues that matter as large
/// tiles (pinned first, then worst first, as many as stay readable; the rest counted, never dropped
/// silently), a clock, the active alerts and the last timeline entries. Everything is sized from the screen
/// (1 = 1920×1080) and no text is clipped. Driven by keys alone: Esc/F11 leave, ←/→ switch between all
/// connections and each one, C cycles through them on a timer, Tab/arrows move between tiles, Enter opens
/// one, P pins it.
class WallView final : public QWidget
{
    Q_OBJECT
public:
    /// `overviewModel` is a QueueOverviewModel, `alerts` an AlertListModel (both owned by the window).
    WallView(QAbstractItemModel *overviewModel, QAbstractItemModel *alerts, Collector *collector, QWidget *parent = nullptr);
    ~WallView() override;
    Q_DISABLE_COPY_MOVE(WallView)

    /// Shows the last entries and every new one.
    void setTimeline(IncidentTimeline *timeline);

    /// Scope: empty for all connections, else one connection's id.
    QString scope() const { return m_scope; }
    void setScope(const QString &connectionId);
    void nextScope(int step = 1);
    /// Auto-cycle through the scopes every `seconds` (0: off).
    void setCycleSeconds(int seconds);
    int cycleSeconds() const { return m_cycleSeconds; }

    /// Queue keys (TileData::key()) shown first, in this order; saved in the settings.
    QStringList pinned() const { return m_pinned; }
    void setPinned(const QStringList &keys);
    void togglePin(const QString &connectionId, const QString &queue);

    QList<WallTile *> tiles() const { return m_order; } ///< in display order
    QString summaryText() const;
    QString moreText() const;       ///< "+3 more queues …" when not all fit, else empty
    QStringList alertLines() const;
    QStringList timelineLines() const;
    QString clockText() const;

Q_SIGNALS:
    void exitRequested();
    void queueActivated(const QString &connectionId, const QString &queue);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;

private:
    void rebuild();
    void relayout();
    void updateClock();
    void updateAlerts();
    void updateTimeline();
    void addTimelineEntry(const TimelineEntry &entry);
    void applyScale();
    QStringList scopes() const;

    QAbstractItemModel *m_model;
    QAbstractItemModel *m_alerts;
    Collector *m_collector;
    IncidentTimeline *m_timeline = nullptr;
    QString m_scope;
    QStringList m_pinned;
    int m_cycleSeconds = 0;
    QTimer *m_cycle;
    QTimer *m_clockTimer;
    double m_scale = 1.0;

    FitLabel *m_title;
    FitLabel *m_summary;
    FitLabel *m_clock;
    FitLabel *m_date;
    QWidget *m_tileArea;
    QGridLayout *m_grid;
    FitLabel *m_more;
    FitLabel *m_alertsHeading;
    QList<FitLabel *> m_alertRows;
    FitLabel *m_timelineHeading;
    QList<FitLabel *> m_timelineRows;
    FitLabel *m_keys;

    QList<TileData> m_candidates; ///< in scope, pinned first then worst first
    QHash<QString, WallTile *> m_tiles;
    QList<WallTile *> m_order;
    struct Event
    {
        QDateTime at;
        QString text;
    };
    QList<Event> m_events; ///< newest first
    int m_hidden[4] = {0, 0, 0, 0};
};

} // namespace qd
