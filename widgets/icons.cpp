// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/icons.h"

#include <QApplication>
#include <QFile>
#include <QIconEngine>
#include <QPainter>
#include <QPalette>
#include <QPixmap>
#include <QSvgRenderer>

namespace qd {

namespace {

const char *const names[] = {"add",  "remove",      "refresh", "overview", "wall",  "settings", "help",   "keyboard", "alert",
                             "acknowledge", "snooze", "note",  "audit",    "demo",  "export",   "rules",  "quit"};

/// Renders the SVG with `currentColor` taken from the application palette when painted (not when created).
class SvgIconEngine final : public QIconEngine
{
public:
    explicit SvgIconEngine(QByteArray svg) : m_svg(std::move(svg)) {}

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State) override
    {
        const QPalette pal = QApplication::palette();
        const QColor color = mode == QIcon::Disabled ? pal.color(QPalette::Disabled, QPalette::WindowText)
                             : mode == QIcon::Selected ? pal.color(QPalette::HighlightedText)
                                                       : pal.color(QPalette::WindowText);
        QByteArray svg = m_svg;
        svg.replace("currentColor", color.name().toLatin1());
        QSvgRenderer renderer(svg);
        renderer.render(painter, QRectF(rect));
    }

    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override
    {
        return scaledPixmap(size, mode, state, 1.0);
    }

    QPixmap scaledPixmap(const QSize &size, QIcon::Mode mode, QIcon::State state, qreal scale) override
    {
        // `size` is in device pixels already (QIcon::pixmap multiplies by the ratio before asking).
        QPixmap pm(size);
        pm.fill(Qt::transparent);
        {
            QPainter p(&pm);
            paint(&p, QRect(QPoint(0, 0), size), mode, state);
        }
        pm.setDevicePixelRatio(scale);
        return pm;
    }

    QSize actualSize(const QSize &size, QIcon::Mode, QIcon::State) override { return size; }
    QIconEngine *clone() const override { return new SvgIconEngine(m_svg); }
    QString key() const override { return QStringLiteral("qd-svg"); }

private:
    QByteArray m_svg;
};

} // namespace

QString iconPath(Icon which)
{
    return QStringLiteral(":/icons/actions/%1.svg").arg(QLatin1String(names[int(which)]));
}

QIcon icon(Icon which)
{
    QFile f(iconPath(which));
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    return QIcon(new SvgIconEngine(f.readAll()));
}

} // namespace qd
