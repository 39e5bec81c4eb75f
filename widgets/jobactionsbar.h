// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/jobs.h"
#include "widgets/queueactiondialog.h"

#include <QWidget>

class QAction;
class QPushButton;

namespace qd {

class Backend;

/// What can be done with the jobs shown: the selection (Retry, Cancel, Move, Edit & Resend), every matching job (the
/// All Matching menu, with Export), their users (Tell Affected Users) and the whole queue (the Queue menu: move all,
/// purge, pause, resume). Each button and menu item is on only when the backend, the state shown, the selection and
/// the audit log allow it, and says why when it is off. It asks nothing and runs nothing: it says what was asked.
class JobActionsBar final : public QWidget
{
    Q_OBJECT
public:
    explicit JobActionsBar(QWidget *parent = nullptr);
    Q_DISABLE_COPY_MOVE(JobActionsBar)

    /// What decides which actions are on.
    struct Context
    {
        Backend *backend = nullptr; ///< none: nothing shown yet
        JobState state = JobState::Waiting;
        qsizetype selected = 0;     ///< rows selected
        bool audited = false;       ///< the audit log can be written (no log, no action)
    };
    void update(const Context &context);

Q_SIGNALS:
    /// Retry, Cancel Jobs or Move… on the selected rows.
    void selectionActionRequested(qd::ActionKind kind);
    void resendRequested();
    /// Retry, Cancel or Move All Matching….
    void allMatchingRequested(qd::ActionKind kind);
    void exportRequested();
    void tellUsersRequested();
    void queueActionRequested(qd::QueueActionDialog::Mode mode);
    void pauseRequested(bool pause);

protected:
    void changeEvent(QEvent *event) override;

private:
    void buildMenus();
    void retranslate();
    void explain(const Context &context);

    QPushButton *m_retry;
    QPushButton *m_cancel;
    QPushButton *m_move;
    QPushButton *m_resend;
    QPushButton *m_bulk;
    QPushButton *m_notify;
    QPushButton *m_queueActions;
    // The two menus' items by name (never looked up by position).
    QAction *m_bulkRetry = nullptr;
    QAction *m_bulkCancel = nullptr;
    QAction *m_bulkMove = nullptr;
    QAction *m_bulkExport = nullptr;
    QAction *m_queueMove = nullptr;
    QAction *m_queuePurge = nullptr;
    QAction *m_queueSeparator = nullptr;
    QAction *m_queuePause = nullptr;
    QAction *m_queueResume = nullptr;
    Context m_context;
};

} // namespace qd
