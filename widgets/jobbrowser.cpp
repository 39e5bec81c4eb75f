// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/jobbrowser.h"
#include "core/jobs/pagewalker.h"
#include "core/futurewatch.h"

#include "core/actions/actiontexts.h"
#include "core/actions/bulkrun.h"
#include "core/audit/auditlog.h"
#include "core/backend.h"
#include "widgets/bulkdialog.h"
#include "widgets/jobexportdialog.h"
#include "widgets/notifydialog.h"
#include "widgets/resenddialog.h"
#include "models/freshness.h"
#include "models/jobtablemodel.h"
#include "core/recipients/userrule.h"
#include "core/textsafety.h"
#include "core/settings/connectionsettings.h"

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

JobBrowser::JobBrowser(QWidget *parent) : QWidget(parent), m_model(new JobTableModel(this))
{
    auto *root = new QVBoxLayout(this);
    buildActionsBar(root);
    buildFilterBar(root);
    buildResumeBar(root);
    m_classes = new QLabel(this);
    m_classes->setTextFormat(Qt::PlainText);
    m_classes->setWordWrap(true);
    m_classes->hide();
    root->addWidget(m_classes);
    buildTableAndDetail(root);
    buildStatusRow(root);
    connectModel();
    retranslate();
}

/// State, search, the selection's actions, All Matching, Tell Affected Users and the queue's menu.
void JobBrowser::buildActionsBar(QBoxLayout *root)
{
    auto *bar = new QHBoxLayout();
    m_state = new QComboBox(this);
    for (JobState s : {JobState::Waiting, JobState::Running, JobState::Scheduled, JobState::Failed, JobState::Dead,
                       JobState::Completed}) {
        m_state->addItem(jobStateText(s), int(s));
    }
    m_search = new QLineEdit(this);
    m_search->setClearButtonEnabled(true);
    m_retry = new QPushButton(this);
    m_cancel = new QPushButton(this);
    m_move = new QPushButton(this);
    m_resend = new QPushButton(this);
    m_stateLabel = new QLabel(this);
    bar->addWidget(m_stateLabel);
    bar->addWidget(m_state);
    bar->addWidget(m_search, 1);
    m_bulk = new QPushButton(this);
    auto *bulkMenu = new QMenu(m_bulk);
    m_bulkRetry = bulkMenu->addAction(QString(), this, [this] { openBulk(ActionKind::Retry); });
    m_bulkCancel = bulkMenu->addAction(QString(), this, [this] { openBulk(ActionKind::Cancel); });
    m_bulkMove = bulkMenu->addAction(QString(), this, [this] { openBulk(ActionKind::Move); });
    bulkMenu->addSeparator();
    m_bulkExport = bulkMenu->addAction(QString(), this, [this] { openExport(); });
    m_bulk->setMenu(bulkMenu);
    bar->addWidget(m_retry);
    bar->addWidget(m_cancel);
    bar->addWidget(m_move);
    bar->addWidget(m_resend);
    connect(m_resend, &QPushButton::clicked, this, [this] { openResend(); });
    bar->addWidget(m_bulk);
    m_notify = new QPushButton(this);
    connect(m_notify, &QPushButton::clicked, this, [this] { openNotify(); });
    bar->addWidget(m_notify);
    m_queueActions = new QPushButton(this);
    auto *queueMenu = new QMenu(m_queueActions);
    m_queueMove = queueMenu->addAction(QString(), this, [this] { openQueueAction(QueueActionDialog::Mode::Move); });
    m_queuePurge = queueMenu->addAction(QString(), this, [this] { openQueueAction(QueueActionDialog::Mode::Purge); });
    m_queueSeparator = queueMenu->addSeparator();
    m_queuePause = queueMenu->addAction(QString(), this, [this] { setQueuePaused(true); });
    m_queueResume = queueMenu->addAction(QString(), this, [this] { setQueuePaused(false); });
    queueMenu->setToolTipsVisible(true); // a disabled item says why
    m_queueActions->setMenu(queueMenu);
    bar->addWidget(m_queueActions);
    root->addLayout(bar);
    connect(m_state, &QComboBox::currentIndexChanged, this, &JobBrowser::reload);
    connect(m_search, &QLineEdit::returnPressed, this, &JobBrowser::reload);
    connect(m_retry, &QPushButton::clicked, this, [this] { confirmAndAct(ActionKind::Retry); });
    connect(m_cancel, &QPushButton::clicked, this, [this] { confirmAndAct(ActionKind::Cancel); });
    connect(m_move, &QPushButton::clicked, this, [this] { confirmAndAct(ActionKind::Move); });
}

/// Only: class, a payload field and its value, the server's order, "stuck".
void JobBrowser::buildFilterBar(QBoxLayout *root)
{
    auto *filters = new QHBoxLayout();
    m_classFilter = new QLineEdit(this);
    m_classFilter->setClearButtonEnabled(true);
    m_fieldPointer = new QLineEdit(this);
    m_fieldValue = new QLineEdit(this);
    m_order = new QComboBox(this);
    m_order->addItem(QString(), int(JobOrder::Oldest)); // named in retranslate()
    m_order->addItem(QString(), int(JobOrder::MostAttempts));
    m_order->setVisible(false);
    connect(m_order, &QComboBox::currentIndexChanged, this, [this] { reload(); });
    m_stuck = new QPushButton(this);
    m_stuck->setCheckable(true);
    m_onlyLabel = new QLabel(this);
    filters->addWidget(m_onlyLabel);
    filters->addWidget(m_classFilter, 1);
    filters->addWidget(m_fieldPointer, 1);
    filters->addWidget(m_fieldValue, 1);
    filters->addWidget(m_order);
    filters->addWidget(m_stuck);
    root->addLayout(filters);
    for (QLineEdit *e : {m_classFilter, m_fieldPointer, m_fieldValue}) {
        connect(e, &QLineEdit::returnPressed, this, &JobBrowser::reload);
    }
    connect(m_stuck, &QPushButton::toggled, this, [this](bool on) {
        const JobState st = JobState(m_state->currentData().toInt());
        if (on && st != JobState::Waiting && st != JobState::Running) {
            m_state->setCurrentIndex(m_state->findData(int(JobState::Waiting))); // reloads
            return;
        }
        reload();
    });
}

/// An unfinished bulk run of this connection, and Resume.
void JobBrowser::buildResumeBar(QBoxLayout *root)
{
    m_resumeBar = new QWidget(this);
    auto *resumeRow = new QHBoxLayout(m_resumeBar);
    resumeRow->setContentsMargins(0, 0, 0, 0);
    m_resumeLabel = new QLabel(m_resumeBar);
    m_resumeLabel->setTextFormat(Qt::PlainText);
    m_resumeLabel->setWordWrap(true);
    m_resume = new QPushButton(m_resumeBar);
    connect(m_resume, &QPushButton::clicked, this, [this] { openResume(); });
    resumeRow->addWidget(m_resumeLabel, 1);
    resumeRow->addWidget(m_resume);
    m_resumeBar->hide();
    root->addWidget(m_resumeBar);
}

/// The jobs, and below them the selected job's payload and error with "similar" and Copy JSON.
void JobBrowser::buildTableAndDetail(QBoxLayout *root)
{
    auto *split = new QSplitter(Qt::Vertical, this);
    m_table = new QTableView(split);
    auto *sorted = new QSortFilterProxyModel(this);
    sorted->setSourceModel(m_model);
    sorted->setSortRole(JobTableModel::SortRole);
    m_table->setModel(sorted);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder); // the backend's order (oldest first) until a click
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    auto *detailPane = new QWidget(split);
    auto *detailColumn = new QVBoxLayout(detailPane);
    detailColumn->setContentsMargins(0, 0, 0, 0);
    auto *detailBar = new QHBoxLayout();
    m_similar = new QLabel(detailPane);
    m_similar->setTextFormat(Qt::PlainText);
    m_similarRetry = new QPushButton(detailPane);
    m_similarRetry->hide();
    m_copyJson = new QPushButton(detailPane);
    m_copyJson->setEnabled(false);
    detailBar->addWidget(m_similar, 1);
    detailBar->addWidget(m_similarRetry);
    detailBar->addWidget(m_copyJson);
    detailColumn->addLayout(detailBar);
    m_detail = new QPlainTextEdit(detailPane);
    m_detail->setReadOnly(true);
    m_detail->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    detailColumn->addWidget(m_detail, 1);
    split->addWidget(m_table);
    split->addWidget(detailPane);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    root->addWidget(split, 1);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        showDetail();
        updateButtons();
    });
    connect(m_copyJson, &QPushButton::clicked, this, [this] { QGuiApplication::clipboard()->setText(selectedJobJson()); });
    connect(m_similarRetry, &QPushButton::clicked, this, [this] { openBulkSimilar(ActionKind::Retry); });
}

/// What the listing says, and a search's progress with Stop.
void JobBrowser::buildStatusRow(QBoxLayout *root)
{
    auto *statusRow = new QHBoxLayout;
    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText);
    statusRow->addWidget(m_status, 1);
    // A search over a big live queue runs in short server-side chunks: how far it got, and a way to stop it.
    m_searchProgress = new QProgressBar(this);
    m_searchProgress->setMaximumWidth(220);
    m_searchProgress->setTextVisible(false);
    m_searchProgress->hide();
    statusRow->addWidget(m_searchProgress);
    m_stopSearch = new QPushButton(this);
    m_stopSearch->hide();
    statusRow->addWidget(m_stopSearch);
    root->addLayout(statusRow);
    connect(m_stopSearch, &QPushButton::clicked, m_model, &JobTableModel::stopSearch);
}

/// The model's progress, pages and failures on the status row.
void JobBrowser::connectModel()
{
    connect(m_model, &JobTableModel::searchProgress, this, [this](qint64 scanned, qint64 total, qint64 found) {
        if (!m_model->isSearching()) {
            return; // the last chunk: pageLoaded says the rest
        }
        m_searchProgress->setVisible(total > 0);
        if (total > 0) {
            // QProgressBar counts in int: per mille of a list that may hold billions
            m_searchProgress->setRange(0, 1000);
            m_searchProgress->setValue(int(std::min<qint64>(1000, scanned * 1000 / total)));
        }
        m_stopSearch->show();
        m_status->setText(total > 0 ? tr("Searching… %1 of %2 jobs looked at, %3 found")
                                          .arg(Freshness::count(scanned), Freshness::count(total), Freshness::count(found))
                                    : tr("Searching… %1 jobs looked at, %2 found").arg(Freshness::count(scanned), Freshness::count(found)));
    });

    connect(m_model, &JobTableModel::pageLoaded, this, [this] {
        m_table->resizeColumnsToContents(); // sized to the data, not to the empty table of the previous query
        if (!m_table->selectionModel()->hasSelection() && m_model->rowCount() > 0) {
            m_table->selectRow(0); // the first job's payload and error at once, without a click
        }
        m_searchProgress->hide();
        m_stopSearch->hide();
        const QString stopped = m_model->searchStopped() && m_model->scanned()
                                    ? tr(" — search stopped after %1 of %2 jobs")
                                          .arg(Freshness::count(*m_model->scanned()), Freshness::count(m_model->scanTotal()))
                                    : QString();
        m_status->setText(tr("%n job(s) shown", nullptr, m_model->rowCount()) + stopped +
                          (m_model->canFetchMore({}) ? tr(" — scroll for more") : QString()) +
                          (m_model->notice().isEmpty() ? QString() : u'\n' + escapeForDisplay(m_model->notice(), 400)));
    });
    connect(m_model, &JobTableModel::loadFailed, this,
            [this](const QString &e) { m_status->setText(tr("Cannot list jobs: %1").arg(escapeForDisplay(e, 400))); });
}

void JobBrowser::setAuditLog(AuditLog *audit, const QString &operatorName)
{
    m_audit = audit;
    m_operator = operatorName;
    updateButtons();
}

void JobBrowser::setOutbox(Outbox *outbox)
{
    m_outbox = outbox;
    updateButtons();
}

void JobBrowser::setSearch(const QString &text)
{
    m_search->setText(text);
    reload();
}

bool JobBrowser::isSearchStoppable() const
{
    return !m_stopSearch->isHidden();
}

void JobBrowser::setQueue(Backend *backend, const QString &connectionId, const QString &queue)
{
    m_backend = backend;
    m_connectionId = connectionId;
    m_queue = queue;
    reload();
    checkUnfinished();
}

void JobBrowser::checkUnfinished()
{
    m_unfinished.reset();
    m_resumeBar->hide();
    if (!m_backend || !m_audit) {
        return;
    }
    const QString connection = m_backend->url().toDisplayString();
    whenFinished(m_audit->unfinishedBulks(connection), this, [this, connection](const QList<BulkJournalEntry> &runs) {
        if (!m_backend || m_backend->url().toDisplayString() != connection || runs.isEmpty()) {
            return;
        }
        const BulkJournalEntry &r = runs.first();
        m_unfinished = r;
        m_resumeLabel->setText(tr("Bulk %1 #%2 did not finish (%3): %4 of %5 job(s) left. %6")
                                   .arg(r.action)
                                   .arg(r.id)
                                   .arg(r.state)
                                   .arg(r.jobIds.size() - r.next)
                                   .arg(r.jobIds.size())
                                   .arg(escapeForDisplay(r.result, 200)));
        m_resumeBar->show();
    });
}

QString JobBrowser::resumeText() const
{
    return m_resumeBar->isHidden() ? QString() : m_resumeLabel->text();
}

void JobBrowser::setState(JobState state)
{
    m_state->setCurrentIndex(m_state->findData(int(state)));
    reload();
}

QString JobBrowser::detailText() const
{
    return m_detail->toPlainText();
}

QString JobBrowser::statusText() const
{
    return m_status->text();
}

JobQuery JobBrowser::shownQuery() const
{
    JobQuery q;
    q.queue = m_queue;
    q.state = JobState(m_state->currentData().toInt());
    q.search = m_search->text().trimmed();
    return q;
}

std::optional<UserRule> JobBrowser::savedUserRule() const
{
    auto rule = UserRule::parse(ConnectionSettings().userRule(m_connectionId));
    return rule ? std::optional<UserRule>(rule.value()) : std::nullopt;
}

void JobBrowser::reload()
{
    JobQuery q = shownQuery();
    q.limit = 100;
    q.order = m_backend && m_backend->capabilities().sortByAttempts ? JobOrder(m_order->currentData().toInt()) : JobOrder::Oldest;
    m_detail->clear();
    if (const QString e = m_model->setQuery(m_backend, q, currentFilter()); !e.isEmpty()) {
        m_status->setText(tr("Cannot filter: %1").arg(escapeForDisplay(e, 300)));
    }
    updateButtons();
    loadClasses();
}

JobFilter JobBrowser::currentFilter() const
{
    JobFilter f;
    f.className = m_classFilter->text().trimmed();
    f.fieldPointer = m_fieldPointer->text().trimmed();
    f.fieldValue = m_fieldValue->text().trimmed();
    if (m_stuck->isChecked()) {
        f.minAgeSeconds = JobState(m_state->currentData().toInt()) == JobState::Running ? m_stuckRunningS : m_stuckWaitingS;
    }
    return f;
}

void JobBrowser::setFilter(const QString &className, const QString &fieldPointer, const QString &fieldValue)
{
    m_classFilter->setText(className);
    m_fieldPointer->setText(fieldPointer);
    m_fieldValue->setText(fieldValue);
    reload();
}

void JobBrowser::setStuck(bool stuck)
{
    m_stuck->setChecked(stuck);
}

void JobBrowser::setStuckThresholds(qint64 waitingSeconds, qint64 runningSeconds)
{
    m_stuckWaitingS = waitingSeconds;
    m_stuckRunningS = runningSeconds;
    m_stuck->setToolTip(tr("Waiting longer than %1, or running longer than %2")
                            .arg(Freshness::duration(double(waitingSeconds)), Freshness::duration(double(runningSeconds))));
}

QString JobBrowser::classesText() const
{
    return m_classes->isHidden() ? QString() : m_classes->text();
}

void JobBrowser::loadClasses()
{
    const quint64 generation = ++m_classesGeneration;
    if (!m_backend || JobState(m_state->currentData().toInt()) != JobState::Waiting) {
        m_classes->hide();
        return;
    }
    whenFinished(m_backend->classBreakdown(m_queue), this, [this, generation](const ClassBreakdown &b) {
        if (generation != m_classesGeneration) {
            return; // another queue or state since
        }
        if (!b.error.isEmpty() || b.classes.isEmpty()) {
            m_classes->hide();
            return;
        }
        QStringList parts;
        for (const auto &c : b.classes.mid(0, 8)) {
            parts << QStringLiteral("%1 %2").arg(escapeForDisplay(c.className, 80), Freshness::count(c.count));
        }
        if (b.classes.size() > 8) {
            parts << tr("%n more class(es)", nullptr, int(b.classes.size() - 8));
        }
        m_classes->setText(b.sampled() ? tr("Waiting by class (a sample of %1 of %2 jobs): %3")
                                             .arg(Freshness::count(b.examined), Freshness::count(b.total), parts.join(QStringLiteral(" · ")))
                                       : tr("Waiting by class: %1").arg(parts.join(QStringLiteral(" · "))));
        m_classes->show();
    });
}

void JobBrowser::showDetail()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    m_shown.reset();
    m_copyJson->setEnabled(false);
    m_similar->clear();
    m_similarRetry->hide();
    if (rows.size() != 1 || !m_backend) {
        m_detail->setPlainText(rows.isEmpty() ? QString() : tr("%n jobs selected", nullptr, int(rows.size())));
        return;
    }
    const quint64 generation = ++m_detailGeneration;
    whenFinished(m_backend->job(rows.first().data(JobTableModel::JobIdRole).toString()), this, [this, generation](const JobDetail &d) {
        if (generation != m_detailGeneration) {
            return;
        }
        if (!d.failure.isEmpty()) {
            m_detail->setPlainText(escapeMultiline(d.failure));
            return;
        }
        m_shown = d;
        m_copyJson->setEnabled(true);
        countSimilar(d);
        const JobSummary &s = d.summary;
        QString text = tr("Job %1 · %2 · %3 · queue %4 · attempts %5\n")
                           .arg(s.id, escapeForDisplay(s.className, 120), jobStateText(s.state), escapeForDisplay(s.queue, 120),
                                s.attempts ? QString::number(*s.attempts) : QStringLiteral("—"));
        const auto when = [](const QDateTime &t) {
            return t.isValid() ? QLocale().toString(t.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss")) : Freshness::unknown();
        };
        text += tr("Enqueued %1 · run at %2 · failed at %3\n").arg(when(s.enqueuedAt), when(s.runAt), when(s.failedAt));
        if (!s.worker.isEmpty()) {
            text += tr("Worker: %1\n").arg(escapeForDisplay(s.worker, 200));
        }
        text += tr("\nPayload:\n%1\n").arg(escapeMultiline(d.payload));
        if (!d.error.isEmpty()) {
            text += tr("\nLast error:\n%1\n").arg(escapeMultiline(d.error));
        }
        m_detail->setPlainText(text); // plain text: nothing in a payload is ever interpreted
    });
}

QString JobBrowser::selectedJobJson() const
{
    return m_shown ? QString::fromUtf8(QJsonDocument(toJson(*m_shown)).toJson(QJsonDocument::Indented)) : QString();
}

QString JobBrowser::similarText() const
{
    return m_similar->text();
}

void JobBrowser::countSimilar(const JobDetail &detail)
{
    const JobSummary &s = detail.summary;
    if (!m_backend || s.errorLine.trimmed().isEmpty() || (s.state != JobState::Failed && s.state != JobState::Dead)) {
        return;
    }
    JobQuery q;
    q.queue = m_queue;
    q.state = s.state;
    q.search = similarSearchText(s.errorLine);
    q.limit = 1000;
    m_similar->setText(tr("Counting jobs with the same error…"));
    countSimilar(q, s, m_detailGeneration);
}

QString JobBrowser::similarSearchText(const QString &errorLine)
{
    const QString line = errorLine.trimmed();
    const qsizetype colon = line.indexOf(QStringLiteral(": "));
    const QString message = colon > 0 && !line.left(colon).contains(u' ') ? line.mid(colon + 2).trimmed() : QString();
    return (message.size() >= 6 ? message : line).left(200);
}

void JobBrowser::countSimilar(const JobQuery &query, const JobSummary &shown, quint64 generation)
{
    // Bounded for a million-job dead set ("at least 10,000" is the answer there), but through empty budgeted pages:
    // a search that finds its matches deep in the list counts them.
    constexpr qint64 kMaxLooked = 10'000;
    auto *walker = new AsyncPageWalker(m_backend, query, kMaxLooked, 1000, this);
    auto counted = std::make_shared<qint64>(0);
    const QString className = shown.className;
    const QString errorLine = shown.errorLine.trimmed();
    connect(walker, &AsyncPageWalker::page, this, [this, walker, counted, className, errorLine, generation](const JobPage &page) {
        if (generation != m_detailGeneration) {
            walker->stop(); // another job is shown now
            return;
        }
        for (const JobSummary &j : page.jobs) {
            *counted += j.className == className && j.errorLine.trimmed() == errorLine ? 1 : 0;
        }
    });
    connect(walker, &AsyncPageWalker::finished, this, [this, walker, counted, generation](const PageWalk &walk) {
        walker->deleteLater();
        if (generation != m_detailGeneration) {
            return;
        }
        if (!walk.error.isEmpty()) {
            m_similar->setText(tr("Similar jobs: unknown (%1)").arg(escapeForDisplay(walk.error, 120)));
            return;
        }
        m_similar->setText(!walk.reachedEnd ? tr("Similar jobs (same class and error): at least %1").arg(Freshness::count(*counted))
                                            : tr("Similar jobs (same class and error): %1").arg(Freshness::count(*counted)));
        const Capabilities caps = m_backend->capabilities();
        m_similarRetry->setVisible(*counted > 1 && caps.retry && m_audit);
    });
    walker->start();
}

void JobBrowser::updateButtons()
{
    const bool any = !m_table->selectionModel()->selectedRows().isEmpty();
    const JobState st = JobState(m_state->currentData().toInt());
    const Capabilities caps = m_backend ? m_backend->capabilities() : Capabilities{};
    // No audit log, no action: every change to a production queue must be traceable.
    m_retry->setEnabled(any && caps.retry && m_audit && (st != JobState::Waiting || caps.retryWaiting));
    m_cancel->setEnabled(any && caps.cancel && m_audit);
    m_move->setEnabled(any && caps.moveJobs && m_audit && st != JobState::Running);
    m_move->setVisible(caps.moveJobs || !m_backend);
    const bool oneJob = m_table->selectionModel()->selectedRows().size() == 1;
    const bool resendable = m_backend && m_backend->resendableStates().contains(st);
    m_resend->setEnabled(oneJob && caps.payloadEdit && resendable && m_audit);
    m_resend->setToolTip(!m_backend           ? QString()
                         : !caps.payloadEdit  ? m_backend->validatePayload(QString())
                         : !resendable        ? tr("Jobs that are %1 cannot be edited and resent here.").arg(jobStateText(st))
                         : !m_audit           ? tr("Actions are disabled: the audit log cannot be written.")
                         : !oneJob            ? tr("Select one job to edit it.")
                                              : tr("Edit the selected job's payload and send it again, as a new job or in place"));
    m_bulk->setEnabled(m_backend != nullptr); // exporting needs no audit log: it changes nothing
    m_notify->setEnabled(m_backend != nullptr);
    m_order->setVisible(caps.sortByAttempts);
    const QString pauseWhy = m_backend ? m_backend->pauseUnsupportedReason() : QString();
    m_queueActions->setVisible(caps.moveToQueue || caps.purge || caps.pause);
    m_queueActions->setEnabled(m_audit != nullptr);
    m_queueMove->setEnabled(caps.moveToQueue);
    m_queuePurge->setEnabled(caps.purge);
    for (QAction *wholeQueue : {m_queueMove, m_queuePurge, m_queueSeparator}) {
        wholeQueue->setVisible(caps.moveToQueue || caps.purge);
    }
    for (QAction *pauseItem : {m_queuePause, m_queueResume}) {
        pauseItem->setEnabled(caps.pause);
        pauseItem->setToolTip(caps.pause ? QString() : pauseWhy); // RabbitMQ: why not, rather than nothing
    }
    m_bulkRetry->setEnabled(caps.retry && m_audit && (st != JobState::Waiting || caps.retryWaiting));
    m_bulkCancel->setEnabled(caps.cancel && m_audit);
    m_bulkMove->setEnabled(caps.moveJobs && m_audit && st != JobState::Running);
    m_bulkMove->setVisible(caps.moveJobs);
    // Each button says why it is off: Celery on Redis, for one, can delete waiting messages but retry nothing.
    const auto whyNot = [this](bool allowed) {
        return !m_backend ? QString()
               : !allowed ? tr("This connection does not allow this action (read-only or not supported).")
               : !m_audit ? tr("Actions are disabled: the audit log cannot be written.")
                          : QString();
    };
    const QString whyRetry = whyNot(caps.retry);
    const QString whyCancel = whyNot(caps.cancel);
    const QString why = whyNot(caps.retry || caps.cancel || caps.moveJobs);
    m_retry->setToolTip(whyRetry.isEmpty() ? tr("Retry the selected jobs now, if they are still %1").arg(jobStateText(st)) : whyRetry);
    m_cancel->setToolTip(whyCancel.isEmpty() ? tr("Delete the selected jobs, if they are still %1").arg(jobStateText(st)) : whyCancel);
    if (!why.isEmpty()) {
        m_bulk->setToolTip(why);
    }
}

void JobBrowser::confirmAndAct(ActionKind kind)
{
    const int n = int(m_table->selectionModel()->selectedRows().size());
    QString verb = kind == ActionKind::Retry ? tr("Retry") : tr("Cancel (delete)");
    if (kind == ActionKind::Move) {
        bool ok = false;
        const QString target = QInputDialog::getText(this, tr("Move to Queue"), tr("Move the selected jobs to the queue:"),
                                                     QLineEdit::Normal, QString(), &ok)
                                   .trimmed();
        if (!ok || target.isEmpty()) {
            return;
        }
        m_moveTarget = target;
        verb = tr("Move to %1:").arg(escapeForDisplay(target, 60));
    }
    if (QMessageBox::question(this, verb,
                              tr("%1 %n %2 job(s) in %3? Jobs that are no longer %2 are skipped.", nullptr, n)
                                  .arg(verb, jobStateText(JobState(m_state->currentData().toInt())),
                                       escapeForDisplay(m_queue, 80))) == QMessageBox::Yes) {
        actOnSelection(kind);
    }
}

void JobBrowser::actOnSelection(ActionKind kind, const QString &targetQueue)
{
    if (!targetQueue.isEmpty()) {
        m_moveTarget = targetQueue;
    }
    if (!m_backend || !m_audit) {
        return;
    }
    const JobState expected = JobState(m_state->currentData().toInt());
    const QString target = kind == ActionKind::Move ? m_moveTarget : QString();
    QStringList ids;
    for (const QModelIndex &idx : m_table->selectionModel()->selectedRows()) {
        ids << idx.data(JobTableModel::JobIdRole).toString();
    }
    if (ids.isEmpty()) {
        return;
    }
    // A selection runs as a bulk run of its own, like `queuedeckctl retry --job`: journaled, one conditional
    // action and one audit row per batch, written by core. A refusal is answered at once (no retries: the
    // operator clicks again).
    BulkSpec spec;
    spec.kind = kind;
    spec.expected = expected;
    spec.targetQueue = target;
    spec.jobIds = ids;
    spec.queue = m_queue;
    spec.operatorName = m_operator;
    spec.filterText = QStringLiteral("queue=%1 (GUI selection)").arg(m_queue);
    spec.retries = 0;
    auto *run = new BulkRun(m_backend, m_audit, spec, this);
    m_status->setText(tr("Working…"));
    connect(run, &BulkRun::failed, this, [this, run](const QString &error) {
        m_status->setText(tr("Failed: %1").arg(escapeForDisplay(error, 400)));
        run->deleteLater();
    });
    connect(run, &BulkRun::finished, this, [this, run, kind, expected, target](const BulkSummary &r) {
        run->deleteLater();
        if (!r.error.isEmpty() && r.succeeded == 0) {
            m_status->setText(tr("Failed: %1").arg(escapeForDisplay(r.error, 400)));
            return;
        }
        const QString verb = kind == ActionKind::Move ? tr("%1 to %2").arg(pastTense(kind), target) : pastTense(kind);
        const QString summary = tr("%1 %2 %3 job(s) in %4%5")
                                    .arg(verb)
                                    .arg(r.succeeded)
                                    .arg(jobStateText(expected), m_queue,
                                         r.skipped == 0 ? QString() : tr(" (%1 skipped: no longer %2)").arg(r.skipped).arg(jobStateText(expected)));
        Q_EMIT actionDone(m_connectionId, summary);
        reload();
        m_status->setText(escapeForDisplay(summary, 400));
    });
    run->start();
}

} // namespace qd
