// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/headline.h"

#include "core/textsafety.h"

#include <QLocale>

namespace qd {

QString Headline::familyName(const QString &backend)
{
    if (backend == u"sidekiq") {
        return QStringLiteral("Sidekiq");
    }
    if (backend == u"rq") {
        return QStringLiteral("RQ");
    }
    if (backend == u"bullmq") {
        return QStringLiteral("BullMQ");
    }
    if (backend.startsWith(u"celery")) {
        return QStringLiteral("Celery");
    }
    if (backend.startsWith(u"rabbitmq")) {
        return QStringLiteral("RabbitMQ");
    }
    if (backend == u"delayedjob") {
        return QStringLiteral("Delayed::Job");
    }
    return backend;
}

QString Headline::of(const Snapshot &s)
{
    const QString family = familyName(s.backend);
    if (!s.ok()) {
        return tr("%1: unreachable — %2").arg(family, escapeForDisplay(s.error, 160));
    }
    const QLocale locale;
    const bool broker = s.backend.startsWith(u"rabbitmq");
    QStringList parts;
    // Lost workers first, by name: they are usually the cause.
    QStringList lost;
    for (const WorkerInfo &w : s.workers) {
        if (w.state == WorkerState::Lost) {
            lost << escapeForDisplay(w.id, 60);
        }
    }
    if (!lost.isEmpty()) {
        const QString names = lost.mid(0, 2).join(QStringLiteral(", "))
                              + (lost.size() > 2 ? tr(" and %1 more").arg(lost.size() - 2) : QString());
        parts << (s.backend == u"sidekiq" ? tr("process %1 lost").arg(names) : tr("worker %1 lost").arg(names));
    }
    qint64 waiting = 0, stuck = 0, dead = 0;
    int unserved = 0;
    for (const QueueStats &q : s.queues) {
        if (q.isDeadLetterQueue()) {
            dead += q.waiting.value_or(0);
            continue;
        }
        waiting += q.waiting.value_or(0);
        stuck += q.stuck.value_or(0);
        dead += q.dead.value_or(0);
        unserved += q.waiting.value_or(0) > 0 && q.consumers == 0 ? 1 : 0;
    }
    parts << (broker ? tr("%1 messages wait").arg(locale.toString(waiting)) : tr("%1 jobs wait").arg(locale.toString(waiting)));
    if (unserved > 0) {
        parts << tr("%1 queue(s) without a consumer").arg(unserved);
    }
    if (stuck > 0) {
        parts << tr("%1 stuck").arg(locale.toString(stuck));
    }
    const WorkerSummary w = s.workerSummary();
    if (!s.workersKnown) {
        parts << tr("workers not visible");
    } else if (w.busy && *w.busy + w.idle.value_or(0) == 0 && waiting > 0) {
        parts << tr("nothing is processing");
    } else if (w.busy) {
        parts << (w.idle ? tr("%1 busy, %2 idle").arg(*w.busy).arg(*w.idle) : tr("%1 busy").arg(*w.busy));
    }
    QString line = family + QStringLiteral(": ") + parts.join(QStringLiteral(", "));
    QStringList totals;
    if (s.totals.processed) {
        totals << tr("%1 processed").arg(locale.toString(*s.totals.processed));
    }
    if (s.totals.failed) {
        totals << tr("%1 failed").arg(locale.toString(*s.totals.failed));
    }
    if (!totals.isEmpty()) {
        //: the connection's lifetime counters, as the backend keeps them
        line += tr(" · lifetime %1").arg(totals.join(QStringLiteral(", ")));
    }
    if (dead > 0) {
        //: jobs given up on (Sidekiq's dead set) and letters in dead-letter queues, now
        line += tr(" · %1 dead").arg(locale.toString(dead));
    }
    return line;
}

} // namespace qd
