// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/processlease.h"

#include <QCoreApplication>
#include <QSysInfo>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <csignal>
#endif

namespace qd {

QString processLeaseOwner()
{
    return QSysInfo::machineHostName() + u'/' + QString::number(QCoreApplication::applicationPid());
}

bool processLeaseOwnerGone(const QString &owner)
{
#ifdef Q_OS_UNIX
    const qsizetype slash = owner.lastIndexOf(u'/');
    if (slash < 0 || owner.left(slash) != QSysInfo::machineHostName()) {
        return false;
    }
    bool ok = false;
    const qint64 pid = owner.mid(slash + 1).toLongLong(&ok);
    if (!ok || pid <= 0 || pid == QCoreApplication::applicationPid()) {
        return false;
    }
    return ::kill(pid_t(pid), 0) != 0 && errno == ESRCH;
#else
    Q_UNUSED(owner)
    return false;
#endif
}

} // namespace qd
