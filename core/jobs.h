// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <functional>
#include <optional>

namespace qd {

/// Completed: finished successfully and still kept by the backend (BullMQ's completed set); the others keep none.
enum class JobState : quint8 { Waiting, Running, Scheduled, Failed, Dead, Completed };

QString jobStateName(JobState state);
/// The state as shown to people, in the GUI's language (jobStateName() is the id the CLI, JSON and audit use).
QString jobStateText(JobState state);
std::optional<JobState> parseJobState(const QString &name);

/// One page of a job listing: a queue, a state, an optional text filter, a cursor.
/// The order a job listing comes in. Oldest is every backend's; MostAttempts where Capabilities::sortByAttempts.
enum class JobOrder : quint8 { Oldest, MostAttempts };

struct JobQuery
{
    QString queue;
    JobState state = JobState::Waiting;
    QString search;                  ///< plain text matched against the payload and the error
    int limit = 50;
    QString after;                   ///< cursor: the last id of the previous page
    /// Fill JobSummary::payload (for user extraction over a whole selection). Implemented by the Delayed::Job
    /// (handler column) and Sidekiq (the job's JSON) backends; the others ignore it and leave payload empty.
    bool withPayload = false;
    /// Server-side, so a million-row dead set shows its worst offenders on the first page; `after` is then the
    /// backend's own cursor (attempts and id for Delayed::Job).
    JobOrder order = JobOrder::Oldest;
};

struct JobSummary
{
    QString id;
    QString queue;
    QString className;               ///< e.g. "PrintJob", "UserMailer#card_ready"
    JobState state = JobState::Waiting;
    std::optional<qint64> attempts;
    QDateTime enqueuedAt;
    QDateTime runAt;
    QDateTime failedAt;
    QString worker;
    QString errorLine;               ///< first line of the last error
    QString payload;                 ///< raw payload text, only when JobQuery::withPayload was set (hostile)
};

struct JobPage
{
    QList<JobSummary> jobs;
    QString nextCursor;              ///< empty: no more pages
    QString error;
    QString notice;                  ///< what the operator must know about this listing (e.g. peeking requeues)
    /// Backends that scan a structure in bounded chunks (Sidekiq): entries looked at so far from the start,
    /// and how many there are, for a search's progress. Empty when the backend does not say.
    std::optional<qint64> scanned = {};
    std::optional<qint64> scanTotal = {};
};

struct JobDetail
{
    JobSummary summary;
    QString payload;                 ///< raw payload text (hostile: show as plain text, escaped)
    QString error;                   ///< full last error with backtrace
    QString failure;                 ///< why the lookup failed, if it did
    /// The job as Edit & Resend shows it and resend() takes it, where that differs from `payload` (RabbitMQ:
    /// {"headers": …, "body": …}). Empty: `payload` itself.
    QString editablePayload = {};
};

/// What a queue's waiting jobs are, by class: all of them, or an evenly spread sample of a big queue (the
/// new job class that starved every queue behind it shows up here before anyone reads a payload).
struct ClassBreakdown
{
    struct Entry
    {
        QString className;
        qint64 count = 0;
    };
    QList<Entry> classes;          ///< most frequent first
    qint64 examined = 0;           ///< jobs looked at
    std::optional<qint64> total;   ///< jobs waiting in the queue
    QString error;
    bool sampled() const { return total && examined < *total; }
};

struct MoveResult;

/// Move every message of one queue to another, server-side (a dead-letter queue back to where its messages
/// died). `to` empty: where the first message was dead-lettered from (its x-first-death-queue).
struct MoveRequest
{
    QString from;
    QString to;
    bool dryRun = false;
    /// Called after each batch with the counts so far, on the backend's thread (backends that move in batches).
    std::function<void(const MoveResult &sofar)> progress = {};
};

struct MoveResult
{
    QString from;
    QString to;
    qint64 before = 0;  ///< messages in `from` when the move started
    qint64 moved = 0;   ///< messages the backend moved
    qint64 left = 0;    ///< in `from` afterwards (arrived meanwhile); statistics may trail by a few seconds
    QString error;
    bool dryRun = false;
    QString method = {}; ///< how the backend moved them, e.g. "shovel" or "amqp" (RabbitMQ)
};

/// Emptying a queue: every message in it is deleted.
struct PurgeResult
{
    QString queue;
    qint64 before = 0; ///< messages in the queue just before (what a dry run would delete)
    QString error;
    bool dryRun = false;
};

struct PauseResult
{
    QString queue;
    bool paused = false;  ///< the queue's state afterwards
    bool changed = false; ///< false when it already was in that state
    QString error = {};
};

/// Edit and resend: a failed, dead or scheduled job's payload as the operator edited it, sent again.
struct ResendRequest
{
    QString jobId;
    JobState expected = JobState::Dead; ///< where the operator saw the original: resent only if it is still there
    QString payload;                    ///< the edited job, as the backend stores it (Sidekiq: the job's JSON)
    bool inPlace = false;               ///< replace the original (taken out, the edit enqueued under its id)
    bool dryRun = false;                ///< check and normalise, change nothing
};

struct ResendResult
{
    QString originalId;
    QString newId = {};    ///< where the resent job is now
    QString original = {}; ///< the original payload as it was when resent (for the audit log)
    QString edited = {};   ///< what was enqueued (the edit, normalised: new id, fresh times)
    bool inPlace = false;
    bool dryRun = false;
    QString error = {};
};

/// What an operator can ask a running worker process to do (Capabilities::quietWorkers / stopWorkers).
enum class WorkerSignal : quint8 {
    Quiet, ///< finish the jobs it holds, take no new ones, stay up (Sidekiq's TSTP)
    Stop,  ///< finish or hand back the jobs it holds and exit (Sidekiq's TERM, RQ's warm shutdown)
};

/// "quiet" or "stop" (the audit log's and the CLI's word for it).
QString workerSignalName(WorkerSignal signal);

struct WorkerSignalResult
{
    QString worker;
    WorkerSignal signal = WorkerSignal::Quiet;
    QString error = {}; ///< empty: the worker was told (it acts on it on its own schedule, see the backend)
};

enum class ActionKind : quint8 { Retry, Cancel, Move };

/// "retry", "cancel", "move" (the audit log's and the journal's word for it).
QString actionName(ActionKind kind);
std::optional<ActionKind> parseActionName(const QString &name);

/// A conditional action: it applies to a job only while the job is still in `expected` state, so two
/// operators clicking at once cannot both succeed, and a job that moved on is skipped, not harmed.
struct JobAction
{
    ActionKind kind = ActionKind::Retry;
    QStringList jobIds;
    JobState expected = JobState::Failed;
    bool dryRun = false;
    QString targetQueue;             ///< Move: where the jobs go
    /// The queue the operator saw the jobs in, for backends whose job ids do not name it (RabbitMQ messages).
    QString queue = {}; // a default: brace-initialised JobActions that stop before it stay warning-free
};

struct ActionResult
{
    QStringList succeeded;
    QStringList skipped;             ///< no longer in the expected state (e.g. "already retried")
    QString error;                   ///< the action could not run at all
    bool dryRun = false;
};

/// What the job browser narrows a listing to beyond the backend's own query: a class, a field of the payload
/// (a JSON pointer, Delayed::Job YAML included) equal to a value, a minimum wait. Applied to pages as they
/// arrive, so it works with every backend that lists jobs (the field needs payloads: Delayed::Job, Sidekiq).
struct JobFilter
{
    QString className;     ///< exact; empty: any
    QString fieldPointer;  ///< e.g. /args/0/user_id; empty: no field filter
    QString fieldValue;    ///< the field's value as text
    qint64 minAgeSeconds = 0; ///< waited at least this long (since run_at, else enqueued, else failed)

    bool isEmpty() const { return className.isEmpty() && fieldPointer.isEmpty() && minAgeSeconds <= 0; }
    bool needsPayload() const { return !fieldPointer.isEmpty(); }
};

/// A job as JSON (the CLI's `jobs --json` rows; "Copy as JSON" in the job browser): unknown values are null,
/// times ISO 8601 UTC.
QJsonObject toJson(const JobSummary &job);
/// The summary plus "payload" (parsed when it is JSON, else the raw text) and "error" in full.
QJsonObject toJson(const JobDetail &detail);

} // namespace qd
