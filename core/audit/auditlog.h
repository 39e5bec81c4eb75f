// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QDateTime>
#include <QFuture>
#include <QStringList>

#include <memory>
#include <optional>

namespace qd {

class Clock;

/// One operator action, as the audit log keeps it.
struct AuditRecord
{
    QDateTime at;
    QString operatorName;
    QString connection;     ///< the URL without password
    QString action;         ///< "retry", "cancel"
    QString expectedState;  ///< the state the operator saw
    QStringList jobIds;
    QString filter;         ///< for bulk actions: what selected the jobs
    int succeeded = 0;
    int skipped = 0;
    bool dryRun = false;
    QString result;         ///< "ok", or the error
    QString payloadBefore = {}; ///< edit and resend: the job as it was
    QString payloadAfter = {};  ///< edit and resend: the job as it was sent again
};

/// A bulk action's journal entry: what it acts on and how far it got, so a crash, a lost server or a cancel
/// can be resumed where it stopped. Re-doing the batch that was in flight is safe: every action is
/// conditional, so a job that batch already moved is skipped, never acted on twice.
struct BulkJournalEntry
{
    qint64 id = 0;
    QDateTime startedAt;
    QDateTime updatedAt;
    QString operatorName;
    QString connection;     ///< the URL without password
    QString action;         ///< "retry", "cancel"
    QString expectedState;
    QString filter;         ///< what selected the jobs (human-readable)
    QStringList jobIds;     ///< every job, in order
    qint64 next = 0;        ///< index of the first job not yet confirmed done
    qint64 succeeded = 0;
    qint64 skipped = 0;
    QString state;          ///< running, done, cancelled, interrupted
    QString result;         ///< the last error, if any
    bool finished() const { return state == u"done"; }
};

/// How long a bulk run's lease lasts without a batch renewing it (a process on another host that died).
inline constexpr qint64 kBulkLeaseMs = 10 * 60 * 1000;

/// Who did what, when, to which jobs, with what result: an append-only SQLite log shared by the GUI and
/// queuedeckctl (same file), written on its own thread.
class AuditLog final
{
public:
    explicit AuditLog(const QString &path, Clock *clock = nullptr);
    ~AuditLog();
    Q_DISABLE_COPY_MOVE(AuditLog)

    QString open(); ///< empty or a clear error
    QString path() const;
    QFuture<void> append(AuditRecord record); ///< stamps `at` when unset
    QFuture<QList<AuditRecord>> recent(int limit = 200);
    /// What was done on one connection (its URL without password) in [from, to], oldest first: the post-mortem's
    /// "Actions taken", whether the GUI or queuedeckctl did it.
    QFuture<QList<AuditRecord>> between(const QString &connection, const QDateTime &from, const QDateTime &to, int limit = 1000);

    /// The bulk journal (same file): begin returns the new entry's id (0 when the log is not open).
    QFuture<qint64> beginBulk(BulkJournalEntry entry);
    QFuture<void> updateBulk(qint64 id, qint64 next, qint64 succeeded, qint64 skipped, const QString &state,
                             const QString &result = {});
    QFuture<std::optional<BulkJournalEntry>> bulk(qint64 id);
    /// Takes run `id` for this process before it is resumed: empty, or why not — another live process holds it
    /// (two `resume` of one run at once: the second is refused, with who holds it), or it is done. A run's lease
    /// is taken by beginBulk, renewed by each updateBulk while running, and given back when the run ends; a lease
    /// of a process that is gone (same host) or that has expired is taken over.
    QFuture<QString> leaseBulk(qint64 id);
    /// Runs that did not finish (running when the app died, interrupted, or cancelled), newest first;
    /// `connection` empty: every connection.
    QFuture<QList<BulkJournalEntry>> unfinishedBulks(const QString &connection = {});

    /// $QD_AUDIT_DB, else <GenericDataLocation>/queuedeck/audit.sqlite3 (one log for the GUI and the CLI).
    static QString defaultPath();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace qd
