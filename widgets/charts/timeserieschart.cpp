// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/charts/timeserieschart.h"

#include "core/textsafety.h"

#include "core/history/decimate.h"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QFontMetricsF>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QCategoryAxis>
#include <QLegendMarker>
#include <QLocale>
#include <QLineSeries>
#include <QTimer>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace qd {

namespace {
constexpr int kRedrawDelayMs = 120;

double niceCeiling(double v)
{
    if (v <= 0) {
        return 1;
    }
    const double mag = std::pow(10.0, std::floor(std::log10(v)));
    for (double step : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (v <= step * mag) {
            return step * mag;
        }
    }
    return 10 * mag;
}
} // namespace

struct TimeSeriesChart::Private
{
    struct Line
    {
        QString label;
        Theme::Role role;
        QList<QPointF> data;
        QList<QLineSeries *> segments; // owned by the chart
    };
    QChart *chart = nullptr;
    QChartView *view = nullptr;
    QCategoryAxis *x = nullptr; // labels computed here: nice local-time ticks for any range
    QValueAxis *y = nullptr;
    QList<Line> lines;
    QList<QPair<qint64, QString>> markers;
    QList<QLineSeries *> markerSeries;
    struct MarkerLabel
    {
        qint64 ms;
        QString text;
        QGraphicsRectItem *box; // owned by the chart; the text item is its child
        QGraphicsSimpleTextItem *label;
    };
    QList<MarkerLabel> markerLabels; // one per marker in the window, time order
    QTimer redrawTimer;
    ValueFormat format = ValueFormat::Count;
    qint64 gapMs = 15000;
    qint64 fromMs = 0;
    qint64 toMs = 0;
    int replaces = 0;
    int redraws = 0;
};

TimeSeriesChart::TimeSeriesChart(QWidget *parent) : QWidget(parent), d(std::make_unique<Private>())
{
    d->chart = new QChart();
    d->chart->setMargins(QMargins(4, 4, 4, 4));
    d->chart->setBackgroundRoundness(0);
    d->chart->legend()->setAlignment(Qt::AlignTop);
    d->chart->setAnimationOptions(QChart::NoAnimation); // live data: animation would lag and cost CPU
    d->x = new QCategoryAxis(d->chart);
    d->x->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    d->y = new QValueAxis(d->chart);
    d->y->setLabelFormat(QStringLiteral("%.0f"));
    d->y->setRange(0, 1);
    d->chart->addAxis(d->x, Qt::AlignBottom);
    d->chart->addAxis(d->y, Qt::AlignLeft);
    d->view = new QChartView(d->chart, this);
    d->view->setRenderHint(QPainter::Antialiasing);
    d->view->setFrameShape(QFrame::NoFrame);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(d->view);
    // The plot moves when axis labels change width or the widget resizes: marker labels follow it.
    connect(d->chart, &QChart::plotAreaChanged, this, &TimeSeriesChart::layoutMarkerLabels);
    d->redrawTimer.setSingleShot(true);
    d->redrawTimer.setInterval(kRedrawDelayMs);
    connect(&d->redrawTimer, &QTimer::timeout, this, &TimeSeriesChart::redraw);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    setWindow(now - 5 * 60 * 1000, now);
    setMinimumSize(280, 180);
    applyTheme();
}

TimeSeriesChart::~TimeSeriesChart() = default;

void TimeSeriesChart::setTitle(const QString &title)
{
    d->chart->setTitle(title.toHtmlEscaped()); // QChart titles are rich text; ours are plain
    setAccessibleName(title);
}

void TimeSeriesChart::setValueFormat(ValueFormat format)
{
    d->format = format;
    scheduleRedraw();
}

void TimeSeriesChart::setGapThreshold(qint64 ms)
{
    d->gapMs = std::max<qint64>(1, ms);
    scheduleRedraw();
}

int TimeSeriesChart::addSeries(const QString &label, Theme::Role role)
{
    d->lines.append(Private::Line{label, role, {}, {}});
    scheduleRedraw();
    return int(d->lines.size()) - 1;
}

void TimeSeriesChart::setSeriesLabel(int series, const QString &label)
{
    Private::Line &line = d->lines[series];
    line.label = label;
    for (QLineSeries *s : std::as_const(line.segments)) {
        s->setName(label);
    }
}

void TimeSeriesChart::setPoints(int series, QList<QPointF> points)
{
    d->lines[series].data = std::move(points);
    scheduleRedraw();
}

void TimeSeriesChart::appendPoint(int series, const QPointF &point)
{
    auto &data = d->lines[series].data;
    if (!data.isEmpty() && point.x() <= data.last().x()) {
        if (point.x() == data.last().x()) {
            data.last() = point;
        }
        scheduleRedraw();
        return;
    }
    data.append(point);
    scheduleRedraw();
}

void TimeSeriesChart::clearData()
{
    for (auto &l : d->lines) {
        l.data.clear();
    }
    scheduleRedraw();
}

void TimeSeriesChart::setWindow(qint64 fromMs, qint64 toMs)
{
    if (toMs <= fromMs) {
        return;
    }
    d->fromMs = fromMs;
    d->toMs = toMs;
    scheduleRedraw();
}

void TimeSeriesChart::addMarker(qint64 ms, const QString &label)
{
    // Timeline notes are typed by people and alert texts carry queue names: no control or bidi characters.
    d->markers.append({ms, escapeForDisplay(label, 300)});
    scheduleRedraw();
}

void TimeSeriesChart::clearMarkers()
{
    d->markers.clear();
    scheduleRedraw();
}

int TimeSeriesChart::markerCount() const
{
    return int(d->markers.size());
}

QStringList TimeSeriesChart::visibleMarkerLabels() const
{
    QStringList out;
    for (const auto &m : std::as_const(d->markerLabels)) {
        if (m.box->isVisible()) {
            out << m.label->text();
        }
    }
    return out;
}

QList<QRectF> TimeSeriesChart::visibleMarkerLabelRects() const
{
    QList<QRectF> out;
    for (const auto &m : std::as_const(d->markerLabels)) {
        if (m.box->isVisible()) {
            out << m.box->sceneBoundingRect();
        }
    }
    return out;
}

void TimeSeriesChart::layoutMarkerLabels()
{
    const QRectF plot = d->chart->plotArea();
    if (d->markerLabels.isEmpty() || plot.width() <= 0 || d->toMs <= d->fromMs) {
        return;
    }
    const QFontMetricsF fm(d->chart->font());
    const qreal pad = 2;
    const qreal rowHeight = fm.height() + 2 * pad + 1;
    const qreal maxWidth = std::max<qreal>(60, plot.width() / 3);
    // Rows from the top of the plot; at most half its height, so the data under them stays readable.
    const int rows = std::clamp(int(plot.height() / 2 / rowHeight), 1, 4);
    QList<qreal> rowEnd(rows, -1e9);
    for (auto &m : d->markerLabels) {
        const QString text = fm.elidedText(m.text, Qt::ElideRight, maxWidth - 2 * pad);
        m.label->setText(text);
        const qreal w = fm.horizontalAdvance(text) + 2 * pad;
        const qreal lineX = plot.left() + plot.width() * double(m.ms - d->fromMs) / double(d->toMs - d->fromMs);
        // Right of its line; left of it near the right edge.
        qreal x = lineX + 3;
        if (x + w > plot.right()) {
            x = std::max(plot.left(), lineX - 3 - w);
        }
        int row = -1;
        for (int r = 0; r < rows; ++r) {
            if (rowEnd[r] + 4 <= x) {
                row = r;
                break;
            }
        }
        if (row < 0) {
            m.box->setVisible(false); // no room: the dashed line still marks the moment, the tooltip is lost
            continue;
        }
        rowEnd[row] = x + w;
        m.box->setRect(0, 0, w, rowHeight - 1);
        m.box->setPos(x, plot.top() + 1 + row * rowHeight);
        m.label->setPos(pad, pad);
        m.box->setVisible(true);
    }
}

int TimeSeriesChart::seriesCount() const
{
    return int(d->lines.size());
}

QList<QPointF> TimeSeriesChart::data(int series) const
{
    return d->lines.at(series).data;
}

int TimeSeriesChart::plottedPointCount(int series) const
{
    int n = 0;
    for (const QLineSeries *s : d->lines.at(series).segments) {
        n += int(s->count());
    }
    return n;
}

int TimeSeriesChart::segmentCount(int series) const
{
    int n = 0;
    for (const QLineSeries *s : d->lines.at(series).segments) {
        n += s->count() > 0 ? 1 : 0;
    }
    return n;
}

int TimeSeriesChart::replaceCount() const
{
    return d->replaces;
}

int TimeSeriesChart::redrawCount() const
{
    return d->redraws;
}

void TimeSeriesChart::flush()
{
    if (d->redrawTimer.isActive()) {
        d->redrawTimer.stop();
        redraw();
    }
}

void TimeSeriesChart::scheduleRedraw()
{
    if (!d->redrawTimer.isActive()) {
        d->redrawTimer.start();
    }
}

void TimeSeriesChart::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        applyTheme();
    } else if (event->type() == QEvent::LanguageChange) {
        scheduleRedraw(); // the value axis names its unit; the owner renames the title and the lines
    }
    QWidget::changeEvent(event);
}

void TimeSeriesChart::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    scheduleRedraw(); // decimation depends on the plot width
}

void TimeSeriesChart::applyTheme()
{
    const QPalette pal = palette();
    d->chart->setBackgroundBrush(pal.color(QPalette::Base));
    d->chart->setPlotAreaBackgroundVisible(false);
    d->chart->setTitleBrush(pal.color(QPalette::WindowText));
    d->chart->legend()->setLabelColor(pal.color(QPalette::WindowText));
    for (QAbstractAxis *axis : {static_cast<QAbstractAxis *>(d->x), static_cast<QAbstractAxis *>(d->y)}) {
        axis->setLabelsColor(pal.color(QPalette::Text));
        QColor grid = pal.color(QPalette::Text);
        grid.setAlpha(40);
        axis->setGridLineColor(grid);
        axis->setLinePenColor(grid);
    }
    for (auto &l : d->lines) {
        for (QLineSeries *s : l.segments) {
            s->setPen(QPen(Theme::color(l.role, pal), 2));
        }
    }
}

void TimeSeriesChart::updateTimeAxis()
{
    // About six ticks on round local times: 1 min steps for 5 min, 10 min for an hour, 4 h for a day.
    static constexpr qint64 kSteps[] = {10'000, 30'000, 60'000, 120'000, 300'000, 600'000, 900'000, 1'800'000,
                                        3'600'000, 7'200'000, 14'400'000, 21'600'000, 43'200'000, 86'400'000};
    const qint64 span = d->toMs - d->fromMs;
    qint64 step = kSteps[std::size(kSteps) - 1];
    for (qint64 s : kSteps) {
        if (span / s <= 6) {
            step = s;
            break;
        }
    }
    const QStringList old = d->x->categoriesLabels();
    for (const QString &label : old) {
        d->x->remove(label);
    }
    const qint64 offset = QDateTime::fromMSecsSinceEpoch(d->fromMs).offsetFromUtc() * 1000LL;
    const QString format = span > 20 * 3600 * 1000 ? QStringLiteral("ddd HH:mm")
                           : step < 60'000         ? QStringLiteral("HH:mm:ss")
                                                   : QStringLiteral("HH:mm");
    // No tick in the last tenth: its label would be cut at the right edge.
    for (qint64 t = ((d->fromMs + offset) / step + 1) * step - offset; t <= d->toMs - span / 10; t += step) {
        d->x->append(QLocale().toString(QDateTime::fromMSecsSinceEpoch(t), format), double(t));
    }
    d->x->setRange(double(d->fromMs), double(d->toMs));
}

void TimeSeriesChart::redraw()
{
    ++d->redraws;
    const double x0 = double(d->fromMs);
    const double x1 = double(d->toMs);
    const QPalette pal = palette();
    const double scale = applyUnit(x0, x1);
    const double maxY = redrawLines(x0, x1, scale, pal);
    // Counts are whole numbers: below 4 the five ticks would fall between integers and repeat labels ("0 0 1 1").
    const double top = d->format == ValueFormat::Count ? std::max(4.0, niceCeiling(maxY * 1.1)) : niceCeiling(maxY * 1.1);
    redrawMarkers(top, pal);
    std::sort(d->markerLabels.begin(), d->markerLabels.end(),
              [](const auto &a, const auto &b) { return a.ms < b.ms; });
    updateTimeAxis();
    d->y->setRange(0, top);
    d->y->applyNiceNumbers();
    d->y->setLabelFormat(top < 5 && d->format != ValueFormat::Count ? QStringLiteral("%.1f") : QStringLiteral("%.0f"));
    layoutMarkerLabels();
}

/// The y axis's unit for the data in [x0, x1] — a duration in seconds, minutes or hours, a rate, a count — set as
/// its title; returns what values are divided by.
double TimeSeriesChart::applyUnit(double x0, double x1)
{
    // Units follow the data, so an axis reads "12 min", not "720".
    double scale = 1.0;
    QString unit;
    double rawMax = 0;
    for (const auto &l : std::as_const(d->lines)) {
        for (const QPointF &p : l.data) {
            if (p.x() >= x0 && p.x() <= x1) {
                rawMax = std::max(rawMax, p.y());
            }
        }
    }
    if (d->format == ValueFormat::Duration) {
        if (rawMax >= 2 * 3600) {
            scale = 3600;
            unit = tr("hours");
        } else if (rawMax >= 120) {
            scale = 60;
            unit = tr("minutes");
        } else {
            unit = tr("seconds");
        }
    } else if (d->format == ValueFormat::Rate) {
        unit = tr("jobs/min");
    } else {
        unit = tr("jobs");
    }
    d->y->setTitleText(unit);
    return scale;
}

/// Every line split at gaps in its raw data and decimated per pixel column, into as many segments as it needs;
/// returns the highest value drawn (scaled).
double TimeSeriesChart::redrawLines(double x0, double x1, double scale, const QPalette &pal)
{
    const int buckets = std::max(50, int(d->chart->plotArea().width()));
    double maxY = 0;
    for (auto &l : d->lines) {
        // Split at gaps in the raw data (a failed poll or an unknown value leaves a hole, not a line to zero),
        // then decimate each part: decimated points may lie further apart than the gap threshold.
        QList<QList<QPointF>> parts;
        qsizetype begin = 0;
        const qsizetype n = l.data.size();
        for (qsizetype i = 1; i <= n; ++i) {
            if (i == n || l.data[i].x() - l.data[i - 1].x() > double(d->gapMs)) {
                const QList<QPointF> raw = l.data.mid(begin, i - begin);
                QList<QPointF> part = decimateMinMax(raw, x0, x1, buckets);
                if (!part.isEmpty()) {
                    for (QPointF &p : part) {
                        p.setY(p.y() / scale);
                        maxY = std::max(maxY, p.y());
                    }
                    parts.append(part);
                }
                begin = i;
            }
        }
        while (l.segments.size() < parts.size()) {
            auto *s = new QLineSeries(d->chart);
            s->setName(l.label);
            s->setPen(QPen(Theme::color(l.role, pal), 2));
            d->chart->addSeries(s);
            s->attachAxis(d->x);
            s->attachAxis(d->y);
            // One legend entry per line, however many segments it is drawn with.
            const auto markers = d->chart->legend()->markers(s);
            for (QLegendMarker *m : markers) {
                m->setVisible(l.segments.isEmpty());
            }
            l.segments.append(s);
        }
        for (qsizetype i = 0; i < l.segments.size(); ++i) {
            QLineSeries *s = l.segments[i];
            if (i < parts.size()) {
                s->replace(parts[i]);
                ++d->replaces;
            } else if (s->count() > 0) {
                s->clear();
            }
        }
    }
    return maxY;
}

/// The alert markers in range: a dashed line up to `top` and a label box each (laid out by layoutMarkerLabels()).
void TimeSeriesChart::redrawMarkers(double top, const QPalette &pal)
{
    for (QLineSeries *m : std::as_const(d->markerSeries)) {
        d->chart->removeSeries(m);
        delete m;
    }
    d->markerSeries.clear();
    for (const auto &m : std::as_const(d->markerLabels)) {
        delete m.box;
    }
    d->markerLabels.clear();
    for (const auto &[ms, label] : std::as_const(d->markers)) {
        if (ms < d->fromMs || ms > d->toMs) {
            continue;
        }
        auto *s = new QLineSeries(d->chart);
        s->setName(label);
        QColor c = pal.color(QPalette::Text);
        c.setAlpha(140);
        s->setPen(QPen(c, 1, Qt::DashLine));
        s->append(double(ms), 0);
        s->append(double(ms), top);
        d->chart->addSeries(s);
        s->attachAxis(d->x);
        s->attachAxis(d->y);
        for (QLegendMarker *lm : d->chart->legend()->markers(s)) {
            lm->setVisible(false);
        }
        d->markerSeries.append(s);
        auto *box = new QGraphicsRectItem(d->chart);
        QColor back = pal.color(QPalette::Base);
        back.setAlpha(210);
        box->setBrush(back);
        box->setPen(QPen(c, 1));
        box->setZValue(10);
        box->setToolTip(label);
        auto *text = new QGraphicsSimpleTextItem(box);
        text->setBrush(pal.color(QPalette::Text));
        text->setFont(d->chart->font());
        d->markerLabels.append({ms, label, box, text});
    }
}

} // namespace qd
