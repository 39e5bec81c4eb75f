// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QtGlobal>

#include <array>
#include <optional>

namespace qd {

/// The depth of one queue over the last window, as the "depth growing" rule needs it: only the depth at (or just
/// before) the window's start. A fixed ring of samples spaced at least window / kSpacing apart, so memory is the
/// same 0.6 KiB per queue whether polls come every second or every minute (a deque of every poll grew by tens of
/// MiB at 5,000 queues polled each second). The start is found to within window / kSpacing plus one poll. The window
/// holds at most kSpacing + 2 samples (kSpacing gaps after the start, plus the start), so the ring never drops one it
/// needs.
class DepthWindow final
{
public:
    static constexpr int kSpacing = 32;
    static constexpr int kSlots = kSpacing + 4;

    /// Adds a poll's depth at `tMs`, for growth measured over `windowMs`.
    void add(qint64 tMs, qint64 depth, qint64 windowMs)
    {
        // Too close to the last kept sample: the start is found just as well without it.
        if (m_size == 0 || tMs - at(m_size - 1).tMs >= windowMs / kSpacing) {
            if (m_size == kSlots) {
                m_head = (m_head + 1) % kSlots;
                --m_size;
            }
            m_slots[(m_head + m_size) % kSlots] = {tMs, depth};
            ++m_size;
        }
        // Keep exactly one sample at or before the window's start: the newest such.
        while (m_size > 1 && at(1).tMs <= tMs - windowMs) {
            m_head = (m_head + 1) % kSlots;
            --m_size;
        }
    }
    bool isEmpty() const { return m_size == 0; }
    /// The oldest sample kept (the window's start, once the window has been observed whole).
    qint64 startMs() const { return at(0).tMs; }
    qint64 startDepth() const { return at(0).depth; }
    int size() const { return m_size; }

private:
    struct Slot
    {
        qint64 tMs = 0;
        qint64 depth = 0;
    };
    const Slot &at(int i) const { return m_slots[(m_head + i) % kSlots]; }

    std::array<Slot, kSlots> m_slots{};
    int m_head = 0;
    int m_size = 0;
};

} // namespace qd
