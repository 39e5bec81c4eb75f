// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/history/historystore.h"

#include "core/clock.h"
#include "core/serialexecutor.h"
#include "core/history/historyschema.h"
#include "core/privatefiles.h"

#include <QDir>
#include <QFileInfo>
#include <QMutex>
#include <QPromise>
#include <QUuid>

#include <algorithm>

namespace qd {

namespace {
/// A sample waits at most this long before it is written, so a crash loses at most half a second.
constexpr int kFlushDelayMs = 500;
/// ...or is written sooner once this many wait: one poll of a large connection fills a batch by itself.
constexpr qsizetype kFlushBatch = 1000;
/// Retention is a few DELETEs along the primary key; every few minutes keeps the tables near their bound.
constexpr qint64 kRetentionEveryMs = 5 * 60 * 1000;

std::chrono::milliseconds toMs(std::chrono::hours h)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(h);
}
} // namespace

struct HistoryStore::Private
{
    Private(const QString &p, Clock *c)
        : path(p), clock(c ? c : Clock::system()), id(QUuid::createUuid().toString(QUuid::Id128)),
          writer(QStringLiteral("history-writer")), reader(QStringLiteral("history-reader"))
    {
    }

    const QString path;
    Clock *const clock;
    const QString id; ///< makes the QSqlDatabase connection names unique per store

    mutable QMutex mutex; // guards everything down to `retention`
    QList<PendingSample> pending;
    bool timerArmed = false;  ///< a delayed drain is scheduled
    bool drainPosted = false; ///< an immediate drain (batch full) is queued and has not started yet
    HistoryRetention retention;

    // Writer-thread state.
    std::unique_ptr<HistoryWriter> writerState;
    qint64 lastRetentionMs = 0;
    // Reader-thread state.
    std::unique_ptr<HistoryReader> readerState;

    SerialExecutor writer; // executors last: destroyed first, so their tasks finish before the state goes
    SerialExecutor reader;

    /// Runs `append(pending)` under the lock, then schedules the writes that are due. Any thread.
    template<typename Append>
    void enqueue(HistoryStore *q, Append &&append);
    void writePending(HistoryStore *q);
    void retain(HistoryStore *q, qint64 nowMs);
    static void reportFailure(HistoryStore *q, const QString &message);
};

void HistoryStore::Private::reportFailure(HistoryStore *q, const QString &message)
{
    // Emitted on the store's own thread: receivers get it like any other signal of a GUI-thread object, and
    // a store being destroyed simply drops it.
    QMetaObject::invokeMethod(q, [q, message] { Q_EMIT q->writeFailed(message); }, Qt::QueuedConnection);
}

void HistoryStore::Private::writePending(HistoryStore *q)
{
    QList<PendingSample> batch;
    {
        QMutexLocker lock(&mutex);
        batch.swap(pending);
        drainPosted = false;
    }
    if (!writerState) {
        return; // not open (or failed to open): nothing can be kept, and open() already said why
    }
    if (!batch.isEmpty()) {
        if (QString err = writerState->write(batch); !err.isEmpty()) {
            const auto samples = std::count_if(batch.cbegin(), batch.cend(),
                                               [](const PendingSample &s) { return s.kind == PendingKind::Sample; });
            reportFailure(q, tr("History: %n sample(s) could not be written and were dropped: %1", nullptr,
                                int(samples))
                                 .arg(err));
        }
    }
    const qint64 now = clock->nowMs();
    if (now - lastRetentionMs >= kRetentionEveryMs) {
        retain(q, now);
    }
}

void HistoryStore::Private::retain(HistoryStore *q, qint64 nowMs)
{
    HistoryRetention r;
    {
        QMutexLocker lock(&mutex);
        r = retention;
    }
    lastRetentionMs = nowMs;
    if (QString err = writerState->enforceRetention(nowMs, r); !err.isEmpty()) {
        reportFailure(q, tr("History: old samples could not be deleted: %1").arg(err));
    }
}

HistoryStore::HistoryStore(const QString &path, Clock *clock, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>(path, clock))
{
}

HistoryStore::~HistoryStore()
{
    Private *p = d.get();
    p->writer.run([this, p] {
        p->writePending(this);
        if (p->writerState) {
            p->writerState->closeAll(); // every run's last sample, so the next start sees where this one ended
        }
        p->writerState.reset(); // a delayed drain that fires later finds no writer and does nothing
    }).waitForFinished();
    p->reader.run([p] { p->readerState.reset(); }).waitForFinished();
}

QString HistoryStore::open()
{
    const QFileInfo fi(d->path);
    const QString dir = fi.absolutePath();
    if (!makePrivateDir(dir)) {
        return tr("Cannot create the history directory %1.").arg(dir);
    }
    if (!fi.exists() && !QFileInfo(dir).isWritable()) {
        return tr("The history directory %1 is not writable.").arg(dir);
    }
    makePrivateFile(d->path); // the production's history is the owner's only (a failure shows when it opens)
    Private *p = d.get();
    QString err = p->writer.run([p]() -> QString {
        p->writerState = std::make_unique<HistoryWriter>(QStringLiteral("qd-hist-w-") + p->id);
        QString e = p->writerState->open(p->path);
        if (!e.isEmpty()) {
            p->writerState.reset();
        }
        p->lastRetentionMs = p->clock->nowMs() - kRetentionEveryMs; // the first batch also trims old data
        return e;
    }).result();
    if (!err.isEmpty()) {
        return err;
    }
    return p->reader.run([p]() -> QString {
        p->readerState = std::make_unique<HistoryReader>(QStringLiteral("qd-hist-r-") + p->id);
        QString e = p->readerState->open(p->path);
        if (!e.isEmpty()) {
            p->readerState.reset();
        }
        return e;
    }).result();
}

QString HistoryStore::path() const
{
    return d->path;
}

void HistoryStore::setRetention(HistoryRetention retention)
{
    QMutexLocker lock(&d->mutex);
    d->retention = retention;
}

HistoryRetention HistoryStore::retention() const
{
    QMutexLocker lock(&d->mutex);
    return d->retention;
}

void HistoryStore::record(const QString &connection, const Snapshot &snapshot)
{
    if (!snapshot.takenAt.isValid()) {
        return;
    }
    if (!snapshot.ok()) {
        // A failed poll knows nothing: the runs of this connection end here, and the gap in the series says so.
        enqueue({PendingSample{SeriesKey{connection, QString(), Metric::Waiting}, snapshot.takenAt.toMSecsSinceEpoch(),
                               0, PendingKind::PollFailed}});
        return;
    }
    const qint64 t = snapshot.takenAt.toMSecsSinceEpoch();
    QList<PendingSample> samples;
    samples.reserve(snapshot.queues.size() * 8 + 3);
    auto add = [&](const QString &queue, Metric m, const auto &value) {
        if (value) { // unknown is never stored: a zero would be a lie on the chart
            samples.append({SeriesKey{connection, queue, m}, t, double(*value)});
        }
    };
    for (const QueueStats &q : snapshot.queues) {
        add(q.name, Metric::Waiting, q.waiting);
        add(q.name, Metric::Running, q.running);
        add(q.name, Metric::Scheduled, q.scheduled);
        add(q.name, Metric::Failed, q.failed);
        add(q.name, Metric::Dead, q.dead);
        add(q.name, Metric::OldestAge, q.oldestAgeSeconds);
        if (q.rateExactness != Exactness::Unknown) {
            add(q.name, Metric::InRate, q.inPerMinute);
            add(q.name, Metric::OutRate, q.outPerMinute);
        }
    }
    const WorkerSummary w = snapshot.workerSummary();
    add(QString(), Metric::WorkersBusy, w.busy);
    add(QString(), Metric::WorkersIdle, w.idle);
    add(QString(), Metric::WorkersLost, w.lost);
    // What this snapshot did not know (a queue gone, a number unknown) ends its run: a gap, not a flat line.
    samples.append(PendingSample{SeriesKey{connection, QString(), Metric::Waiting}, t, 0, PendingKind::EndOfSnapshot});
    enqueue(std::move(samples));
}

void HistoryStore::recordSample(const SeriesKey &key, qint64 tMs, double value)
{
    // Appended in place: no one-element list per sample (benchmarks and imports call this millions of times).
    d->enqueue(this, [&](QList<PendingSample> &pending) { pending.append(PendingSample{key, tMs, value}); });
}

void HistoryStore::enqueue(QList<PendingSample> samples)
{
    if (!samples.isEmpty()) {
        d->enqueue(this, [&](QList<PendingSample> &pending) { pending.append(std::move(samples)); });
    }
}

template<typename Append>
void HistoryStore::Private::enqueue(HistoryStore *q, Append &&append)
{
    bool drainNow = false;
    bool armTimer = false;
    {
        QMutexLocker lock(&mutex);
        append(pending);
        // One posted drain at a time: a producer faster than the disk must not flood the writer's queue.
        if (pending.size() >= kFlushBatch && !drainPosted) {
            drainPosted = drainNow = true;
        }
        if (!timerArmed) {
            timerArmed = armTimer = true;
        }
    }
    if (drainNow) {
        writer.run([this, q] { writePending(q); });
    }
    if (armTimer) {
        // The timer, not a drain, disarms itself: whatever arrives after a size-triggered drain still waits
        // at most kFlushDelayMs.
        writer.runAfter(kFlushDelayMs, [this, q] {
            {
                QMutexLocker lock(&mutex);
                timerArmed = false;
            }
            writePending(q);
        });
    }
}

QFuture<void> HistoryStore::flush()
{
    Private *p = d.get();
    return p->writer.run([this, p] {
        p->writePending(this);
        if (p->writerState) {
            if (QString err = p->writerState->closeAll(); !err.isEmpty()) {
                Private::reportFailure(this, tr("History: the latest samples could not be written: %1").arg(err));
            }
        }
    });
}

QFuture<void> HistoryStore::enforceRetention()
{
    Private *p = d.get();
    return p->writer.run([this, p] {
        if (p->writerState) {
            p->retain(this, p->clock->nowMs());
        }
    });
}

QFuture<Series> HistoryStore::load(const SeriesKey &key, const QDateTime &from, const QDateTime &to, qint64 fillStepMs)
{
    Private *p = d.get();
    const qint64 fromMs = from.toMSecsSinceEpoch();
    const qint64 toMsValue = to.toMSecsSinceEpoch();
    // Decided at call time with the caller's notion of now: raw only when retention cannot have thinned
    // any part of the range.
    const qint64 rawSince = p->clock->nowMs() - toMs(retention().raw).count();
    auto promise = std::make_shared<QPromise<Series>>();
    promise->start();
    QFuture<Series> future = promise->future();
    // First on the writer: what is queued, and the series' latest sample (not stored while its value holds), so the
    // chart ends where the data ends. Then the read, on the reader's own connection.
    p->writer.run([this, p, key, fromMs, toMsValue, rawSince, fillStepMs, promise] {
        if (p->writerState) {
            p->writePending(this);
            if (QString err = p->writerState->settle(key); !err.isEmpty()) {
                Private::reportFailure(this, tr("History: the latest sample could not be written: %1").arg(err));
            }
        }
        p->reader.run([p, key, fromMs, toMsValue, rawSince, fillStepMs, promise] {
            Series s;
            s.key = key;
            if (p->readerState) {
                s.fromRollups = fromMs < rawSince;
                s.points = s.fromRollups ? p->readerState->rollups(key, fromMs, toMsValue, fillStepMs)
                                         : p->readerState->raw(key, fromMs, toMsValue, fillStepMs);
            }
            promise->addResult(std::move(s));
            promise->finish();
        });
    });
    return future;
}

} // namespace qd
