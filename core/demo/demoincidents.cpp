// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/demo/demoincidents.h"

namespace qd::demo {

QList<Incident> IncidentScript::due(qint64 elapsedSeconds)
{
    QList<Incident> out;
    if (!m_options.incidents) {
        return out;
    }
    if (!m_newQueue && elapsedSeconds >= m_options.newQueueAt) {
        m_newQueue = true;
        out << Incident::NewQueue;
    }
    if (!m_died && elapsedSeconds >= m_options.workersDieAt) {
        m_died = true;
        out << Incident::WorkersDie;
    }
    // Never back before dead, whatever the options say: the script is a story.
    if (m_died && !m_back && elapsedSeconds >= m_options.workersBackAt) {
        m_back = true;
        out << Incident::WorkersBack;
    }
    return out;
}

QString IncidentScript::describe(Incident incident)
{
    switch (incident) {
    case Incident::PoisonJob:
        return tr("Poison job: a PrintJob (user 1013, card 66666) fails on every attempt");
    case Incident::NewQueue:
        return tr("New job class CoverageReportJob lands on a new queue \"reports\"");
    case Incident::WorkersDie:
        return tr("All workers died (OS upgrade); the backlog grows");
    case Incident::WorkersBack:
        return tr("Workers restarted; draining the backlog");
    case Incident::BacklogDrained:
        return tr("Backlog drained; the extra workers stop");
    }
    return {};
}

} // namespace qd::demo
