// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "widgets/tiledata.h"

#include <QList>
#include <QWidget>

namespace qd {

/// One queue at a glance: status (colour AND shape AND word), depth, oldest age, rates, failed, a sparkline
/// and how fresh it all is. Stale data fades and says so. Click or Enter opens the queue.
class QueueTile final : public QWidget
{
    Q_OBJECT
public:
    explicit QueueTile(QWidget *parent = nullptr);
    Q_DISABLE_COPY_MOVE(QueueTile)
    void setData(const TileData &data);
    const TileData &tileData() const { return m_data; }
    QString queueName() const { return m_queueName; }
    QSize sizeHint() const override;

Q_SIGNALS:
    void activated(const QString &connectionId, const QString &queue);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    TileData m_data;
    QString m_queueName;
};

} // namespace qd
