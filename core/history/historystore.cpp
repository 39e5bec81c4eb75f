// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "historystore.h"

#include "../clock.h"
#include "../serialexecutor.h"
#include "historyschema.h"

#include <QDir>
#include <QFileInfo>
#include <QMutex>
#include <QSqlDatabase>
#include <QUuid>

namespace qd {

namespace {
constexpr int kFlushDelayMs = 500;
constexpr qsizetype kFlushBatch = 5000;
constexpr qint64 kRetentionEveryMs = 5 * 60 * 1000;
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
    const QString id;

    mutable QMutex mutex; // guards pending, flushScheduled, retention, opened
    QList<PendingSample> pending;
    bool flushScheduled = false;
    bool opened = false;
    HistoryRetention retention;

    // Writer-thread state.
    std::unique_ptr<HistoryWriter> writerState;
    qint64 lastRetentionMs = 0;
    // Reader-thread state.
    std::unique_ptr<HistoryReader> readerState;

    SerialExecutor writer; // executors last: destroyed first, so their tasks finish before the state goes
    SerialExecutor reader;

    void writePending(HistoryStore *q);
};

void HistoryStore::Private::writePending(HistoryStore *q)
{
    QList<PendingSample> batch;
    HistoryRetention r;
    {
        QMutexLocker lock(&mutex);
        batch.swap(pending);
        flushScheduled = false;
        r = retention;
    }
    if (!writerState) {
        return;
    }
    if (!batch.isEmpty()) {
        if (QString err = writerState->write(batch); !err.isEmpty()) {
            Q_EMIT q->writeFailed(tr("History: %n sample(s) could not be written and were dropped: %1", nullptr,
                                     int(batch.size()))
                                      .arg(err));
        }
    }
    const qint64 now = clock->nowMs();
    if (now - lastRetentionMs >= kRetentionEveryMs) {
        lastRetentionMs = now;
        writerState->enforceRetention(now, r);
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
        p->writerState.reset();
    }).waitForFinished();
    p->reader.run([p] { p->readerState.reset(); }).waitForFinished();
}

QString HistoryStore::open()
{
    const QFileInfo fi(d->path);
    if (!QDir().mkpath(fi.absolutePath())) {
        return tr("Cannot create the history directory %1.").arg(fi.absolutePath());
    }
    Private *p = d.get();
    QString err = p->writer.run([p]() -> QString {
        p->writerState = std::make_unique<HistoryWriter>(QStringLiteral("qd-hist-w-") + p->id);
        QString e = p->writerState->open(p->path);
        if (!e.isEmpty()) {
            p->writerState.reset();
        }
        p->lastRetentionMs = p->clock->nowMs() - kRetentionEveryMs; // first batch also trims old data
        return e;
    }).result();
    if (!err.isEmpty()) {
        return err;
    }
    err = p->reader.run([p]() -> QString {
        p->readerState = std::make_unique<HistoryReader>(QStringLiteral("qd-hist-r-") + p->id);
        QString e = p->readerState->open(p->path);
        if (!e.isEmpty()) {
            p->readerState.reset();
        }
        return e;
    }).result();
    QMutexLocker lock(&d->mutex);
    d->opened = err.isEmpty();
    return err;
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
    if (!snapshot.ok() || !snapshot.takenAt.isValid()) {
        return; // a failed poll knows nothing; the gap in the series says so
    }
    const qint64 t = snapshot.takenAt.toMSecsSinceEpoch();
    QList<PendingSample> samples;
    auto add = [&](const QString &queue, Metric m, auto value) {
        if (value) {
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
    enqueue(std::move(samples));
}

void HistoryStore::recordSample(const SeriesKey &key, qint64 tMs, double value)
{
    enqueue({PendingSample{key, tMs, value}});
}

void HistoryStore::enqueue(QList<PendingSample> samples)
{
    bool schedule = false;
    bool now = false;
    {
        QMutexLocker lock(&d->mutex);
        d->pending.append(std::move(samples));
        now = d->pending.size() >= kFlushBatch;
        schedule = !d->flushScheduled;
        d->flushScheduled = true;
    }
    Private *p = d.get();
    if (now) {
        p->writer.run([this, p] { p->writePending(this); });
    } else if (schedule) {
        p->writer.runAfter(kFlushDelayMs, [this, p] { p->writePending(this); });
    }
}

QFuture<void> HistoryStore::flush()
{
    Private *p = d.get();
    return p->writer.run([this, p] { p->writePending(this); });
}

QFuture<void> HistoryStore::enforceRetention()
{
    Private *p = d.get();
    return p->writer.run([p] {
        if (p->writerState) {
            HistoryRetention r;
            {
                QMutexLocker lock(&p->mutex);
                r = p->retention;
            }
            p->lastRetentionMs = p->clock->nowMs();
            p->writerState->enforceRetention(p->lastRetentionMs, r);
        }
    });
}

QFuture<Series> HistoryStore::load(const SeriesKey &key, const QDateTime &from, const QDateTime &to)
{
    Private *p = d.get();
    const qint64 fromMs = from.toMSecsSinceEpoch();
    const qint64 toMs = to.toMSecsSinceEpoch();
    const qint64 rawSince = p->clock->nowMs() - std::chrono::duration_cast<std::chrono::milliseconds>(retention().raw).count();
    return p->reader.run([p, key, fromMs, toMs, rawSince] {
        Series s;
        s.key = key;
        if (!p->readerState) {
            return s;
        }
        s.fromRollups = fromMs < rawSince;
        s.points = s.fromRollups ? p->readerState->rollups(key, fromMs, toMs) : p->readerState->raw(key, fromMs, toMs);
        return s;
    });
}

} // namespace qd
