// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QLabel>

namespace qd {

/// A one-line plain-text label that never clips: whatever width the layout gives it, the text is either
/// elided (with the full text as tooltip) or drawn in a smaller font, down to a floor. For views whose
/// sizes are set by the screen, not by their text: the war-room wall, tiles.
class FitLabel final : public QLabel
{
    Q_OBJECT
public:
    enum class Fit : quint8 {
        Elide,  ///< shorten the text with "…" (names, messages)
        Shrink, ///< keep the text whole and make the font smaller (numbers, times)
    };
    explicit FitLabel(Fit fit = Fit::Elide, QWidget *parent = nullptr);
    Q_DISABLE_COPY_MOVE(FitLabel)

    void setFullText(const QString &text);
    QString fullText() const { return m_full; }
    /// The font size the text is drawn at when it fits; Shrink may go down to `floor` of it.
    void setPixelSize(int px, bool bold = false, double floor = 0.5);
    void setElideMode(Qt::TextElideMode mode) { m_elide = mode; refit(); }
    /// True when the text on screen is shortened (elided, or drawn smaller than asked for).
    bool isShortened() const;

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void refit();

    Fit m_fit;
    Qt::TextElideMode m_elide = Qt::ElideRight;
    QString m_full;
    int m_px = 0;
    bool m_bold = false;
    double m_floor = 0.5;
};

} // namespace qd
