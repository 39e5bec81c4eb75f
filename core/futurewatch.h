// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QFuture>
#include <QFutureWatcher>
#include <QObject>

#include <type_traits>
#include <utility>

namespace qd {

/// Calls `fn(result)` in `context`'s thread when `future` finishes; never if `context` is destroyed first.
/// Use this instead of QFuture::then(context, …): in Qt 6.4 a continuation attached while another thread
/// finishes the future can be lost (queuedeckctl hung in about one run in five until this replaced it).
/// QFutureWatcher reports a future that finished before setFuture() too.
template<typename T, typename F>
void whenFinished(const QFuture<T> &future, QObject *context, F &&fn)
{
    auto *watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context,
                     [watcher, fn = std::forward<F>(fn)]() mutable {
                         watcher->deleteLater();
                         if constexpr (std::is_void_v<T>) {
                             fn();
                         } else {
                             fn(watcher->result());
                         }
                     });
    watcher->setFuture(future);
}

} // namespace qd
