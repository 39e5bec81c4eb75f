// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/queueactiondialog.h"
#include "core/timeline/incidenttimeline.h"

#include "core/actions/bulkrun.h"
#include "core/actions/operatoractions.h"
#include "core/audit/auditlog.h"
#include "core/backend.h"
#include "core/clock.h"
#include "core/futurewatch.h"
#include "core/textsafety.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace qd {

QueueActionDialog::QueueActionDialog(Mode mode, Backend *backend, AuditLog *audit, const QString &operatorName,
                                     const QString &queue, const QStringList &otherQueues, QWidget *parent)
    : QDialog(parent), m_mode(mode), m_backend(backend), m_audit(audit), m_operator(operatorName), m_queue(queue)
{
    const QString shown = escapeForDisplay(queue, 120);
    setWindowTitle(mode == Mode::Move ? tr("Move All Messages — %1").arg(shown) : tr("Purge Queue — %1").arg(shown));
    auto *layout = new QVBoxLayout(this);
    m_what = new QLabel(this);
    m_what->setTextFormat(Qt::PlainText);
    m_what->setWordWrap(true);
    layout->addWidget(m_what);
    m_sample = new QLabel(this);
    m_sample->setTextFormat(Qt::PlainText);
    m_sample->setWordWrap(true);
    m_sample->hide();
    layout->addWidget(m_sample);
    auto *form = new QFormLayout;
    if (mode == Mode::Move) {
        m_target = new QComboBox(this);
        m_target->setEditable(true);
        m_target->addItem(tr("Where they were dead-lettered from"), QString());
        for (const QString &q : otherQueues) {
            if (q != queue) {
                m_target->addItem(escapeForDisplay(q, 120), q);
            }
        }
        m_target->setAccessibleName(tr("Destination queue"));
        // What moves where depends on the destination (a queue that is not a DLQ needs one): count again.
        connect(m_target, &QComboBox::currentIndexChanged, this, &QueueActionDialog::count);
        connect(m_target->lineEdit(), &QLineEdit::editingFinished, this, &QueueActionDialog::count);
        form->addRow(tr("&To:"), m_target);
        auto *note =
            new QLabel(tr("RabbitMQ moves them itself (a shovel that deletes itself when done); Queuedeck never "
                          "holds the messages, so closing it or losing the network loses nothing."),
                       this);
        note->setTextFormat(Qt::PlainText);
        note->setWordWrap(true);
        note->setEnabled(false);
        form->addRow(QString(), note);
    } else {
        m_confirm = new QLineEdit(this);
        m_confirm->setPlaceholderText(tr("Type the queue's name to confirm"));
        m_confirm->setAccessibleName(tr("Queue name, typed to confirm the purge"));
        form->addRow(tr("&Confirm:"), m_confirm);
        connect(m_confirm, &QLineEdit::textChanged, this, &QueueActionDialog::updateState);
    }
    layout->addLayout(form);
    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0);
    m_busy->setVisible(false);
    m_busy->setAccessibleName(tr("Working"));
    layout->addWidget(m_busy);
    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_run = m_buttons->addButton(mode == Mode::Move ? tr("&Move") : tr("&Purge"), QDialogButtonBox::DestructiveRole);
    layout->addWidget(m_buttons);
    connect(m_run, &QPushButton::clicked, this, &QueueActionDialog::run);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    resize(sizeHint().expandedTo(QSize(520, 0)));
    m_what->setText(tr("Counting the messages in %1…").arg(shown));
    count();
    updateState();
}

QueueActionDialog::~QueueActionDialog()
{
    // The combo's line edit says "editing finished" as it is destroyed, after this part of the dialog is gone.
    if (m_target) {
        m_target->lineEdit()->disconnect(this);
        m_target->disconnect(this);
    }
}

QString QueueActionDialog::statusText() const
{
    return m_status->text();
}

void QueueActionDialog::setTarget(const QString &queue)
{
    if (!m_target) {
        return;
    }
    const int i = m_target->findData(queue);
    if (i >= 0) {
        m_target->setCurrentIndex(i);
    } else {
        m_target->setEditText(queue);
    }
}

void QueueActionDialog::setConfirmation(const QString &typed)
{
    if (m_confirm) {
        m_confirm->setText(typed);
    }
}

void QueueActionDialog::setStatus(const QString &text, bool bad)
{
    m_status->setText(text);
    QPalette pal = m_status->palette();
    pal.setColor(QPalette::WindowText, bad ? QColor(0xc6, 0x28, 0x28) : palette().color(QPalette::WindowText));
    m_status->setPalette(pal);
}

QString QueueActionDialog::target() const
{
    if (!m_target) {
        return {};
    }
    if (m_target->currentIndex() < 0 || m_target->currentText() != m_target->itemText(m_target->currentIndex())) {
        return m_target->currentText().trimmed(); // typed by hand
    }
    return m_target->currentData().toString();
}

void QueueActionDialog::count()
{
    if (m_running || m_done) {
        return;
    }
    m_counted = -1;
    ++m_countGeneration;
    const QString shown = escapeForDisplay(m_queue, 120);
    auto report = [this, shown, generation = m_countGeneration](qint64 before, const QString &to, const QString &error) {
        if (generation != m_countGeneration) {
            return; // the destination changed meanwhile: a newer count is on its way
        }
        if (!error.isEmpty()) {
            m_what->setText(tr("Could not count the messages in %1.").arg(shown));
            setStatus(escapeForDisplay(error, 400), true);
            updateState();
            return;
        }
        m_counted = before;
        setStatus(QString(), false);
        m_what->setText(
            m_mode == Mode::Move
                ? tr("%n message(s) in %1 will move to %2.", nullptr, int(before)).arg(shown, escapeForDisplay(to, 120))
                : tr("%n message(s) in %1 will be deleted. This cannot be undone.", nullptr, int(before)).arg(shown));
        updateState();
        Q_EMIT counted(before);
        if (before > 0 && !m_sampleAsked) { // once: a new destination changes the count, not what is in the queue
            m_sampleAsked = true;
            sample(before);
        }
    };
    if (m_mode == Mode::Move) {
        whenFinished(m_backend->moveMessages(MoveRequest{m_queue, target(), true}), this,
                     [report](const MoveResult &r) { report(r.before, r.to, r.error); });
    } else {
        whenFinished(m_backend->purgeQueue(m_queue, true), this,
                     [report](const PurgeResult &r) { report(r.before, QString(), r.error); });
    }
}

void QueueActionDialog::sample(qint64 total)
{
    // What a purge destroys or a move sends, beyond the count: a peek at the first messages (RabbitMQ gives them
    // back, marked redelivered), their classes, users and age — the same line goes into the audit row.
    JobQuery q;
    q.queue = m_queue;
    q.state = JobState::Waiting;
    q.limit = 200;
    q.withPayload = true;
    m_sampling = true;
    updateState();
    whenFinished(m_backend->jobs(q), this, [this, total](const JobPage &page) {
        m_sampling = false;
        updateState();
        if (!page.error.isEmpty()) {
            m_sample->setText(tr("No sample of the messages: %1").arg(escapeForDisplay(page.error, 300)));
            m_sample->show();
            return;
        }
        const BulkPreview p = sampledPreview(total, page.jobs, m_rule, m_backend->clock()->now());
        m_preview = p;
        m_radius = blastRadiusText(p);
        QStringList classes;
        for (auto it = p.classes.cbegin(); it != p.classes.cend() && classes.size() < 5; ++it) {
            classes << QStringLiteral("%1 ×%2").arg(escapeForDisplay(it.key().isEmpty() ? tr("(no type)") : it.key(), 60)).arg(it.value());
        }
        m_sample->setText(tr("Blast radius: %1.").arg(escapeForDisplay(m_radius, 400))
                          + (classes.isEmpty() ? QString() : u'\n' + tr("Classes: %1").arg(classes.join(QStringLiteral(", "))))
                          + (m_rule ? QString() : u'\n' + tr("Users: unknown — no user rule for this connection yet")));
        m_sample->show();
    });
}

void QueueActionDialog::updateState()
{
    const bool confirmed = !m_confirm || m_confirm->text() == m_queue;
    const Capabilities caps = m_backend->capabilities();
    const bool allowed = m_mode == Mode::Move ? caps.moveToQueue : caps.purge;
    m_run->setEnabled(!m_running && !m_done && !m_sampling && m_audit && allowed && m_counted > 0 && confirmed);
    if (!allowed) {
        setStatus(m_mode == Mode::Move
                      ? tr("This connection may not move messages (a read-only profile, or a user without "
                           "the administrator or policymaker tag).")
                      : tr("This connection may not purge queues (a read-only profile)."),
                  true);
    } else if (!m_audit) {
        setStatus(tr("The audit log is unavailable, so this action is off."), true);
    } else if (m_counted == 0 && !m_done) {
        setStatus(tr("The queue is empty: nothing to do."), false);
    }
}

void QueueActionDialog::run()
{
    if (!m_run->isEnabled()) {
        return;
    }
    m_running = true;
    m_busy->setVisible(true);
    if (m_target) {
        m_target->setEnabled(false);
    }
    if (m_confirm) {
        m_confirm->setEnabled(false);
    }
    setStatus(m_mode == Mode::Move ? tr("Moving… RabbitMQ moves them server-side.") : tr("Purging…"), false);
    updateState();
    ActionContext context{m_operator, true, {}, m_timeline, m_timelineConnection};
    context.blastRadius = m_preview;
    auto end = [this](bool ok, const QString &summary) {
        m_running = false;
        m_done = true;
        m_busy->setVisible(false);
        setStatus(summary, !ok);
        updateState();
        Q_EMIT finished(ok, summary);
    };
    if (m_mode == Mode::Move) {
        MoveRequest request{m_queue, target(), false};
        // Called on the backend's thread after each batch: hop to this one (and not at all once we are gone).
        request.progress = [self = QPointer<QueueActionDialog>(this)](const MoveResult &sofar) {
            QMetaObject::invokeMethod(
                self,
                [self, moved = sofar.moved, total = sofar.before] {
                    if (!self) {
                        return;
                    }
                    self->m_busy->setRange(0, int(std::max<qint64>(total, moved)));
                    self->m_busy->setValue(int(moved));
                    self->setStatus(tr("Moved %1 of %2 so far, in batches; each acknowledged at the source only "
                                       "once RabbitMQ confirmed it.")
                                        .arg(moved)
                                        .arg(total),
                                    false);
                    Q_EMIT self->progressed(moved, total);
                },
                Qt::QueuedConnection);
        };
        whenFinished(OperatorActions(m_audit).move(*m_backend, request, context), this,
                     [end](const ActionOutcome<MoveResult> &done) { end(done.ok, done.summary); });
    } else {
        whenFinished(OperatorActions(m_audit).purge(*m_backend, m_queue, false, context), this,
                     [end](const ActionOutcome<PurgeResult> &done) { end(done.ok, done.summary); });
    }
}

void QueueActionDialog::setTimeline(IncidentTimeline *timeline, const QString &connectionId)
{
    m_timeline = timeline;
    m_timelineConnection = connectionId;
}

} // namespace qd
