// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/actions/bulkrun.h"

#include <QDialog>
#include <QPointer>

class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace qd {

class IncidentTimeline;

/// A bulk retry or cancel, start to finish: first the blast radius (exact count, classes, oldest job and a
/// sample — nothing has changed yet), then progress with Cancel (stops after the batch in flight), then the
/// summary: acted on, skipped (no longer in the state shown), not attempted — and Resume when it stopped early.
/// Non-modal: the dashboard keeps updating while thousands of jobs are retried.
class BulkDialog final : public QDialog
{
    Q_OBJECT
public:
    /// A new run over `spec` (a selection, or every job matching its filter).
    BulkDialog(Backend *backend, AuditLog *audit, const BulkSpec &spec, QWidget *parent = nullptr);
    /// Continues a journaled run (cancelled, interrupted, or cut short by a crash).
    BulkDialog(Backend *backend, AuditLog *audit, const BulkJournalEntry &resume, QWidget *parent = nullptr);
    Q_DISABLE_COPY_MOVE(BulkDialog)

    BulkRun *run() const { return m_run; }
    /// The desktop's incident timeline, where core puts the sentence of each action run from here (not owned).
    void setTimeline(IncidentTimeline *timeline, const QString &connectionId);
    QString previewText() const;
    QString statusText() const;
    QPushButton *startButton() const { return m_start; }
    QPushButton *stopButton() const { return m_stop; }
    void setRatePerSecond(double perSecond);

Q_SIGNALS:
    /// The run ended (done, cancelled or interrupted): a sentence for the incident timeline.
    void summaryReady(const QString &summary);

private:
    void build();
    void attach(BulkRun *run);
    void showPreview(const BulkPreview &preview);
    void showProgress(const BulkProgress &progress);
    void showSummary(const BulkSummary &summary);
    void startRun();
    QString verb() const;

    Backend *m_backend;
    AuditLog *m_audit;
    QPointer<IncidentTimeline> m_timeline;
    QString m_timelineConnection;
    BulkSpec m_spec;
    BulkRun *m_run = nullptr;
    bool m_resuming = false;
    BulkJournalEntry m_resumeEntry;
    QLabel *m_title = nullptr;
    QPlainTextEdit *m_preview = nullptr;
    QDoubleSpinBox *m_rate = nullptr;
    QProgressBar *m_bar = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_start = nullptr;
    QPushButton *m_stop = nullptr;
    QPushButton *m_close = nullptr;
};

} // namespace qd
