// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "widgets/tiledata.h"

#include <QFrame>

class QLabel;

namespace qd {

class FitLabel;
class SparklineWidget;

/// One queue on the war-room wall, readable from across a room: the status as a shape, a word and a colour
/// (never the colour alone), the depth as the biggest number, the age of the oldest job under it, a
/// sparkline, the rates and how fresh it all is. Its fonts grow with the tile, and no text is ever clipped:
/// names are elided, numbers drawn smaller (FitLabel). Enter or a click opens the queue; P pins it.
class WallTile final : public QFrame
{
    Q_OBJECT
public:
    explicit WallTile(QWidget *parent = nullptr);
    Q_DISABLE_COPY_MOVE(WallTile)

    void setData(const TileData &data, bool pinned);
    const TileData &tileData() const { return m_data; }
    bool isPinned() const { return m_pinned; }
    /// The size the design is drawn for at scale 1; a tile may be larger (fonts grow) but not smaller.
    static QSize designSize();
    /// Scale of the screen (1 = 1920×1080); the tile's own size scales the fonts further, up to twice.
    void setScale(double scale);

Q_SIGNALS:
    void activated(const QString &connectionId, const QString &queue);
    void pinToggled(const QString &connectionId, const QString &queue);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void applyFonts();
    void updateTexts();

    TileData m_data;
    bool m_pinned = false;
    double m_scale = 1.0;
    double m_fontScale = 0.0;
    QLabel *m_icon;
    FitLabel *m_name;
    FitLabel *m_status;
    FitLabel *m_connection;
    FitLabel *m_depth;
    FitLabel *m_depthCaption;
    FitLabel *m_oldest;
    FitLabel *m_failed;
    SparklineWidget *m_spark;
    FitLabel *m_rates;
    FitLabel *m_updated;
};

} // namespace qd
