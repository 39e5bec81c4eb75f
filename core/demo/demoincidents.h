// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/demo/demosimulator.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

namespace qd::demo {

/// The incidents the demo plays, after the public write-ups Queuedeck was designed from.
enum class Incident : quint8 {
    PoisonJob,      ///< a print job fails on every attempt (from its first run)
    NewQueue,       ///< a new job class lands on a new, unwatched queue `reports`
    WorkersDie,     ///< every worker is killed mid-job (the OS upgrade); their locks stay behind
    WorkersBack,    ///< workers restarted, with extra ones to catch up
    BacklogDrained, ///< the backlog is gone; the extra workers stop
};

/// The timed part of the script: which incidents are due after how many seconds. The others (poison job,
/// drained) happen when the simulated world gets there, so the fleet reports them itself.
class IncidentScript final
{
    Q_DECLARE_TR_FUNCTIONS(qd::demo::IncidentScript)

public:
    explicit IncidentScript(const DemoOptions &options) : m_options(options) {}

    /// The timed incidents that became due since the last call, in order. Each is returned once.
    QList<Incident> due(qint64 elapsedSeconds);
    bool workersDown() const { return m_died && !m_back; }
    bool catchingUp() const { return m_back && !m_drained; }
    void markDrained() { m_drained = true; }

    /// One line for the status bar and the incident timeline.
    static QString describe(Incident incident);

private:
    DemoOptions m_options;
    bool m_newQueue = false;
    bool m_died = false;
    bool m_back = false;
    bool m_drained = false;
};

} // namespace qd::demo
