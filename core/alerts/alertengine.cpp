// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/alerts/alertengine.h"

#include "core/clock.h"
#include "core/textsafety.h"
#include "core/alerts/alertmessages.h"
#include "core/alerts/depthwindow.h"

#include <vector>

namespace qd {

namespace {

struct RuleState
{
    AlertState state = AlertState::Ok;
    AlertState pending = AlertState::Ok;
    qint64 pendingSinceMs = 0;
    qint64 sinceMs = 0;
    QString message;
    std::optional<double> value;
};

struct QueueMemory
{
    std::vector<int> rules; ///< indexes of the per-queue rules whose glob matches
    std::vector<RuleState> states;
    qint64 firstSeenMs = 0;
    bool discovered = false; ///< appeared after the connection's first poll
    DepthWindow depths; ///< for DepthGrowing
    std::optional<qint64> lastFailed;
    qint64 lastFailedMs = 0;
    std::optional<qint64> lastWaiting; ///< for NotDraining
    std::optional<double> lastAge;     ///< the measured oldest age at lastPollMs
    qint64 lastPollMs = 0;
    int standingPolls = 0;             ///< polls in a row with a backlog that did not fall and nothing completing
    std::optional<int> lastConsumers;  ///< at the previous poll
    qint64 lastConsumerLossMs = 0;     ///< when the consumers last went from some to none
    bool consumersFlapping = false;    ///< lost twice within kFlapWindowMs: restarts, so the hold applies
    qint64 idleRunningSinceMs = 0;     ///< taken jobs and nothing completing since then (0: not so)
    bool present = true;
};

struct Connection
{
    QList<AlertRule> rules = AlertRule::defaults();
    QHash<QString, QueueMemory> queues;
    std::vector<RuleState> connectionStates; ///< one per rule (used by connection-wide rules)
    bool polledOnce = false;
    bool sawLiveWorker = false; ///< a live worker was seen in this session: a later "none" may be a restart blip
    qint64 lastGoodMs = 0;
    qint64 firstFailureMs = 0;
    qint64 maxGrowWindowMs = 0;
};

/// Consumers lost twice within this window are restarting (a deploy): the unserved rule's hold applies then.
constexpr qint64 kFlapWindowMs = 10 * 60'000;

/// How far back a dead-letter queue's growth is told ("5 new in the last 10 min").
constexpr qint64 kDeadLetterWindowMs = 10 * 60'000;

/// The level a value reaches, with hysteresis relative to the current state.
AlertState level(double v, const AlertRule &r, AlertState current)
{
    const bool wasCrit = current == AlertState::Crit;
    const bool wasWarn = wasCrit || current == AlertState::Warn;
    if (r.crit && (v > *r.crit || (wasCrit && v > *r.crit * r.clearRatio && *r.crit > 0))) {
        return AlertState::Crit;
    }
    if (r.warn && (v > *r.warn || (wasWarn && v > *r.warn * r.clearRatio && *r.warn > 0))) {
        return AlertState::Warn;
    }
    return AlertState::Ok;
}

} // namespace

struct AlertEngine::Private
{
    Clock *clock;
    QHash<QString, Connection> connections;

    /// Moves one rule state towards `target`, honouring the hold time; records a change if the state moved.
    /// `message` is only called when the text is needed (the state is not OK, or it changes): formatting
    /// thousands of sentences per poll for queues that are fine would dominate the engine's cost.
    template<typename Message>
    void step(RuleState &st, AlertState target, const AlertRule &rule, qint64 holdMs, qint64 now, Message &&message,
              std::optional<double> value, const QString &connectionId, const QString &queue,
              QList<AlertChange> &changes) const
    {
        st.value = value;
        if (alertSeverity(target) > alertSeverity(st.state) && holdMs > 0) {
            if (st.pending != target) {
                st.pending = target;
                st.pendingSinceMs = now;
            }
            if (now - st.pendingSinceMs < holdMs) {
                return; // crossed, but not for long enough yet
            }
        }
        st.pending = target;
        if (target != AlertState::Ok || st.state != AlertState::Ok) {
            st.message = message();
        }
        if (target == st.state) {
            return;
        }
        const AlertState previous = st.state;
        st.state = target;
        st.sinceMs = now;
        changes.append({makeAlert(st, rule, connectionId, queue), previous});
    }

    Alert makeAlert(const RuleState &st, const AlertRule &rule, const QString &connectionId, const QString &queue) const
    {
        Alert a;
        a.connectionId = connectionId;
        a.queue = queue;
        a.ruleId = rule.id;
        a.kind = rule.kind;
        a.state = st.state;
        a.message = st.message;
        a.value = st.value;
        a.since = QDateTime::fromMSecsSinceEpoch(st.sinceMs, Qt::UTC);
        return a;
    }
};

AlertEngine::AlertEngine(Clock *clock) : d(std::make_unique<Private>())
{
    d->clock = clock ? clock : Clock::system();
}

AlertEngine::~AlertEngine() = default;

void AlertEngine::setRules(const QString &connectionId, QList<AlertRule> rules)
{
    Connection &c = d->connections[connectionId];
    c.rules = std::move(rules);
    c.queues.clear(); // rule indexes changed: rebuild per-queue memory on the next poll
    c.connectionStates.clear();
}

QList<AlertRule> AlertEngine::rules(const QString &connectionId) const
{
    const auto it = d->connections.constFind(connectionId);
    return it == d->connections.cend() ? AlertRule::defaults() : it->rules;
}

void AlertEngine::forget(const QString &connectionId)
{
    d->connections.remove(connectionId);
}

QList<AlertChange> AlertEngine::evaluate(const QString &connectionId, const Snapshot &s, qint64 pollIntervalMs)
{
    QList<AlertChange> changes;
    Connection &c = d->connections[connectionId];
    const qint64 now = s.takenAt.isValid() ? s.takenAt.toMSecsSinceEpoch() : d->clock->nowMs();
    if (c.connectionStates.size() != size_t(c.rules.size())) {
        c.connectionStates.assign(size_t(c.rules.size()), RuleState{});
        c.maxGrowWindowMs = 0;
        for (const AlertRule &r : std::as_const(c.rules)) {
            if (r.kind == RuleKind::DepthGrowing) {
                c.maxGrowWindowMs = std::max(c.maxGrowWindowMs, r.forMs);
            } else if (r.kind == RuleKind::DeadLetters) {
                c.maxGrowWindowMs = std::max(c.maxGrowWindowMs, kDeadLetterWindowMs);
            }
        }
    }
    if (s.ok()) {
        c.lastGoodMs = now;
        c.firstFailureMs = 0;
    } else if (c.firstFailureMs == 0) {
        c.firstFailureMs = now;
    }

    // Connection-wide rules.
    const WorkerSummary workers = s.workerSummary();
    qint64 waitingTotal = 0;
    for (const QueueStats &q : s.queues) {
        if (!q.isDeadLetterQueue()) { // letters wait for a person, not for a worker
            waitingTotal += q.waiting.value_or(0);
        }
    }
    const bool liveWorkerNow = workers.busy && *workers.busy + workers.idle.value_or(0) > 0;
    // A zero that is already there when watching starts is a fact, not a blip: no hold for it where the workers'
    // list is complete (heartbeats), nor once workers are known lost.
    const bool zeroIsFact = !c.sawLiveWorker && s.workersComplete;
    for (qsizetype i = 0; i < c.rules.size(); ++i) {
        const AlertRule &r = c.rules[i];
        if (r.perQueue()) {
            continue;
        }
        RuleState &st = c.connectionStates[size_t(i)];
        std::optional<AlertState> target;
        std::optional<double> value;
        qint64 hold = r.forMs;
        const double intervals =
            c.lastGoodMs == 0 ? 0 : double(now - c.lastGoodMs) / double(std::max<qint64>(1, pollIntervalMs));
        switch (r.kind) {
        case RuleKind::Unreachable:
            value = s.ok() ? 0.0 : 1.0;
            target = s.ok() ? AlertState::Ok : level(1.0, r, st.state);
            break;
        case RuleKind::Stale:
            value = intervals;
            target = level(intervals, r, st.state);
            break;
        case RuleKind::NoWorkers:
            if (s.ok() && workers.busy) {
                const int live = *workers.busy + workers.idle.value_or(0);
                value = double(waitingTotal);
                target = live == 0 && waitingTotal > 0 ? level(double(waitingTotal), r, st.state) : AlertState::Ok;
                if (workers.lost.value_or(0) > 0 || zeroIsFact) {
                    hold = 0; // the hold is for restart blips; workers known lost are evidence enough
                }
            }
            break;
        case RuleKind::WorkerLost:
            if (s.ok() && workers.lost) {
                value = double(*workers.lost);
                target = level(double(*workers.lost), r, st.state);
            }
            break;
        default: break;
        }
        if (target) {
            const auto message = [&]() -> QString {
                switch (r.kind) {
                case RuleKind::Unreachable:
                    return s.ok() ? QString() : AlertMessages::unreachable(escapeForDisplay(s.error, 300));
                case RuleKind::Stale: return AlertMessages::stale(intervals);
                case RuleKind::NoWorkers:
                    return AlertMessages::noWorkers(waitingTotal, workers.lost.value_or(0), !workers.idle);
                case RuleKind::WorkerLost: {
                    QStringList lostNames;
                    for (const WorkerInfo &w : s.workers) {
                        if (w.state == WorkerState::Lost) {
                            lostNames << w.id;
                        }
                    }
                    return AlertMessages::workersLost(workers.lost.value_or(0), lostNames);
                }
                default: return {};
                }
            };
            d->step(st, *target, r, hold, now, message, value, connectionId, QString(), changes);
        }
    }
    if (!s.ok()) {
        return changes; // per-queue numbers are unknown now; keep their states until data returns
    }
    c.sawLiveWorker = c.sawLiveWorker || liveWorkerNow;

    // Per-queue rules. Consumers per queue: the backend's count, else the live workers' queue lists.
    const bool servedKnown = s.servedQueuesKnown();
    const QHash<QString, int> servedBy = s.consumersFromWorkers();
    int liveWorkers = 0;
    for (const WorkerInfo &w : s.workers) {
        liveWorkers += w.state == WorkerState::Lost ? 0 : 1;
    }
    for (auto it = c.queues.begin(); it != c.queues.end(); ++it) {
        it->present = false;
    }
    for (const QueueStats &q : s.queues) {
        auto it = c.queues.find(q.name);
        if (it == c.queues.end()) {
            QueueMemory m;
            for (qsizetype i = 0; i < c.rules.size(); ++i) {
                if (c.rules[i].perQueue() && c.rules[i].matches(q.name)) {
                    m.rules.push_back(int(i));
                }
            }
            m.states.resize(m.rules.size());
            m.firstSeenMs = now;
            m.discovered = c.polledOnce;
            it = c.queues.insert(q.name, std::move(m));
        }
        QueueMemory &m = *it;
        m.present = true;
        if (c.maxGrowWindowMs > 0 && q.waiting) {
            m.depths.add(now, *q.waiting, c.maxGrowWindowMs);
        }
        if (q.waiting) {
            // The head moved when the measured oldest age grew by clearly less than the time that passed.
            const bool measuredAge = q.oldestAgeSeconds && !q.oldestAgeIsLowerBound;
            const bool headMoved = measuredAge && m.lastAge && now > m.lastPollMs
                                   && *q.oldestAgeSeconds < *m.lastAge + 0.5 * double(now - m.lastPollMs) / 1000.0;
            const bool draining = *q.waiting == 0 || (m.lastWaiting && *q.waiting < *m.lastWaiting) || headMoved
                                  || q.outPerMinute.value_or(0) > 0 || q.paused.value_or(false);
            m.standingPolls = draining ? 0 : m.lastWaiting ? m.standingPolls + 1 : 0;
        } else {
            m.standingPolls = 0; // unknown depth: no claim either way
        }
        m.lastWaiting = q.waiting;
        m.lastAge = q.oldestAgeIsLowerBound ? std::nullopt : q.oldestAgeSeconds;
        m.lastPollMs = now;
        // Taken jobs while completions are measured and none come: since when.
        const bool idleRunning = q.running.value_or(0) > 0 && q.rateExactness != Exactness::Unknown && q.outPerMinute
                                 && *q.outPerMinute == 0;
        m.idleRunningSinceMs = idleRunning ? (m.idleRunningSinceMs ? m.idleRunningSinceMs : now) : 0;
        const std::optional<int> consumersNow =
            q.consumers ? q.consumers : servedKnown ? std::optional<int>(servedBy.value(q.name)) : std::nullopt;
        if (consumersNow == 0 && m.lastConsumers.value_or(0) > 0) {
            m.consumersFlapping = m.lastConsumerLossMs > 0 && now - m.lastConsumerLossMs < kFlapWindowMs;
            m.lastConsumerLossMs = now;
        }
        m.lastConsumers = consumersNow;
        const bool dlq = q.isDeadLetterQueue();
        for (size_t k = 0; k < m.rules.size(); ++k) {
            const AlertRule &r = c.rules[m.rules[k]];
            RuleState &st = m.states[k];
            std::optional<AlertState> target;
            std::optional<double> value;
            qint64 hold = r.forMs;
            qint64 grewFrom = 0;
            // A dead-letter queue is judged by the DeadLetters rule alone: its letters grow old by nature, wait for
            // a person rather than a consumer, and do not drain by themselves.
            const bool leftToDeadLetters = r.kind == RuleKind::OldestAge || r.kind == RuleKind::Unserved
                                           || r.kind == RuleKind::NotDraining || r.kind == RuleKind::DepthGrowing;
            if (dlq && leftToDeadLetters) {
                target = AlertState::Ok;
                hold = 0;
            } else switch (r.kind) {
            case RuleKind::OldestAge:
                value = q.oldestAgeSeconds;
                if (!value) {
                    target = AlertState::Unknown;
                } else {
                    target = level(*value, r, st.state);
                    if (q.oldestAgeIsLowerBound && *target == AlertState::Ok && *value > 0) {
                        target = AlertState::Unknown; // at least this old: may be past any level already
                    }
                }
                break;
            case RuleKind::Depth:
                value = q.waiting ? std::optional<double>(double(*q.waiting)) : std::nullopt;
                target = value ? level(*value, r, st.state) : AlertState::Unknown;
                break;
            case RuleKind::Poison:
                if (q.maxAttempts) {
                    value = double(*q.maxAttempts);
                    target = level(*value, r, st.state);
                }
                break;
            case RuleKind::FailureRate:
                if (q.failed) {
                    if (m.lastFailed && now > m.lastFailedMs) {
                        value = double(std::max<qint64>(0, *q.failed - *m.lastFailed)) /
                                (double(now - m.lastFailedMs) / 60000.0);
                        target = level(*value, r, st.state);
                    }
                    m.lastFailed = q.failed;
                    m.lastFailedMs = now;
                }
                break;
            case RuleKind::Unserved:
                if (consumersNow && q.waiting) {
                    value = double(*q.waiting);
                    target = *q.waiting > 0 && *consumersNow == 0 ? level(*value, r, st.state) : AlertState::Ok;
                    if (!m.consumersFlapping) {
                        hold = 0; // an exact 0 is a fact; the hold is for consumers that keep coming and going
                    }
                }
                break;
            case RuleKind::NotDraining:
                hold = 0;
                if (q.waiting) {
                    value = double(m.standingPolls);
                    target = level(*value, r, st.state);
                }
                break;
            case RuleKind::StuckWork:
                hold = 0;
                if (q.stuck) {
                    value = double(*q.stuck);
                    target = *q.stuck > 0 ? level(*value, r, st.state) : AlertState::Ok;
                } else if (q.running) {
                    const bool heldLong = m.idleRunningSinceMs && now - m.idleRunningSinceMs >= r.forMs;
                    value = heldLong ? double(*q.running) : 0.0;
                    target = heldLong ? level(*value, r, st.state) : AlertState::Ok;
                }
                break;
            case RuleKind::DeadLetters:
                if (dlq && q.waiting) {
                    // New letters are the news: old ones that just sit there are known (the tile shows them), and
                    // would keep a warning up forever. Warned while letters arrived in the last 10 minutes.
                    value = double(*q.waiting);
                    grewFrom = m.depths.isEmpty() ? *q.waiting : m.depths.startDepth();
                    target = *q.waiting > grewFrom ? level(*value, r, st.state) : AlertState::Ok;
                } else if (!dlq) {
                    target = AlertState::Ok;
                }
                break;
            case RuleKind::NewQueue:
                // forMs is how long a new queue stays flagged, not a hold time.
                target = m.discovered && now - m.firstSeenMs < r.forMs ? AlertState::Warn : AlertState::Ok;
                hold = 0;
                break;
            case RuleKind::DepthGrowing:
                // forMs is the window the growth is measured over; once measured, no further hold.
                hold = 0;
                if (q.waiting && !m.depths.isEmpty() && now - m.depths.startMs() >= r.forMs) {
                    grewFrom = m.depths.startDepth();
                    const bool outpaced = !q.inPerMinute || !q.outPerMinute || *q.inPerMinute > *q.outPerMinute;
                    value = double(*q.waiting - grewFrom);
                    target = *value > 0 && outpaced ? level(*value, r, st.state) : AlertState::Ok;
                }
                break;
            default: break;
            }
            if (target) {
                const auto message = [&]() -> QString {
                    switch (r.kind) {
                    case RuleKind::OldestAge: return AlertMessages::oldestAge(q.name, q.oldestAgeSeconds, r, q.oldestAgeIsLowerBound);
                    case RuleKind::Depth: return AlertMessages::depth(q.name, q.waiting, r);
                    case RuleKind::Poison: return AlertMessages::poison(q.name, q.maxAttempts.value_or(0));
                    case RuleKind::FailureRate: return AlertMessages::failureRate(q.name, value.value_or(0));
                    case RuleKind::NewQueue: return AlertMessages::newQueue(q.name);
                    case RuleKind::Unserved: return AlertMessages::unserved(q.name, q.waiting.value_or(0), liveWorkers);
                    case RuleKind::NotDraining:
                        return AlertMessages::notDraining(q.name, q.waiting.value_or(0), m.standingPolls, q.outPerMinute);
                    case RuleKind::StuckWork:
                        return AlertMessages::stuckWork(q.name, qint64(value.value_or(0)), q.stuckHolders,
                                                        q.stuck ? 0 : now - m.idleRunningSinceMs);
                    case RuleKind::DeadLetters:
                        return AlertMessages::deadLetters(q.name, q.waiting.value_or(0), q.deadLetterOf,
                                                          q.waiting.value_or(0) - grewFrom,
                                                          m.depths.isEmpty() ? 0 : now - m.depths.startMs());
                    case RuleKind::DepthGrowing:
                        return AlertMessages::depthGrowing(q.name, grewFrom, q.waiting.value_or(0), r.forMs,
                                                           q.inPerMinute, q.outPerMinute);
                    default: return {};
                    }
                };
                d->step(st, *target, r, hold, now, message, value, connectionId, q.name, changes);
            }
        }
    }
    // Queues gone from the backend: their alerts clear.
    for (auto it = c.queues.begin(); it != c.queues.end();) {
        if (!it->present) {
            for (size_t k = 0; k < it->rules.size(); ++k) {
                d->step(it->states[k], AlertState::Ok, c.rules[it->rules[k]], 0, now, [] { return QString(); },
                        std::nullopt, connectionId, it.key(), changes);
            }
            it = c.queues.erase(it);
        } else {
            ++it;
        }
    }
    c.polledOnce = true;
    return changes;
}

QList<Alert> AlertEngine::active(const QString &connectionId) const
{
    QList<Alert> out;
    for (auto c = d->connections.cbegin(); c != d->connections.cend(); ++c) {
        if (!connectionId.isEmpty() && c.key() != connectionId) {
            continue;
        }
        for (size_t i = 0; i < c->connectionStates.size(); ++i) {
            if (c->connectionStates[i].state != AlertState::Ok) {
                out.append(d->makeAlert(c->connectionStates[i], c->rules[qsizetype(i)], c.key(), QString()));
            }
        }
        for (auto q = c->queues.cbegin(); q != c->queues.cend(); ++q) {
            for (size_t k = 0; k < q->rules.size(); ++k) {
                if (q->states[k].state != AlertState::Ok) {
                    out.append(d->makeAlert(q->states[k], c->rules[q->rules[k]], c.key(), q.key()));
                }
            }
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const Alert &a, const Alert &b) {
        const int sa = alertSeverity(a.state);
        const int sb = alertSeverity(b.state);
        return sa != sb ? sa > sb : a.since < b.since;
    });
    return out;
}

AlertState AlertEngine::worst(const QString &connectionId, const QString &queue, bool includeConnection) const
{
    AlertState worst = AlertState::Ok;
    const auto c = d->connections.constFind(connectionId);
    if (c == d->connections.cend()) {
        return worst;
    }
    auto consider = [&](AlertState s) {
        if (alertSeverity(s) > alertSeverity(worst)) {
            worst = s;
        }
    };
    if (includeConnection) {
        for (const RuleState &st : c->connectionStates) {
            consider(st.state);
        }
    }
    const auto visit = [&](const QueueMemory &m) {
        for (const RuleState &st : m.states) {
            consider(st.state);
        }
    };
    if (queue.isEmpty()) {
        for (const QueueMemory &m : c->queues) {
            visit(m);
        }
    } else if (const auto q = c->queues.constFind(queue); q != c->queues.cend()) {
        visit(*q);
    }
    return worst;
}

} // namespace qd
