// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
// The dialogs the job browser opens: bulk actions, export, Tell Affected Users, Edit & Resend, and the Queue
// menu (move all, purge, pause and resume).
#include "widgets/jobbrowser.h"
#include "core/timeline/incidenttimeline.h"
#include "widgets/jobfilterbar.h"
#include "core/futurewatch.h"
#include "core/actions/operatoractions.h"
#include "core/audit/auditlog.h"
#include "core/backend.h"
#include "widgets/bulkdialog.h"
#include "widgets/jobexportdialog.h"
#include "widgets/notifydialog.h"
#include "widgets/resenddialog.h"
#include "models/freshness.h"
#include "models/jobtablemodel.h"
#include "core/recipients/userrule.h"
#include "core/settings/connectionsettings.h"
#include "core/textsafety.h"
#include <QClipboard>
#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QGuiApplication>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace qd {

NotifyDialog *JobBrowser::openNotify()
{
    if (!m_backend) {
        return nullptr;
    }
    auto *dialog = new NotifyDialog(m_backend, m_audit, m_outbox, m_operator, shownQuery(), this);
    dialog->setTimeline(m_timeline, m_connectionId);
    // The user rule is a property of the connection's jobs: remembered per connection, for queuedeckctl too.
    dialog->setUserRule(ConnectionSettings().userRule(m_connectionId));
    connect(dialog, &NotifyDialog::userRuleWorked, this,
            [id = m_connectionId](const QString &rule) { ConnectionSettings().setUserRule(id, rule); });
    connect(dialog, &NotifyDialog::sendFinished, this, [this](const QString &summary) { Q_EMIT actionDone(m_connectionId, summary); });
    dialog->show();
    return dialog;
}

BulkDialog *JobBrowser::openBulk(ActionKind kind, const QString &targetQueue)
{
    if (!m_backend || !m_audit) {
        return nullptr;
    }
    QString target = targetQueue.trimmed();
    if (kind == ActionKind::Move && target.isEmpty()) {
        bool ok = false;
        target = QInputDialog::getText(this, tr("Move All Matching"), tr("Move every matching job to the queue:"),
                                       QLineEdit::Normal, m_moveTarget, &ok)
                     .trimmed();
        if (!ok || target.isEmpty()) {
            return nullptr;
        }
        m_moveTarget = target;
    }
    BulkSpec spec;
    spec.kind = kind;
    spec.targetQueue = kind == ActionKind::Move ? target : QString();
    const JobQuery q = shownQuery();
    spec.expected = q.state;
    spec.filter = q;
    spec.narrow = currentFilter();
    spec.filterText = QStringLiteral("queue=%1 state=%2 search=%3 class=%4 field=%5=%6 min_age=%7s (GUI)")
                          .arg(m_queue, jobStateName(q.state), q.search, spec.narrow.className, spec.narrow.fieldPointer,
                               spec.narrow.fieldValue)
                          .arg(spec.narrow.minAgeSeconds);
    if (kind == ActionKind::Move) {
        spec.filterText += QStringLiteral(" to=") + target;
    }
    spec.operatorName = m_operator;
    // The blast radius names the users too, by the rule Tell Affected Users last worked with on this connection.
    spec.userRule = savedUserRule();
    auto *dialog = new BulkDialog(m_backend, m_audit, spec, this);
    watch(dialog);
    return dialog;
}

void JobBrowser::setQueuePaused(bool pause)
{
    if (!m_backend || !m_audit) {
        return;
    }
    const QString queue = escapeForDisplay(m_queue, 120);
    if (pause && QMessageBox::question(this, tr("Pause Queue"),
                                       tr("Pause %1? Its workers take no job from it until it is resumed; new jobs keep "
                                          "arriving and wait.")
                                           .arg(queue)) != QMessageBox::Yes) {
        return;
    }
    applyQueuePaused(pause);
}

void JobBrowser::applyQueuePaused(bool pause)
{
    if (!m_backend || !m_audit) {
        return;
    }
    const ActionContext context{m_operator, true, {}, m_timeline, m_connectionId};
    whenFinished(OperatorActions(m_audit).setQueuePaused(*m_backend, m_queue, pause, context), this,
                 [this](const ActionOutcome<PauseResult> &done) {
                     m_status->setText(done.summary);
                     Q_EMIT actionDone(m_connectionId, done.summary);
                 });
}

ResendDialog *JobBrowser::openResend()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (!m_backend || rows.size() != 1) {
        return nullptr;
    }
    const QString id = rows.first().data(JobTableModel::JobIdRole).toString();
    auto *dialog = new ResendDialog(m_backend, m_audit, m_operator, id, m_filters->state(), this);
    dialog->setTimeline(m_timeline, m_connectionId);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ResendDialog::finished, this, [this](bool ok, const QString &summary) {
        Q_EMIT actionDone(m_connectionId, summary);
        if (ok) {
            reload();
        }
    });
    dialog->show();
    return dialog;
}

JobExportDialog *JobBrowser::openExport()
{
    if (!m_backend) {
        return nullptr;
    }
    auto *dialog = new JobExportDialog(m_backend, shownQuery(), currentFilter(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show(); // not modal: a long export runs while the operator keeps looking
    return dialog;
}

BulkDialog *JobBrowser::openResume()
{
    if (!m_backend || !m_audit || !m_unfinished) {
        return nullptr;
    }
    auto *dialog = new BulkDialog(m_backend, m_audit, *m_unfinished, this);
    watch(dialog);
    m_resumeBar->hide();
    return dialog;
}

void JobBrowser::watch(BulkDialog *dialog)
{
    dialog->setTimeline(m_timeline, m_connectionId);
    connect(dialog, &BulkDialog::summaryReady, this, [this](const QString &summary) {
        Q_EMIT actionDone(m_connectionId, summary);
        reload();
        checkUnfinished();
    });
    dialog->show();
}

QueueActionDialog *JobBrowser::openQueueAction(QueueActionDialog::Mode mode)
{
    if (!m_backend) {
        return nullptr;
    }
    const QStringList names = m_queueNames ? m_queueNames() : QStringList();
    auto *dialog = new QueueActionDialog(mode, m_backend, m_audit, m_operator, m_queue, names, this);
    dialog->setTimeline(m_timeline, m_connectionId);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setUserRule(savedUserRule()); // the blast radius names the users too
    connect(dialog, &QueueActionDialog::finished, this, [this](bool, const QString &summary) {
        Q_EMIT actionDone(m_connectionId, summary);
        reload();
    });
    dialog->show();
    return dialog;
}

BulkDialog *JobBrowser::openBulkSimilar(ActionKind kind)
{
    if (!m_backend || !m_audit || !m_shown) {
        return nullptr;
    }
    BulkSpec spec;
    spec.kind = kind;
    spec.expected = m_shown->summary.state;
    JobQuery q;
    q.queue = m_queue;
    q.state = spec.expected;
    q.search = similarSearchText(m_shown->summary.errorLine);
    spec.filter = q;
    spec.narrow.className = m_shown->summary.className; // the same class, as the count says
    spec.filterText = QStringLiteral("queue=%1 state=%2 error=%3 (GUI: similar to %4)")
                          .arg(m_queue, jobStateName(q.state), q.search, m_shown->summary.id);
    spec.operatorName = m_operator;
    auto *dialog = new BulkDialog(m_backend, m_audit, spec, this);
    watch(dialog);
    return dialog;
}

} // namespace qd
