// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QColor>
#include <QPalette>

namespace qd {

/// Semantic colours derived from the current palette so they read on light and dark themes alike.
/// Colour is never the only signal: views pair it with text or a shape.
class Theme final
{
public:
    enum class Role { Ok, Warn, Crit, Unknown, Stale, Waiting, Running, Scheduled, Failed, Dead, In, Out, Busy, Idle, Lost };
    static bool isDark(const QPalette &palette);

    /// The application's look: the desktop's own palette and style (System, the default), or Queuedeck's
    /// light or dark palette on the Fusion style, for a wall screen in a dark room or a desktop without a
    /// dark theme. Switching repaints every window (charts and tiles take their colours from the palette).
    enum class Mode : quint8 { System, Light, Dark };
    static void apply(Mode mode);
    static Mode current();
    static Mode saved(); ///< from the settings (ui/theme), System when unset
    static void save(Mode mode);
    static QString modeName(Mode mode);
    static QPalette palette(Mode mode); ///< Light or Dark; System gives the desktop's
    static QColor color(Role role, const QPalette &palette);
};

} // namespace qd
