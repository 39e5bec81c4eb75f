// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "cliio.h"
#include "ctlsecrets.h"

#include "audit/auditlog.h"
#include "backend.h"
#include "backendfactory.h"
#include "settings/connectionsettings.h"

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

/// An audit row for `action` on `backend` by the --operator, or the configured operator name.
inline AuditRecord auditRecord(const Backend &backend, const QCommandLineParser &p, const QCommandLineOption &op,
                               const QString &action)
{
    AuditRecord rec;
    rec.operatorName = p.isSet(op) ? p.value(op) : ConnectionSettings().operatorName();
    rec.connection = backend.url().toDisplayString();
    rec.action = action;
    return rec;
}

} // namespace qd::ctl
