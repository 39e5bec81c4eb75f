// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
// The job browser's fixed texts, set here once and again after a change of language.
#include "widgets/jobbrowser.h"

#include <QComboBox>
#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableView>

namespace qd {

void JobBrowser::retranslate()
{
    m_stateLabel->setText(tr("State:"));
    m_state->setAccessibleName(tr("Job state"));
    m_search->setPlaceholderText(tr("Search payload and error… (Enter)"));
    m_retry->setText(tr("&Retry"));
    m_cancel->setText(tr("&Cancel Jobs"));
    m_move->setText(tr("Mo&ve…"));
    m_move->setToolTip(tr("Move the selected jobs to another queue, if they are still in the state shown"));
    m_resend->setText(tr("&Edit && Resend…"));
    m_bulk->setText(tr("All &Matching"));
    m_bulkRetry->setText(tr("Retry All Matching…"));
    m_bulkCancel->setText(tr("Cancel All Matching…"));
    m_bulkMove->setText(tr("Move All Matching…"));
    m_bulkExport->setText(tr("Export All Matching…"));
    m_bulk->setToolTip(tr("Act on every job matching the state and search, in batches, with progress"));
    m_notify->setText(tr("Tell &Affected Users…"));
    m_notify->setToolTip(tr("Who these jobs belong to, and one message to each of them"));
    m_stopSearch->setText(tr("Stop Search"));
    m_stopSearch->setToolTip(tr("Keep the jobs found so far and stop looking"));
    m_queueActions->setText(tr("&Queue"));
    m_queueMove->setText(tr("Move All Messages…"));
    m_queuePurge->setText(tr("Purge Queue…"));
    m_queuePause->setText(tr("Pause Queue…"));
    m_queueResume->setText(tr("Resume Queue"));
    m_queueActions->setToolTip(
        tr("Act on the whole queue: move every message (a dead-letter queue back where its messages "
           "died), or delete them all"));
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
    m_resume->setText(tr("Resume…"));
    m_classes->setAccessibleName(tr("Job classes"));
    m_table->horizontalHeader()->setToolTip(
        tr("Click to sort the jobs loaded so far; the backend lists the oldest first"));
    m_table->setAccessibleName(tr("Jobs"));
    m_similar->setAccessibleName(tr("Similar jobs"));
    m_similarRetry->setText(tr("Retry All Similar…"));
    m_similarRetry->setToolTip(tr("Every job in this queue and state with the same error, in batches"));
    m_copyJson->setText(tr("Copy as &JSON"));
    m_copyJson->setToolTip(tr("The selected job as JSON: summary, payload and full error"));
    m_detail->setAccessibleName(tr("Job payload and error"));
    updateButtons(); // tooltips that say why an action is off
}

void JobBrowser::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        retranslate();
    }
    QWidget::changeEvent(event);
}

} // namespace qd
