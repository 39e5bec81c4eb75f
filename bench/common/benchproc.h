// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

// Small helpers the benchmarks share: a process's resident memory and CPU time from /proc, and an HTTP client for
// the RabbitMQ node scripts/services starts (guest on 127.0.0.1).
#include "core/backends/rabbitmq/httpclient.h"

#include <QFile>
#include <QUrl>

#include <memory>

#include <unistd.h>

namespace qd::bench {

/// VmRSS of a process (0: this one), MiB; 0 once it is gone.
inline double rssMiB(qint64 pid = 0)
{
    QFile f(pid == 0 ? QStringLiteral("/proc/self/status") : QStringLiteral("/proc/%1/status").arg(pid));
    if (!f.open(QIODevice::ReadOnly)) {
        return 0;
    }
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:")) {
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
        }
    }
    return 0;
}

/// CPU time (utime + stime) a process has used, in milliseconds (the kernel's clock ticks, usually 10 ms).
inline double processCpuMs(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly)) {
        return 0;
    }
    const QByteArray stat = f.readAll();
    // After "(comm) ": state is field 3; utime and stime are fields 14 and 15.
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    const double ticks = fields.value(11).toDouble() + fields.value(12).toDouble();
    return ticks * 1000.0 / double(sysconf(_SC_CLK_TCK));
}

/// A client of the management API on 127.0.0.1:`port` as guest (the bench node's only user).
inline std::unique_ptr<http::Client> guestHttpClient(int port)
{
    http::Options o;
    o.user = QStringLiteral("guest");
    o.password = QStringLiteral("guest");
    o.timeoutMs = 120'000;
    QUrl base;
    base.setScheme(QStringLiteral("http"));
    base.setHost(QStringLiteral("127.0.0.1"));
    base.setPort(port);
    return std::make_unique<http::Client>(base, o, QStringLiteral("bench-http"));
}

} // namespace qd::bench
