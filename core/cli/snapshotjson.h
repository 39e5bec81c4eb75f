// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "../snapshot.h"

#include <QJsonObject>

namespace qd {

/// The CLI contract of `queuedeckctl snapshot --json` (docs/cli.md): unknown values are JSON null, never 0.
/// Ages are relative to the snapshot's takenAt.
QJsonObject snapshotToJson(const Snapshot &snapshot);

/// Text safe for a terminal or a log line: control characters (incl. ESC) and bidi overrides are shown as
/// \uXXXX escapes, so a hostile queue name cannot move the cursor or reorder the line.
QString escapeForDisplay(const QString &text, qsizetype maxLength = 200);

} // namespace qd
