// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "app/ctl/cliio.h"
#include "app/ctl/ctlsecrets.h"

#include "core/actions/operatoractions.h"
#include "core/audit/auditlog.h"
#include "core/backend.h"
#include "core/backendfactory.h"
#include "core/settings/connectionsettings.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

namespace qd::ctl {

/// The backend for a command's URL, or nullptr after printing why (the command exits 2: a usage error).
/// The password comes from the URL, --password-file or the environment (ctlsecrets.h).
inline std::shared_ptr<Backend> openBackend(const QString &text)
{
    const auto url = connectionUrl(text);
    if (!url) {
        err() << tr("queuedeckctl: %1").arg(url.error()) << '\n';
        return nullptr;
    }
    auto backend = createBackend(url.value());
    if (!backend) {
        err() << tr("queuedeckctl: %1").arg(backend.error()) << '\n';
        return nullptr;
    }
    return backend.value();
}

/// --operator NAME, the same for every command that writes the audit log.
inline QCommandLineOption operatorOption()
{
    return QCommandLineOption(QStringLiteral("operator"), tr("Your name for the audit log (default: settings or $USER)."),
                              QStringLiteral("NAME"));
}

/// Opens the audit log an action writes to. An action (not a dry run) without one is refused: prints why.
inline bool auditReady(AuditLog &audit, bool dryRun)
{
    if (const QString e = audit.open(); !e.isEmpty() && !dryRun) {
        err() << tr("queuedeckctl: refusing to act without an audit log: %1").arg(e) << '\n';
        return false;
    }
    return true;
}

/// The user rule the desktop saved for the connection at `url` (Tell Affected Users remembers the rule that
/// worked), with that connection's name; empty when none is saved.
inline QString savedUserRule(const QString &url, QString *connectionName = nullptr)
{
    const ConnectionSettings settings;
    const auto saved = settings.connectionFor(url);
    if (!saved) {
        return {};
    }
    if (connectionName) {
        *connectionName = saved->name;
    }
    return settings.userRule(saved->id);
}

/// How an action is recorded: by the --operator, or the configured operator name.
inline ActionContext actionContext(const QCommandLineParser &p, const QCommandLineOption &op)
{
    ActionContext context;
    context.operatorName = p.isSet(op) ? p.value(op) : ConnectionSettings().operatorName();
    return context;
}

} // namespace qd::ctl
