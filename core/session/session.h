// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/actions/operatoractions.h"
#include "core/alerts/alertengine.h"
#include "core/snapshot.h"

#include <QObject>
#include <QStringList>

#include <memory>

namespace qd {

class AuditLog;
class Clock;
class Collector;
class HistoryStore;
class IncidentTimeline;
class Outbox;
class WebhookNotifier;

/// What a running Queuedeck keeps for its connections, with one owner: the Collector that polls them, the history
/// of every number, the alert engine fed by every poll, the incident timeline, the audit log, the outbox and the
/// webhook notifier. The desktop (main.cpp, MainWindow, the alerts dock) and `queuedeckctl watch` construct one and
/// connect their views to it; the team server runs one headless. No singletons: it is passed in.
///
/// Every poll of a connection is recorded in the history, evaluated by the alert engine, and each alert change is
/// put on the timeline and posted to the connection's webhook (if one is set) before alertsEvaluated() tells the
/// views. A store that cannot be opened is left out (its accessor answers nullptr) and its error kept for the
/// caller to show: the session goes on without it, as the desktop always has.
class Session final : public QObject
{
    Q_OBJECT

public:
    /// Where the session keeps what it records; an empty path: not kept.
    struct Stores
    {
        QString history;
        QString timeline;
        QString audit;
        QString outbox;
        /// The desktop's: history and timeline in the application's data directory, the audit log and the outbox
        /// where queuedeckctl finds them too.
        static Stores desktop();
    };

    explicit Session(const Stores &stores, Clock *clock = nullptr, QObject *parent = nullptr);
    ~Session() override;
    Q_DISABLE_COPY_MOVE(Session)

    Collector *collector() const;
    AlertEngine *alerts() const;
    WebhookNotifier *webhooks() const;
    HistoryStore *history() const;
    IncidentTimeline *timeline() const;
    AuditLog *audit() const;
    Outbox *outbox() const;
    /// The operator actions, audited in this session's log.
    OperatorActions actions() const { return OperatorActions(audit()); }

    /// Why each store that was asked for could not be opened (empty: it is open, or was not asked for).
    QString historyError() const;
    QString timelineError() const;
    QString auditError() const;
    QString outboxError() const;

Q_SIGNALS:
    /// A poll of `connectionId` was recorded and evaluated: the alert changes it made (often none), already on the
    /// timeline and posted to the webhook.
    void alertsEvaluated(const QString &connectionId, const qd::Snapshot &snapshot, const QList<qd::AlertChange> &changes);

private:
    void onSnapshot(const QString &connectionId, const Snapshot &snapshot);

    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace qd
