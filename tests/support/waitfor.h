// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QFuture>

namespace qd::test {

/// The future's result, once it has one (tests only: it blocks the calling thread).
template <typename T>
T waitFor(QFuture<T> f)
{
    f.waitForFinished();
    return f.result();
}

} // namespace qd::test
