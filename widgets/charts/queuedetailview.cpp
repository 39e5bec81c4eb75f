// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/charts/queuedetailview.h"
#include "core/futurewatch.h"

#include "core/clock.h"
#include "core/collector.h"
#include "models/freshness.h"
#include "widgets/jobbrowser.h"
#include "core/textsafety.h"
#include "widgets/charts/timeserieschart.h"

#include <QButtonGroup>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>

namespace qd {

namespace {
struct Plot
{
    int chart;       ///< index into charts
    Metric metric;
    bool perQueue;   ///< false: connection-wide (workers)
    Theme::Role role;
    int series = -1; ///< index within the chart
};

/// The lines of the four charts: depth by state, throughput, oldest age, workers.
constexpr Plot kPlots[] = {
    {0, Metric::Waiting, true, Theme::Role::Waiting},     {0, Metric::Running, true, Theme::Role::Running},
    {0, Metric::Scheduled, true, Theme::Role::Scheduled}, {0, Metric::Failed, true, Theme::Role::Failed},
    {1, Metric::InRate, true, Theme::Role::In},           {1, Metric::OutRate, true, Theme::Role::Out},
    {2, Metric::OldestAge, true, Theme::Role::Crit},      {3, Metric::WorkersBusy, false, Theme::Role::Busy},
    {3, Metric::WorkersIdle, false, Theme::Role::Idle},   {3, Metric::WorkersLost, false, Theme::Role::Lost},
};

QString plotLabel(Metric metric)
{
    switch (metric) {
    case Metric::Waiting: return QueueDetailView::tr("waiting");
    case Metric::Running: return QueueDetailView::tr("running");
    case Metric::Scheduled: return QueueDetailView::tr("scheduled");
    case Metric::Failed: return QueueDetailView::tr("failed");
    case Metric::Dead: return QueueDetailView::tr("dead");
    case Metric::OldestAge: return QueueDetailView::tr("oldest age");
    case Metric::InRate: return QueueDetailView::tr("in");
    case Metric::OutRate: return QueueDetailView::tr("out");
    case Metric::WorkersBusy: return QueueDetailView::tr("busy");
    case Metric::WorkersIdle: return QueueDetailView::tr("idle");
    case Metric::WorkersLost: return QueueDetailView::tr("lost");
    }
    return {};
}
} // namespace

struct QueueDetailView::Private
{
    Collector *collector = nullptr;
    HistoryStore *history = nullptr;
    QString connectionId;
    QString queue;
    Range range = Range::FiveMinutes;
    QLabel *title = nullptr;
    QLabel *numbers = nullptr;
    QLabel *banner = nullptr;
    QButtonGroup *ranges = nullptr;
    QList<TimeSeriesChart *> charts;
    JobBrowser *jobs = nullptr;
    QTabWidget *tabs = nullptr;
    QList<Plot> plots;
    quint64 generation = 0;
    int pendingLoads = 0;

    qint64 spanMs() const
    {
        switch (range) {
        case Range::FiveMinutes: return 5 * 60 * 1000;
        case Range::OneHour: return 3600 * 1000;
        case Range::OneDay: return 24 * 3600 * 1000;
        }
        return 5 * 60 * 1000;
    }
};

QueueDetailView::QueueDetailView(Collector *collector, HistoryStore *history, QWidget *parent)
    : QWidget(parent), d(std::make_unique<Private>())
{
    d->collector = collector;
    d->history = history;
    auto *root = new QVBoxLayout(this);

    auto *head = new QHBoxLayout();
    d->title = new QLabel(this);
    d->title->setTextFormat(Qt::PlainText);
    QFont big = d->title->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    d->title->setFont(big);
    head->addWidget(d->title);
    head->addStretch();
    d->ranges = new QButtonGroup(this);
    for (int i = 0; i < 3; ++i) {
        auto *b = new QPushButton(this);
        b->setCheckable(true);
        d->ranges->addButton(b, i);
        head->addWidget(b);
    }
    d->ranges->button(0)->setChecked(true);
    connect(d->ranges, &QButtonGroup::idClicked, this, [this](int id) { setRange(Range(id)); });
    root->addLayout(head);

    d->numbers = new QLabel(this);
    d->numbers->setTextFormat(Qt::PlainText);
    d->numbers->setWordWrap(true);
    root->addWidget(d->numbers);
    d->banner = new QLabel(this);
    d->banner->setTextFormat(Qt::PlainText);
    d->banner->setWordWrap(true);
    d->banner->setAutoFillBackground(true);
    d->banner->setMargin(6);
    d->banner->hide();
    root->addWidget(d->banner);

    auto *tabs = new QTabWidget(this);
    auto *chartsPage = new QWidget(tabs);
    auto *grid = new QGridLayout(chartsPage);
    grid->setContentsMargins(0, 0, 0, 0);
    const TimeSeriesChart::ValueFormat formats[] = {TimeSeriesChart::ValueFormat::Count, TimeSeriesChart::ValueFormat::Rate,
                                                     TimeSeriesChart::ValueFormat::Duration,
                                                     TimeSeriesChart::ValueFormat::Count};
    for (int i = 0; i < 4; ++i) {
        auto *c = new TimeSeriesChart(chartsPage);
        c->setValueFormat(formats[i]);
        grid->addWidget(c, i / 2, i % 2);
        d->charts.append(c);
    }
    d->jobs = new JobBrowser(tabs);
    tabs->addTab(chartsPage, QString());
    tabs->addTab(d->jobs, QString());
    d->jobs->setQueueNames([this] {
        QStringList names;
        for (const QueueStats &q : d->collector->latest(d->connectionId).queues) {
            names << q.name;
        }
        return names;
    });
    d->tabs = tabs;
    root->addWidget(tabs, 1);

    for (Plot p : kPlots) {
        p.series = d->charts[p.chart]->addSeries(QString(), p.role);
        d->plots.append(p);
    }
    retranslate();

    connect(collector, &Collector::snapshotReady, this, &QueueDetailView::onSnapshot);
    const qint64 gap = 3 * qint64(collector->interval().count());
    for (auto *c : std::as_const(d->charts)) {
        c->setGapThreshold(gap);
    }
}

QueueDetailView::~QueueDetailView() = default;

void QueueDetailView::retranslate()
{
    const QString ranges[][2] = {{tr("5 min"), tr("Alt+1")}, {tr("1 h"), tr("Alt+2")}, {tr("24 h"), tr("Alt+3")}};
    for (int i = 0; i < 3; ++i) {
        QAbstractButton *b = d->ranges->button(i);
        b->setText(ranges[i][0]);
        b->setShortcut(QKeySequence(ranges[i][1]));
        b->setToolTip(tr("Show the last %1 (%2)").arg(ranges[i][0], ranges[i][1]));
    }
    const QString titles[] = {tr("Depth by state"), tr("Throughput"), tr("Oldest waiting job"), tr("Workers")};
    for (int i = 0; i < 4; ++i) {
        d->charts[i]->setTitle(titles[i]);
    }
    for (const Plot &p : std::as_const(d->plots)) {
        d->charts[p.chart]->setSeriesLabel(p.series, plotLabel(p.metric));
    }
    d->tabs->setTabText(0, tr("&Charts"));
    d->tabs->setTabText(1, tr("&Jobs"));
    if (!d->connectionId.isEmpty()) { // the header and name of the queue shown
        setAccessibleName(tr("Queue %1").arg(escapeForDisplay(d->queue, 120)));
        updateHeader(d->collector->latest(d->connectionId));
    }
}

void QueueDetailView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        retranslate();
    }
    QWidget::changeEvent(event);
}

void QueueDetailView::setQueue(const QString &connectionId, const QString &queue)
{
    d->connectionId = connectionId;
    d->queue = queue;
    for (auto *c : std::as_const(d->charts)) {
        c->clearMarkers(); // markers belong to the queue they were drawn for
    }
    d->title->setText(escapeForDisplay(queue, 120));
    setAccessibleName(tr("Queue %1").arg(escapeForDisplay(queue, 120)));
    updateHeader(d->collector->latest(connectionId));

    d->jobs->setQueue(d->collector->backend(connectionId), connectionId, queue);
    reload();
}

JobBrowser *QueueDetailView::jobs() const
{
    return d->jobs;
}

void QueueDetailView::showJobs(bool jobs)
{
    d->tabs->setCurrentIndex(jobs ? 1 : 0);
}

QString QueueDetailView::connectionId() const
{
    return d->connectionId;
}

QString QueueDetailView::queue() const
{
    return d->queue;
}

void QueueDetailView::setRange(Range range)
{
    d->range = range;
    d->ranges->button(int(range))->setChecked(true);
    reload();
}

QueueDetailView::Range QueueDetailView::range() const
{
    return d->range;
}

QList<TimeSeriesChart *> QueueDetailView::charts() const
{
    return d->charts;
}

QString QueueDetailView::headerText() const
{
    return d->numbers->text();
}

QString QueueDetailView::bannerText() const
{
    return d->banner->isHidden() ? QString() : d->banner->text();
}

bool QueueDetailView::historyLoaded() const
{
    return d->pendingLoads == 0;
}

void QueueDetailView::updateWindow()
{
    const qint64 now = d->collector->clock()->nowMs();
    for (auto *c : std::as_const(d->charts)) {
        c->setWindow(now - d->spanMs(), now);
    }
}

void QueueDetailView::reload()
{
    const quint64 generation = ++d->generation;
    for (auto *c : std::as_const(d->charts)) {
        c->clearData();
    }
    updateWindow();
    if (!d->history || d->connectionId.isEmpty()) {
        d->pendingLoads = 0;
        Q_EMIT historyLoadFinished();
        return;
    }
    const QDateTime now = d->collector->clock()->now();
    const QDateTime from = now.addMSecs(-d->spanMs());
    d->pendingLoads = int(d->plots.size());
    for (const Plot &p : std::as_const(d->plots)) {
        const SeriesKey key{d->connectionId, p.perQueue ? d->queue : QString(), p.metric};
        const qint64 step = qint64(d->collector->interval().count());
        whenFinished(d->history->load(key, from, now.addSecs(60), step), this, [this, p, generation](const Series &s) {
            if (generation != d->generation) {
                return; // the operator moved on to another queue or range
            }
            // Live points that arrived while loading are newer than the history: keep them after it.
            QList<QPointF> merged = s.points;
            const QList<QPointF> live = d->charts[p.chart]->data(p.series);
            for (const QPointF &pt : live) {
                if (merged.isEmpty() || pt.x() > merged.last().x()) {
                    merged.append(pt);
                }
            }
            d->charts[p.chart]->setPoints(p.series, merged);
            if (--d->pendingLoads == 0) {
                Q_EMIT historyLoadFinished();
            }
        });
    }
}

void QueueDetailView::onSnapshot(const QString &connectionId, const Snapshot &snapshot)
{
    if (connectionId != d->connectionId) {
        return;
    }
    updateHeader(snapshot);
    if (!snapshot.ok()) {
        return; // the gap in the lines shows the failed poll; the banner says why
    }
    const double x = double(snapshot.takenAt.toMSecsSinceEpoch());
    const QueueStats *q = snapshot.queue(d->queue);
    const WorkerSummary w = snapshot.workerSummary();
    for (const Plot &p : std::as_const(d->plots)) {
        std::optional<double> v;
        switch (p.metric) {
        case Metric::Waiting: v = q && q->waiting ? std::optional<double>(double(*q->waiting)) : std::nullopt; break;
        case Metric::Running: v = q && q->running ? std::optional<double>(double(*q->running)) : std::nullopt; break;
        case Metric::Scheduled: v = q && q->scheduled ? std::optional<double>(double(*q->scheduled)) : std::nullopt; break;
        case Metric::Failed: v = q && q->failed ? std::optional<double>(double(*q->failed)) : std::nullopt; break;
        case Metric::Dead: v = q && q->dead ? std::optional<double>(double(*q->dead)) : std::nullopt; break;
        case Metric::OldestAge: v = q ? q->oldestAgeSeconds : std::nullopt; break;
        case Metric::InRate: v = q && q->rateExactness != Exactness::Unknown ? q->inPerMinute : std::nullopt; break;
        case Metric::OutRate: v = q && q->rateExactness != Exactness::Unknown ? q->outPerMinute : std::nullopt; break;
        case Metric::WorkersBusy: v = w.busy ? std::optional<double>(*w.busy) : std::nullopt; break;
        case Metric::WorkersIdle: v = w.idle ? std::optional<double>(*w.idle) : std::nullopt; break;
        case Metric::WorkersLost: v = w.lost ? std::optional<double>(*w.lost) : std::nullopt; break;
        }
        if (v) {
            d->charts[p.chart]->appendPoint(p.series, QPointF(x, *v));
        }
    }
    updateWindow();
}

void QueueDetailView::updateHeader(const Snapshot &snapshot)
{
    const Snapshot good = snapshot.ok() ? snapshot : d->collector->lastGood(d->connectionId);
    const QueueStats *q = good.queue(d->queue);
    const qint64 staleAfter = 3 * qint64(d->collector->interval().count());
    if (!q) {
        d->numbers->setText(good.takenAt.isValid() ? tr("This queue has no jobs and was not seen in the last poll.")
                                                   : tr("Waiting for the first poll…"));
    } else {
        const WorkerSummary w = good.workerSummary();
        auto n = [](std::optional<int> v) { return v ? QString::number(*v) : Freshness::unknown(); };
        // This queue's consumers where the backend tells them; the connection's workers, named as such, otherwise.
        const QString serving = q->consumers ? tr("consumers of this queue %1").arg(*q->consumers)
                                             : tr("workers on this connection %1 busy / %2 idle / %3 lost")
                                                   .arg(n(w.busy), n(w.idle), n(w.lost));
        QString text = tr("Waiting %1 · running %2 · scheduled %3 · failed %4 · oldest %5 · in %6 · out %7 · %8 · %9")
                           .arg(Freshness::count(q->waiting, q->countExactness),
                                Freshness::count(q->running, q->countExactness),
                                Freshness::count(q->scheduled, q->countExactness),
                                Freshness::count(q->failed, q->countExactness), Freshness::oldestAge(*q),
                                Freshness::rate(q->inPerMinute, q->rateExactness),
                                Freshness::rate(q->outPerMinute, q->rateExactness), serving,
                                Freshness::age(good.takenAt, d->collector->clock()->now(), staleAfter));
        if (q->isDeadLetterQueue()) {
            text += u'\n' + tr("Dead-letter queue: messages rejected from %1 land here. Nobody is expected to consume "
                                "them; look at them, then move them back or drop them.")
                                 .arg(escapeForDisplay(q->deadLetterOf.join(QStringLiteral(", ")), 200));
        }
        if (q->paused.value_or(false)) {
            text += u'\n' + tr("Paused on the backend: workers take no jobs from this queue until it is resumed.");
        }
        if (q->dead || q->completed) {
            text += u'\n' + tr("dead %1 · completed and kept %2")
                                 .arg(Freshness::count(q->dead, q->countExactness), Freshness::count(q->completed));
        }
        if (q->rateExactness == Exactness::Approximate) {
            text += u'\n' + tr("≈ Rates are lower bounds: jobs that arrive and finish between two polls are not seen.");
        }
        if (!good.workersKnown) {
            text += u'\n' + tr("Workers are not visible on this backend (Celery reports them only through its events).");
        } else if (!w.idle) {
            text += u'\n' + tr("Idle workers are invisible on this backend: only workers holding a job are counted.");
        }
        d->numbers->setText(text);
    }
    if (snapshot.ok()) {
        d->banner->hide();
    } else {
        QPalette pal = d->banner->palette();
        pal.setColor(QPalette::Window, Theme::color(Theme::Role::Crit, palette()));
        pal.setColor(QPalette::WindowText, Qt::white);
        d->banner->setPalette(pal);
        d->banner->setText(tr("Last poll failed: %1 — showing the last known data.").arg(escapeForDisplay(snapshot.error, 500)));
        d->banner->show();
    }
}

} // namespace qd
