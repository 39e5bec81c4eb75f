// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QString>

namespace qd {

/// Who holds a lease in a file shared by every Queuedeck process of a user (the outbox's messages, a bulk run
/// being resumed): "<host>/<pid>".
QString processLeaseOwner();

/// Whether the process that took a lease is certainly gone: same host, and no such process. Anything else
/// (another host, no way to check) counts as alive, and the lease runs until it expires.
bool processLeaseOwnerGone(const QString &owner);

} // namespace qd
