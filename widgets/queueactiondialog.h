// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/actions/bulkrun.h"
#include "core/recipients/userrule.h"

#include <QDialog>
#include <QPointer>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace qd {

class IncidentTimeline;

class AuditLog;
class Backend;

/// Whole-queue actions (RabbitMQ): move every message of a queue — a dead-letter queue back to where its
/// messages died, or to a queue the operator names — and purge. Both first count what they would touch (a dry
/// run against the server), a purge wants the queue's name typed again, both run server-side with a busy
/// bar, write the same audit row as `queuedeckctl move|purge`, and end with the counts before and after.
class QueueActionDialog final : public QDialog
{
    Q_OBJECT
public:
    enum class Mode { Move, Purge };

    /// `otherQueues` fills the destination list of a move (its first entry is "where they died").
    QueueActionDialog(Mode mode, Backend *backend, AuditLog *audit, const QString &operatorName, const QString &queue,
                      const QStringList &otherQueues, QWidget *parent = nullptr);
    ~QueueActionDialog() override;
    Q_DISABLE_COPY_MOVE(QueueActionDialog)

    /// The desktop's incident timeline, where core puts the sentence of each action run from here (not owned).
    void setTimeline(IncidentTimeline *timeline, const QString &connectionId);

    QString statusText() const;
    qint64 messageCount() const { return m_counted; } ///< the dry run's count, -1 until it answered
    QPushButton *runButton() const { return m_run; }
    void setTarget(const QString &queue); ///< a move's destination; empty: where the messages died
    void setConfirmation(const QString &typed);
    /// The connection's user rule: a purge's blast radius then names the users in its sample too.
    void setUserRule(const std::optional<UserRule> &rule) { m_rule = rule; }
    /// The blast radius (blastRadiusText of a peeked sample), once known; also in the audit row.
    QString blastRadius() const { return m_radius; }
    void run();

Q_SIGNALS:
    void counted(qint64 messages);
    /// A move in batches (over AMQP) reports after each one; a shovel moves in one go and reports only the end.
    void progressed(qint64 moved, qint64 total);
    /// The action ended; `summary` is what the status bar and the timeline say.
    void finished(bool ok, const QString &summary);

private:
    void count();
    void sample(qint64 total);
    QString target() const; ///< a move's destination as chosen or typed; empty: where the messages died
    void updateState();
    void setStatus(const QString &text, bool bad);

    Mode m_mode;
    Backend *m_backend;
    AuditLog *m_audit;
    QString m_operator;
    QPointer<IncidentTimeline> m_timeline;
    QString m_timelineConnection;
    QString m_queue;
    QLabel *m_what;
    QComboBox *m_target = nullptr;
    QLineEdit *m_confirm = nullptr;
    QProgressBar *m_busy;
    QLabel *m_status;
    QPushButton *m_run;
    QDialogButtonBox *m_buttons;
    qint64 m_counted = -1;
    std::optional<UserRule> m_rule;
    QString m_radius;
    std::optional<BulkPreview> m_preview; ///< the sample behind m_radius, for the audit row
    bool m_sampleAsked = false;
    bool m_sampling = false; ///< the sample's peek holds messages until RabbitMQ requeues them: no run meanwhile
    QLabel *m_sample = nullptr;
    quint64 m_countGeneration = 0; ///< a newer count (the destination changed) wins over an older one
    bool m_running = false;
    bool m_done = false;
};

} // namespace qd
