// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/privatefiles.h"

#include "core/textsafety.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <sys/stat.h>

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

Result<QString> readSecretFile(const QString &path)
{
    const auto tr = [](const char *text) { return QCoreApplication::translate("qd::PrivateFiles", text); };
    const QString shown = escapeForDisplay(path, 200);
    const QString source = path == u"-" ? QStringLiteral("/dev/stdin") : path;
    struct stat st = {};
    if (::stat(QFile::encodeName(source).constData(), &st) != 0) {
        return Result<QString>::failure(tr("cannot read the password file %1: %2").arg(shown, QString::fromLocal8Bit(std::strerror(errno))));
    }
    if (source != u"/dev/stdin" && !S_ISFIFO(st.st_mode) && (st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
        return Result<QString>::failure(tr("the password file %1 is readable by other users (mode %2); refusing to use it. "
                                           "Run: chmod 600 %1")
                                            .arg(shown)
                                            .arg(st.st_mode & 0777, 4, 8, QLatin1Char('0')));
    }
    QFile f(source);
    if (!f.open(QIODevice::ReadOnly)) {
        return Result<QString>::failure(tr("cannot read the password file %1: %2").arg(shown, f.errorString()));
    }
    QByteArray line = f.readLine(64 * 1024);
    if (line.endsWith('\n')) {
        line.chop(1);
    }
    if (line.endsWith('\r')) {
        line.chop(1);
    }
    if (line.isEmpty()) {
        return Result<QString>::failure(tr("the password file %1 is empty (its first line is the password)").arg(shown));
    }
    return Result<QString>(QString::fromUtf8(line));
}

} // namespace qd
