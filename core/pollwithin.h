// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/snapshot.h"

#include <QObject>

#include <chrono>
#include <functional>
#include <memory>

namespace qd {

class Backend;

/// A poll's wall-clock limit when nobody chose one: a poll that has not answered by then is reported as failed.
inline constexpr std::chrono::milliseconds kDefaultPollDeadline{30'000};

/// Polls `backend` once with a wall-clock deadline. `onAnswer` runs exactly once, in `context`'s thread: with the
/// snapshot, or — when the deadline passes first (a server that hangs, or drips a byte at a time) — with a failed
/// snapshot saying the poll was abandoned (its takenAt left unset for the caller's clock). `onSettled` runs when the backend's poll has really ended (right after
/// onAnswer, or later for an abandoned poll), so a caller never stacks a second poll on a hung one. Neither runs
/// once `context` is destroyed.
void pollWithin(const std::shared_ptr<Backend> &backend, std::chrono::milliseconds deadline, QObject *context,
                std::function<void(Snapshot)> onAnswer, std::function<void()> onSettled = {});

/// The failure a poll abandoned at its deadline reports.
QString abandonedPollError(std::chrono::milliseconds deadline);

} // namespace qd
