// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/sparkline.h"

#include "widgets/theme.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

namespace qd {

SparklineWidget::SparklineWidget(QWidget *parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Expanding);
}

void SparklineWidget::setValues(const QList<double> &values)
{
    if (values != m_values) {
        m_values = values;
        setAccessibleName(tr("Waiting jobs over time"));
        if (!values.isEmpty()) {
            const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
            //: screen-reader description of a sparkline: first, last, lowest and highest waiting count
            setAccessibleDescription(tr("from %L1 to %L2 (lowest %L3, highest %L4)")
                                         .arg(values.constFirst(), 0, 'f', 0)
                                         .arg(values.constLast(), 0, 'f', 0)
                                         .arg(*lo, 0, 'f', 0)
                                         .arg(*hi, 0, 'f', 0));
        }
        update();
    }
}

void SparklineWidget::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    paintSparkline(p, QRectF(rect()).adjusted(3, 3, -3, -3), m_values, Theme::color(Theme::Role::Waiting, palette()));
}

void paintSparkline(QPainter &p, const QRectF &rect, const QList<double> &values, const QColor &color)
{
    if (values.size() < 2 || rect.width() < 4 || rect.height() < 4) {
        return;
    }
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    const double min = std::min(0.0, *lo);
    const double span = std::max(1.0, *hi - min);
    const double step = rect.width() / double(values.size() - 1);
    QPainterPath line;
    for (qsizetype i = 0; i < values.size(); ++i) {
        const QPointF pt(rect.left() + double(i) * step, rect.bottom() - (values[i] - min) / span * rect.height());
        i == 0 ? line.moveTo(pt) : line.lineTo(pt);
    }
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    QPainterPath fill = line;
    fill.lineTo(rect.right(), rect.bottom());
    fill.lineTo(rect.left(), rect.bottom());
    fill.closeSubpath();
    QColor faint = color;
    faint.setAlpha(45);
    p.fillPath(fill, faint);
    p.setPen(QPen(color, 1.6));
    p.drawPath(line);
    p.setBrush(color);
    p.drawEllipse(line.currentPosition(), 2.2, 2.2);
    p.restore();
}

SparklineDelegate::SparklineDelegate(int role, QObject *parent) : QStyledItemDelegate(parent), m_role(role) {}

void SparklineDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QStyledItemDelegate::paint(painter, option, QModelIndex()); // background and selection only
    const auto values = index.data(m_role).value<QList<double>>();
    const QColor c = option.state & QStyle::State_Selected ? option.palette.highlightedText().color()
                                                           : Theme::color(Theme::Role::Waiting, option.palette);
    paintSparkline(*painter, QRectF(option.rect).adjusted(3, 3, -3, -3), values, c);
}

QSize SparklineDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    return QStyledItemDelegate::sizeHint(option, index).expandedTo(QSize(90, 22));
}

} // namespace qd
