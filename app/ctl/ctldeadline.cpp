// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "app/ctl/ctldeadline.h"

#include "app/ctl/cliio.h"

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

#include <unistd.h>

namespace qd::ctl {

namespace {

const QString kOption = QStringLiteral("--deadline");

void writeAll(int fd, const QByteArray &bytes)
{
    const char *p = bytes.constData();
    qsizetype left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, size_t(left));
        if (n <= 0) {
            return;
        }
        p += n;
        left -= n;
    }
}

/// One per process; its destructor (at exit) stops the thread.
class Watchdog
{
public:
    ~Watchdog()
    {
        {
            std::lock_guard lock(m_mutex);
            m_disarmed = true;
        }
        m_wake.notify_all();
        if (m_thread.joinable()) {
            m_thread.join();
        }
    }

    void arm(const QString &command, double seconds)
    {
        const bool check = command == u"check";
        const QString why = tr("no complete answer within %1 s (--deadline); the server hangs or answers too slowly")
                                .arg(seconds);
        // Composed now: the thread must not touch Qt's translation or streams while the main thread runs.
        const QByteArray line = check ? (QStringLiteral("QUEUEDECK UNKNOWN - ") + why + u'\n').toUtf8()
                                      : (QStringLiteral("queuedeckctl: ") + why + u'\n').toUtf8();
        const int fd = check ? STDOUT_FILENO : STDERR_FILENO;
        const int code = check ? 3 : 1;
        const auto until = std::chrono::steady_clock::now()
                           + std::chrono::milliseconds(qint64(seconds * 1000.0));
        m_thread = std::thread([this, line, fd, code, until] {
            std::unique_lock lock(m_mutex);
            if (m_wake.wait_until(lock, until, [this] { return m_disarmed; })) {
                return;
            }
            // Still holding the lock: a disarm racing with us waits, and the process ends here.
            writeAll(fd, line);
            std::_Exit(code);
        });
    }

    void disarm()
    {
        {
            std::lock_guard lock(m_mutex);
            m_disarmed = true;
        }
        m_wake.notify_all();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_disarmed = false;
    std::thread m_thread;
};

Watchdog &watchdog()
{
    static Watchdog w;
    return w;
}

} // namespace

QString takeDeadlineOption(QStringList &arguments, std::optional<double> &seconds)
{
    std::optional<QString> value;
    if (QString why = takeGlobalOption(arguments, kOption, value, tr("%1 needs a number of seconds (0: none)").arg(kOption));
        !why.isEmpty() || !value) {
        return why;
    }
    bool ok = false;
    const double v = value->toDouble(&ok);
    if (!ok || !(v >= 0) || v > 7 * 24 * 3600) {
        return tr("%1 needs a number of seconds between 0 (none) and 604800, got \"%2\"").arg(kOption, escapeForDisplay(*value, 40));
    }
    seconds = v;
    return {};
}

double defaultDeadlineSeconds(const QString &command)
{
    static const QStringList reads = {QStringLiteral("snapshot"), QStringLiteral("check"), QStringLiteral("jobs"),
                                      QStringLiteral("workers"),  QStringLiteral("affected"), QStringLiteral("runs")};
    if (reads.contains(command)) {
        return 30;
    }
    if (command == u"watch" || command == u"serve") {
        return 0;
    }
    return 3600;
}

void armDeadline(const QString &command, double seconds)
{
    if (seconds > 0) {
        watchdog().arm(command, seconds);
    }
}

void disarmDeadline()
{
    watchdog().disarm();
}

} // namespace qd::ctl
