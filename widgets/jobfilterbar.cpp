// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/jobfilterbar.h"

#include "models/freshness.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace qd {

JobFilterBar::JobFilterBar(QWidget *parent)
    : QWidget(parent), m_stateLabel(new QLabel(this)), m_state(new QComboBox(this)), m_search(new QLineEdit(this)),
      m_onlyLabel(new QLabel(this)), m_classFilter(new QLineEdit(this)), m_fieldPointer(new QLineEdit(this)),
      m_fieldValue(new QLineEdit(this)), m_order(new QComboBox(this)), m_stuck(new QPushButton(this))
{
    for (JobState s : {JobState::Waiting, JobState::Running, JobState::Scheduled, JobState::Failed, JobState::Dead,
                       JobState::Completed}) {
        m_state->addItem(jobStateText(s), int(s));
    }
    m_search->setClearButtonEnabled(true);
    m_classFilter->setClearButtonEnabled(true);
    m_order->addItem(QString(), int(JobOrder::Oldest)); // named in retranslate()
    m_order->addItem(QString(), int(JobOrder::MostAttempts));
    m_order->setVisible(false);
    m_stuck->setCheckable(true);

    auto *column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    auto *first = new QHBoxLayout();
    first->addWidget(m_stateLabel);
    first->addWidget(m_state);
    first->addWidget(m_search, 1);
    column->addLayout(first);
    auto *only = new QHBoxLayout();
    only->addWidget(m_onlyLabel);
    only->addWidget(m_classFilter, 1);
    only->addWidget(m_fieldPointer, 1);
    only->addWidget(m_fieldValue, 1);
    only->addWidget(m_order);
    only->addWidget(m_stuck);
    column->addLayout(only);

    connect(m_state, &QComboBox::currentIndexChanged, this, &JobFilterBar::changed);
    connect(m_order, &QComboBox::currentIndexChanged, this, &JobFilterBar::changed);
    for (QLineEdit *e : {m_search, m_classFilter, m_fieldPointer, m_fieldValue}) {
        connect(e, &QLineEdit::returnPressed, this, &JobFilterBar::changed);
    }
    connect(m_stuck, &QPushButton::toggled, this, [this](bool on) {
        if (on && state() != JobState::Waiting && state() != JobState::Running) {
            m_state->setCurrentIndex(m_state->findData(int(JobState::Waiting))); // says changed()
            return;
        }
        Q_EMIT changed();
    });
    retranslate();
}

JobState JobFilterBar::state() const
{
    return JobState(m_state->currentData().toInt());
}

void JobFilterBar::setState(JobState state)
{
    m_state->setCurrentIndex(m_state->findData(int(state)));
}

QString JobFilterBar::search() const
{
    return m_search->text().trimmed();
}

void JobFilterBar::setSearchText(const QString &text)
{
    m_search->setText(text);
}

JobFilter JobFilterBar::filter() const
{
    JobFilter f;
    f.className = m_classFilter->text().trimmed();
    f.fieldPointer = m_fieldPointer->text().trimmed();
    f.fieldValue = m_fieldValue->text().trimmed();
    if (m_stuck->isChecked()) {
        f.minAgeSeconds = state() == JobState::Running ? m_stuckRunningS : m_stuckWaitingS;
    }
    return f;
}

void JobFilterBar::setFilterFields(const QString &className, const QString &fieldPointer, const QString &fieldValue)
{
    m_classFilter->setText(className);
    m_fieldPointer->setText(fieldPointer);
    m_fieldValue->setText(fieldValue);
}

void JobFilterBar::setStuck(bool stuck)
{
    m_stuck->setChecked(stuck);
}

void JobFilterBar::setStuckThresholds(qint64 waitingSeconds, qint64 runningSeconds)
{
    m_stuckWaitingS = waitingSeconds;
    m_stuckRunningS = runningSeconds;
    m_stuck->setToolTip(tr("Waiting longer than %1, or running longer than %2")
                            .arg(Freshness::duration(double(waitingSeconds)), Freshness::duration(double(runningSeconds))));
}

JobOrder JobFilterBar::order() const
{
    return JobOrder(m_order->currentData().toInt());
}

void JobFilterBar::setOrderAvailable(bool available)
{
    m_order->setVisible(available);
}

void JobFilterBar::retranslate()
{
    m_stateLabel->setText(tr("State:"));
    m_state->setAccessibleName(tr("Job state"));
    for (int i = 0; i < m_state->count(); ++i) {
        m_state->setItemText(i, jobStateText(JobState(m_state->itemData(i).toInt())));
    }
    m_search->setPlaceholderText(tr("Search payload and error… (Enter)"));
    m_onlyLabel->setText(tr("Only:"));
    m_classFilter->setPlaceholderText(tr("Class (exact)"));
    m_classFilter->setAccessibleName(tr("Class filter"));
    m_fieldPointer->setPlaceholderText(tr("Field: /args/0/user_id"));
    m_fieldPointer->setToolTip(
        tr("A JSON pointer into the job (Delayed::Job YAML too), arg:N or re:…; with the value on the right"));
    m_fieldPointer->setAccessibleName(tr("Field filter"));
    m_fieldValue->setPlaceholderText(tr("= value"));
    m_fieldValue->setAccessibleName(tr("Field value"));
    m_order->setItemText(m_order->findData(int(JobOrder::Oldest)), tr("Oldest first"));
    m_order->setItemText(m_order->findData(int(JobOrder::MostAttempts)), tr("Most attempts first"));
    m_order->setAccessibleName(tr("Order"));
    m_order->setToolTip(tr("Sorted by the server, across every job (not only those loaded): the poison jobs of a "
                           "million-row dead set on the first page"));
    m_stuck->setText(tr("&Stuck"));
    setStuckThresholds(m_stuckWaitingS, m_stuckRunningS); // its tooltip
}

void JobFilterBar::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        retranslate();
    }
    QWidget::changeEvent(event);
}

} // namespace qd
