// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace qd::ctl {

/// Every queuedeckctl command ends within a wall-clock deadline, whatever the server does: a server that drips one
/// byte every few seconds restarts every per-read timeout, and a driver blocked in a read (libpq) cannot be
/// interrupted, so the deadline is kept by a watchdog thread that ends the process.

/// Takes `--deadline SECONDS` (or `--deadline=SECONDS`) out of `arguments`: a global option, accepted by every
/// command before or after its own. Sets `seconds` (0: no deadline); returns why the option is unusable, or empty.
QString takeDeadlineOption(QStringList &arguments, std::optional<double> &seconds);

/// The deadline a command has when none is given: 30 s for commands that only read (snapshot, check, jobs,
/// workers, affected, runs), none for `watch` (each of its polls has one), an hour for actions (a bulk run is
/// journaled, so one cut short is resumable).
double defaultDeadlineSeconds(const QString &command);

/// Starts the watchdog for `command`. When `seconds` pass before disarmDeadline(), it writes why (for `check`, the
/// status line `QUEUEDECK UNKNOWN - …` on standard output) and ends the process at once: exit 3 for check, 1 for
/// the others. `seconds` <= 0 starts nothing.
void armDeadline(const QString &command, double seconds);

/// The command has its answer and is printing it: the watchdog stands down.
void disarmDeadline();

} // namespace qd::ctl
