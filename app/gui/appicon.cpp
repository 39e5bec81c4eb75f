// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "app/gui/appicon.h"

#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace qd {

QIcon appIcon()
{
    QIcon icon;
    for (int size : {16, 24, 32, 48, 64, 128, 256}) {
        QPixmap pm(size, size);
        pm.fill(Qt::transparent);
        QPainter p(&pm);
        p.setRenderHint(QPainter::Antialiasing);
        p.scale(size / 64.0, size / 64.0);
        QPainterPath bg;
        bg.addRoundedRect(QRectF(2, 2, 60, 60), 12, 12);
        p.fillPath(bg, QColor(0x1f, 0x3a, 0x5f));
        const QColor bars[] = {QColor(0x56, 0xb4, 0xe9), QColor(0x4c, 0xc3, 0x8a), QColor(0xf0, 0xb4, 0x29)};
        const double widths[] = {34, 24, 42};
        for (int i = 0; i < 3; ++i) {
            QPainterPath bar;
            bar.addRoundedRect(QRectF(11, 14 + i * 13, widths[i], 8), 3, 3);
            p.fillPath(bar, bars[i]);
        }
        p.setPen(QPen(Qt::white, 3.5, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        QPainterPath line;
        line.moveTo(10, 54);
        line.lineTo(24, 46);
        line.lineTo(34, 50);
        line.lineTo(54, 32);
        p.drawPath(line);
        p.end();
        icon.addPixmap(pm);
    }
    return icon;
}

} // namespace qd
