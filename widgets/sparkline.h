// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QColor>
#include <QList>
#include <QRectF>
#include <QStyledItemDelegate>
#include <QWidget>

class QPainter;

namespace qd {

/// A small trend line (oldest value left), scaled to its own min/max with a zero baseline when it fits,
/// filled faintly beneath so it reads at a glance; the last value is marked with a dot.
void paintSparkline(QPainter &painter, const QRectF &rect, const QList<double> &values, const QColor &color);

/// Paints a sparkline in a table cell from a model role holding QList<double> (as Wireshark does in its lists).
/// A sparkline on its own: recent waiting depths, oldest first, in the palette's "waiting" colour.
class SparklineWidget final : public QWidget
{
    Q_OBJECT
public:
    explicit SparklineWidget(QWidget *parent = nullptr);
    Q_DISABLE_COPY_MOVE(SparklineWidget)
    void setValues(const QList<double> &values);

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QList<double> m_values;
};

class SparklineDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit SparklineDelegate(int role, QObject *parent = nullptr);
    Q_DISABLE_COPY_MOVE(SparklineDelegate)
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    int m_role;
};

} // namespace qd
