// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "app/ctl/ctlsecrets.h"

#include "app/ctl/cliio.h"

#include <QFile>

#include <cerrno>
#include <cstring>
#include <optional>

#include <sys/stat.h>

namespace qd::ctl {

namespace {

const QString kOption = QStringLiteral("--password-file");

/// The --password-file path, if one was given. Read at most once: it may be a pipe or standard input.
std::optional<QString> &passwordFile()
{
    static std::optional<QString> path;
    return path;
}

/// Refuses a file others can read, as ssh does for private keys: the password would be as public as on the
/// command line. Standard input and pipes (`<(pass show …)`) are private to this process.
QString checkPermissions(const QString &path)
{
    struct stat st = {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0) {
        return tr("cannot read the password file %1: %2").arg(escapeForDisplay(path, 200),
                                                              QString::fromLocal8Bit(std::strerror(errno)));
    }
    if (path == u"/dev/stdin" || path == u"-" || S_ISFIFO(st.st_mode)) {
        return {};
    }
    if ((st.st_mode & (S_IRGRP | S_IROTH)) != 0) {
        return tr("the password file %1 is readable by other users (mode %2); refusing to use it. "
                  "Run: chmod 600 %1")
            .arg(escapeForDisplay(path, 200))
            .arg(st.st_mode & 0777, 4, 8, QLatin1Char('0'));
    }
    return {};
}

/// The first line of the --password-file, without its line ending; or why not.
Result<QString> readPasswordFile(const QString &path)
{
    static std::optional<Result<QString>> cached;
    if (cached) {
        return *cached;
    }
    const QString source = path == u"-" ? QStringLiteral("/dev/stdin") : path;
    if (const QString e = checkPermissions(source); !e.isEmpty()) {
        cached = Result<QString>::failure(e);
        return *cached;
    }
    QFile f(source);
    if (!f.open(QIODevice::ReadOnly)) {
        cached = Result<QString>::failure(
            tr("cannot read the password file %1: %2").arg(escapeForDisplay(path, 200), f.errorString()));
        return *cached;
    }
    QByteArray line = f.readLine(64 * 1024);
    if (line.endsWith('\n')) {
        line.chop(1);
    }
    if (line.endsWith('\r')) {
        line.chop(1);
    }
    if (line.isEmpty()) {
        cached = Result<QString>::failure(
            tr("the password file %1 is empty (its first line is the password)").arg(escapeForDisplay(path, 200)));
        return *cached;
    }
    cached = Result<QString>(QString::fromUtf8(line));
    return *cached;
}

QString alternativesFor(const ConnectionUrl &url)
{
    QString list = QStringLiteral("--password-file FILE, $QUEUEDECK_PASSWORD");
    if (const QString peer = backendPasswordVariable(url); !peer.isEmpty()) {
        list += QStringLiteral(", $") + peer;
    }
    return list;
}

} // namespace

QString takePasswordFileOption(QStringList &arguments)
{
    std::optional<QString> file;
    const QString why = takeGlobalOption(arguments, kOption, file, tr("%1 needs a FILE (or - for standard input)").arg(kOption));
    if (why.isEmpty() && file) {
        passwordFile() = *file;
    }
    return why;
}

QString backendPasswordVariable(const ConnectionUrl &url)
{
    if (url.transport == u"redis" || url.transport == u"rediss") {
        return QStringLiteral("REDISCLI_AUTH");
    }
    if (url.family == u"rabbitmq" || url.transport == u"amqp" || url.transport == u"amqps") {
        return QStringLiteral("RABBITMQ_PASSWORD");
    }
    if (url.transport == u"postgresql") {
        return QStringLiteral("PGPASSWORD");
    }
    return {};
}

Result<ConnectionUrl> connectionUrl(const QString &text)
{
    auto parsed = ConnectionUrl::parse(text);
    if (!parsed) {
        return parsed;
    }
    ConnectionUrl url = parsed.value();
    if (url.transport == u"sqlite") {
        return Result<ConnectionUrl>(url);
    }
    if (!url.password.isEmpty()) {
        static bool warned = false;
        if (!warned) {
            warned = true;
            err() << tr("queuedeckctl: warning: the password in the URL is visible in the process list; "
                        "use %1 instead")
                         .arg(alternativesFor(url))
                  << '\n';
            err().flush();
        }
        return Result<ConnectionUrl>(url);
    }
    if (passwordFile()) {
        const auto password = readPasswordFile(*passwordFile());
        if (!password) {
            return Result<ConnectionUrl>::failure(password.error());
        }
        url.password = password.value();
        return Result<ConnectionUrl>(url);
    }
    for (const QString &variable : {QStringLiteral("QUEUEDECK_PASSWORD"), backendPasswordVariable(url)}) {
        if (!variable.isEmpty() && !qEnvironmentVariable(variable.toLatin1().constData()).isEmpty()) {
            url.password = qEnvironmentVariable(variable.toLatin1().constData());
            break;
        }
    }
    return Result<ConnectionUrl>(url);
}

} // namespace qd::ctl
