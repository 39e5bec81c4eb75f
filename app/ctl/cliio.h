// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QCommandLineParser>
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

/// A command's parser: its description, --help, and the command word as the first positional argument.
inline void startCommand(QCommandLineParser &p, const QString &command, const QString &description)
{
    p.setApplicationDescription(description);
    p.addHelpOption();
    p.addPositionalArgument(command, tr("The command."));
}

/// Parses `arguments` into `p` (`parsed`: whether that worked). True when --help was asked for and printed:
/// the command returns 0 then.
inline bool helpShown(QCommandLineParser &p, const QStringList &arguments, bool &parsed)
{
    parsed = p.parse(arguments);
    if (parsed && p.isSet(QStringLiteral("help"))) {
        out() << p.helpText();
        return true;
    }
    return false;
}

/// The CLI has nothing else to do while a backend works on its own thread: waiting here is fine.
template<typename T>
T wait(QFuture<T> f)
{
    f.waitForFinished();
    return f.result();
}

} // namespace qd::ctl
