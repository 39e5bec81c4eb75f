// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/timeline/incidenttimeline.h"
#include "core/privatefiles.h"

#include "core/clock.h"
#include "core/serialexecutor.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>
#include <QVariant>

namespace qd {

struct IncidentTimeline::Private
{
    QString path;
    Clock *clock;
    QString connectionName = QStringLiteral("qd-timeline-") + QUuid::createUuid().toString(QUuid::Id128);
    bool opened = false; // executor thread only
    SerialExecutor executor{QStringLiteral("timeline")};
};

IncidentTimeline::IncidentTimeline(const QString &path, Clock *clock, QObject *parent)
    : QObject(parent), d(std::make_unique<Private>())
{
    qRegisterMetaType<qd::TimelineEntry>();
    d->path = path;
    d->clock = clock ? clock : Clock::system();
}

IncidentTimeline::~IncidentTimeline()
{
    Private *p = d.get();
    p->executor.run([p] {
        if (p->opened) {
            QSqlDatabase::database(p->connectionName, false).close();
        }
        QSqlDatabase::removeDatabase(p->connectionName);
    }).waitForFinished();
}

QString IncidentTimeline::open()
{
    if (!makePrivateDataFile(d->path)) {
        return tr("Cannot create the directory of %1.").arg(d->path);
    }
    Private *p = d.get();
    return p->executor.run([p]() -> QString {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), p->connectionName);
        db.setDatabaseName(p->path);
        if (!db.open()) {
            return tr("Cannot open the timeline %1: %2").arg(p->path, db.lastError().text());
        }
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("PRAGMA journal_mode=WAL")) ||
            !q.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS timeline (id INTEGER PRIMARY KEY, connection TEXT NOT NULL,"
                                   " t INTEGER NOT NULL, kind INTEGER NOT NULL, queue TEXT NOT NULL, rule TEXT NOT NULL,"
                                   " state INTEGER NOT NULL, previous INTEGER NOT NULL, text TEXT NOT NULL)")) ||
            !q.exec(QStringLiteral("CREATE INDEX IF NOT EXISTS timeline_ct ON timeline (connection, t)"))) {
            return tr("%1 is not a usable timeline: %2").arg(p->path, q.lastError().text());
        }
        p->opened = true;
        return {};
    }).result();
}

void IncidentTimeline::recordAlert(const AlertChange &change)
{
    TimelineEntry e;
    e.connectionId = change.alert.connectionId;
    e.at = change.alert.since.isValid() ? change.alert.since : d->clock->now();
    e.kind = TimelineEntry::Kind::AlertChanged;
    e.queue = change.alert.queue;
    e.rule = change.alert.ruleId;
    e.state = change.alert.state;
    e.previous = change.previous;
    e.text = change.alert.state == AlertState::Ok
                 ? tr("%1 cleared (was %2)").arg(AlertRule::kindName(change.alert.kind), alertStateName(change.previous))
                 : change.alert.message;
    add(e);
}

void IncidentTimeline::addNote(const QString &connectionId, const QString &text, const QString &queue)
{
    addText(TimelineEntry::Kind::Note, connectionId, text, queue);
}

void IncidentTimeline::addEvent(const QString &connectionId, const QString &text, const QString &queue)
{
    addText(TimelineEntry::Kind::Event, connectionId, text, queue);
}

void IncidentTimeline::addText(TimelineEntry::Kind kind, const QString &connectionId, const QString &text,
                               const QString &queue)
{
    TimelineEntry e;
    e.connectionId = connectionId;
    e.at = d->clock->now();
    e.kind = kind;
    e.queue = queue;
    e.text = text;
    add(e);
}

void IncidentTimeline::add(TimelineEntry entry)
{
    Q_EMIT entryAdded(entry);
    Private *p = d.get();
    p->executor.run([p, entry] {
        if (!p->opened) {
            return;
        }
        QSqlQuery q(QSqlDatabase::database(p->connectionName, false));
        q.prepare(QStringLiteral("INSERT INTO timeline (connection, t, kind, queue, rule, state, previous, text)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
        q.addBindValue(entry.connectionId);
        q.addBindValue(entry.at.toMSecsSinceEpoch());
        q.addBindValue(int(entry.kind));
        q.addBindValue(entry.queue.isNull() ? QStringLiteral("") : entry.queue);
        q.addBindValue(entry.rule.isNull() ? QStringLiteral("") : entry.rule);
        q.addBindValue(int(entry.state));
        q.addBindValue(int(entry.previous));
        q.addBindValue(entry.text);
        q.exec();
    });
}

QFuture<QList<TimelineEntry>> IncidentTimeline::entries(const QString &connectionId, const QDateTime &from,
                                                        const QDateTime &to)
{
    Private *p = d.get();
    const qint64 f = from.toMSecsSinceEpoch();
    const qint64 t = to.toMSecsSinceEpoch();
    return p->executor.run([p, connectionId, f, t] {
        QList<TimelineEntry> out;
        if (!p->opened) {
            return out;
        }
        QSqlQuery q(QSqlDatabase::database(p->connectionName, false));
        q.prepare(QStringLiteral("SELECT id, t, kind, queue, rule, state, previous, text FROM timeline"
                                 " WHERE connection = ? AND t BETWEEN ? AND ? ORDER BY t, id"));
        q.addBindValue(connectionId);
        q.addBindValue(f);
        q.addBindValue(t);
        if (q.exec()) {
            while (q.next()) {
                TimelineEntry e;
                e.id = q.value(0).toLongLong();
                e.connectionId = connectionId;
                e.at = QDateTime::fromMSecsSinceEpoch(q.value(1).toLongLong(), Qt::UTC);
                e.kind = TimelineEntry::Kind(q.value(2).toInt());
                e.queue = q.value(3).toString();
                e.rule = q.value(4).toString();
                e.state = AlertState(q.value(5).toInt());
                e.previous = AlertState(q.value(6).toInt());
                e.text = q.value(7).toString();
                out.append(e);
            }
        }
        return out;
    });
}

QFuture<void> IncidentTimeline::flush()
{
    return d->executor.run([] {});
}

} // namespace qd
