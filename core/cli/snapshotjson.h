// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/snapshot.h"
#include "core/textsafety.h"

#include <QJsonObject>

namespace qd {

/// The CLI contract of `queuedeckctl snapshot --json` (docs/cli.md): unknown values are JSON null, never 0.
/// Ages are relative to the snapshot's takenAt.
QJsonObject snapshotToJson(const Snapshot &snapshot);
/// The same with "backend" given by the caller (e.g. the URL scheme's family) instead of snapshot.backend.
QJsonObject snapshotToJson(const Snapshot &snapshot, const QString &backend);

} // namespace qd
