// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/session/session.h"

#include "core/alerts/webhooknotifier.h"
#include "core/audit/auditlog.h"
#include "core/collector.h"
#include "core/history/historystore.h"
#include "core/recipients/outbox.h"
#include "core/timeline/incidenttimeline.h"

#include <QStandardPaths>

namespace qd {

namespace {

/// Opens a store at `path` (none asked for: empty path); on failure keeps the error and drops the store.
template <typename Store, typename... Args>
std::unique_ptr<Store> openStore(const QString &path, QString *error, Args &&...args)
{
    if (path.isEmpty()) {
        return nullptr;
    }
    auto store = std::make_unique<Store>(path, std::forward<Args>(args)...);
    *error = store->open();
    return error->isEmpty() ? std::move(store) : nullptr;
}

} // namespace

struct Session::Private
{
    Collector *collector = nullptr; ///< a child of the session
    std::unique_ptr<AlertEngine> alerts;
    WebhookNotifier *webhooks = nullptr; ///< a child of the session
    std::unique_ptr<HistoryStore> history;
    std::unique_ptr<IncidentTimeline> timeline;
    std::unique_ptr<AuditLog> audit;
    std::unique_ptr<Outbox> outbox;
    QString historyError;
    QString timelineError;
    QString auditError;
    QString outboxError;
};

Session::Stores Session::Stores::desktop()
{
    const QString data = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return {data + QStringLiteral("/history.sqlite3"), data + QStringLiteral("/timeline.sqlite3"), AuditLog::defaultPath(),
            Outbox::defaultPath()};
}

Session::Session(const Stores &stores, Clock *clock, QObject *parent) : QObject(parent), d(std::make_unique<Private>())
{
    d->collector = new Collector(clock, this);
    d->alerts = std::make_unique<AlertEngine>(d->collector->clock());
    d->webhooks = new WebhookNotifier(this);
    d->history = openStore<HistoryStore>(stores.history, &d->historyError, d->collector->clock());
    d->timeline = openStore<IncidentTimeline>(stores.timeline, &d->timelineError, d->collector->clock());
    d->audit = openStore<AuditLog>(stores.audit, &d->auditError, d->collector->clock());
    d->outbox = openStore<Outbox>(stores.outbox, &d->outboxError, d->collector->clock());

    // The history first, then the rules: a view that reacts to alertsEvaluated() finds the poll in the history.
    if (d->history) {
        connect(d->collector, &Collector::snapshotReady, d->history.get(), &HistoryStore::record);
    }
    connect(d->collector, &Collector::snapshotReady, this, &Session::onSnapshot);
    connect(d->collector, &Collector::connectionRemoved, this, [this](const QString &id) { d->alerts->forget(id); });
}

Session::~Session()
{
    // The collector goes first: no poll may answer into stores that are being closed.
    delete d->collector;
    d->collector = nullptr;
}

void Session::onSnapshot(const QString &connectionId, const Snapshot &snapshot)
{
    const QList<AlertChange> changes =
        d->alerts->evaluate(connectionId, snapshot, qint64(d->collector->interval().count()));
    for (const AlertChange &c : changes) {
        if (d->timeline) {
            d->timeline->recordAlert(c);
        }
        d->webhooks->notify(d->collector->displayName(connectionId), c);
    }
    Q_EMIT alertsEvaluated(connectionId, snapshot, changes);
}

Collector *Session::collector() const { return d->collector; }
AlertEngine *Session::alerts() const { return d->alerts.get(); }
WebhookNotifier *Session::webhooks() const { return d->webhooks; }
HistoryStore *Session::history() const { return d->history.get(); }
IncidentTimeline *Session::timeline() const { return d->timeline.get(); }
AuditLog *Session::audit() const { return d->audit.get(); }
Outbox *Session::outbox() const { return d->outbox.get(); }
QString Session::historyError() const { return d->historyError; }
QString Session::timelineError() const { return d->timelineError; }
QString Session::auditError() const { return d->auditError; }
QString Session::outboxError() const { return d->outboxError; }

} // namespace qd
