// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "jobs.h"

namespace qd {

QString jobStateName(JobState state)
{
    switch (state) {
    case JobState::Waiting: return QStringLiteral("waiting");
    case JobState::Running: return QStringLiteral("running");
    case JobState::Scheduled: return QStringLiteral("scheduled");
    case JobState::Failed: return QStringLiteral("failed");
    case JobState::Dead: return QStringLiteral("dead");
    }
    return {};
}

std::optional<JobState> parseJobState(const QString &name)
{
    for (JobState s : {JobState::Waiting, JobState::Running, JobState::Scheduled, JobState::Failed, JobState::Dead}) {
        if (jobStateName(s) == name) {
            return s;
        }
    }
    return std::nullopt;
}

} // namespace qd
