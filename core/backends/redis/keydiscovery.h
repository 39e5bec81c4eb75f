// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/backends/redis/redisconnection.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSet>

#include <functional>
#include <memory>

namespace qd::redis {

/// The URL option `discovery_budget_ms` in microseconds: how long the first poll of a connection may spend on a
/// full pass over the keyspace for discovery (default 3 s); 0 for no bound; -1 with `discovery=off` (no SCAN at
/// all: only the queues the URL names with `queues=`, or a registry lists, are watched — for a keyspace so big
/// that even bounded passes are unwelcome, at the price of not seeing new queues).
qint64 discoveryBudgetUs(const ConnectionUrl &url);

/// Finds every key matching a pattern (and type) by full passes over the keyspace, for queue discovery. A pass is
/// a series of calls of one Lua script that loops `SCAN … MATCH … COUNT … [TYPE …]` server-side until its time
/// budget (`scan_budget_ms`, Redis's TIME) is used up: one round trip covers many SCAN steps and never holds Redis
/// much longer than the budget. The first run() makes calls until the pass is complete or `discovery_budget_ms`
/// is spent, so the first poll of a connection sees every queue; later runs go on for at most kLaterRunUs each
/// and start a new pass after each complete one, so queues created later are found and deleted ones drop out
/// after one pass. Where discovery only completes a registry that is usually right (Sidekiq's and RQ's `queues`
/// sets), later runs make one call every kOccasionalRuns runs once a pass has completed
/// (`LaterRuns::Occasional`; a run without a call still sends `alongside`): the steady cost stays a small fraction
/// of one budgeted call per poll. Used on the connection thread only.
class KeyDiscovery final
{
    Q_DECLARE_TR_FUNCTIONS(qd::redis::KeyDiscovery)

public:
    /// How much a run after the first may do.
    enum class LaterRuns { Bounded, Occasional };
    /// `pattern` as for SCAN MATCH (glob-escape literal parts), `type` as for SCAN TYPE (empty: any type).
    KeyDiscovery(QByteArray pattern, QByteArray type, qint64 callBudgetUs, qint64 firstPassBudgetUs,
                 LaterRuns laterRuns = LaterRuns::Bounded);
    Q_DISABLE_COPY_MOVE(KeyDiscovery)

    /// How long a run after the first may go on (µs, LaterRuns::Bounded): later polls stay short, the pass goes on
    /// in the next poll.
    static constexpr qint64 kLaterRunUs = 20'000;
    /// LaterRuns::Occasional: one call every this many runs (about a minute at the default 5 s interval).
    static constexpr int kOccasionalRuns = 12;

    struct Outcome
    {
        QSet<QByteArray> keys; ///< found by the last complete pass and the current one so far
        QString error;         ///< the round trip failed or Redis refused the script: `keys` are the last known
        QString warning;       ///< no pass has completed yet: how far discovery got, for the snapshot
        QList<Reply> alongside; ///< the replies to run()'s `alongside` commands (empty when the round trip failed)

        /// The keys found that start with `prefix`, without it (queue names from `<prefix><name>` keys).
        QSet<QByteArray> namesAfter(const QByteArray &prefix) const;
        /// Why a poll whose first `count` commands (`first`) rode along cannot go on, or empty: a server that does
        /// not answer like Redis (notAList) — said before what the discovery script made of it —, then this run's
        /// error, then an error reply to one of those commands (`wrongKeys`, with %1 for Redis's text).
        QString pollError(const QList<Command> &first, qsizetype count, const QString &wrongKeys) const;
    };
    /// `discovery=off`: run() makes no discovery call, only `alongside` goes out.
    bool off() const { return m_firstPassBudgetUs < 0; }
    /// Makes discovery calls (at least one, none when off()) within this run's budget, then calls `done` once. `alongside` go out in
    /// the first call's batch, so a poll's other first commands cost no round trip of their own.
    void run(Connection &c, const QList<Command> &alongside, std::function<void(const Outcome &)> done);

    /// For benchmarks and tests.
    struct Progress
    {
        qint64 calls = 0;         ///< script calls (round trips) so far
        qint64 steps = 0;         ///< SCAN steps inside those calls
        qint64 longestCallUs = 0; ///< the longest one call ran on the server, by its own TIME
        qint64 passes = 0;        ///< complete passes
        qint64 elapsedUs = 0;     ///< wall time spent in runs until the first pass completed (or so far)
    };
    Progress progress() const { return m_progress; }

    /// The part of the keyspace a SCAN cursor has covered, 0 to 1: Redis walks its hash table in reverse-binary
    /// bucket order, so the cursor with its 64 bits reversed is the covered fraction of 2^64 whatever the table's
    /// size.
    static double coveredFraction(quint64 cursor);

private:
    void call(Connection &c, const QList<Command> &alongside, std::shared_ptr<QElapsedTimer> timer, qint64 budgetUs,
              std::function<void(const Outcome &)> done);
    /// A later run that makes no discovery call: only `alongside` goes out.
    void runWithoutCall(Connection &c, const QList<Command> &alongside, std::function<void(const Outcome &)> done);
    /// Takes one call's reply; false when it was malformed.
    bool take(const Reply &reply);
    Outcome outcome(QString error = {}) const;

    QList<Reply> m_alongside; ///< this run's, until it ends

    const QByteArray m_pattern;
    const QByteArray m_type;
    const qint64 m_callBudgetUs;
    const qint64 m_firstPassBudgetUs;
    const LaterRuns m_laterRuns;
    int m_runsWithoutCall = 0;
    QByteArray m_cursor = QByteArrayLiteral("0");
    bool m_passStarted = false;
    QSet<QByteArray> m_thisPass;
    QSet<QByteArray> m_lastPass;
    Progress m_progress;
};

} // namespace qd::redis
