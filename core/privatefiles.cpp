// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/privatefiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace qd {

bool makePrivateDir(const QString &dir)
{
    constexpr QFileDevice::Permissions ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner;
    const QFileInfo info(dir);
    if (info.exists()) {
        // Only Queuedeck's own folder is tightened (an earlier version made it loose). A folder the operator
        // pointed a file into — /tmp, a home, a shared folder (QD_AUDIT_DB=/tmp/x.sqlite3, --outbox FILE) — is
        // left as it is: making /tmp 0700 breaks every other user and service of the machine.
        if (info.fileName().compare(QLatin1String("queuedeck"), Qt::CaseInsensitive) != 0) {
            return info.isDir();
        }
        return QFile::setPermissions(dir, ownerOnly);
    }
    return QDir().mkpath(dir) && QFile::setPermissions(dir, ownerOnly);
}

bool makePrivateFile(const QString &path)
{
    constexpr QFileDevice::Permissions ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
    if (!QFileInfo::exists(path)) {
        QFile f(path);
        // Created with the owner-only mode from the start: never readable by others, not even for a moment.
        if (!f.open(QIODevice::WriteOnly | QIODevice::NewOnly, ownerOnly)) {
            return QFileInfo::exists(path) && QFile::setPermissions(path, ownerOnly); // another process won the race
        }
        return true;
    }
    bool ok = QFile::setPermissions(path, ownerOnly);
    for (const char *suffix : {"-wal", "-shm", "-journal"}) {
        const QString companion = path + QLatin1String(suffix);
        if (QFileInfo::exists(companion)) {
            ok = QFile::setPermissions(companion, ownerOnly) && ok;
        }
    }
    return ok;
}

bool makePrivateDataFile(const QString &path)
{
    return makePrivateDir(QFileInfo(path).absolutePath()) && makePrivateFile(path);
}

} // namespace qd
