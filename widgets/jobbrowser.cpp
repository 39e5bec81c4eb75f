// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/jobbrowser.h"
#include "core/timeline/incidenttimeline.h"
#include "core/jobs/pagewalker.h"
#include "core/futurewatch.h"

#include "core/actions/bulkrun.h"
#include "core/audit/auditlog.h"
#include "core/backend.h"
#include "widgets/bulkdialog.h"
#include "widgets/jobactionsbar.h"
#include "widgets/jobdetailpane.h"
#include "widgets/jobfilterbar.h"
#include "widgets/jobexportdialog.h"
#include "widgets/notifydialog.h"
#include "widgets/resenddialog.h"
#include "models/freshness.h"
#include "models/jobtablemodel.h"
#include "core/recipients/userrule.h"
#include "core/textsafety.h"
#include "core/settings/connectionsettings.h"

#include <QClipboard>
#include <QHBoxLayout>
#include <QGuiApplication>
#include <QEvent>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace qd {

JobBrowser::JobBrowser(QWidget *parent)
    : QWidget(parent), m_model(new JobTableModel(this)), m_actions(new JobActionsBar(this)),
      m_filters(new JobFilterBar(this))
{
    auto *root = new QVBoxLayout(this);
    root->addWidget(m_actions);
    root->addWidget(m_filters);
    buildResumeBar(root);
    m_classes = new QLabel(this);
    m_classes->setTextFormat(Qt::PlainText);
    m_classes->setWordWrap(true);
    m_classes->hide();
    root->addWidget(m_classes);
    buildTableAndDetail(root);
    buildStatusRow(root);
    connectBars();
    connectModel();
    retranslate();
}

/// What the bars ask for: another list, or an action.
void JobBrowser::connectBars()
{
    connect(m_filters, &JobFilterBar::changed, this, &JobBrowser::reload);
    connect(m_actions, &JobActionsBar::selectionActionRequested, this, &JobBrowser::confirmAndAct);
    connect(m_actions, &JobActionsBar::resendRequested, this, [this] { openResend(); });
    connect(m_actions, &JobActionsBar::allMatchingRequested, this, [this](ActionKind kind) { openBulk(kind); });
    connect(m_actions, &JobActionsBar::exportRequested, this, [this] { openExport(); });
    connect(m_actions, &JobActionsBar::tellUsersRequested, this, [this] { openNotify(); });
    connect(m_actions, &JobActionsBar::queueActionRequested, this,
            [this](QueueActionDialog::Mode mode) { openQueueAction(mode); });
    connect(m_actions, &JobActionsBar::pauseRequested, this, &JobBrowser::setQueuePaused);
    connect(m_detail, &JobDetailPane::copyJsonRequested, this,
            [this] { QGuiApplication::clipboard()->setText(selectedJobJson()); });
    connect(m_detail, &JobDetailPane::retrySimilarRequested, this, [this] { openBulkSimilar(ActionKind::Retry); });
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
    m_detail = new JobDetailPane(split);
    split->addWidget(m_table);
    split->addWidget(m_detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    root->addWidget(split, 1);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        showDetail();
        updateButtons();
    });
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

void JobBrowser::setTimeline(IncidentTimeline *timeline)
{
    m_timeline = timeline;
}

void JobBrowser::setOutbox(Outbox *outbox)
{
    m_outbox = outbox;
    updateButtons();
}

void JobBrowser::setSearch(const QString &text)
{
    m_filters->setSearchText(text);
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
    m_filters->setState(state);
    reload();
}

QString JobBrowser::detailText() const
{
    return m_detail->text();
}

QString JobBrowser::statusText() const
{
    return m_status->text();
}

JobQuery JobBrowser::shownQuery() const
{
    JobQuery q;
    q.queue = m_queue;
    q.state = m_filters->state();
    q.search = m_filters->search();
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
    q.order = m_backend && m_backend->capabilities().sortByAttempts ? m_filters->order() : JobOrder::Oldest;
    m_detail->showText(QString());
    if (const QString e = m_model->setQuery(m_backend, q, currentFilter()); !e.isEmpty()) {
        m_status->setText(tr("Cannot filter: %1").arg(escapeForDisplay(e, 300)));
    }
    updateButtons();
    loadClasses();
}

JobFilter JobBrowser::currentFilter() const
{
    return m_filters->filter();
}

void JobBrowser::setFilter(const QString &className, const QString &fieldPointer, const QString &fieldValue)
{
    m_filters->setFilterFields(className, fieldPointer, fieldValue);
    reload();
}

void JobBrowser::setStuck(bool stuck)
{
    m_filters->setStuck(stuck);
}

void JobBrowser::setStuckThresholds(qint64 waitingSeconds, qint64 runningSeconds)
{
    m_filters->setStuckThresholds(waitingSeconds, runningSeconds);
}

QString JobBrowser::classesText() const
{
    return m_classes->isHidden() ? QString() : m_classes->text();
}

void JobBrowser::loadClasses()
{
    const quint64 generation = ++m_classesGeneration;
    if (!m_backend || m_filters->state() != JobState::Waiting) {
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
    m_detail->forgetJob();
    if (rows.size() != 1 || !m_backend) {
        m_detail->showText(rows.isEmpty() ? QString() : tr("%n jobs selected", nullptr, int(rows.size())));
        return;
    }
    const quint64 generation = ++m_detailGeneration;
    whenFinished(m_backend->job(rows.first().data(JobTableModel::JobIdRole).toString()), this, [this, generation](const JobDetail &d) {
        if (generation != m_detailGeneration) {
            return;
        }
        if (!d.failure.isEmpty()) {
            m_detail->showText(escapeMultiline(d.failure));
            return;
        }
        m_shown = d;
        m_detail->showJob(d);
        countSimilar(d);
    });
}

QString JobBrowser::selectedJobJson() const
{
    return m_shown ? QString::fromUtf8(QJsonDocument(toJson(*m_shown)).toJson(QJsonDocument::Indented)) : QString();
}

QString JobBrowser::similarText() const
{
    return m_detail->similarText();
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
    m_detail->setSimilar(tr("Counting jobs with the same error…"));
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
            m_detail->setSimilar(tr("Similar jobs: unknown (%1)").arg(escapeForDisplay(walk.error, 120)));
            return;
        }
        m_detail->setSimilar(!walk.reachedEnd ? tr("Similar jobs (same class and error): at least %1").arg(Freshness::count(*counted))
                                            : tr("Similar jobs (same class and error): %1").arg(Freshness::count(*counted)));
        const Capabilities caps = m_backend->capabilities();
        m_detail->offerRetrySimilar(*counted > 1 && caps.retry && m_audit);
    });
    walker->start();
}

void JobBrowser::updateButtons()
{
    m_actions->update({m_backend, m_filters->state(), m_table->selectionModel()->selectedRows().size(), m_audit != nullptr});
    m_filters->setOrderAvailable(m_backend && m_backend->capabilities().sortByAttempts);
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
                                  .arg(verb, jobStateText(m_filters->state()),
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
    const JobState expected = m_filters->state();
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
    run->setTimeline(m_timeline, m_connectionId);
    m_status->setText(tr("Working…"));
    connect(run, &BulkRun::failed, this, [this, run](const QString &error) {
        m_status->setText(tr("Failed: %1").arg(escapeForDisplay(error, 400)));
        run->deleteLater();
    });
    connect(run, &BulkRun::finished, this, [this, run](const BulkSummary &r) {
        run->deleteLater();
        if (!r.error.isEmpty() && r.succeeded == 0) {
            m_status->setText(tr("Failed: %1").arg(escapeForDisplay(r.error, 400)));
            return;
        }
        const QString summary = bulkSentence(run->spec(), r);
        Q_EMIT actionDone(m_connectionId, summary);
        reload();
        m_status->setText(summary);
    });
    run->start();
}

void JobBrowser::retranslate()
{
    m_stopSearch->setText(tr("Stop Search"));
    m_stopSearch->setToolTip(tr("Keep the jobs found so far and stop looking"));
    m_resume->setText(tr("Resume…"));
    m_classes->setAccessibleName(tr("Job classes"));
    m_table->horizontalHeader()->setToolTip(
        tr("Click to sort the jobs loaded so far; the backend lists the oldest first"));
    m_table->setAccessibleName(tr("Jobs"));
}

void JobBrowser::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        retranslate();
    }
    QWidget::changeEvent(event);
}

} // namespace qd
