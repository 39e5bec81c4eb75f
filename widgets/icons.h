// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QIcon>

namespace qd {

/// Every action icon of the GUI comes from here: line drawings in SVG (resources/icons/actions), drawn at
/// whatever size and device pixel ratio a screen asks for, in the palette's text colour at the moment they
/// are painted, so they stay crisp on high-DPI screens and follow a switch between light and dark.
enum class Icon : quint8 {
    Add, Remove, Refresh, Overview, Wall, Settings, Help, Keyboard, Alert, Acknowledge, Snooze, Note, Audit, Demo, Export,
    Rules, Quit
};

QIcon icon(Icon which);
/// The resource path of an icon's SVG (for tests and for installing).
QString iconPath(Icon which);

} // namespace qd
