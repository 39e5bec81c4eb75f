// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QFuture>

#include <type_traits>

namespace qd::test {

/// The future's result, once it has one (tests only: it blocks the calling thread).
template <typename T>
T waitFor(QFuture<T> f)
{
    f.waitForFinished();
    if constexpr (!std::is_void_v<T>) {
        return f.result();
    }
}

} // namespace qd::test
