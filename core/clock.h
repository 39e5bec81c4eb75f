// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QDateTime>
#include <QTimeZone>

#include <atomic>

namespace qd {

/// Source of "now" for everything that stamps or ages data. Production code uses Clock::system();
/// tests inject a ManualClock so staleness, retention and alert timing are deterministic.
/// Implementations must be callable from any thread.
class Clock
{
public:
    virtual ~Clock();
    virtual QDateTime now() const = 0; // always UTC
    qint64 nowMs() const { return now().toMSecsSinceEpoch(); }

    static Clock *system();
};

/// A clock that only moves when told to. Thread-safe.
class ManualClock final : public Clock
{
public:
    explicit ManualClock(const QDateTime &start = QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC));
    QDateTime now() const override;
    void set(const QDateTime &t);
    void advance(qint64 ms);

private:
    std::atomic<qint64> m_ms;
};

} // namespace qd
