// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "historystore.h"
#include <QPromise>
namespace qd { // STUB
struct HistoryStore::Private { QString path; HistoryRetention retention; };
HistoryStore::HistoryStore(const QString &path, Clock *, QObject *parent) : QObject(parent), d(new Private{path, {}}) {}
HistoryStore::~HistoryStore() = default;
QString HistoryStore::open() { return {}; }
QString HistoryStore::path() const { return d->path; }
void HistoryStore::setRetention(HistoryRetention r) { d->retention = r; }
HistoryRetention HistoryStore::retention() const { return d->retention; }
void HistoryStore::record(const QString &, const Snapshot &) {}
void HistoryStore::recordSample(const SeriesKey &, qint64, double) {}
QFuture<void> HistoryStore::flush() { return QtFuture::makeReadyFuture(); }
QFuture<void> HistoryStore::enforceRetention() { return QtFuture::makeReadyFuture(); }
QFuture<Series> HistoryStore::load(const SeriesKey &key, const QDateTime &, const QDateTime &) { Series s; s.key = key; return QtFuture::makeReadyFuture(s); }
} // namespace qd
