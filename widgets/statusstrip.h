// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QLabel>
#include <QTimer>

namespace qd {

class Collector;

/// One line for the status bar: every connection with its state and data age, errors spelled out
/// ("Prod: unreachable — connection refused, last data 12:03:10").
class StatusStrip final : public QLabel
{
    Q_OBJECT
public:
    explicit StatusStrip(Collector *collector, QWidget *parent = nullptr);
    Q_DISABLE_COPY_MOVE(StatusStrip)
    void refresh();

protected:
    void changeEvent(QEvent *event) override;

private:
    Collector *m_collector;
    QTimer m_timer;
};

} // namespace qd
