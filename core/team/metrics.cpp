// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/team/metrics.h"

#include <QStringList>

#include <algorithm>
#include <functional>

namespace qd {

namespace {

QString number(double v)
{
    return QString::number(v, 'g', 15);
}

/// Every metric family once, with its HELP and TYPE lines, then its samples.
class Writer
{
public:
    void family(const char *name, const char *type, const char *help)
    {
        m_out += QStringLiteral("# HELP %1 %2\n# TYPE %1 %3\n").arg(QLatin1String(name), QLatin1String(help), QLatin1String(type));
    }
    void sample(const QString &name, const QStringList &labels, double value)
    {
        m_out += name;
        if (!labels.isEmpty()) {
            m_out += u'{' + labels.join(u',') + u'}';
        }
        m_out += u' ' + number(value) + u'\n';
    }
    QByteArray bytes() const { return m_out.toUtf8(); }

private:
    QString m_out;
};

QString label(const char *name, const QString &value)
{
    return QStringLiteral("%1=\"%2\"").arg(QLatin1String(name), prometheusLabel(value));
}

} // namespace

QString prometheusLabel(const QString &value)
{
    QString out;
    out.reserve(value.size());
    for (const QChar c : value) {
        if (c == u'\\') {
            out += QStringLiteral("\\\\");
        } else if (c == u'"') {
            out += QStringLiteral("\\\"");
        } else if (c == u'\n') {
            out += QStringLiteral("\\n");
        } else {
            out += c;
        }
    }
    return out;
}

void TeamMetrics::recordPoll(const QString &connection, const Snapshot &snapshot, const QList<Alert> &active)
{
    Series &s = m_series[connection];
    s.backend = snapshot.backend.isEmpty() ? s.backend : snapshot.backend;
    s.last = snapshot;
    (snapshot.ok() ? s.ok : s.failed) += 1;
    if (snapshot.pollSeconds) {
        const double took = *snapshot.pollSeconds;
        for (size_t i = 0; i < kPollBuckets.size(); ++i) {
            s.buckets[i] += took <= kPollBuckets[i] ? 1 : 0;
        }
        s.observations += 1;
        s.sum += took;
    }
    s.warnings = int(std::count_if(active.cbegin(), active.cend(), [](const Alert &a) { return a.state == AlertState::Warn; }));
    s.criticals = int(std::count_if(active.cbegin(), active.cend(), [](const Alert &a) { return a.state == AlertState::Crit; }));
}

QByteArray TeamMetrics::exposition() const
{
    QStringList names = m_series.keys();
    names.sort();
    Writer w;
    const auto each = [&](const std::function<void(const QString &, const Series &)> &f) {
        for (const QString &n : std::as_const(names)) {
            f(n, m_series[n]);
        }
    };
    const auto base = [](const QString &n, const Series &s) { return QStringList{label("connection", n), label("backend", s.backend)}; };

    w.family("queuedeck_up", "gauge", "1 when the last poll of the connection succeeded, 0 when it failed.");
    each([&](const QString &n, const Series &s) { w.sample(QStringLiteral("queuedeck_up"), base(n, s), s.last.ok() ? 1 : 0); });
    w.family("queuedeck_last_poll_timestamp_seconds", "gauge", "When the last poll of the connection ended (Unix time).");
    each([&](const QString &n, const Series &s) {
        if (s.last.takenAt.isValid()) {
            w.sample(QStringLiteral("queuedeck_last_poll_timestamp_seconds"), base(n, s), double(s.last.takenAt.toMSecsSinceEpoch()) / 1000.0);
        }
    });
    w.family("queuedeck_queue_messages", "gauge", "Jobs or messages in a queue by state; absent where the backend cannot tell.");
    each([&](const QString &n, const Series &s) {
        if (!s.last.ok()) {
            return;
        }
        for (const QueueStats &q : s.last.queues) {
            const std::pair<const char *, std::optional<qint64>> states[] = {
                {"waiting", q.waiting}, {"running", q.running}, {"scheduled", q.scheduled}, {"failed", q.failed}, {"dead", q.dead}};
            for (const auto &[state, value] : states) {
                if (value) {
                    w.sample(QStringLiteral("queuedeck_queue_messages"), base(n, s) << label("queue", q.name) << label("state", QString::fromLatin1(state)),
                             double(*value));
                }
            }
        }
    });
    w.family("queuedeck_queue_oldest_age_seconds", "gauge",
             "Age of the oldest waiting job; absent where unknown. A lower bound where the backend keeps no enqueue time.");
    each([&](const QString &n, const Series &s) {
        if (!s.last.ok()) {
            return;
        }
        for (const QueueStats &q : s.last.queues) {
            if (q.oldestAgeSeconds) {
                w.sample(QStringLiteral("queuedeck_queue_oldest_age_seconds"),
                         base(n, s) << label("queue", q.name) << label("lower_bound", q.oldestAgeIsLowerBound ? QStringLiteral("true") : QStringLiteral("false")),
                         *q.oldestAgeSeconds);
            }
        }
    });
    w.family("queuedeck_queue_consumers", "gauge", "Consumers or live workers serving a queue; absent where the backend cannot tell.");
    each([&](const QString &n, const Series &s) {
        if (!s.last.ok()) {
            return;
        }
        for (const QueueStats &q : s.last.queues) {
            if (q.consumers) {
                w.sample(QStringLiteral("queuedeck_queue_consumers"), base(n, s) << label("queue", q.name), *q.consumers);
            }
        }
    });
    w.family("queuedeck_workers", "gauge", "Workers by state; absent where the backend cannot see them (idle workers too).");
    each([&](const QString &n, const Series &s) {
        if (!s.last.ok() || !s.last.workersKnown) {
            return;
        }
        const WorkerSummary ws = s.last.workerSummary();
        const std::pair<const char *, std::optional<int>> states[] = {{"busy", ws.busy}, {"idle", ws.idle}, {"lost", ws.lost}};
        for (const auto &[state, value] : states) {
            if (value) {
                w.sample(QStringLiteral("queuedeck_workers"), base(n, s) << label("state", QString::fromLatin1(state)), *value);
            }
        }
    });
    w.family("queuedeck_alerts", "gauge", "Active alerts of the connection by severity.");
    each([&](const QString &n, const Series &s) {
        w.sample(QStringLiteral("queuedeck_alerts"), base(n, s) << label("severity", QStringLiteral("warning")), s.warnings);
        w.sample(QStringLiteral("queuedeck_alerts"), base(n, s) << label("severity", QStringLiteral("critical")), s.criticals);
    });
    w.family("queuedeck_polls_total", "counter", "Polls of the connection by result.");
    each([&](const QString &n, const Series &s) {
        w.sample(QStringLiteral("queuedeck_polls_total"), base(n, s) << label("result", QStringLiteral("ok")), double(s.ok));
        w.sample(QStringLiteral("queuedeck_polls_total"), base(n, s) << label("result", QStringLiteral("error")), double(s.failed));
    });
    w.family("queuedeck_poll_duration_seconds", "histogram", "How long one poll of the connection took.");
    each([&](const QString &n, const Series &s) {
        for (size_t i = 0; i < kPollBuckets.size(); ++i) {
            w.sample(QStringLiteral("queuedeck_poll_duration_seconds_bucket"), base(n, s) << label("le", number(kPollBuckets[i])), double(s.buckets[i]));
        }
        w.sample(QStringLiteral("queuedeck_poll_duration_seconds_bucket"), base(n, s) << label("le", QStringLiteral("+Inf")), double(s.observations));
        w.sample(QStringLiteral("queuedeck_poll_duration_seconds_sum"), base(n, s), s.sum);
        w.sample(QStringLiteral("queuedeck_poll_duration_seconds_count"), base(n, s), double(s.observations));
    });
    return w.bytes();
}

} // namespace qd
