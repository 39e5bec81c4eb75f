// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "app/gui/welcomepage.h"

#include <QEvent>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace qd {

WelcomePage::WelcomePage(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->addStretch(2);
    m_title = new QLabel(this);
    QFont f = m_title->font();
    f.setPointSizeF(f.pointSizeF() * 2);
    f.setBold(true);
    m_title->setFont(f);
    m_title->setAlignment(Qt::AlignCenter);
    layout->addWidget(m_title);
    m_text = new QLabel(this);
    m_text->setTextFormat(Qt::PlainText);
    m_text->setAlignment(Qt::AlignCenter);
    layout->addWidget(m_text);
    auto *row = new QHBoxLayout();
    row->addStretch();
    m_demo = new QPushButton(this);
    m_demo->setDefault(true);
    m_add = new QPushButton(this);
    row->addWidget(m_demo);
    row->addWidget(m_add);
    row->addStretch();
    layout->addSpacing(12);
    layout->addLayout(row);
    layout->addStretch(3);
    connect(m_demo, &QPushButton::clicked, this, &WelcomePage::openDemoRequested);
    connect(m_add, &QPushButton::clicked, this, &WelcomePage::addConnectionRequested);
    retranslate();
}

void WelcomePage::retranslate()
{
    m_title->setText(tr("Welcome to Queuedeck"));
    m_text->setText(tr("Live depth, age of the oldest job and worker status for your job queues.\n"
                       "Try the demo: a simulated Delayed::Job fleet whose workers die a minute in."));
    m_demo->setText(tr("Open the &demo"));
    m_add->setText(tr("&Add connection…"));
}

void WelcomePage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        retranslate();
    }
    QWidget::changeEvent(event);
}

} // namespace qd
