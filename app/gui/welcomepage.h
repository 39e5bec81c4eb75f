// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace qd {

/// First run: no connection yet. Offers the demo and the Add Connection dialog, with one line on each.
class WelcomePage final : public QWidget
{
    Q_OBJECT
public:
    explicit WelcomePage(QWidget *parent = nullptr);
    Q_DISABLE_COPY_MOVE(WelcomePage)

Q_SIGNALS:
    void openDemoRequested();
    void addConnectionRequested();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();

    QLabel *m_title;
    QLabel *m_text;
    QPushButton *m_demo;
    QPushButton *m_add;
};

} // namespace qd
