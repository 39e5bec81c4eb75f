// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/alerts/alertengine.h"
#include "core/snapshot.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <array>

namespace qd {

/// The team server's numbers in the Prometheus text exposition format (version 0.0.4), named the way the exporters
/// operators already use name theirs: `queuedeck_queue_messages{connection,backend,queue,state}`,
/// `queuedeck_queue_oldest_age_seconds`, `queuedeck_queue_consumers`, `queuedeck_workers{state}`,
/// `queuedeck_alerts{severity}`, `queuedeck_up`, `queuedeck_poll_duration_seconds` (a histogram) and
/// `queuedeck_polls_total{result}`. A value the backend does not know is absent, never 0; a connection whose last
/// poll failed keeps only `queuedeck_up 0`, its counters and its histogram (its queues are not known now).
class TeamMetrics final
{
public:
    /// One poll of `connection` (its backend's kind is the snapshot's) and the alerts active after it.
    void recordPoll(const QString &connection, const Snapshot &snapshot, const QList<Alert> &active);
    /// The whole exposition, ready to serve as `text/plain; version=0.0.4`.
    QByteArray exposition() const;

    /// The histogram's upper bounds, in seconds (then +Inf).
    static constexpr std::array<double, 10> kPollBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};

private:
    struct Series
    {
        QString backend;
        Snapshot last;
        qint64 ok = 0;
        qint64 failed = 0;
        std::array<qint64, kPollBuckets.size()> buckets{};
        qint64 observations = 0;
        double sum = 0;
        int warnings = 0;
        int criticals = 0;
    };
    QHash<QString, Series> m_series;
};

/// A Prometheus label value: backslash, double quote and line feed escaped.
QString prometheusLabel(const QString &value);

} // namespace qd
