// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QDateTime>
#include <QFuture>
#include <QStringList>

#include <memory>

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
};

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

    /// $QD_AUDIT_DB, else <GenericDataLocation>/queuedeck/audit.sqlite3 (one log for the GUI and the CLI).
    static QString defaultPath();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace qd
