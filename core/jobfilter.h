// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/jobs.h"
#include "core/result.h"

#include <memory>

namespace qd {

class UserRule;

/// A JobFilter ready to test jobs: the field pointer parsed once.
class JobMatcher final
{
public:
    static Result<JobMatcher> create(const JobFilter &filter);
    bool matches(const JobSummary &job, const QDateTime &now) const;
    const JobFilter &filter() const { return m_filter; }

private:
    JobFilter m_filter;
    std::shared_ptr<const UserRule> m_field;
};

} // namespace qd
