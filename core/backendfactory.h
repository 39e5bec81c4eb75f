// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/backend.h"
#include "core/result.h"

#include <memory>

namespace qd {

/// Creates the backend for a parsed URL, or says clearly why it cannot (e.g. a family not built yet).
Result<std::shared_ptr<Backend>> createBackend(const ConnectionUrl &url, Clock *clock = nullptr);
/// Parses and creates in one step (CLI and the Add Connection dialog).
Result<std::shared_ptr<Backend>> createBackend(const QString &url, Clock *clock = nullptr);

} // namespace qd
