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

/// What one rule concludes on this poll: the state it moves towards (none: no opinion, the state stays as it is),
/// the measured value, how long the new state must hold before it is raised, and (growth rules) the depth it grew from.
struct Verdict
{
    std::optional<AlertState> target = std::nullopt;
    std::optional<double> value = std::nullopt;
    qint64 hold = 0;
    qint64 grewFrom = 0;
};

/// The connection-wide facts the connection rules read, taken once per poll.
struct ConnectionFacts
{
    const Snapshot &s;
    WorkerSummary workers;
    qint64 waitingTotal = 0; ///< waiting in every queue but dead-letter ones (letters wait for a person)
    double intervals = 0;    ///< poll intervals since the last good poll
    /// A zero that is already there when watching starts is a fact, not a blip: no hold for it where the workers'
    /// list is complete (heartbeats), nor once workers are known lost.
    bool zeroIsFact = false;
};

ConnectionFacts connectionFacts(const Connection &c, const Snapshot &s, qint64 now, qint64 pollIntervalMs)
{
    ConnectionFacts f{s, s.workerSummary()};
    for (const QueueStats &q : s.queues) {
        if (!q.isDeadLetterQueue()) {
            f.waitingTotal += q.waiting.value_or(0);
        }
    }
    f.intervals = c.lastGoodMs == 0 ? 0 : double(now - c.lastGoodMs) / double(std::max<qint64>(1, pollIntervalMs));
    f.zeroIsFact = !c.sawLiveWorker && s.workersComplete;
    return f;
}

Verdict judgeConnectionRule(const AlertRule &r, const RuleState &st, const ConnectionFacts &f)
{
    const Snapshot &s = f.s;
    Verdict v{.hold = r.forMs};
    switch (r.kind) {
    case RuleKind::Unreachable:
        v.value = s.ok() ? 0.0 : 1.0;
        v.target = s.ok() ? AlertState::Ok : level(1.0, r, st.state);
        break;
    case RuleKind::Stale:
        v.value = f.intervals;
        v.target = level(f.intervals, r, st.state);
        break;
    case RuleKind::NoWorkers:
        if (s.ok() && f.workers.busy) {
            const int live = *f.workers.busy + f.workers.idle.value_or(0);
            v.value = double(f.waitingTotal);
            v.target = live == 0 && f.waitingTotal > 0 ? level(double(f.waitingTotal), r, st.state) : AlertState::Ok;
            if (f.workers.lost.value_or(0) > 0 || f.zeroIsFact) {
                v.hold = 0; // the hold is for restart blips; workers known lost are evidence enough
            }
        }
        break;
    case RuleKind::WorkerLost:
        if (s.ok() && f.workers.lost) {
            v.value = double(*f.workers.lost);
            v.target = level(double(*f.workers.lost), r, st.state);
        }
        break;
    default: break;
    }
    return v;
}

QString connectionRuleMessage(const AlertRule &r, const ConnectionFacts &f)
{
    const Snapshot &s = f.s;
    switch (r.kind) {
    case RuleKind::Unreachable: return s.ok() ? QString() : AlertMessages::unreachable(escapeForDisplay(s.error, 300));
    case RuleKind::Stale: return AlertMessages::stale(f.intervals);
    case RuleKind::NoWorkers:
        return AlertMessages::noWorkers(f.waitingTotal, f.workers.lost.value_or(0), !f.workers.idle);
    case RuleKind::WorkerLost: {
        QStringList lostNames;
        for (const WorkerInfo &w : s.workers) {
            if (w.state == WorkerState::Lost) {
                lostNames << w.id;
            }
        }
        return AlertMessages::workersLost(f.workers.lost.value_or(0), lostNames);
    }
    default: return {};
    }
}

/// A queue seen for the first time: the per-queue rules whose glob matches it, and whether it is new (appeared
/// after the connection's first poll).
QueueMemory newQueueMemory(const Connection &c, const QString &name, qint64 now)
{
    QueueMemory m;
    for (qsizetype i = 0; i < c.rules.size(); ++i) {
        if (c.rules[i].perQueue() && c.rules[i].matches(name)) {
            m.rules.push_back(int(i));
        }
    }
    m.states.resize(m.rules.size());
    m.firstSeenMs = now;
    m.discovered = c.polledOnce;
    return m;
}

/// Carries one poll of a queue into its memory: the depth window, polls in a row without draining, since when taken
/// jobs complete nothing, and consumers that come and go.
void rememberPoll(QueueMemory &m, const QueueStats &q, std::optional<int> consumersNow, qint64 maxGrowWindowMs,
                  qint64 now)
{
    m.present = true;
    if (maxGrowWindowMs > 0 && q.waiting) {
        m.depths.add(now, *q.waiting, maxGrowWindowMs);
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
    if (consumersNow == 0 && m.lastConsumers.value_or(0) > 0) {
        m.consumersFlapping = m.lastConsumerLossMs > 0 && now - m.lastConsumerLossMs < kFlapWindowMs;
        m.lastConsumerLossMs = now;
    }
    m.lastConsumers = consumersNow;
}

/// One queue on this poll, as the per-queue rules read it.
struct QueueFacts
{
    const QueueStats &q;
    QueueMemory &m;
    std::optional<int> consumersNow; ///< the backend's count, else the live workers' queue lists, else unknown
    int liveWorkers = 0;
    qint64 now = 0;
};

/// The rules about what a queue holds and how long it has waited.
Verdict judgeBacklogRule(const AlertRule &r, const RuleState &st, const QueueFacts &f)
{
    const QueueStats &q = f.q;
    const QueueMemory &m = f.m;
    Verdict v{.hold = r.forMs};
    switch (r.kind) {
    case RuleKind::OldestAge:
        v.value = q.oldestAgeSeconds;
        if (!v.value) {
            v.target = AlertState::Unknown;
        } else {
            v.target = level(*v.value, r, st.state);
            if (q.oldestAgeIsLowerBound && *v.target == AlertState::Ok && *v.value > 0) {
                v.target = AlertState::Unknown; // at least this old: may be past any level already
            }
        }
        break;
    case RuleKind::Depth:
        v.value = q.waiting ? std::optional<double>(double(*q.waiting)) : std::nullopt;
        v.target = v.value ? level(*v.value, r, st.state) : AlertState::Unknown;
        break;
    case RuleKind::NotDraining:
        v.hold = 0;
        if (q.waiting) {
            v.value = double(m.standingPolls);
            v.target = level(*v.value, r, st.state);
        }
        break;
    case RuleKind::DepthGrowing:
        // forMs is the window the growth is measured over; once measured, no further hold.
        v.hold = 0;
        if (q.waiting && !m.depths.isEmpty() && f.now - m.depths.startMs() >= r.forMs) {
            v.grewFrom = m.depths.startDepth();
            const bool outpaced = !q.inPerMinute || !q.outPerMinute || *q.inPerMinute > *q.outPerMinute;
            v.value = double(*q.waiting - v.grewFrom);
            v.target = *v.value > 0 && outpaced ? level(*v.value, r, st.state) : AlertState::Ok;
        }
        break;
    case RuleKind::NewQueue:
        // forMs is how long a new queue stays flagged, not a hold time.
        v.target = m.discovered && f.now - m.firstSeenMs < r.forMs ? AlertState::Warn : AlertState::Ok;
        v.hold = 0;
        break;
    default: break;
    }
    return v;
}

/// The rules about the work itself: poison jobs, failures, consumers, jobs held without progress, dead letters.
Verdict judgeWorkRule(const AlertRule &r, const RuleState &st, const QueueFacts &f)
{
    const QueueStats &q = f.q;
    QueueMemory &m = f.m;
    Verdict v{.hold = r.forMs};
    switch (r.kind) {
    case RuleKind::Poison:
        if (q.maxAttempts) {
            v.value = double(*q.maxAttempts);
            v.target = level(*v.value, r, st.state);
        }
        break;
    case RuleKind::FailureRate:
        if (q.failed) {
            if (m.lastFailed && f.now > m.lastFailedMs) {
                v.value = double(std::max<qint64>(0, *q.failed - *m.lastFailed)) / (double(f.now - m.lastFailedMs) / 60000.0);
                v.target = level(*v.value, r, st.state);
            }
            m.lastFailed = q.failed;
            m.lastFailedMs = f.now;
        }
        break;
    case RuleKind::Unserved:
        if (f.consumersNow && q.waiting) {
            v.value = double(*q.waiting);
            v.target = *q.waiting > 0 && *f.consumersNow == 0 ? level(*v.value, r, st.state) : AlertState::Ok;
            if (!m.consumersFlapping) {
                v.hold = 0; // an exact 0 is a fact; the hold is for consumers that keep coming and going
            }
        }
        break;
    case RuleKind::StuckWork:
        v.hold = 0;
        if (q.stuck) {
            v.value = double(*q.stuck);
            v.target = *q.stuck > 0 ? level(*v.value, r, st.state) : AlertState::Ok;
        } else if (q.running) {
            const bool heldLong = m.idleRunningSinceMs && f.now - m.idleRunningSinceMs >= r.forMs;
            v.value = heldLong ? double(*q.running) : 0.0;
            v.target = heldLong ? level(*v.value, r, st.state) : AlertState::Ok;
        }
        break;
    case RuleKind::DeadLetters:
        if (q.isDeadLetterQueue() && q.waiting) {
            // New letters are the news: old ones that just sit there are known (the tile shows them), and would keep
            // a warning up forever. Warned while letters arrived in the last 10 minutes.
            v.value = double(*q.waiting);
            v.grewFrom = m.depths.isEmpty() ? *q.waiting : m.depths.startDepth();
            v.target = *q.waiting > v.grewFrom ? level(*v.value, r, st.state) : AlertState::Ok;
        } else if (!q.isDeadLetterQueue()) {
            v.target = AlertState::Ok;
        }
        break;
    default: break;
    }
    return v;
}

Verdict judgeQueueRule(const AlertRule &r, const RuleState &st, const QueueFacts &f)
{
    // A dead-letter queue is judged by the DeadLetters rule alone: its letters grow old by nature, wait for a person
    // rather than a consumer, and do not drain by themselves.
    const bool leftToDeadLetters = r.kind == RuleKind::OldestAge || r.kind == RuleKind::Unserved
                                   || r.kind == RuleKind::NotDraining || r.kind == RuleKind::DepthGrowing;
    if (f.q.isDeadLetterQueue() && leftToDeadLetters) {
        return Verdict{.target = AlertState::Ok};
    }
    switch (r.kind) {
    case RuleKind::Poison:
    case RuleKind::FailureRate:
    case RuleKind::Unserved:
    case RuleKind::StuckWork:
    case RuleKind::DeadLetters: return judgeWorkRule(r, st, f);
    default: return judgeBacklogRule(r, st, f);
    }
}

QString queueRuleMessage(const AlertRule &r, const QueueFacts &f, const Verdict &v)
{
    const QueueStats &q = f.q;
    const QueueMemory &m = f.m;
    switch (r.kind) {
    case RuleKind::OldestAge: return AlertMessages::oldestAge(q.name, q.oldestAgeSeconds, r, q.oldestAgeIsLowerBound);
    case RuleKind::Depth: return AlertMessages::depth(q.name, q.waiting, r);
    case RuleKind::Poison: return AlertMessages::poison(q.name, q.maxAttempts.value_or(0));
    case RuleKind::FailureRate: return AlertMessages::failureRate(q.name, v.value.value_or(0));
    case RuleKind::NewQueue: return AlertMessages::newQueue(q.name);
    case RuleKind::Unserved: return AlertMessages::unserved(q.name, q.waiting.value_or(0), f.liveWorkers);
    case RuleKind::NotDraining:
        return AlertMessages::notDraining(q.name, q.waiting.value_or(0), m.standingPolls, q.outPerMinute);
    case RuleKind::StuckWork:
        return AlertMessages::stuckWork(q.name, qint64(v.value.value_or(0)), q.stuckHolders,
                                        q.stuck ? 0 : f.now - m.idleRunningSinceMs);
    case RuleKind::DeadLetters:
        return AlertMessages::deadLetters(q.name, q.waiting.value_or(0), q.deadLetterOf, q.waiting.value_or(0) - v.grewFrom,
                                          m.depths.isEmpty() ? 0 : f.now - m.depths.startMs());
    case RuleKind::DepthGrowing:
        return AlertMessages::depthGrowing(q.name, v.grewFrom, q.waiting.value_or(0), r.forMs, q.inPerMinute,
                                           q.outPerMinute);
    default: return {};
    }
}

/// Sizes the connection rules' states to the rules, and the depth window to the longest rule that reads it.
void fitToRules(Connection &c)
{
    if (c.connectionStates.size() == size_t(c.rules.size())) {
        return;
    }
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

    /// Unreachable, stale, no workers, workers lost: the rules about the connection as a whole.
    void evaluateConnectionRules(Connection &c, const ConnectionFacts &f, qint64 now, const QString &connectionId,
                                 QList<AlertChange> &changes) const
    {
        for (qsizetype i = 0; i < c.rules.size(); ++i) {
            const AlertRule &r = c.rules[i];
            if (r.perQueue()) {
                continue;
            }
            RuleState &st = c.connectionStates[size_t(i)];
            const Verdict v = judgeConnectionRule(r, st, f);
            if (v.target) {
                step(st, *v.target, r, v.hold, now, [&] { return connectionRuleMessage(r, f); }, v.value,
                     connectionId, QString(), changes);
            }
        }
    }

    /// Every queue of the snapshot against the per-queue rules that match its name.
    void evaluateQueues(Connection &c, const Snapshot &s, qint64 now, const QString &connectionId,
                        QList<AlertChange> &changes) const
    {
        // Consumers per queue: the backend's count, else the live workers' queue lists.
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
                it = c.queues.insert(q.name, newQueueMemory(c, q.name, now));
            }
            const std::optional<int> consumers =
                q.consumers ? q.consumers : servedKnown ? std::optional<int>(servedBy.value(q.name)) : std::nullopt;
            const QueueFacts f{q, *it, consumers, liveWorkers, now};
            rememberPoll(f.m, q, consumers, c.maxGrowWindowMs, now);
            for (size_t k = 0; k < f.m.rules.size(); ++k) {
                const AlertRule &r = c.rules[f.m.rules[k]];
                RuleState &st = f.m.states[k];
                const Verdict v = judgeQueueRule(r, st, f);
                if (v.target) {
                    step(st, *v.target, r, v.hold, now, [&] { return queueRuleMessage(r, f, v); }, v.value,
                         connectionId, q.name, changes);
                }
            }
        }
    }

    /// Queues gone from the backend: their alerts clear, and their memory goes.
    void forgetVanishedQueues(Connection &c, qint64 now, const QString &connectionId, QList<AlertChange> &changes) const
    {
        for (auto it = c.queues.begin(); it != c.queues.end();) {
            if (!it->present) {
                for (size_t k = 0; k < it->rules.size(); ++k) {
                    step(it->states[k], AlertState::Ok, c.rules[it->rules[k]], 0, now, [] { return QString(); },
                         std::nullopt, connectionId, it.key(), changes);
                }
                it = c.queues.erase(it);
            } else {
                ++it;
            }
        }
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
    fitToRules(c);
    if (s.ok()) {
        c.lastGoodMs = now;
        c.firstFailureMs = 0;
    } else if (c.firstFailureMs == 0) {
        c.firstFailureMs = now;
    }
    const ConnectionFacts facts = connectionFacts(c, s, now, pollIntervalMs);
    d->evaluateConnectionRules(c, facts, now, connectionId, changes);
    if (!s.ok()) {
        return changes; // per-queue numbers are unknown now; keep their states until data returns
    }
    const WorkerSummary &w = facts.workers;
    c.sawLiveWorker = c.sawLiveWorker || (w.busy && *w.busy + w.idle.value_or(0) > 0);
    d->evaluateQueues(c, s, now, connectionId, changes);
    d->forgetVanishedQueues(c, now, connectionId, changes);
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
