// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/backend.h"

#include <functional>

namespace qd::test {

/// The snapshot's warning about unfinished queue discovery, or empty.
inline QString discoveryWarning(const Snapshot &s)
{
    for (const QString &w : s.warnings) {
        if (w.startsWith(u"Queue discovery covered")) {
            return w;
        }
    }
    return {};
}

/// Polls `backend` until `done` holds for a snapshot (each poll must succeed) and returns how many polls that
/// took, or -1 after `maxPolls` without it.
inline int pollsUntil(Backend &backend, const std::function<bool(const Snapshot &)> &done, int maxPolls)
{
    for (int i = 1; i <= maxPolls; ++i) {
        const Snapshot s = backend.snapshot().result();
        if (!s.ok()) {
            qWarning().noquote() << "poll" << i << "failed:" << s.error;
            return -1;
        }
        if (done(s)) {
            return i;
        }
    }
    return -1;
}

} // namespace qd::test
