// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "welcomepage.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace qd {

WelcomePage::WelcomePage(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->addStretch(2);
    auto *title = new QLabel(tr("Welcome to Queuedeck"), this);
    QFont f = title->font();
    f.setPointSizeF(f.pointSizeF() * 2);
    f.setBold(true);
    title->setFont(f);
    title->setAlignment(Qt::AlignCenter);
    layout->addWidget(title);
    auto *text = new QLabel(tr("Live depth, age of the oldest job and worker status for your job queues.\n"
                               "Try the demo: a simulated Delayed::Job fleet whose workers die a minute in."),
                            this);
    text->setTextFormat(Qt::PlainText);
    text->setAlignment(Qt::AlignCenter);
    layout->addWidget(text);
    auto *row = new QHBoxLayout();
    row->addStretch();
    auto *demo = new QPushButton(tr("Open the &demo"), this);
    demo->setDefault(true);
    auto *add = new QPushButton(tr("&Add connection…"), this);
    row->addWidget(demo);
    row->addWidget(add);
    row->addStretch();
    layout->addSpacing(12);
    layout->addLayout(row);
    layout->addStretch(3);
    connect(demo, &QPushButton::clicked, this, &WelcomePage::openDemoRequested);
    connect(add, &QPushButton::clicked, this, &WelcomePage::addConnectionRequested);
}

} // namespace qd
