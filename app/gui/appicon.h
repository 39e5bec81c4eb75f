// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QIcon>

namespace qd {

/// The application icon, drawn in code (a deck of three queue bars with a rising sparkline), so it is sharp
/// at every size without an SVG image plugin. resources/icons/queuedeck.svg is the same design for the desktop.
QIcon appIcon();

} // namespace qd
