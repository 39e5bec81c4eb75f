// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/cli/check.h"

#include "core/cli/snapshotjson.h"

#include <QCoreApplication>

#include <cmath>

namespace qd {

namespace {

/// lupdate files Tr::tr() strings under the context the runtime looks them up in.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(qd::Check)
};

QString seconds(double s)
{
    const qint64 v = std::llround(s);
    if (v < 120) {
        return QStringLiteral("%1 s").arg(v);
    }
    if (v < 7200) {
        return QStringLiteral("%1 m %2 s").arg(v / 60).arg(v % 60, 2, 10, QLatin1Char('0'));
    }
    return QStringLiteral("%1 h %2 m").arg(v / 3600).arg((v % 3600) / 60, 2, 10, QLatin1Char('0'));
}

struct Finding
{
    CheckState state;
    QString text;
    double over = 0; ///< how far past its threshold (value / threshold), so the worst queue is named first
};

double ratio(double value, std::optional<double> warn, std::optional<double> crit)
{
    const double limit = crit.value_or(warn.value_or(0));
    return limit > 0 ? value / limit : value;
}

/// Nagios perfdata thresholds: "value[UOM];warn;crit;min;" with empty fields for what was not asked.
QString levels(std::optional<double> warn, std::optional<double> crit)
{
    auto num = [](std::optional<double> v) { return v ? QString::number(*v, 'g', 12) : QString(); };
    return QStringLiteral(";%1;%2;0;").arg(num(warn), num(crit));
}

std::optional<double> asDouble(std::optional<qint64> v)
{
    return v ? std::optional<double>(double(*v)) : std::nullopt;
}

constexpr int kShownFindings = 3; // one status line: a pager shows the first few, the rest is a count

} // namespace

QString checkStateName(CheckState state)
{
    switch (state) {
    case CheckState::Ok: return QStringLiteral("OK");
    case CheckState::Warning: return QStringLiteral("WARNING");
    case CheckState::Critical: return QStringLiteral("CRITICAL");
    case CheckState::Unknown: return QStringLiteral("UNKNOWN");
    }
    return {};
}

CheckResult evaluateCheck(const Snapshot &s, const CheckThresholds &t)
{
    CheckResult r;
    if (!s.ok()) {
        r.state = CheckState::Unknown;
        r.line = QStringLiteral("QUEUEDECK UNKNOWN - ") + escapeForDisplay(s.error, 400);
        return r;
    }
    QList<Finding> findings;
    auto level = [](double v, std::optional<double> warn, std::optional<double> crit) {
        if (crit && v > *crit) {
            return CheckState::Critical;
        }
        if (warn && v > *warn) {
            return CheckState::Warning;
        }
        return CheckState::Ok;
    };
    std::optional<double> oldest;
    QString oldestQueue;
    qint64 deepest = -1;
    QString deepestQueue;
    QStringList perf;
    for (const QueueStats &q : s.queues) {
        const QString name = escapeForDisplay(q.name, 80);
        if (t.warnLatency || t.maxLatency) {
            if (!q.oldestAgeSeconds) {
                findings.append({CheckState::Unknown, Tr::tr("%1: age of the oldest job is unknown").arg(name)});
            } else {
                const CheckState st = level(*q.oldestAgeSeconds, t.warnLatency, t.maxLatency);
                if (st != CheckState::Ok) {
                    findings.append({st, Tr::tr("%1: oldest job waited %2").arg(name, seconds(*q.oldestAgeSeconds)),
                                     ratio(*q.oldestAgeSeconds, t.warnLatency, t.maxLatency)});
                }
            }
        }
        if (t.warnDepth || t.maxDepth) {
            if (!q.waiting) {
                findings.append({CheckState::Unknown, Tr::tr("%1: depth is unknown").arg(name)});
            } else {
                const CheckState st = level(double(*q.waiting), asDouble(t.warnDepth), asDouble(t.maxDepth));
                if (st != CheckState::Ok) {
                    findings.append({st, Tr::tr("%1: %2 jobs waiting").arg(name).arg(*q.waiting),
                                     ratio(double(*q.waiting), asDouble(t.warnDepth), asDouble(t.maxDepth))});
                }
            }
        }
        if (q.oldestAgeSeconds && (!oldest || *q.oldestAgeSeconds > *oldest)) {
            oldest = q.oldestAgeSeconds;
            oldestQueue = name;
        }
        if (q.waiting && *q.waiting > deepest) {
            deepest = *q.waiting;
            deepestQueue = name;
        }
        // Perfdata labels must not contain quotes or '='.
        QString label = q.name;
        label.replace(u'\'', u'_').replace(u'=', u'_');
        label = escapeForDisplay(label, 60);
        if (q.waiting) {
            perf << QStringLiteral("'%1_depth'=%2").arg(label).arg(*q.waiting) +
                        levels(asDouble(t.warnDepth), asDouble(t.maxDepth));
        }
        if (q.oldestAgeSeconds) {
            perf << QStringLiteral("'%1_oldest'=%2s").arg(label).arg(std::llround(*q.oldestAgeSeconds)) +
                        levels(t.warnLatency, t.maxLatency);
        }
    }
    const WorkerSummary w = s.workerSummary();
    if (t.minWorkers) {
        if (!w.busy) {
            findings.append({CheckState::Unknown, Tr::tr("worker count is unknown")});
        } else {
            const int alive = *w.busy + w.idle.value_or(0);
            if (alive < *t.minWorkers) {
                QString text = Tr::tr("%1 live worker(s), %2 required").arg(alive).arg(*t.minWorkers);
                if (!w.idle) {
                    text += Tr::tr(" (idle workers are invisible on this backend)");
                }
                if (w.lost.value_or(0) > 0) {
                    text += Tr::tr(", %1 lost").arg(*w.lost);
                }
                findings.append({CheckState::Critical, text, double(*t.minWorkers - alive)});
            }
        }
    }
    r.state = CheckState::Ok;
    for (const Finding &f : findings) {
        if (f.state == CheckState::Critical || (f.state == CheckState::Unknown && r.state != CheckState::Critical) ||
            (f.state == CheckState::Warning && r.state == CheckState::Ok)) {
            r.state = f.state;
        }
    }
    QString summary;
    if (findings.isEmpty()) {
        summary = Tr::tr("%n queue(s)", nullptr, int(s.queues.size()));
        if (oldest) {
            summary += Tr::tr(", oldest job %1 (%2)").arg(seconds(*oldest), oldestQueue);
        }
        if (w.busy) {
            summary += Tr::tr(", %1 busy worker(s)").arg(*w.busy);
        }
    } else {
        // Worst first, so the one line a pager shows names the queue to look at.
        std::stable_sort(findings.begin(), findings.end(), [](const Finding &a, const Finding &b) {
            auto rank = [](CheckState st) { return st == CheckState::Critical ? 0 : st == CheckState::Unknown ? 1 : 2; };
            return rank(a.state) != rank(b.state) ? rank(a.state) < rank(b.state) : a.over > b.over;
        });
        QStringList texts;
        for (qsizetype i = 0; i < findings.size() && i < kShownFindings; ++i) {
            texts << findings.at(i).text;
        }
        summary = texts.join(QStringLiteral("; "));
        if (findings.size() > kShownFindings) {
            summary += Tr::tr(" (+%n more)", nullptr, int(findings.size() - kShownFindings));
        }
    }
    if (w.busy) {
        perf << QStringLiteral("workers_busy=%1").arg(*w.busy);
    }
    if (w.lost) {
        perf << QStringLiteral("workers_lost=%1").arg(*w.lost);
    }
    r.line = QStringLiteral("QUEUEDECK %1 - %2").arg(checkStateName(r.state), summary);
    if (!perf.isEmpty()) {
        r.line += QStringLiteral(" | ") + perf.join(u' ');
    }
    return r;
}

} // namespace qd
