// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "widgets/theme.h"

#include <QList>
#include <QPointF>
#include <QWidget>

#include <memory>

namespace qd {

/// A live time-series chart. The only class that touches Qt Charts (deprecated from Qt 6.10 in favour of
/// Qt Graphs), so swapping the engine means rewriting this one file pair. It keeps the full data per series,
/// decimates it (min/max per pixel column) to the plot width, splits lines at gaps (an unknown is a gap,
/// never a zero), and redraws through one coalescing timer: at most one replace() per line per redraw, however
/// many points arrive in between.
class TimeSeriesChart final : public QWidget
{
    Q_OBJECT
public:
    enum class ValueFormat { Count, Duration, Rate };

    explicit TimeSeriesChart(QWidget *parent = nullptr);
    ~TimeSeriesChart() override;
    Q_DISABLE_COPY_MOVE(TimeSeriesChart)

    void setTitle(const QString &title);
    void setValueFormat(ValueFormat format);
    /// Consecutive samples further apart than this are not joined (default 15 s: three 5 s polls).
    void setGapThreshold(qint64 ms);
    /// Adds a line; returns its index.
    int addSeries(const QString &label, Theme::Role role);
    /// Renames a line (legend), e.g. after a change of language.
    void setSeriesLabel(int series, const QString &label);
    void setPoints(int series, QList<QPointF> points); ///< x = ms since the epoch, ascending
    void appendPoint(int series, const QPointF &point);
    void clearData();
    /// The visible time range.
    void setWindow(qint64 fromMs, qint64 toMs);
    /// A dashed vertical line at `ms` with its label drawn at the top of the plot (plain text, elided to a
    /// third of the plot width; the full text is the label's tooltip). Labels of nearby markers stack in rows
    /// instead of overlapping; when the rows run out the rest show as lines only.
    void addMarker(qint64 ms, const QString &label);
    void clearMarkers();
    int markerCount() const;
    /// The labels drawn now, in time order, and where (chart scene coordinates): tests check they do not
    /// overlap and stay inside the plot.
    QStringList visibleMarkerLabels() const;
    QList<QRectF> visibleMarkerLabelRects() const;

    // Introspection for tests and accessibility.
    int seriesCount() const;
    QList<QPointF> data(int series) const;
    int plottedPointCount(int series) const; ///< after decimation, over all of its line segments
    int segmentCount(int series) const;      ///< > 1 when the data has gaps
    int replaceCount() const;                ///< QXYSeries::replace() calls so far
    int redrawCount() const;
    /// Forces a pending redraw now (tests, screenshots).
    void flush();

protected:
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void scheduleRedraw();
    void redraw();
    double applyUnit(double x0, double x1);
    double redrawLines(double x0, double x1, double scale, const QPalette &pal);
    void redrawMarkers(double top, const QPalette &pal);
    void applyTheme();
    void updateTimeAxis();
    void layoutMarkerLabels();

    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace qd
