// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/backends/redis/redisconnection.h"

#include <QCoreApplication>
#include <QHash>
#include <QString>
#include <QStringList>

namespace qd::sidekiq {

/// Per-queue counts of one of Sidekiq's sorted sets (retry, schedule, dead), with the highest retry_count per queue.
struct SetCounts
{
    bool known = false; ///< broken down per queue (else the per-queue counts are unknown; a warning says why)
    QHash<QString, qint64> perQueue;
    QHash<QString, qint64> maxRetry;
};

/// Breaks the retry, schedule and dead sets down per queue without ever holding Redis long: each set is read by
/// score in adaptive chunks, one Lua call at most `budgetUs` (by Redis's clock), continued in further round trips
/// and, when a poll's share of rounds runs out, at the next poll (the last complete breakdown is reported
/// meanwhile). A set whose fingerprint (size, lowest and highest member and score) has not changed since the last
/// complete breakdown is not read again, except once a minute; between fingerprints (every kFingerprintMs) a poll
/// asks only for the set's size (ZCARD, no script, no member copied), and a changed size starts a breakdown at
/// once. Lives on the connection's thread.
class SetWalk final
{
    Q_DECLARE_TR_FUNCTIONS(qd::sidekiq::SetWalk)

public:
    static constexpr int kSets = 3;
    static constexpr int kRoundsPerPoll = 25;
    static constexpr qint64 kRefreshMs = 60'000;
    static constexpr qint64 kFingerprintMs = 15'000;

    /// `keys`: the retry, schedule and dead keys (namespaced). `limit`: sets with more members are not broken down.
    void configure(const QByteArrayList &keys, qint64 limit, qint64 budgetUs);
    /// Begins a poll: the commands of its first round (one per set).
    QList<redis::Command> begin(qint64 nowMs);
    /// Takes the replies to the last round's commands, in order. True when another round is wanted in this poll.
    bool take(const QList<redis::Reply> &replies, qint64 nowMs);
    /// The commands of the next round (sets still being walked).
    QList<redis::Command> next() const;
    /// The counts this poll reports, with warnings for sets that could not be (fully) broken down.
    void result(SetCounts out[kSets], QStringList &warnings) const;
    /// Round trips the last poll used for the sets (first round included).
    int rounds() const { return m_rounds; }

private:
    struct Done
    {
        bool valid = false;
        QByteArray fingerprint;
        qint64 atMs = 0;
        QHash<QString, qint64> perQueue;
        QHash<QString, qint64> maxRetry;
        qint64 card = -1;       ///< the set's size at the last breakdown or fingerprint
        qint64 checkedAtMs = 0; ///< when the fingerprint was last compared
    };
    struct Walk
    {
        bool active = false; ///< a walk in progress (possibly carried over from an earlier poll)
        QByteArray fingerprint;
        QByteArray from = QByteArrayLiteral("-inf");
        qint64 skip = 0;
        QHash<QString, qint64> perQueue;
        QHash<QString, qint64> maxRetry;
    };
    struct Set
    {
        QByteArray key;
        qint64 card = -1;
        QString error;
        bool overLimit = false;
        Done done;
        Walk walk;
        bool pending = false; ///< has a command in the round being sent
        bool sizeOnly = false; ///< that command is a ZCARD
    };
    /// Takes a ZCARD answer; true when the set changed and a breakdown starts in the next round.
    bool takeSize(Set &set, const redis::Reply &r);
    redis::Command command(const Set &set, int index, const QByteArray &lastFingerprint) const;

    Set m_sets[kSets];
    qint64 m_limit = 50'000;
    qint64 m_budgetUs = 2'000;
    int m_rounds = 0;
};

} // namespace qd::sidekiq
