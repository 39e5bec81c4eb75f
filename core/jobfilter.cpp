// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/jobfilter.h"

#include "core/recipients/recipients.h"
#include "core/recipients/userrule.h"

namespace qd {

Result<JobMatcher> JobMatcher::create(const JobFilter &filter)
{
    JobMatcher m;
    m.m_filter = filter;
    if (!filter.fieldPointer.trimmed().isEmpty()) {
        // The user rule's syntax: a JSON pointer, arg:N or re:… — the same parser, the same safe YAML reading.
        auto rule = UserRule::parse(filter.fieldPointer.trimmed());
        if (!rule) {
            return Result<JobMatcher>::failure(rule.error());
        }
        m.m_field = std::make_shared<const UserRule>(rule.value());
    }
    return m;
}

bool JobMatcher::matches(const JobSummary &job, const QDateTime &now) const
{
    if (!m_filter.className.isEmpty() && job.className != m_filter.className) {
        return false;
    }
    if (m_filter.minAgeSeconds > 0 && jobDelaySeconds(AffectedJob::fromSummary(job), now) < m_filter.minAgeSeconds) {
        return false;
    }
    if (m_field) {
        const auto value = m_field->extract(job.payload);
        if (!value || *value != m_filter.fieldValue) {
            return false;
        }
    }
    return true;
}

} // namespace qd
