// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QFuture>
#include <QObject>
#include <QPromise>
#include <QThread>
#include <QTimer>

#include <memory>
#include <type_traits>

namespace qd {

/// Runs tasks one after another, in submission order, on one dedicated thread. For resources bound to the
/// thread that opened them (a QSqlDatabase connection). Deliberately not QtConcurrent on a one-thread pool:
/// QFuture::waitForFinished() may "steal" a not-yet-started QtConcurrent task and run it on the waiting
/// thread, which would use the connection from the wrong thread. Here a task only ever runs on our thread.
/// The destructor runs the tasks already queued, then joins the thread.
class SerialExecutor final
{
public:
    explicit SerialExecutor(const QString &name)
    {
        m_thread.setObjectName(name);
        m_context->moveToThread(&m_thread);
        m_thread.start();
    }
    ~SerialExecutor()
    {
        // Queued after every task already submitted, so those still run (and their futures finish).
        QMetaObject::invokeMethod(m_context.get(), [] { QThread::currentThread()->quit(); }, Qt::QueuedConnection);
        m_thread.wait();
    }
    Q_DISABLE_COPY_MOVE(SerialExecutor)

    template<typename F>
    auto run(F &&task) -> QFuture<std::invoke_result_t<std::decay_t<F>>>
    {
        using R = std::invoke_result_t<std::decay_t<F>>;
        auto promise = std::make_shared<QPromise<R>>();
        QFuture<R> future = promise->future();
        promise->start();
        QMetaObject::invokeMethod(
            m_context.get(),
            [promise, fn = std::forward<F>(task)]() mutable {
                if constexpr (std::is_void_v<R>) {
                    fn();
                } else {
                    promise->addResult(fn());
                }
                promise->finish();
            },
            Qt::QueuedConnection);
        return future;
    }

    /// Runs `task` on the executor's thread after `ms` milliseconds (coalescing timers, periodic upkeep).
    template<typename F>
    void runAfter(int ms, F &&task)
    {
        QObject *context = m_context.get();
        QMetaObject::invokeMethod(
            context, [context, ms, fn = std::forward<F>(task)]() mutable { QTimer::singleShot(ms, context, std::move(fn)); },
            Qt::QueuedConnection);
    }

    bool isCurrentThread() const { return QThread::currentThread() == &m_thread; }

private:
    QThread m_thread;
    std::unique_ptr<QObject> m_context = std::make_unique<QObject>();
};

} // namespace qd
