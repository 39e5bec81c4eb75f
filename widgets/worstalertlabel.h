// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QLabel>

class QAbstractItemModel;

namespace qd {

/// The worst active alert, always visible in the status bar: "CRIT Cards · print: oldest job waited 12 h 00 m
/// (+5 more)". Reads an AlertListModel (worst first); transient status messages come and go beside it. Clicking it
/// asks for the alert list.
class WorstAlertLabel final : public QLabel
{
    Q_OBJECT
public:
    explicit WorstAlertLabel(QAbstractItemModel *alerts, QWidget *parent = nullptr);
    Q_DISABLE_COPY_MOVE(WorstAlertLabel)

Q_SIGNALS:
    void clicked();

protected:
    void mouseReleaseEvent(QMouseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void refresh();

    QAbstractItemModel *m_alerts;
};

} // namespace qd
