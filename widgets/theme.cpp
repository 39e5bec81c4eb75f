// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/theme.h"

#include <QApplication>
#include <QCoreApplication>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace qd {

bool Theme::isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

namespace {

struct SystemLook
{
    QString style;
    QPalette palette;
    Theme::Mode mode = Theme::Mode::System;
};

SystemLook &systemLook()
{
    // Taken before the first change, so System can go back to exactly what the desktop gave.
    static SystemLook look{QApplication::style() ? QApplication::style()->name() : QString(), QApplication::palette()};
    return look;
}

} // namespace

QPalette Theme::palette(Mode mode)
{
    if (mode == Mode::System) {
        return systemLook().palette;
    }
    const bool dark = mode == Mode::Dark;
    auto rgb = [](int r, int g, int b) { return QColor(r, g, b); };
    const QColor window = dark ? rgb(0x23, 0x26, 0x2b) : rgb(0xef, 0xf0, 0xf1);
    const QColor base = dark ? rgb(0x1a, 0x1c, 0x20) : rgb(0xff, 0xff, 0xff);
    const QColor text = dark ? rgb(0xe6, 0xe8, 0xeb) : rgb(0x1d, 0x1f, 0x22);
    const QColor button = dark ? rgb(0x31, 0x35, 0x3b) : rgb(0xe3, 0xe5, 0xe8);
    const QColor highlight = dark ? rgb(0x3d, 0x8b, 0xd9) : rgb(0x2a, 0x6f, 0xc2);
    const QColor disabled = dark ? rgb(0x80, 0x85, 0x8c) : rgb(0x8a, 0x8f, 0x96);
    QPalette pal(button, window);
    pal.setColor(QPalette::Window, window);
    pal.setColor(QPalette::WindowText, text);
    pal.setColor(QPalette::Base, base);
    pal.setColor(QPalette::AlternateBase, dark ? rgb(0x22, 0x25, 0x2a) : rgb(0xf5, 0xf6, 0xf7));
    pal.setColor(QPalette::Text, text);
    pal.setColor(QPalette::Button, button);
    pal.setColor(QPalette::ButtonText, text);
    pal.setColor(QPalette::BrightText, dark ? rgb(0xff, 0xff, 0xff) : rgb(0x00, 0x00, 0x00));
    pal.setColor(QPalette::Highlight, highlight);
    pal.setColor(QPalette::HighlightedText, rgb(0xff, 0xff, 0xff));
    pal.setColor(QPalette::ToolTipBase, dark ? rgb(0x31, 0x35, 0x3b) : rgb(0xff, 0xff, 0xdc));
    pal.setColor(QPalette::ToolTipText, text);
    pal.setColor(QPalette::PlaceholderText, disabled);
    pal.setColor(QPalette::Link, dark ? rgb(0x6c, 0xb6, 0xff) : rgb(0x1a, 0x5f, 0xb4));
    pal.setColor(QPalette::Mid, dark ? rgb(0x4a, 0x4f, 0x56) : rgb(0xb8, 0xbc, 0xc2));
    pal.setColor(QPalette::Dark, dark ? rgb(0x15, 0x17, 0x1a) : rgb(0x9a, 0x9e, 0xa4));
    pal.setColor(QPalette::Shadow, rgb(0x00, 0x00, 0x00));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText}) {
        pal.setColor(QPalette::Disabled, role, disabled);
    }
    return pal;
}

void Theme::apply(Mode mode)
{
    SystemLook &look = systemLook();
    look.mode = mode;
    if (mode == Mode::System) {
        if (!look.style.isEmpty()) {
            QApplication::setStyle(QStyleFactory::create(look.style));
        }
        QApplication::setPalette(look.palette);
        return;
    }
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion"))); // draws every control from the palette
    QApplication::setPalette(palette(mode));
}

Theme::Mode Theme::current()
{
    return systemLook().mode;
}

Theme::Mode Theme::saved()
{
    const QString v = QSettings().value(QStringLiteral("ui/theme")).toString();
    return v == QLatin1String("dark") ? Mode::Dark : v == QLatin1String("light") ? Mode::Light : Mode::System;
}

void Theme::save(Mode mode)
{
    QSettings().setValue(QStringLiteral("ui/theme"), mode == Mode::Dark    ? QStringLiteral("dark")
                                                     : mode == Mode::Light ? QStringLiteral("light")
                                                                           : QStringLiteral("system"));
}

QString Theme::modeName(Mode mode)
{
    switch (mode) {
    case Mode::System: return QCoreApplication::translate("qd::Theme", "Follow the system");
    case Mode::Light: return QCoreApplication::translate("qd::Theme", "Light");
    case Mode::Dark: return QCoreApplication::translate("qd::Theme", "Dark");
    }
    return {};
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
