// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFuture>
#include <QTextStream>

#include "core/textsafety.h"

#include <unistd.h>

#include <optional>

namespace qd::ctl {

/// The CLI's output streams and translation context, shared by every command.
inline QString tr(const char *text)
{
    return QCoreApplication::translate("queuedeckctl", text);
}

/// With plural forms (%n).
inline QString tr(const char *text, const char *disambiguation, int n)
{
    return QCoreApplication::translate("queuedeckctl", text, disambiguation, n);
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
        out() << p.helpText()
              << tr("\nA password never needs to be in the URL: --password-file FILE, $QUEUEDECK_PASSWORD or the\n"
                    "backend's own variable ($REDISCLI_AUTH, $RABBITMQ_PASSWORD, $PGPASSWORD); see queuedeckctl --help.\n");
        return true;
    }
    return false;
}

/// Takes a global option `name VALUE` or `name=VALUE` out of `arguments` (anywhere before `--`, so every command
/// accepts it before or after its own options). `value` stays empty when absent. Returns why it is unusable — no
/// value (`missing` says what it needs) or given twice — or an empty string.
inline QString takeGlobalOption(QStringList &arguments, const QString &name, std::optional<QString> &value,
                                const QString &missing)
{
    for (qsizetype i = 1; i < arguments.size();) {
        const QString &a = arguments.at(i);
        if (a == u"--") {
            break;
        }
        QString found;
        if (a == name) {
            if (i + 1 >= arguments.size()) {
                return missing;
            }
            found = arguments.at(i + 1);
            arguments.remove(i, 2);
        } else if (a.startsWith(name + u'=')) {
            found = a.mid(name.size() + 1);
            arguments.remove(i);
        } else {
            ++i;
            continue;
        }
        if (value) {
            return tr("%1 given twice").arg(name);
        }
        if (found.isEmpty()) {
            return missing;
        }
        value = found;
    }
    return {};
}

/// Identifiers (job ids, class and queue names) for a terminal, each through escapeForDisplay: a job id holding
/// `ESC ] 0 ;` or `ESC [ 2 J` must not retitle or clear the operator's terminal.
inline QString escapedList(const QStringList &items, qsizetype maxEach = 200)
{
    QStringList out;
    out.reserve(items.size());
    for (const QString &item : items) {
        out << escapeForDisplay(item, maxEach);
    }
    return out.join(QStringLiteral(", "));
}

/// Asks `question` on the terminal and answers whether the operator typed "yes". False when standard input or
/// error is not a terminal: a script must say --yes, it is never asked (and never taken as consent).
inline bool confirmOnTerminal(const QString &question)
{
    if (!::isatty(STDIN_FILENO) || !::isatty(STDERR_FILENO)) {
        return false;
    }
    err() << question;
    err().flush();
    QTextStream in(stdin);
    return in.readLine().trimmed().compare(QLatin1String("yes"), Qt::CaseInsensitive) == 0;
}

/// The CLI has nothing else to do while a backend works on its own thread: waiting here is fine.
template<typename T>
T wait(QFuture<T> f)
{
    f.waitForFinished();
    return f.result();
}

} // namespace qd::ctl
