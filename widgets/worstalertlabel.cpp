// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/worstalertlabel.h"

#include "models/alertlistmodel.h"
#include "core/textsafety.h"
#include "widgets/theme.h"

#include <QEvent>
#include <QMouseEvent>

namespace qd {

WorstAlertLabel::WorstAlertLabel(QAbstractItemModel *alerts, QWidget *parent) : QLabel(parent), m_alerts(alerts)
{
    setTextFormat(Qt::PlainText); // alert texts carry queue names from the backend
    setCursor(Qt::PointingHandCursor);
    setMaximumWidth(fontMetrics().averageCharWidth() * 90);
    connect(m_alerts, &QAbstractItemModel::modelReset, this, &WorstAlertLabel::refresh);
    connect(m_alerts, &QAbstractItemModel::rowsInserted, this, &WorstAlertLabel::refresh);
    connect(m_alerts, &QAbstractItemModel::rowsRemoved, this, &WorstAlertLabel::refresh);
    connect(m_alerts, &QAbstractItemModel::dataChanged, this, &WorstAlertLabel::refresh);
    refresh();
}

void WorstAlertLabel::refresh()
{
    const int n = m_alerts->rowCount();
    QPalette pal = palette();
    pal.setColor(QPalette::WindowText, QPalette().color(QPalette::WindowText));
    if (n == 0) {
        setText(tr("No active alerts"));
        setToolTip({});
        setPalette(pal);
        return;
    }
    const auto state = AlertState(m_alerts->index(0, 0).data(AlertListModel::StateRole).toInt());
    const QString connection = escapeForDisplay(m_alerts->index(0, AlertListModel::ConnectionColumn).data().toString(), 60);
    const QString message = escapeForDisplay(m_alerts->index(0, AlertListModel::MessageColumn).data().toString(), 300);
    //: status bar: the worst active alert — state, connection, message; then how many more there are
    QString text = tr("%1 %2 · %3").arg(alertStateText(state), connection, message);
    if (n > 1) {
        text += tr(" (+%1 more)").arg(n - 1);
    }
    setToolTip(text);
    setText(fontMetrics().elidedText(text, Qt::ElideRight, maximumWidth()));
    if (state == AlertState::Crit || state == AlertState::Warn) {
        pal.setColor(QPalette::WindowText, Theme::color(state == AlertState::Crit ? Theme::Role::Crit : Theme::Role::Warn, pal));
    }
    setPalette(pal);
}

void WorstAlertLabel::mouseReleaseEvent(QMouseEvent *event)
{
    if (rect().contains(event->position().toPoint())) {
        Q_EMIT clicked();
    }
    QLabel::mouseReleaseEvent(event);
}

void WorstAlertLabel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        refresh();
    }
    QLabel::changeEvent(event);
}

} // namespace qd
