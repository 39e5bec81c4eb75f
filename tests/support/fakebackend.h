// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/backend.h"
#include "core/clock.h"

#include <QFuture>
#include <QPromise>
#include <QQueue>

#include <memory>

namespace qd::test {

/// A scripted backend for unit tests: each snapshot() call answers with the next scripted snapshot,
/// either at once or when the test calls release() (to hold a poll "in flight").
class FakeBackend final : public Backend
{
public:
    explicit FakeBackend(Clock *clock, bool manualRelease = false)
        : Backend(ConnectionUrl::parse(QStringLiteral("delayedjob+sqlite:///fake.db")).value(), clock),
          m_manual(manualRelease)
    {
    }

    QString kind() const override { return QStringLiteral("fake"); }
    Capabilities capabilities() const override { return m_caps; }
    void setCapabilities(const Capabilities &caps) { m_caps = caps; }

    /// Worker signals are remembered (signalled()); the answer is `signalError` (empty: told).
    QFuture<WorkerSignalResult> signalWorker(const QString &worker, WorkerSignal signal) override
    {
        m_signalled.append({worker, signal});
        WorkerSignalResult r;
        r.worker = worker;
        r.signal = signal;
        r.error = signalError;
        return QtFuture::makeReadyFuture(r);
    }
    QString workerSignalUnsupportedReason(WorkerSignal signal) const override
    {
        return signal == WorkerSignal::Quiet ? QStringLiteral("fake workers cannot be quieted") : QString();
    }
    QList<QPair<QString, WorkerSignal>> signalled() const { return m_signalled; }
    QString signalError;

    void script(Snapshot s) { m_script.enqueue(std::move(s)); }
    int calls() const { return m_calls; }

    QFuture<Snapshot> snapshot() override
    {
        ++m_calls;
        Snapshot s = m_script.isEmpty() ? Snapshot{} : m_script.dequeue();
        s.backend = kind();
        if (!s.takenAt.isValid()) {
            s.takenAt = clock()->now();
        }
        auto promise = std::make_shared<QPromise<Snapshot>>();
        QFuture<Snapshot> f = promise->future();
        promise->start();
        if (m_manual) {
            m_pending.enqueue({promise, s});
        } else {
            promise->addResult(s);
            promise->finish();
        }
        return f;
    }

    void release()
    {
        auto [promise, s] = m_pending.dequeue();
        promise->addResult(s);
        promise->finish();
    }
    int pending() const { return int(m_pending.size()); }

private:
    Capabilities m_caps;
    QList<QPair<QString, WorkerSignal>> m_signalled;
    bool m_manual;
    int m_calls = 0;
    QQueue<Snapshot> m_script;
    QQueue<QPair<std::shared_ptr<QPromise<Snapshot>>, Snapshot>> m_pending;
};

inline QueueStats queue(const QString &name, qint64 waiting, double oldestAge = 0)
{
    QueueStats q;
    q.name = name;
    q.waiting = waiting;
    q.running = 0;
    q.oldestAgeSeconds = oldestAge;
    return q;
}

} // namespace qd::test
