// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/walltile.h"

#include "widgets/fitlabel.h"
#include "widgets/sparkline.h"
#include "core/textsafety.h"
#include "widgets/theme.h"

#include <QEvent>
#include <QGridLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <cmath>

namespace qd {

namespace {

/// Pixel sizes at scale 1 (a 1920×1080 wall); chosen so a 4×3 grid reads from the back of a room.
constexpr int NamePx = 28;
constexpr int StatusPx = 24;
constexpr int ConnectionPx = 17;
constexpr int DepthPx = 68;
constexpr int OldestPx = 30;
constexpr int SmallPx = 18;

} // namespace

WallTile::WallTile(QWidget *parent) : QFrame(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setCursor(Qt::PointingHandCursor);
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored); // the wall's grid decides; fonts follow
    setAutoFillBackground(false);

    m_icon = new QLabel(this);
    m_icon->setTextFormat(Qt::PlainText);
    m_name = new FitLabel(FitLabel::Fit::Elide, this);
    m_name->setElideMode(Qt::ElideMiddle); // queue names differ at both ends ("mail.eu.high")
    m_status = new FitLabel(FitLabel::Fit::Shrink, this);
    m_status->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_connection = new FitLabel(FitLabel::Fit::Elide, this);
    m_depth = new FitLabel(FitLabel::Fit::Shrink, this);
    m_depthCaption = new FitLabel(FitLabel::Fit::Shrink, this);
    m_depthCaption->setAlignment(Qt::AlignRight | Qt::AlignBottom);
    m_oldest = new FitLabel(FitLabel::Fit::Shrink, this);
    m_failed = new FitLabel(FitLabel::Fit::Shrink, this);
    m_failed->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_spark = new SparklineWidget(this);
    m_rates = new FitLabel(FitLabel::Fit::Elide, this);
    m_updated = new FitLabel(FitLabel::Fit::Elide, this);
    m_updated->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_updated->setElideMode(Qt::ElideLeft);

    auto *grid = new QGridLayout(this);
    grid->addWidget(m_icon, 0, 0);
    grid->addWidget(m_name, 0, 1);
    grid->addWidget(m_status, 0, 2);
    grid->addWidget(m_connection, 1, 0, 1, 3);
    grid->addWidget(m_depth, 2, 0, 1, 2);
    grid->addWidget(m_depthCaption, 2, 2, Qt::AlignBottom);
    grid->addWidget(m_oldest, 3, 0, 1, 2);
    grid->addWidget(m_failed, 3, 2);
    grid->addWidget(m_spark, 4, 0, 1, 3);
    grid->addWidget(m_rates, 5, 0, 1, 2);
    grid->addWidget(m_updated, 5, 2);
    // Named for tests and accessibility tools.
    const std::pair<QWidget *, const char *> names[] = {{m_name, "name"},     {m_status, "status"}, {m_connection, "connection"},
                                                        {m_depth, "depth"}, {m_depthCaption, "depthCaption"}, {m_oldest, "oldest"}, {m_failed, "failed"},
                                                        {m_rates, "rates"},   {m_updated, "updated"}, {m_spark, "sparkline"}};
    for (const auto &[w, name] : names) {
        w->setObjectName(QLatin1String(name));
    }
    grid->setColumnStretch(1, 5);
    grid->setColumnStretch(2, 4);
    grid->setRowStretch(4, 1);
    applyFonts();
}

QSize WallTile::designSize()
{
    return {430, 290};
}

void WallTile::setScale(double scale)
{
    m_scale = scale;
    applyFonts();
}

void WallTile::applyFonts()
{
    // The screen's scale, grown with the tile when few queues share the wall (up to twice as big).
    const QSize d = designSize();
    const double own = width() > 0 && height() > 0
                           ? std::min(double(width()) / (d.width() * m_scale), double(height()) / (d.height() * m_scale))
                           : 1.0;
    const double s = m_scale * std::clamp(own, 1.0, 2.0);
    if (std::abs(s - m_fontScale) < 0.01) {
        return;
    }
    m_fontScale = s;
    auto px = [s](int base) { return int(std::lround(base * s)); };
    const int margin = px(14);
    layout()->setContentsMargins(margin + px(6), margin, margin, margin); // the left edge carries the status stripe
    layout()->setSpacing(px(4));
    m_name->setPixelSize(px(NamePx), true);
    m_status->setPixelSize(px(StatusPx), true, 0.6);
    m_connection->setPixelSize(px(ConnectionPx));
    m_depth->setPixelSize(px(DepthPx), true, 0.3);
    m_depthCaption->setPixelSize(px(SmallPx + 4), true, 0.5);
    m_oldest->setPixelSize(px(OldestPx), true, 0.4);
    m_failed->setPixelSize(px(SmallPx + 4), true, 0.5);
    m_rates->setPixelSize(px(SmallPx));
    m_updated->setPixelSize(px(SmallPx));
    m_spark->setMinimumHeight(px(36));
    updateTexts();
}

void WallTile::setData(const TileData &data, bool pinned)
{
    m_data = data;
    m_pinned = pinned;
    updateTexts();
}

void WallTile::updateTexts()
{
    const QString queue = escapeForDisplay(m_data.queue, 200);
    const QString connection = escapeForDisplay(m_data.connection, 200);
    const int iconPx = int(std::lround(StatusPx * std::max(1.0, m_fontScale)));
    const QColor accent = statusColor(m_data.status, Theme::isDark(palette()));
    m_icon->setPixmap(statusIcon(m_data.status, accent, iconPx).pixmap(iconPx, iconPx));
    m_icon->setAccessibleName(statusText(m_data.status));
    m_name->setFullText(queue);
    m_status->setFullText(statusText(m_data.status).toUpper());
    //: war-room tile: connection name, with a note when the operator pinned the queue to the wall
    m_connection->setFullText(m_pinned ? tr("%1 · pinned").arg(connection) : connection);
    //: war-room tile: the big number is how many jobs wait; paused when the backend holds the queue
    m_depth->setFullText(m_data.waiting);
    m_depthCaption->setFullText(m_data.caption);
    m_oldest->setFullText(tr("oldest %1").arg(m_data.oldest));
    m_spark->setValues(m_data.history);
    m_failed->setFullText(m_data.consumers.isEmpty() ? tr("failed %1").arg(m_data.failed)
                                                     : tr("failed %1 · %2").arg(m_data.failed, m_data.consumers));
    m_rates->setFullText(m_data.rates);
    m_updated->setFullText(m_data.stale ? tr("STALE %1").arg(m_data.updated) : m_data.updated);

    QPalette pal = palette();
    QColor text = pal.color(QPalette::WindowText);
    QPalette accentPal = pal;
    accentPal.setColor(QPalette::WindowText, accent);
    m_status->setPalette(accentPal);
    QPalette warnPal = pal;
    warnPal.setColor(QPalette::WindowText, m_data.stale ? Theme::color(Theme::Role::Warn, pal) : text);
    m_updated->setPalette(warnPal);
    // Stale numbers fade (the freshness line says why), so an old "0" cannot pass for a live one.
    QPalette numberPal = pal;
    if (m_data.stale) {
        QColor faded = text;
        faded.setAlpha(130);
        numberPal.setColor(QPalette::WindowText, faded);
    }
    m_depth->setPalette(numberPal);
    m_depthCaption->setPalette(numberPal);
    m_failed->setPalette(numberPal);
    m_oldest->setPalette(m_data.status == QueueStatus::Crit || m_data.status == QueueStatus::Warn ? accentPal : numberPal);

    setAccessibleName(tr("Queue %1 on %2").arg(queue, connection));
    setAccessibleDescription(tr("%1: %2 waiting, oldest %3, failed %4, %5")
                                 .arg(statusText(m_data.status), m_data.waiting, m_data.oldest, m_data.failed, m_data.updated));
    setToolTip(m_data.error.isEmpty() ? QString() : tr("Last poll failed: %1").arg(escapeForDisplay(m_data.error, 400)));
    update();
}

void WallTile::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    const QColor accent = statusColor(m_data.status, Theme::isDark(pal));
    const double s = std::max(1.0, m_fontScale);
    const QRectF r = QRectF(rect()).adjusted(1.5 * s, 1.5 * s, -1.5 * s, -1.5 * s);
    QPainterPath frame;
    frame.addRoundedRect(r, 10 * s, 10 * s);
    p.fillPath(frame, pal.color(QPalette::Base));
    // A tint of the state's colour on critical and warning tiles: seen first, but the word and shape say it too.
    if (m_data.status == QueueStatus::Crit || m_data.status == QueueStatus::Warn) {
        QColor tint = accent;
        tint.setAlpha(m_data.status == QueueStatus::Crit ? 48 : 30);
        p.fillPath(frame, tint);
    }
    p.save();
    p.setClipPath(frame);
    p.fillRect(QRectF(r.left(), r.top(), 10 * s, r.height()), accent);
    p.restore();
    const bool focus = hasFocus();
    p.setPen(QPen(focus ? pal.color(QPalette::Highlight) : accent, (focus ? 4 : 2) * s));
    p.drawPath(frame);
}

void WallTile::resizeEvent(QResizeEvent *event)
{
    QFrame::resizeEvent(event);
    applyFonts();
}

void WallTile::changeEvent(QEvent *event)
{
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::LanguageChange) {
        updateTexts();
    }
}

void WallTile::mouseReleaseEvent(QMouseEvent *event)
{
    if (rect().contains(event->position().toPoint())) {
        Q_EMIT activated(m_data.connectionId, m_data.queue);
    }
}

void WallTile::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Return:
    case Qt::Key_Enter:
    case Qt::Key_Space: Q_EMIT activated(m_data.connectionId, m_data.queue); return;
    case Qt::Key_P: Q_EMIT pinToggled(m_data.connectionId, m_data.queue); return;
    default: QFrame::keyPressEvent(event);
    }
}

} // namespace qd
