// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "app/gui/alertsdock.h"

#include "models/alertlistmodel.h"
#include "core/collector.h"
#include "core/session/session.h"

#include <QEvent>
#include <QHeaderView>
#include <QTableView>

namespace qd {

AlertsDock::AlertsDock(Session *session, QWidget *parent)
    : QDockWidget(parent), m_engine(session->alerts())
{
    Collector *collector = session->collector();
    setObjectName(QStringLiteral("alertsDock")); // saveState() finds it by this name
    setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    m_model = new AlertListModel(collector, this);
    m_view = new QTableView(this);
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->horizontalHeader()->setStretchLastSection(false);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(AlertListModel::MessageColumn, QHeaderView::Stretch);
    m_view->verticalHeader()->hide();
    m_view->setWordWrap(false);
    setWidget(m_view);

    connect(m_view, &QTableView::activated, this, [this](const QModelIndex &idx) {
        const Alert *a = m_model->alert(idx.row());
        if (a && !a->queue.isEmpty()) {
            Q_EMIT queueActivated(a->connectionId, a->queue);
        }
    });
    connect(session, &Session::alertsEvaluated, this, &AlertsDock::onEvaluated);
    connect(collector, &Collector::connectionRemoved, this, [this] { // the session has forgotten its alerts
        m_model->setAlerts(m_engine->active());
        updateTitle();
    });
    retranslate();
}

AlertsDock::~AlertsDock() = default;

void AlertsDock::acknowledgeCurrent()
{
    const QModelIndex idx = m_view->currentIndex();
    if (idx.isValid()) {
        m_model->acknowledge(idx.row());
    }
}

void AlertsDock::snoozeCurrent(const QDateTime &until)
{
    const QModelIndex idx = m_view->currentIndex();
    if (idx.isValid()) {
        m_model->snooze(idx.row(), until);
    }
}

StatusSource AlertsDock::statusSource() const
{
    return [engine = m_engine](const QString &connectionId, const QString &queue) -> std::optional<QueueStatus> {
        switch (engine->worst(connectionId, queue, queue.isEmpty())) {
        case AlertState::Ok: return std::nullopt;
        case AlertState::Warn: return QueueStatus::Warn;
        case AlertState::Crit: return QueueStatus::Crit;
        case AlertState::Unknown: return QueueStatus::Unknown;
        }
        return std::nullopt;
    };
}

void AlertsDock::onEvaluated(const QString &connectionId, const Snapshot &snapshot, const QList<AlertChange> &changes)
{
    // Every poll: alert texts stay current ("oldest job waited 2 h 16 m", not the 2 h 14 m it fired with).
    if (changes.isEmpty() && m_model->rowCount() > 0) {
        m_model->setAlerts(m_engine->active());
        return;
    }
    if (changes.isEmpty()) {
        return;
    }
    m_model->setAlerts(m_engine->active());
    updateTitle();
    Q_EMIT alertsChanged(connectionId, snapshot, changes);
}

void AlertsDock::updateTitle()
{
    const int n = m_model->rowCount();
    setWindowTitle(n == 0 ? tr("Alerts — none active") : tr("Alerts (%n active)", nullptr, n));
}

void AlertsDock::retranslate()
{
    m_view->setAccessibleName(tr("Active alerts"));
    updateTitle();
}

void AlertsDock::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        retranslate();
    }
    QDockWidget::changeEvent(event);
}

} // namespace qd
