// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/audit/auditlog.h"
#include "core/jobs.h"
#include "core/recipients/userrule.h"
#include "widgets/queueactiondialog.h"

#include <functional>
#include <optional>

#include <QPointer>
#include <QWidget>

class QBoxLayout;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableView;

namespace qd {

class AuditLog;
class Backend;
class BulkDialog;
class IncidentTimeline;
class JobActionsBar;
class JobDetailPane;
class JobExportDialog;
class JobFilterBar;
class ResendDialog;
class NotifyDialog;
class Outbox;
class JobTableModel;

/// The jobs of one queue, top to bottom: the actions bar (the selection, all matching, the users, the queue), the
/// filter bar (state, search, class, field, stuck), an unfinished bulk run to resume, the classes waiting, the paged
/// table and the selected job's detail pane, and the listing's status. It runs what the bars ask for — conditional
/// on the state shown, confirmed with the exact count, journaled and audited by core — and says what it did.
class JobBrowser final : public QWidget
{
    Q_OBJECT
public:
    explicit JobBrowser(QWidget *parent = nullptr);
    Q_DISABLE_COPY_MOVE(JobBrowser)

    void setAuditLog(AuditLog *audit, const QString &operatorName);
    /// The desktop's incident timeline: core puts the sentence of every action run from here on it (not owned).
    void setTimeline(IncidentTimeline *timeline);
    /// Where "Tell Affected Users" queues its messages (null: the button says why it is off).
    void setOutbox(Outbox *outbox);
    /// Opens "Tell Affected Users" for the jobs matching the state and search shown.
    NotifyDialog *openNotify();
    void setQueue(Backend *backend, const QString &connectionId, const QString &queue);
    void setState(JobState state);
    /// The search box's text, as if typed and Enter pressed.
    void setSearch(const QString &text);
    bool isSearchStoppable() const;
    /// Narrows the list (and "All Matching") beyond the backend's search: class, a payload field, stuck.
    void setFilter(const QString &className, const QString &fieldPointer, const QString &fieldValue);
    /// "Stuck": waiting longer than the queue's latency threshold, or running longer than the max run time.
    void setStuck(bool stuck);
    void setStuckThresholds(qint64 waitingSeconds, qint64 runningSeconds);
    JobFilter currentFilter() const;
    /// The queue, state and search the browser shows (without paging).
    JobQuery shownQuery() const;
    /// Where the user rule Tell Affected Users last worked with on this connection is remembered, and that rule.
    std::optional<UserRule> savedUserRule() const;
    QString classesText() const;
    JobTableModel *model() const { return m_model; }
    QString detailText() const;
    QString statusText() const;
    /// Acts on the selected rows without asking (the buttons ask first); Move goes to `targetQueue`.
    void actOnSelection(ActionKind kind, const QString &targetQueue = {});
    /// Opens the bulk dialog for every job matching the state and search shown (not just the loaded page).
    /// `targetQueue`: where a Move sends the jobs (asked for when empty).
    BulkDialog *openBulk(ActionKind kind, const QString &targetQueue = {});
    /// Queue → Pause Queue / Resume Queue, where the backend has its own paused state (BullMQ); audited.
    /// Pausing asks first; resuming does not.
    void setQueuePaused(bool pause);
    /// Pauses or resumes without asking, writes the audit row and reports through actionDone().
    void applyQueuePaused(bool pause);
    /// Edit & Resend… for the selected failed, dead or scheduled job (Capabilities::payloadEdit).
    ResendDialog *openResend();
    /// All Matching → Export…: the jobs the state, search and filters match, to CSV or JSON Lines.
    JobExportDialog *openExport();
    /// Opens the bulk dialog on the newest unfinished bulk action of this connection (see resumeText()).
    BulkDialog *openResume();
    /// Whole-queue actions where the backend has them (RabbitMQ): move every message, purge. Non-modal.
    QueueActionDialog *openQueueAction(QueueActionDialog::Mode mode);
    /// Where a move's destination list comes from (the connection's queues); set by the detail view.
    void setQueueNames(std::function<QStringList()> provider) { m_queueNames = std::move(provider); }
    QString resumeText() const;
    /// "Copy as JSON": the selected job (summary, payload parsed where it is JSON, full error) to the clipboard.
    QString selectedJobJson() const;
    /// How many jobs share the selected failed job's class and first error line ("" until counted).
    QString similarText() const;
    /// What to search for to find the jobs that failed like `errorLine`: its message, the part after the exception
    /// class ("RuntimeError: printer on fire" → "printer on fire"), since Sidekiq keeps class and message in
    /// separate fields, so the whole line is in no job's text. Found jobs are then compared whole.
    static QString similarSearchText(const QString &errorLine);
    /// Opens the bulk dialog for every job with the selected job's error line (same queue and state).
    BulkDialog *openBulkSimilar(ActionKind kind);

Q_SIGNALS:
    /// An action finished: its sentence for the status line, e.g. "retried 3 failed job(s) in print (1 skipped:
    /// no longer failed)" (core has put it on the timeline already).
    void actionDone(const QString &connectionId, const QString &summary);

protected:
    void changeEvent(QEvent *event) override;

private:
    // The constructor's parts, top to bottom.
    void buildResumeBar(QBoxLayout *root);
    void buildTableAndDetail(QBoxLayout *root);
    void buildStatusRow(QBoxLayout *root);
    void connectBars();
    void connectModel();
    void retranslate();
    void reload();
    void loadClasses();
    void showDetail();
    void updateButtons();
    void confirmAndAct(ActionKind kind);
    void checkUnfinished();
    void countSimilar(const JobDetail &detail);
    void countSimilar(const JobQuery &query, const JobSummary &shown, quint64 generation);
    void watch(BulkDialog *dialog);

    Backend *m_backend = nullptr;
    AuditLog *m_audit = nullptr;
    QPointer<IncidentTimeline> m_timeline;
    QString m_operator;
    QString m_connectionId;
    QString m_queue;
    JobTableModel *m_model;
    JobActionsBar *m_actions;
    JobFilterBar *m_filters;
    QTableView *m_table;
    JobDetailPane *m_detail;
    QString m_moveTarget;
    std::function<QStringList()> m_queueNames;
    Outbox *m_outbox = nullptr;
    QWidget *m_resumeBar;
    QLabel *m_resumeLabel;
    QPushButton *m_resume;
    std::optional<BulkJournalEntry> m_unfinished;
    QLabel *m_status;
    QProgressBar *m_searchProgress;
    QPushButton *m_stopSearch;
    QLabel *m_classes; ///< what the waiting jobs are, by class (hidden where unsupported)
    std::optional<JobDetail> m_shown; ///< the job in the detail pane
    quint64 m_classesGeneration = 0;
    quint64 m_detailGeneration = 0;
};

} // namespace qd
