// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/serialexecutor.h"

#include <QSqlDatabase>

namespace qd {

/// Closes and forgets the named QSqlDatabase connection on the executor's thread (the one that opened it; Qt
/// connections are bound to their thread) and waits: for the destructors of stores that keep one connection
/// on a SerialExecutor (audit log, outbox, directory).
inline void closeDatabaseOn(SerialExecutor &executor, const QString &connectionName)
{
    executor.run([connectionName] {
        if (QSqlDatabase::contains(connectionName)) {
            QSqlDatabase::database(connectionName, false).close();
            QSqlDatabase::removeDatabase(connectionName);
        }
    }).waitForFinished();
}

} // namespace qd
