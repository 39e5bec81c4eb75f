// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/fitlabel.h"

#include <QFontMetrics>

#include <cmath>

namespace qd {

FitLabel::FitLabel(Fit fit, QWidget *parent) : QLabel(parent), m_fit(fit)
{
    setTextFormat(Qt::PlainText); // job data and queue names are never markup
    setWordWrap(false);
    // The layout decides the width; the text adapts to it (refit), not the other way round.
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
}

void FitLabel::setFullText(const QString &text)
{
    if (text == m_full && !this->text().isEmpty()) {
        return;
    }
    m_full = text;
    refit();
}

void FitLabel::setPixelSize(int px, bool bold, double floor)
{
    if (px == m_px && bold == m_bold && floor == m_floor) {
        return;
    }
    m_px = std::max(6, px);
    m_bold = bold;
    m_floor = floor;
    QFont f = font();
    f.setPixelSize(m_px);
    f.setBold(bold);
    setFont(f);
    // Fixed to the full size, so a number drawn smaller (Shrink) does not move the rows below it.
    // Measured as QLabel's size hint measures a line (font leading included).
    const int line = QFontMetrics(f).boundingRect(QRect(0, 0, 1 << 20, 1 << 20), Qt::AlignLeft, QStringLiteral("Ágy")).height();
    setFixedHeight(line + 2 * margin() + contentsMargins().top() + contentsMargins().bottom());
    refit();
}

bool FitLabel::isShortened() const
{
    return text() != m_full || (m_px > 0 && font().pixelSize() < m_px);
}

void FitLabel::resizeEvent(QResizeEvent *event)
{
    QLabel::resizeEvent(event);
    refit();
}

void FitLabel::refit()
{
    const int avail = contentsRect().width() - 2 * margin();
    if (avail <= 0) {
        setText(m_full);
        return;
    }
    if (m_fit == Fit::Shrink && m_px > 0) {
        QFont f = font();
        f.setPixelSize(m_px);
        const int needed = QFontMetrics(f).horizontalAdvance(m_full);
        if (needed > avail) {
            const int floorPx = std::max(6, int(std::floor(m_px * m_floor)));
            f.setPixelSize(std::max(floorPx, int(std::floor(m_px * double(avail) / needed))));
        }
        if (f.pixelSize() != font().pixelSize()) {
            setFont(f);
        }
    }
    // A pixel to spare: QLabel's size hint rounds the text's bounding box up.
    QString shown = fontMetrics().horizontalAdvance(m_full) <= avail - 1 ? m_full : fontMetrics().elidedText(m_full, m_elide, avail - 2);
    setText(shown);
    setToolTip(shown == m_full ? QString() : m_full);
}

} // namespace qd
