// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/clock.h"

#include <QTimeZone>

namespace qd {

Clock::~Clock() = default;

namespace {
class SystemClock final : public Clock
{
public:
    QDateTime now() const override { return QDateTime::currentDateTimeUtc(); }
};
} // namespace

Clock *Clock::system()
{
    static SystemClock clock;
    return &clock;
}

ManualClock::ManualClock(const QDateTime &start) : m_ms(start.toMSecsSinceEpoch()) {}

QDateTime ManualClock::now() const
{
    return QDateTime::fromMSecsSinceEpoch(m_ms.load(), Qt::UTC);
}

void ManualClock::set(const QDateTime &t)
{
    m_ms.store(t.toMSecsSinceEpoch());
}

void ManualClock::advance(qint64 ms)
{
    m_ms.fetch_add(ms);
}

} // namespace qd
