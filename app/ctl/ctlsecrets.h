// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/connectionurl.h"
#include "core/result.h"

#include <QStringList>

namespace qd::ctl {

/// Where a command's connection password comes from, so that it never has to stand on the command line (where
/// every user of the machine can read it in the process list). One place for every command that takes a URL:
/// a password in the URL wins (with a warning), else `--password-file FILE`, else $QUEUEDECK_PASSWORD, else the
/// peer tool's own variable: $REDISCLI_AUTH (Redis transports), $RABBITMQ_PASSWORD (RabbitMQ, Celery over AMQP),
/// $PGPASSWORD (Delayed::Job on PostgreSQL).

/// Takes `--password-file FILE` (or `--password-file=FILE`) out of `arguments`: a global option, accepted by
/// every command before or after its own. Empty, or why the option is unusable (given twice, no FILE).
QString takePasswordFileOption(QStringList &arguments);

/// The environment variable of the peer tools for `url`'s backend, or empty (SQLite has no password).
QString backendPasswordVariable(const ConnectionUrl &url);

/// `text` parsed, its missing password filled in as above. The failure never contains the password (a URL's
/// own is redacted by ConnectionUrl::parse; one from a file or variable is never put in a message).
Result<ConnectionUrl> connectionUrl(const QString &text);

} // namespace qd::ctl
