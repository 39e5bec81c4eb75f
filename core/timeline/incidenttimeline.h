// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/alerts/alertengine.h"

#include <QDateTime>
#include <QFuture>
#include <QObject>

#include <memory>

namespace qd {

class Clock;

struct TimelineEntry
{
    enum class Kind : quint8 { AlertChanged, Note, Event };
    qint64 id = 0;
    QString connectionId;
    QDateTime at;               ///< UTC
    Kind kind = Kind::Note;
    QString queue;
    QString rule;               ///< for alerts
    AlertState state = AlertState::Ok;
    AlertState previous = AlertState::Ok;
    QString text;               ///< plain text
};

/// What happened, when, per connection: alert changes, operator notes and events (a deploy, a scripted
/// incident), kept in SQLite on a writer thread, read back for chart markers and the post-mortem.
class IncidentTimeline final : public QObject
{
    Q_OBJECT
public:
    explicit IncidentTimeline(const QString &path, Clock *clock = nullptr, QObject *parent = nullptr);
    ~IncidentTimeline() override;
    Q_DISABLE_COPY_MOVE(IncidentTimeline)

    QString open(); ///< empty or a clear error

    void recordAlert(const AlertChange &change);
    void addNote(const QString &connectionId, const QString &text, const QString &queue = {});
    void addEvent(const QString &connectionId, const QString &text, const QString &queue = {});

    /// Entries of one connection in [from, to], oldest first.
    QFuture<QList<TimelineEntry>> entries(const QString &connectionId, const QDateTime &from, const QDateTime &to);
    QFuture<void> flush();

Q_SIGNALS:
    void entryAdded(const qd::TimelineEntry &entry);

private:
    void add(TimelineEntry entry);
    void addText(TimelineEntry::Kind kind, const QString &connectionId, const QString &text, const QString &queue);

    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace qd

Q_DECLARE_METATYPE(qd::TimelineEntry)
