// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "cliio.h"

#include "audit/auditlog.h"
#include "backend.h"
#include "settings/connectionsettings.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

namespace qd::ctl {

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
