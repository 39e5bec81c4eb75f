// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "models/queuestatus.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QHash>
#include <QPainter>
#include <QPainterPath>
#include <QPalette>
#include <QPixmap>

namespace qd {

QueueStatus queueStatus(const QueueStats &stats, bool pollFailed, const StatusThresholds &t)
{
    if (pollFailed) {
        return QueueStatus::Unknown;
    }
    if (stats.isDeadLetterQueue()) {
        return QueueStatus::Ok; // letters grow old by nature; the rule engine's dead-letter rule judges them
    }
    if (!stats.oldestAgeSeconds) {
        return QueueStatus::Unknown;
    }
    if (*stats.oldestAgeSeconds >= t.critOldestSeconds) {
        return QueueStatus::Crit;
    }
    if (*stats.oldestAgeSeconds >= t.warnOldestSeconds) {
        return QueueStatus::Warn;
    }
    // A lower bound below the levels says nothing: the job may be far older.
    return stats.oldestAgeIsLowerBound && *stats.oldestAgeSeconds > 0 ? QueueStatus::Unknown : QueueStatus::Ok;
}

QueueStatus worseOf(QueueStatus a, QueueStatus b)
{
    return statusSeverity(b) > statusSeverity(a) ? b : a;
}

int statusSeverity(QueueStatus s)
{
    switch (s) {
    case QueueStatus::Crit: return 3;
    case QueueStatus::Warn: return 2;
    case QueueStatus::Unknown: return 1;
    case QueueStatus::Ok: return 0;
    }
    return 0;
}

QString statusText(QueueStatus s)
{
    switch (s) {
    case QueueStatus::Ok: return QCoreApplication::translate("qd::QueueStatus", "OK");
    case QueueStatus::Warn: return QCoreApplication::translate("qd::QueueStatus", "Warning");
    case QueueStatus::Crit: return QCoreApplication::translate("qd::QueueStatus", "Critical");
    case QueueStatus::Unknown: return QCoreApplication::translate("qd::QueueStatus", "Unknown");
    }
    return {};
}

QColor statusColor(QueueStatus s, bool dark)
{
    switch (s) {
    case QueueStatus::Ok: return dark ? QColor(0x4c, 0xc3, 0x8a) : QColor(0x1b, 0x8a, 0x5a);
    case QueueStatus::Warn: return dark ? QColor(0xf0, 0xb4, 0x29) : QColor(0xb8, 0x7a, 0x00);
    case QueueStatus::Crit: return dark ? QColor(0xff, 0x6b, 0x5b) : QColor(0xc6, 0x28, 0x28);
    case QueueStatus::Unknown: return dark ? QColor(0x9a, 0x9a, 0x9a) : QColor(0x80, 0x80, 0x80);
    }
    return {};
}

QIcon statusIcon(QueueStatus s, const QColor &color, int size)
{
    QPixmap pm(size * 2, size * 2); // drawn at 2x so it stays crisp on high-DPI screens
    pm.setDevicePixelRatio(2.0);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF r(2, 2, size - 4, size - 4);
    p.setPen(QPen(color, 1.5));
    p.setBrush(color);
    switch (s) {
    case QueueStatus::Ok: p.drawEllipse(r); break;
    case QueueStatus::Warn: {
        QPainterPath tri;
        tri.moveTo(r.center().x(), r.top());
        tri.lineTo(r.right(), r.bottom());
        tri.lineTo(r.left(), r.bottom());
        tri.closeSubpath();
        p.drawPath(tri);
        break;
    }
    case QueueStatus::Crit: p.drawRect(r.adjusted(0.5, 0.5, -0.5, -0.5)); break;
    case QueueStatus::Unknown:
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(r.adjusted(0.5, 0.5, -0.5, -0.5));
        break;
    }
    p.end();
    return QIcon(pm);
}

QIcon cachedStatusIcon(QueueStatus s)
{
    // Freed by a post routine, before QGuiApplication is gone: pixmaps must not outlive it.
    static QHash<int, QIcon> *cache = nullptr;
    if (!cache) {
        cache = new QHash<int, QIcon>();
        qAddPostRoutine([] {
            delete cache;
            cache = nullptr;
        });
    }
    const bool dark = QGuiApplication::palette().color(QPalette::Window).lightness() < 128;
    const int key = int(s) * 2 + (dark ? 1 : 0);
    auto it = cache->constFind(key);
    if (it == cache->constEnd()) {
        it = cache->insert(key, statusIcon(s, statusColor(s, dark)));
    }
    return *it;
}

} // namespace qd
