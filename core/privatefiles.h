// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/result.h"

#include <QString>

namespace qd {

/// What Queuedeck keeps on disk holds job payloads before and after an edit (audit), user ids and message bodies
/// (outbox), and the history of production: on a shared workstation, none of it is for other users. These make a
/// data file 0600 and its directory 0700 (created so, and tightened when they already exist), as ~/.ssh is.

/// Creates `dir` with its parents and makes the directory itself (not its parents) owner-only. A directory that
/// already exists is tightened only when it is Queuedeck's own (named queuedeck, any case): one the operator
/// pointed a file into (/tmp, a home, a shared folder) is never changed. False on failure.
bool makePrivateDir(const QString &dir);
/// Creates `path` empty if it does not exist and makes it, and the SQLite companions that exist beside it
/// (-wal, -shm, -journal), owner read/write only. SQLite creates its companions with the database file's mode, so
/// a database tightened before it is first opened stays private. False on failure.
bool makePrivateFile(const QString &path);
/// Both, for a data file about to be opened: its directory, then the file.
bool makePrivateDataFile(const QString &path);

/// The first line of a file holding a secret (a password), without its line ending; or why not. A file other users
/// can read is refused, as ssh refuses such a private key: the secret would be as public as on a command line.
/// Standard input ("-", /dev/stdin) and pipes (`<(pass show …)`) are private to the process.
Result<QString> readSecretFile(const QString &path);

} // namespace qd
