// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/workersdialog.h"
#include "core/timeline/incidenttimeline.h"

#include "core/actions/operatoractions.h"
#include "core/audit/auditlog.h"
#include "core/backend.h"
#include "core/clock.h"
#include "core/collector.h"
#include "models/freshness.h"
#include "core/futurewatch.h"
#include "core/textsafety.h"
#include "models/workertablemodel.h"

#include <QDialogButtonBox>
#include <QEvent>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace qd {

WorkersDialog::WorkersDialog(Collector *collector, const QString &connectionId, AuditLog *audit,
                             const QString &operatorName, QWidget *parent)
    : QDialog(parent), m_collector(collector), m_connectionId(connectionId), m_audit(audit), m_operator(operatorName),
      m_model(new WorkerTableModel(this)), m_view(new QTableView(this)), m_freshness(new QLabel(this)),
      m_status(new QLabel(this)), m_quiet(new QPushButton(this)), m_stop(new QPushButton(this)),
      m_close(new QPushButton(this)), m_tick(new QTimer(this))
{
    auto *layout = new QVBoxLayout(this);
    m_freshness->setTextFormat(Qt::PlainText);
    layout->addWidget(m_freshness);
    auto *proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_model);
    proxy->setSortRole(WorkerTableModel::SortRole);
    m_view->setModel(proxy);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder); // the model's order: lost, busy, idle
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideMiddle);
    layout->addWidget(m_view, 1);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_quiet, QDialogButtonBox::ActionRole);
    buttons->addButton(m_stop, QDialogButtonBox::ActionRole);
    buttons->addButton(m_close, QDialogButtonBox::RejectRole);
    layout->addWidget(buttons);
    connect(m_quiet, &QPushButton::clicked, this, [this] { ask(WorkerSignal::Quiet); });
    connect(m_stop, &QPushButton::clicked, this, [this] { ask(WorkerSignal::Stop); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &WorkersDialog::updateButtons);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &WorkersDialog::updateButtons);
    connect(m_collector, &Collector::snapshotReady, this, [this](const QString &id, const Snapshot &s) {
        if (id == m_connectionId) {
            m_model->setSnapshot(s);
            updateFreshness();
        }
    });
    m_model->setSnapshot(m_collector->lastGood(m_connectionId));
    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, &WorkersDialog::updateFreshness);
    m_tick->start();
    retranslate();
    resize(860, 420);
}

WorkersDialog::~WorkersDialog() = default;

void WorkersDialog::retranslate()
{
    setWindowTitle(tr("Workers — %1").arg(escapeForDisplay(m_collector->displayName(m_connectionId), 80)));
    m_view->setAccessibleName(tr("Workers"));
    m_quiet->setText(tr("&Quiet…"));
    m_stop->setText(tr("&Stop…"));
    m_close->setText(tr("&Close"));
    updateFreshness();
    updateButtons();
}

void WorkersDialog::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        retranslate();
    }
    QDialog::changeEvent(event);
}

QString WorkersDialog::selectedId() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(WorkerTableModel::WorkerIdRole).toString();
}

bool WorkersDialog::selectWorker(const QString &id)
{
    const auto *proxy = static_cast<QSortFilterProxyModel *>(m_view->model());
    const int row = m_model->rowOf(id);
    if (row < 0) {
        return false;
    }
    m_view->selectRow(proxy->mapFromSource(m_model->index(row, 0)).row());
    return true;
}

QString WorkersDialog::freshnessText() const
{
    return m_freshness->text();
}

QString WorkersDialog::statusText() const
{
    return m_status->text();
}

void WorkersDialog::updateFreshness()
{
    const QDateTime asOf = m_model->asOf();
    const qint64 staleMs = 3 * qint64(m_collector->interval().count());
    QString text = asOf.isValid() ? Freshness::age(asOf, m_collector->clock()->now(), staleMs)
                                  : tr("No successful poll yet: the workers are unknown.");
    if (asOf.isValid() && !m_model->workersKnown()) {
        text = tr("This backend cannot see its workers.");
    } else if (asOf.isValid() && m_model->rowCount() == 0) {
        text += QStringLiteral(" — ") + tr("no worker is registered");
    } else if (asOf.isValid() && !m_model->workersComplete()) {
        text += QStringLiteral(" — ") + tr("only busy workers are visible on this backend");
    }
    m_freshness->setText(text);
}

void WorkersDialog::updateButtons()
{
    Backend *backend = m_collector->backend(m_connectionId);
    const Capabilities caps = backend ? backend->capabilities() : Capabilities{};
    const int row = m_model->rowOf(selectedId());
    const bool lost = row >= 0 && m_model->worker(row).state == WorkerState::Lost;
    const auto setUp = [&](QPushButton *button, WorkerSignal signal, bool can, const QString &what) {
        QString why;
        if (!backend) {
            why = tr("The connection was removed.");
        } else if (!can) {
            why = backend->workerSignalUnsupportedReason(signal);
        } else if (!m_audit) {
            why = tr("The audit log could not be opened: no action is taken without it.");
        } else if (row < 0) {
            why = tr("Select a worker first.");
        } else if (lost) {
            why = tr("This worker is lost: nothing is listening for signals.");
        }
        button->setEnabled(why.isEmpty());
        button->setToolTip(why.isEmpty() ? what : why);
    };
    setUp(m_quiet, WorkerSignal::Quiet, caps.quietWorkers,
          tr("Finish the jobs it holds and take no new ones; the process stays up until it is stopped."));
    setUp(m_stop, WorkerSignal::Stop, caps.stopWorkers, tr("Shut the worker down cleanly."));
}

void WorkersDialog::ask(WorkerSignal signal)
{
    const QString id = escapeForDisplay(selectedId(), 120);
    const QString question =
        signal == WorkerSignal::Quiet
            ? tr("Quiet %1? It finishes the jobs it holds and takes no new ones until it is restarted.").arg(id)
            : tr("Stop %1? It shuts down cleanly; jobs it cannot finish in time go back to their queue.").arg(id);
    if (QMessageBox::question(this, signal == WorkerSignal::Quiet ? tr("Quiet Worker") : tr("Stop Worker"), question)
        == QMessageBox::Yes) {
        signalSelected(signal);
    }
}

void WorkersDialog::signalSelected(WorkerSignal signal)
{
    Backend *backend = m_collector->backend(m_connectionId);
    const QString worker = selectedId();
    if (!backend || !m_audit || worker.isEmpty()) {
        return;
    }
    m_status->setText(tr("Sending…"));
    const ActionContext context{m_operator, true, {}, m_timeline, m_connectionId};
    whenFinished(OperatorActions(m_audit).signalWorker(*backend, worker, signal, context), this,
                 [this](const ActionOutcome<WorkerSignalResult> &done) {
                     m_status->setText(done.summary);
                     Q_EMIT actionDone(m_connectionId, done.summary);
                 });
}

void WorkersDialog::setTimeline(IncidentTimeline *timeline)
{
    m_timeline = timeline;
}

} // namespace qd
