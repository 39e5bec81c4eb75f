// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QFuture>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

namespace qd {

/// Runs tasks one after another on one long-lived thread. For resources bound to the thread that opened
/// them (a QSqlDatabase connection): every task of one executor sees the same thread, in submission order.
/// The destructor waits for queued tasks, so owners destroy it before the resources the tasks touch.
class SerialExecutor final
{
public:
    explicit SerialExecutor(const QString &name)
    {
        m_pool.setMaxThreadCount(1);
        m_pool.setExpiryTimeout(-1); // keep the one thread: thread-bound resources must not move
        m_pool.setObjectName(name);
    }
    ~SerialExecutor() { m_pool.waitForDone(); }
    Q_DISABLE_COPY_MOVE(SerialExecutor)

    template<typename F>
    auto run(F &&task)
    {
        return QtConcurrent::run(&m_pool, std::forward<F>(task));
    }
    void waitForDone() { m_pool.waitForDone(); }

private:
    QThreadPool m_pool;
};

} // namespace qd
