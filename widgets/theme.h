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
    static QColor color(Role role, const QPalette &palette);
};

} // namespace qd
