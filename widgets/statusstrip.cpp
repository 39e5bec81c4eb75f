// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/statusstrip.h"

#include "core/clock.h"
#include "core/collector.h"
#include "models/freshness.h"
#include "core/textsafety.h"

#include <QEvent>

namespace qd {

StatusStrip::StatusStrip(Collector *collector, QWidget *parent) : QLabel(parent), m_collector(collector)
{
    setTextFormat(Qt::PlainText);
    connect(collector, &Collector::snapshotReady, this, &StatusStrip::refresh);
    connect(collector, &Collector::connectionAdded, this, &StatusStrip::refresh);
    connect(collector, &Collector::connectionRemoved, this, &StatusStrip::refresh);
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &StatusStrip::refresh);
    m_timer.start();
    refresh();
}

void StatusStrip::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        refresh();
    }
    QLabel::changeEvent(event);
}

void StatusStrip::refresh()
{
    setAccessibleName(tr("Connection status"));
    QStringList parts;
    QStringList errors;
    const QDateTime now = m_collector->clock()->now();
    const qint64 staleAfter = 3 * qint64(m_collector->interval().count());
    for (const QString &id : m_collector->connectionIds()) {
        const QString name = escapeForDisplay(m_collector->displayName(id), 60);
        const Snapshot latest = m_collector->latest(id);
        const Snapshot good = m_collector->lastGood(id);
        if (!latest.takenAt.isValid()) {
            parts << tr("%1: connecting…").arg(name);
        } else if (!latest.ok()) {
            parts << tr("✖ %1: unreachable — %2, %3")
                         .arg(name, escapeForDisplay(latest.error, 160), Freshness::age(good.takenAt, now, staleAfter));
            errors << latest.error;
        } else {
            parts << tr("● %1: %2").arg(name, Freshness::age(good.takenAt, now, staleAfter));
        }
    }
    setText(parts.isEmpty() ? tr("No connections") : parts.join(QStringLiteral("   ")));
    setToolTip(errors.join(u'\n'));
}

} // namespace qd
