// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/queuetile.h"

#include "widgets/sparkline.h"
#include "core/textsafety.h"
#include "widgets/theme.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

namespace qd {

QueueTile::QueueTile(QWidget *parent) : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setCursor(Qt::PointingHandCursor);
    setAttribute(Qt::WA_Hover);
}

QSize QueueTile::sizeHint() const
{
    const int em = fontMetrics().height();
    return QSize(em * 19, em * 10);
}

void QueueTile::setData(const TileData &data)
{
    m_data = data;
    m_queueName = data.queue; // the real name, for activation; m_data.queue is the displayable form
    m_data.queue = escapeForDisplay(data.queue, 120);
    m_data.connection = escapeForDisplay(data.connection, 120);
    setAccessibleName(tr("Queue %1 on %2").arg(m_data.queue, m_data.connection));
    //: screen-reader summary of a queue tile: status, waiting count, oldest age, failed count, freshness
    setAccessibleDescription(tr("%1: %2 waiting, oldest %3, failed %4, %5")
                                 .arg(statusText(data.status), data.waiting, data.oldest, data.failed, data.updated)
                             + (data.consumers.isEmpty() ? QString() : QStringLiteral(", ") + data.consumers));
    setToolTip(data.error.isEmpty() ? QString() : tr("Last poll failed: %1").arg(escapeForDisplay(data.error, 400)));
    update();
}

void QueueTile::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    const bool dark = Theme::isDark(pal);
    const QColor accent = statusColor(m_data.status, dark);
    const QRectF r = QRectF(rect()).adjusted(1, 1, -1, -1);

    QPainterPath frame;
    frame.addRoundedRect(r, 6, 6);
    p.fillPath(frame, pal.color(QPalette::Base));
    p.setPen(QPen(hasFocus() || underMouse() ? pal.color(QPalette::Highlight) : pal.color(QPalette::Mid), 1));
    p.drawPath(frame);
    p.save();
    p.setClipPath(frame);
    p.fillRect(QRectF(r.left(), r.top(), 5, r.height()), accent); // status stripe
    p.restore();

    if (m_data.stale) {
        p.setOpacity(0.55); // stale numbers stay readable but visibly fade
    }
    const int em = fontMetrics().height();
    const qreal left = r.left() + 14;
    const qreal width = r.width() - 24;
    QFont base = font();

    // Line 1: queue name (bold, elided) and the status word with its icon.
    const QString status = statusText(m_data.status);
    QFont bold = base;
    bold.setBold(true);
    const QFontMetrics bfm(bold);
    const int statusWidth = fontMetrics().horizontalAdvance(status) + em + 4;
    p.setFont(bold);
    p.setPen(pal.color(QPalette::Text));
    p.drawText(QRectF(left, r.top() + 6, width - statusWidth, em * 1.3), Qt::AlignLeft | Qt::AlignVCenter,
               bfm.elidedText(m_data.queue, Qt::ElideMiddle, int(width - statusWidth - 6)));
    p.setFont(base);
    const QRectF statusRect(r.right() - 10 - statusWidth, r.top() + 6, statusWidth, em * 1.3);
    statusIcon(m_data.status, accent, em - 2).paint(&p, statusRect.toRect(), Qt::AlignLeft | Qt::AlignVCenter);
    p.setPen(accent);
    p.drawText(statusRect, Qt::AlignRight | Qt::AlignVCenter, status);

    // Line 2: connection, small and muted.
    QFont small = base;
    small.setPointSizeF(base.pointSizeF() * 0.85);
    p.setFont(small);
    QColor muted = pal.color(QPalette::Text);
    muted.setAlpha(150);
    p.setPen(muted);
    p.drawText(QRectF(left, r.top() + 6 + em * 1.3, width, em), Qt::AlignLeft | Qt::AlignVCenter,
               QFontMetrics(small).elidedText(m_data.connection, Qt::ElideRight, int(width)));

    // Big depth number with its label; details to the right.
    QFont huge = base;
    huge.setPointSizeF(base.pointSizeF() * 2.2);
    huge.setBold(true);
    p.setFont(huge);
    p.setPen(pal.color(QPalette::Text));
    const qreal numTop = r.top() + 8 + em * 2.3;
    const QRectF numRect(left, numTop, width * 0.45, em * 2.2);
    p.drawText(numRect, Qt::AlignLeft | Qt::AlignVCenter, QFontMetrics(huge).elidedText(m_data.waiting, Qt::ElideRight, int(numRect.width())));
    p.setFont(small);
    p.setPen(muted);
    p.drawText(QRectF(left, numTop + em * 2.2, width * 0.45, em), Qt::AlignLeft | Qt::AlignTop,
               QFontMetrics(small).elidedText(m_data.caption, Qt::ElideRight, int(width * 0.45)));

    const qreal dx = left + width * 0.47;
    const qreal dw = width * 0.53;
    QStringList details = {tr("oldest %1").arg(m_data.oldest), tr("failed %1").arg(m_data.failed)};
    if (!m_data.consumers.isEmpty()) {
        details << m_data.consumers;
    }
    p.setFont(base);
    p.setPen(pal.color(QPalette::Text));
    for (int i = 0; i < details.size(); ++i) {
        p.drawText(QRectF(dx, numTop + i * em * 1.1, dw, em * 1.1), Qt::AlignLeft | Qt::AlignVCenter,
                   fontMetrics().elidedText(details[i], Qt::ElideRight, int(dw)));
    }

    p.drawText(QRectF(left, numTop + em * 3.3, width, em * 1.1), Qt::AlignLeft | Qt::AlignVCenter,
               fontMetrics().elidedText(m_data.rates, Qt::ElideRight, int(width)));

    // Sparkline and freshness along the bottom.
    const qreal bottom = r.bottom() - 6;
    const QRectF spark(left, bottom - em * 2.0, width * 0.58, em * 1.6);
    paintSparkline(p, spark, m_data.history, Theme::color(Theme::Role::Waiting, pal));
    p.setFont(small);
    p.setPen(m_data.stale ? Theme::color(Theme::Role::Warn, pal) : muted);
    p.setOpacity(1.0);
    p.drawText(QRectF(left + width * 0.6, bottom - em * 1.2, width * 0.4, em * 1.1), Qt::AlignRight | Qt::AlignVCenter,
               QFontMetrics(small).elidedText(m_data.updated, Qt::ElideLeft, int(width * 0.4)));
}

void QueueTile::mouseReleaseEvent(QMouseEvent *event)
{
    if (rect().contains(event->position().toPoint())) {
        Q_EMIT activated(m_data.connectionId, m_queueName);
    }
}

void QueueTile::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter || event->key() == Qt::Key_Space) {
        Q_EMIT activated(m_data.connectionId, m_queueName);
        return;
    }
    QWidget::keyPressEvent(event);
}

} // namespace qd
