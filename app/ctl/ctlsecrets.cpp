// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "app/ctl/ctlsecrets.h"

#include "app/ctl/cliio.h"
#include "core/privatefiles.h"

#include <optional>

namespace qd::ctl {

namespace {

const QString kOption = QStringLiteral("--password-file");

/// The --password-file path, if one was given. Read at most once: it may be a pipe or standard input.
std::optional<QString> &passwordFile()
{
    static std::optional<QString> path;
    return path;
}

/// The first line of the --password-file (core's readSecretFile()), read once: it may be a pipe or standard input.
Result<QString> readPasswordFile(const QString &path)
{
    static std::optional<Result<QString>> cached;
    if (!cached) {
        cached = readSecretFile(path);
    }
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
