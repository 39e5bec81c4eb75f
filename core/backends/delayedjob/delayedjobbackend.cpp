// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "delayedjobbackend.h"
#include "../../clock.h"
namespace qd::delayedjob { // STUB
struct DelayedJobBackend::Private {};
DelayedJobBackend::DelayedJobBackend(const ConnectionUrl &url, Clock *clock, QObject *parent) : Backend(url, clock, parent), d(new Private) {}
DelayedJobBackend::~DelayedJobBackend() = default;
Capabilities DelayedJobBackend::capabilities() const { return {}; }
QFuture<Snapshot> DelayedJobBackend::snapshot() { Snapshot s; s.backend = kind(); s.takenAt = clock()->now(); s.error = QStringLiteral("not implemented"); return QtFuture::makeReadyFuture(s); }
} // namespace qd::delayedjob
