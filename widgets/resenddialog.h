// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/jobs.h"

#include <QDialog>
#include <QPointer>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QRadioButton;

namespace qd {

class IncidentTimeline;

class AuditLog;
class Backend;

/// Edit & Resend: a failed, dead or scheduled job's payload in a JSON editor (pretty-printed; bidi controls
/// shown as \u escapes, which mean the same JSON), checked as you type by the backend's own rules, with a
/// line diff against the original. Resend enqueues the edit as a new job or in place of the original, only if
/// the original is still where it was; the audit row keeps the payload before and after.
class ResendDialog final : public QDialog
{
    Q_OBJECT
public:
    ResendDialog(Backend *backend, AuditLog *audit, const QString &operatorName, const QString &jobId, JobState expected,
                 QWidget *parent = nullptr);
    ~ResendDialog() override;
    Q_DISABLE_COPY_MOVE(ResendDialog)

    /// The desktop's incident timeline, where core puts the sentence of each action run from here (not owned).
    void setTimeline(IncidentTimeline *timeline, const QString &connectionId);

    QPlainTextEdit *editor() const { return m_editor; }
    QPushButton *resendButton() const { return m_resend; }
    void setInPlace(bool inPlace);
    bool isLoaded() const { return m_loaded; }
    QString validationText() const;
    QString diffText() const;
    QString statusText() const;
    void resend(); ///< without asking (the button asks nothing more: the dialog is the confirmation)

    /// The JSON text pretty-printed for editing, with bidi controls and other invisible format characters
    /// written as \u escapes (the same JSON value, but nothing reorders or hides what the operator reads).
    static QString editableJson(const QString &payload);
    /// A line diff, "- " removed, "+ " added, "  " unchanged (at most `maxLines` lines each side; else a note).
    static QString lineDiff(const QString &before, const QString &after, int maxLines = 2000);

Q_SIGNALS:
    void finished(bool ok, const QString &summary);

private:
    void validate();
    void setStatus(const QString &text, bool bad);

    Backend *m_backend;
    AuditLog *m_audit;
    QString m_operator;
    QPointer<IncidentTimeline> m_timeline;
    QString m_timelineConnection;
    QString m_jobId;
    JobState m_expected;
    QString m_original; ///< editableJson() of the payload as loaded
    bool m_loaded = false;
    bool m_valid = false;
    QLabel *m_what;
    QPlainTextEdit *m_editor;
    QLabel *m_validation;
    QPlainTextEdit *m_diff;
    QRadioButton *m_asNew;
    QRadioButton *m_inPlace;
    QLabel *m_status;
    QPushButton *m_resend;
};

} // namespace qd
