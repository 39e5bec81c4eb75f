// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

// What an operator sees, in one place for the incident replays: the rule engine's alerts on a fake clock (the
// snapshots are real, only their time stamps are the engine's), and `queuedeckctl check URL` with no flags.

#include "core/alerts/alertengine.h"
#include "core/backend.h"
#include "core/clock.h"

#include <QDeadlineTimer>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTest>

#include <optional>

namespace qd::test {

inline QString incidentFixture(const QString &name)
{
    return qEnvironmentVariable("QD_SOURCE_DIR", QStringLiteral(QD_SOURCE_DIR)) + QStringLiteral("/tests/incidents/fixtures/")
           + name;
}

inline QString backendFixture(const QString &name)
{
    return qEnvironmentVariable("QD_SOURCE_DIR", QStringLiteral(QD_SOURCE_DIR)) + QStringLiteral("/tests/backends/fixtures/")
           + name;
}

/// The default rules watching one connection, as the GUI's engine does. On a fake clock (the default) time moves
/// only when told: give the backend clock() too, so that its ages and the engine's hold times agree, and an hour
/// of incident costs no waiting. With RealTime the clock follows the wall clock (for peers whose own timers
/// matter, such as heartbeats that must really expire).
class Watch
{
public:
    enum Mode { FakeTime, RealTime };
    explicit Watch(Mode mode = FakeTime, QString connectionId = QStringLiteral("incident"))
        : m_mode(mode), m_clock(QDateTime::currentDateTimeUtc()), m_engine(&m_clock), m_id(std::move(connectionId))
    {
    }
    Q_DISABLE_COPY_MOVE(Watch)

    Clock *clock() { return &m_clock; }

    /// Polls `backend` once, stamps it with the clock's "now" and evaluates it.
    Snapshot poll(Backend &backend)
    {
        if (m_mode == RealTime) {
            m_clock.set(QDateTime::currentDateTimeUtc());
        }
        Snapshot s = backend.snapshot().result();
        feed(s);
        return s;
    }
    QList<AlertChange> feed(Snapshot s)
    {
        if (m_mode == RealTime) {
            m_clock.set(QDateTime::currentDateTimeUtc());
        }
        s.takenAt = m_clock.now();
        return m_engine.evaluate(m_id, s, m_intervalMs);
    }
    /// One poll interval (or `ms`) of fake time.
    void advance(qint64 ms = -1) { m_clock.advance(ms < 0 ? m_intervalMs : ms); }

    QList<Alert> active() const { return m_engine.active(m_id); }
    std::optional<Alert> alert(const QString &ruleId, const QString &queue = {}) const
    {
        for (const Alert &a : active()) {
            if (a.ruleId == ruleId && a.queue == queue) {
                return a;
            }
        }
        return std::nullopt;
    }
    AlertState state(const QString &ruleId, const QString &queue = {}) const
    {
        const auto a = alert(ruleId, queue);
        return a ? a->state : AlertState::Ok;
    }
    AlertState worst(const QString &queue = {}, bool includeConnection = true) const
    {
        return m_engine.worst(m_id, queue, includeConnection);
    }
    /// Every active alert, one per line, for failure messages and the log.
    QString describe() const
    {
        QStringList lines;
        for (const Alert &a : active()) {
            lines << QStringLiteral("%1 %2 [%3] %4").arg(alertStateName(a.state), a.ruleId, a.queue, a.message);
        }
        return lines.isEmpty() ? QStringLiteral("(no alert)") : lines.join(u'\n');
    }
    QList<Alert> critical() const
    {
        QList<Alert> out;
        for (const Alert &a : active()) {
            if (a.state == AlertState::Crit) {
                out << a;
            }
        }
        return out;
    }
    qint64 intervalMs() const { return m_intervalMs; }

private:
    Mode m_mode;
    ManualClock m_clock;
    AlertEngine m_engine;
    QString m_id;
    qint64 m_intervalMs = 5000;
};

struct CheckRun
{
    int exitCode = -1;
    QString line; ///< the status line (first line of stdout)
    QString err;
};

/// `queuedeckctl check URL` with no flags, as cron or Nagios would run it (QD_CTL names the binary).
inline CheckRun checkUrl(const QString &url)
{
    QProcess p;
    p.setProcessEnvironment(QProcessEnvironment::systemEnvironment());
    p.start(qEnvironmentVariable("QD_CTL"), {QStringLiteral("check"), url});
    CheckRun r;
    if (p.waitForFinished(60'000)) {
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }
    r.line = QString::fromUtf8(p.readAllStandardOutput()).section(u'\n', 0, 0);
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

/// A peer process (a worker, a consumer) that the test starts, waits for and kills by its PID.
class Peer
{
public:
    Peer() = default;
    ~Peer() { kill(); }
    Q_DISABLE_COPY_MOVE(Peer)

    /// Starts `program` and waits until a line of its stdout contains `readyWord` (empty: only started).
    bool start(const QString &program, const QStringList &args, const QByteArray &readyWord = "ready",
               const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(), int timeoutMs = 30'000)
    {
        m_process.setProcessEnvironment(env);
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start(program, args);
        if (!m_process.waitForStarted(10'000)) {
            return false;
        }
        if (readyWord.isEmpty()) {
            return true;
        }
        QByteArray seen;
        QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired() && m_process.state() == QProcess::Running) {
            m_process.waitForReadyRead(200);
            seen += m_process.readAllStandardOutput();
            if (seen.contains(readyWord)) {
                return true;
            }
        }
        qWarning().noquote() << program << args.join(u' ') << "never said" << readyWord << "; said:" << seen.right(2000);
        return false;
    }
    /// SIGKILL, as a crash or the OOM killer: no goodbye.
    void kill()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(10'000);
        }
    }
    bool running() const { return m_process.state() == QProcess::Running; }
    qint64 pid() const { return m_process.processId(); }

private:
    QProcess m_process;
};

} // namespace qd::test
