// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/bulkdialog.h"
#include "core/timeline/incidenttimeline.h"

#include "core/actions/actiontexts.h"
#include "core/backend.h"
#include "core/clock.h"
#include "models/freshness.h"
#include "core/textsafety.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace qd {

BulkDialog::BulkDialog(Backend *backend, AuditLog *audit, const BulkSpec &spec, QWidget *parent)
    : QDialog(parent), m_backend(backend), m_audit(audit), m_spec(spec)
{
    build();
    attach(new BulkRun(backend, audit, spec, this));
    m_title->setText(tr("Finding the jobs to %1…").arg(verb()));
    m_run->resolve();
}

BulkDialog::BulkDialog(Backend *backend, AuditLog *audit, const BulkJournalEntry &resume, QWidget *parent)
    : QDialog(parent), m_backend(backend), m_audit(audit), m_resuming(true), m_resumeEntry(resume)
{
    m_spec.kind = parseActionName(resume.action.section(u':', 0, 0)).value_or(ActionKind::Retry);
    m_spec.targetQueue = resume.action.section(u':', 1);
    m_spec.expected = parseJobState(resume.expectedState).value_or(JobState::Failed);
    build();
    attach(BulkRun::resume(backend, audit, resume, 0, this));
    m_title->setText(tr("Resume bulk action #%1: %2 %3 job(s), %4 of them not yet done.")
                         .arg(resume.id)
                         .arg(verb())
                         .arg(Freshness::count(resume.jobIds.size()))
                         .arg(Freshness::count(resume.jobIds.size() - resume.next)));
    m_preview->setPlainText(tr("Started %1 by %2 on %3\nSelected by: %4\nSo far: %5 acted on, %6 skipped.%7\n\n"
                               "Jobs already handled are skipped, never acted on twice.")
                                .arg(QLocale().toString(resume.startedAt.toLocalTime(), QLocale::ShortFormat),
                                     escapeForDisplay(resume.operatorName, 60), escapeForDisplay(resume.connection, 200),
                                     escapeForDisplay(resume.filter, 300))
                                .arg(resume.succeeded)
                                .arg(resume.skipped)
                                .arg(resume.result.isEmpty() ? QString() : tr("\nStopped because: %1").arg(escapeForDisplay(resume.result, 300))));
    m_start->setText(tr("Resume"));
    m_start->setEnabled(true);
    m_bar->setRange(0, int(resume.jobIds.size()));
    m_bar->setValue(int(resume.next));
}

void BulkDialog::build()
{
    setWindowTitle(m_spec.kind == ActionKind::Retry ? tr("Bulk Retry") : m_spec.kind == ActionKind::Cancel ? tr("Bulk Cancel") : tr("Bulk Move"));
    setAttribute(Qt::WA_DeleteOnClose);
    auto *root = new QVBoxLayout(this);
    m_title = new QLabel(this);
    m_title->setTextFormat(Qt::PlainText);
    m_title->setWordWrap(true);
    QFont big = m_title->font();
    big.setBold(true);
    m_title->setFont(big);
    root->addWidget(m_title);
    m_preview = new QPlainTextEdit(this);
    m_preview->setReadOnly(true);
    m_preview->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_preview->setAccessibleName(tr("What the action touches"));
    root->addWidget(m_preview, 1);
    auto *form = new QFormLayout();
    m_rate = new QDoubleSpinBox(this);
    m_rate->setRange(0, 100000);
    m_rate->setDecimals(0);
    m_rate->setSpecialValueText(tr("no limit"));
    m_rate->setSuffix(tr(" jobs/s"));
    m_rate->setValue(m_spec.ratePerSecond);
    m_rate->setToolTip(tr("Spare a recovering system: at most this many jobs per second."));
    m_rate->setAccessibleName(tr("Rate limit"));
    form->addRow(tr("Rate limit:"), m_rate);
    root->addLayout(form);
    m_bar = new QProgressBar(this);
    m_bar->setRange(0, 1);
    m_bar->setValue(0);
    m_bar->setAccessibleName(tr("Progress"));
    root->addWidget(m_bar);
    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    root->addWidget(m_status);
    auto *buttons = new QDialogButtonBox(this);
    m_start = buttons->addButton(verb(), QDialogButtonBox::AcceptRole);
    m_start->setEnabled(false);
    m_stop = buttons->addButton(tr("Stop After This Batch"), QDialogButtonBox::ActionRole);
    m_stop->setEnabled(false);
    m_close = buttons->addButton(QDialogButtonBox::Close);
    root->addWidget(buttons);
    // Accept must not close the dialog: it starts the run, whose progress is shown here.
    disconnect(buttons, &QDialogButtonBox::accepted, this, nullptr);
    connect(m_start, &QPushButton::clicked, this, &BulkDialog::startRun);
    connect(m_stop, &QPushButton::clicked, this, [this] {
        m_run->cancel();
        m_stop->setEnabled(false);
        m_status->setText(tr("Stopping after the batch in flight…"));
    });
    connect(m_close, &QPushButton::clicked, this, &QDialog::close);
    resize(640, 420);
}

QString BulkDialog::verb() const
{
    switch (m_spec.kind) {
    case ActionKind::Retry: return tr("Retry");
    case ActionKind::Cancel: return tr("Cancel (delete)");
    case ActionKind::Move: return tr("Move to %1").arg(escapeForDisplay(m_spec.targetQueue, 60));
    }
    return {};
}

void BulkDialog::setTimeline(IncidentTimeline *timeline, const QString &connectionId)
{
    m_timeline = timeline;
    m_timelineConnection = connectionId;
    if (m_run) {
        m_run->setTimeline(timeline, connectionId);
    }
}

void BulkDialog::attach(BulkRun *run)
{
    m_run = run;
    run->setTimeline(m_timeline, m_timelineConnection);
    connect(run, &BulkRun::resolved, this, &BulkDialog::showPreview);
    connect(run, &BulkRun::failed, this, [this](const QString &e) {
        m_title->setText(tr("Nothing was changed."));
        m_status->setText(escapeForDisplay(e, 600));
        m_start->setEnabled(false);
        m_stop->setEnabled(false);
        m_rate->setEnabled(true);
    });
    connect(run, &BulkRun::progress, this, &BulkDialog::showProgress);
    connect(run, &BulkRun::finished, this, &BulkDialog::showSummary);
}

void BulkDialog::showPreview(const BulkPreview &p)
{
    if (m_resuming || m_run->isRunning()) {
        return;
    }
    const QString state = jobStateText(m_spec.expected);
    if (p.total == 0) {
        m_title->setText(tr("No %1 job matches: there is nothing to %2.").arg(state, verb().toLower()));
        return;
    }
    m_title->setText(tr("%1 %2 %3 job(s)?").arg(verb(), Freshness::count(p.total), state));
    QStringList lines;
    if (!p.classes.isEmpty()) {
        QList<QPair<qint64, QString>> byCount;
        for (auto it = p.classes.cbegin(); it != p.classes.cend(); ++it) {
            byCount.append({it.value(), it.key()});
        }
        std::sort(byCount.begin(), byCount.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
        lines << tr("%n class(es):", nullptr, int(byCount.size()));
        for (const auto &[n, name] : byCount.mid(0, 10)) {
            lines << QStringLiteral("  %1  %2").arg(Freshness::count(n), 10).arg(escapeForDisplay(name, 80));
        }
    }
    if (p.users) {
        lines << (p.withoutUser > 0 ? tr("Users: %1 by %2 (%3 job(s) without one)")
                                          .arg(Freshness::count(*p.users), escapeForDisplay(p.userRule, 120),
                                               Freshness::count(p.withoutUser))
                                    : tr("Users: %1 by %2").arg(Freshness::count(*p.users), escapeForDisplay(p.userRule, 120)));
    } else if (m_spec.filter) {
        lines << tr("Users: unknown — no user rule for this connection yet (Tell Affected Users… sets one)");
    }
    if (p.oldest.isValid()) {
        const double age = double(p.oldest.secsTo(m_backend ? m_backend->clock()->now() : QDateTime::currentDateTimeUtc()));
        lines << tr("Oldest: %1 ago").arg(Freshness::duration(std::max(0.0, age)));
    }
    if (!m_spec.filterText.isEmpty()) {
        lines << tr("Selected by: %1").arg(escapeForDisplay(m_spec.filterText, 300));
    }
    if (!p.sample.isEmpty()) {
        lines << QString() << tr("Sample:");
        for (const JobSummary &j : p.sample) {
            lines << QStringLiteral("  %1  %2  %3")
                         .arg(escapeForDisplay(j.id, 60), escapeForDisplay(j.className, 60), escapeForDisplay(j.errorLine, 100));
        }
    }
    lines << QString() << tr("Only jobs still %1 when their batch runs are touched; the others are skipped.").arg(state);
    m_preview->setPlainText(lines.join(u'\n'));
    m_bar->setRange(0, int(p.total));
    m_start->setText(tr("%1 %2 Job(s)").arg(verb(), Freshness::count(p.total)));
    m_start->setEnabled(true);
}

QString BulkDialog::previewText() const
{
    return m_title->text() + u'\n' + m_preview->toPlainText();
}

QString BulkDialog::statusText() const
{
    return m_status->text();
}

void BulkDialog::setRatePerSecond(double perSecond)
{
    m_rate->setValue(perSecond);
}

void BulkDialog::startRun()
{
    if (m_rate->value() != m_spec.ratePerSecond) {
        // The rate shapes the batches: a new run object with it, same journal entry when resuming.
        BulkSpec spec = m_run->spec();
        spec.ratePerSecond = m_rate->value();
        spec.batchSize = m_spec.batchSize;
        m_spec.ratePerSecond = spec.ratePerSecond;
        BulkRun *old = m_run;
        // A fresh run resolves the same filter again right before acting; a resume keeps its journal entry.
        attach(m_resuming ? BulkRun::resume(m_backend, m_audit, m_resumeEntry, spec.ratePerSecond, this)
                          : new BulkRun(m_backend, m_audit, spec, this));
        old->deleteLater();
    }
    m_start->setEnabled(false);
    m_rate->setEnabled(false);
    m_stop->setEnabled(true);
    m_status->setText(tr("Working…"));
    m_run->start();
}

void BulkDialog::showProgress(const BulkProgress &p)
{
    m_bar->setRange(0, int(p.total));
    m_bar->setValue(int(p.done));
    m_status->setText(tr("%1 of %2 done · %3 acted on · %4 skipped")
                          .arg(Freshness::count(p.done), Freshness::count(p.total), Freshness::count(p.succeeded),
                               Freshness::count(p.skipped)));
}

void BulkDialog::showSummary(const BulkSummary &s)
{
    m_stop->setEnabled(false);
    const QString done = pastTense(m_spec.kind);
    QString text = tr("%1 %2 · skipped %3 (no longer %4)")
                       .arg(Freshness::count(s.succeeded), done, Freshness::count(s.skipped), jobStateText(m_spec.expected));
    if (s.notAttempted > 0) {
        text += tr(" · %1 not attempted").arg(Freshness::count(s.notAttempted));
    }
    if (s.cancelled) {
        m_title->setText(tr("Stopped. Bulk action #%1 can be resumed from the job list.").arg(s.runId));
    } else if (!s.error.isEmpty()) {
        m_title->setText(tr("Interrupted: %1 — bulk action #%2 can be resumed from the job list.")
                             .arg(escapeForDisplay(s.error, 300))
                             .arg(s.runId));
    } else {
        m_title->setText(tr("Done."));
        m_bar->setValue(m_bar->maximum());
    }
    m_status->setText(text);
    Q_EMIT summaryReady(tr("bulk %1 #%2: %3").arg(verb().toLower()).arg(s.runId).arg(text));
}

} // namespace qd
