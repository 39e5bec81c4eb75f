// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QCoreApplication>
#include <QFuture>
#include <QTextStream>

namespace qd::ctl {

/// The CLI's output streams and translation context, shared by every command.
inline QString tr(const char *text)
{
    return QCoreApplication::translate("queuedeckctl", text);
}

inline QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

inline QTextStream &err()
{
    static QTextStream s(stderr);
    return s;
}

/// The CLI has nothing else to do while a backend works on its own thread: waiting here is fine.
template<typename T>
T wait(QFuture<T> f)
{
    f.waitForFinished();
    return f.result();
}

} // namespace qd::ctl
