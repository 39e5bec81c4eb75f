// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/jobactionsbar.h"

#include "core/backend.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QMenu>
#include <QPushButton>

namespace qd {

JobActionsBar::JobActionsBar(QWidget *parent)
    : QWidget(parent), m_retry(new QPushButton(this)), m_cancel(new QPushButton(this)), m_move(new QPushButton(this)),
      m_resend(new QPushButton(this)), m_bulk(new QPushButton(this)), m_notify(new QPushButton(this)),
      m_queueActions(new QPushButton(this))
{
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    for (QPushButton *b : {m_retry, m_cancel, m_move, m_resend, m_bulk, m_notify, m_queueActions}) {
        row->addWidget(b);
    }
    row->addStretch(1);
    buildMenus();
    connect(m_retry, &QPushButton::clicked, this, [this] { Q_EMIT selectionActionRequested(ActionKind::Retry); });
    connect(m_cancel, &QPushButton::clicked, this, [this] { Q_EMIT selectionActionRequested(ActionKind::Cancel); });
    connect(m_move, &QPushButton::clicked, this, [this] { Q_EMIT selectionActionRequested(ActionKind::Move); });
    connect(m_resend, &QPushButton::clicked, this, &JobActionsBar::resendRequested);
    connect(m_notify, &QPushButton::clicked, this, &JobActionsBar::tellUsersRequested);
    retranslate();
}

void JobActionsBar::buildMenus()
{
    auto *bulkMenu = new QMenu(m_bulk);
    m_bulkRetry = bulkMenu->addAction(QString(), this, [this] { Q_EMIT allMatchingRequested(ActionKind::Retry); });
    m_bulkCancel = bulkMenu->addAction(QString(), this, [this] { Q_EMIT allMatchingRequested(ActionKind::Cancel); });
    m_bulkMove = bulkMenu->addAction(QString(), this, [this] { Q_EMIT allMatchingRequested(ActionKind::Move); });
    bulkMenu->addSeparator();
    m_bulkExport = bulkMenu->addAction(QString(), this, &JobActionsBar::exportRequested);
    m_bulk->setMenu(bulkMenu);
    auto *queueMenu = new QMenu(m_queueActions);
    using Mode = QueueActionDialog::Mode;
    m_queueMove = queueMenu->addAction(QString(), this, [this] { Q_EMIT queueActionRequested(Mode::Move); });
    m_queuePurge = queueMenu->addAction(QString(), this, [this] { Q_EMIT queueActionRequested(Mode::Purge); });
    m_queueSeparator = queueMenu->addSeparator();
    m_queuePause = queueMenu->addAction(QString(), this, [this] { Q_EMIT pauseRequested(true); });
    m_queueResume = queueMenu->addAction(QString(), this, [this] { Q_EMIT pauseRequested(false); });
    queueMenu->setToolTipsVisible(true); // a disabled item says why
    m_queueActions->setMenu(queueMenu);
}

void JobActionsBar::update(const Context &context)
{
    m_context = context;
    Backend *backend = context.backend;
    const bool any = context.selected > 0;
    const bool audited = context.audited;
    const JobState st = context.state;
    const Capabilities caps = backend ? backend->capabilities() : Capabilities{};
    // No audit log, no action: every change to a production queue must be traceable.
    const bool retryable = caps.retry && audited && (st != JobState::Waiting || caps.retryWaiting);
    const bool movable = caps.moveJobs && audited && st != JobState::Running;
    m_retry->setEnabled(any && retryable);
    m_cancel->setEnabled(any && caps.cancel && audited);
    m_move->setEnabled(any && movable);
    m_move->setVisible(caps.moveJobs || !backend);
    const bool resendable = backend && backend->resendableStates().contains(st);
    m_resend->setEnabled(context.selected == 1 && caps.payloadEdit && resendable && audited);
    m_bulk->setEnabled(backend != nullptr); // exporting needs no audit log: it changes nothing
    m_notify->setEnabled(backend != nullptr);
    m_queueActions->setVisible(caps.moveToQueue || caps.purge || caps.pause);
    m_queueActions->setEnabled(audited);
    m_queueMove->setEnabled(caps.moveToQueue);
    m_queuePurge->setEnabled(caps.purge);
    for (QAction *wholeQueue : {m_queueMove, m_queuePurge, m_queueSeparator}) {
        wholeQueue->setVisible(caps.moveToQueue || caps.purge);
    }
    for (QAction *pauseItem : {m_queuePause, m_queueResume}) {
        pauseItem->setEnabled(caps.pause);
    }
    m_bulkRetry->setEnabled(retryable);
    m_bulkCancel->setEnabled(caps.cancel && audited);
    m_bulkMove->setEnabled(movable);
    m_bulkMove->setVisible(caps.moveJobs);
    explain(context);
}

/// Tooltips: each action says what it does, or why it is off (Celery on Redis, for one, can delete waiting messages
/// but retry nothing).
void JobActionsBar::explain(const Context &context)
{
    Backend *backend = context.backend;
    const JobState st = context.state;
    const Capabilities caps = backend ? backend->capabilities() : Capabilities{};
    const bool resendable = backend && backend->resendableStates().contains(st);
    m_resend->setToolTip(!backend             ? QString()
                         : !caps.payloadEdit  ? backend->validatePayload(QString())
                         : !resendable        ? tr("Jobs that are %1 cannot be edited and resent here.").arg(jobStateText(st))
                         : !context.audited   ? tr("Actions are disabled: the audit log cannot be written.")
                         : context.selected != 1 ? tr("Select one job to edit it.")
                                              : tr("Edit the selected job's payload and send it again, as a new job or in place"));
    const QString pauseWhy = backend ? backend->pauseUnsupportedReason() : QString();
    for (QAction *pauseItem : {m_queuePause, m_queueResume}) {
        pauseItem->setToolTip(caps.pause ? QString() : pauseWhy); // RabbitMQ: why not, rather than nothing
    }
    const auto whyNot = [&](bool allowed) {
        return !backend            ? QString()
               : !allowed          ? tr("This connection does not allow this action (read-only or not supported).")
               : !context.audited  ? tr("Actions are disabled: the audit log cannot be written.")
                                   : QString();
    };
    const QString whyRetry = whyNot(caps.retry);
    const QString whyCancel = whyNot(caps.cancel);
    const QString why = whyNot(caps.retry || caps.cancel || caps.moveJobs);
    m_retry->setToolTip(whyRetry.isEmpty() ? tr("Retry the selected jobs now, if they are still %1").arg(jobStateText(st)) : whyRetry);
    m_cancel->setToolTip(whyCancel.isEmpty() ? tr("Delete the selected jobs, if they are still %1").arg(jobStateText(st)) : whyCancel);
    m_bulk->setToolTip(why.isEmpty() ? tr("Act on every job matching the state and search, in batches, with progress") : why);
}

void JobActionsBar::retranslate()
{
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
    m_notify->setText(tr("Tell &Affected Users…"));
    m_notify->setToolTip(tr("Who these jobs belong to, and one message to each of them"));
    m_queueActions->setText(tr("&Queue"));
    m_queueMove->setText(tr("Move All Messages…"));
    m_queuePurge->setText(tr("Purge Queue…"));
    m_queuePause->setText(tr("Pause Queue…"));
    m_queueResume->setText(tr("Resume Queue"));
    m_queueActions->setToolTip(
        tr("Act on the whole queue: move every message (a dead-letter queue back where its messages "
           "died), or delete them all"));
    explain(m_context); // tooltips that say why an action is off
}

void JobActionsBar::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        retranslate();
    }
    QWidget::changeEvent(event);
}

} // namespace qd
