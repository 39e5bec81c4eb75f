// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "theme.h"

namespace qd {

bool Theme::isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor Theme::color(Role role, const QPalette &palette)
{
    const bool dark = isDark(palette);
    // Okabe–Ito-derived hues: distinguishable with the common colour-vision deficiencies.
    switch (role) {
    case Role::Ok: return dark ? QColor(0x4c, 0xc3, 0x8a) : QColor(0x1b, 0x8a, 0x5a);
    case Role::Warn: return dark ? QColor(0xf0, 0xb4, 0x29) : QColor(0xb8, 0x7a, 0x00);
    case Role::Crit: return dark ? QColor(0xff, 0x6b, 0x5b) : QColor(0xc6, 0x28, 0x28);
    case Role::Unknown:
    case Role::Stale: return palette.color(QPalette::Disabled, QPalette::WindowText);
    case Role::Waiting: return dark ? QColor(0x56, 0xb4, 0xe9) : QColor(0x00, 0x72, 0xb2);
    case Role::Running: return dark ? QColor(0x4c, 0xc3, 0x8a) : QColor(0x00, 0x9e, 0x73);
    case Role::Scheduled: return dark ? QColor(0xcc, 0x99, 0xdd) : QColor(0x88, 0x55, 0x99);
    case Role::Failed: return dark ? QColor(0xff, 0x8c, 0x42) : QColor(0xd5, 0x5e, 0x00);
    case Role::Dead: return dark ? QColor(0xff, 0x6b, 0x5b) : QColor(0xa0, 0x1c, 0x1c);
    case Role::In: return dark ? QColor(0x56, 0xb4, 0xe9) : QColor(0x00, 0x72, 0xb2);
    case Role::Out: return dark ? QColor(0xf0, 0xe4, 0x42) : QColor(0x9a, 0x8c, 0x00);
    case Role::Busy: return dark ? QColor(0x4c, 0xc3, 0x8a) : QColor(0x00, 0x9e, 0x73);
    case Role::Idle: return palette.color(QPalette::Mid);
    case Role::Lost: return dark ? QColor(0xff, 0x6b, 0x5b) : QColor(0xc6, 0x28, 0x28);
    }
    return palette.color(QPalette::WindowText);
}

} // namespace qd
