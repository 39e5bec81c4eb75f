// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/demo/demoworkload.h"

#include "core/demo/demoschema.h"

#include <QTime>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace qd::demo {

namespace {

constexpr int kPoisonUser = 1013;
constexpr int kPoisonCard = 66666;

// The frames every delayed_job failure ends with, as `Delayed::Worker#start` → `work_off` → `run` reports them.
const char *const kWorkerFrames[] = {
    "delayed/backend/base.rb:81:in `block in invoke_job'",
    "delayed/lifecycle.rb:61:in `block in initialize'",
    "delayed/lifecycle.rb:66:in `execute'",
    "delayed/lifecycle.rb:40:in `run_callbacks'",
    "delayed/backend/base.rb:78:in `invoke_job'",
    "delayed/worker.rb:230:in `block (2 levels) in run'",
    "@/usr/lib/ruby/3.1.0/timeout.rb:107:in `block in timeout'",
    "@/usr/lib/ruby/3.1.0/timeout.rb:117:in `timeout'",
    "delayed/worker.rb:230:in `block in run'",
    "@/usr/lib/ruby/3.1.0/benchmark.rb:311:in `realtime'",
    "delayed/worker.rb:229:in `run'",
    "delayed/worker.rb:312:in `block in reserve_and_run_one_job'",
    "delayed/lifecycle.rb:61:in `block in initialize'",
    "delayed/lifecycle.rb:66:in `execute'",
    "delayed/lifecycle.rb:40:in `run_callbacks'",
    "delayed/worker.rb:312:in `reserve_and_run_one_job'",
    "delayed/worker.rb:213:in `block in work_off'",
    "delayed/worker.rb:212:in `times'",
    "delayed/worker.rb:212:in `work_off'",
    "delayed/worker.rb:175:in `block (4 levels) in start'",
};

QString backtrace(QStringList appFrames)
{
    const QString gems = QStringLiteral("/var/www/cards/shared/bundle/ruby/3.1.0/gems/delayed_job-4.1.9/lib/");
    for (const char *frame : kWorkerFrames) {
        appFrames << (frame[0] == '@' ? QString::fromLatin1(frame + 1) : gems + QString::fromLatin1(frame));
    }
    return appFrames.join(u'\n');
}

} // namespace

DemoWorkload::DemoWorkload(const DemoOptions &options) : m_options(options), m_rng(options.seed)
{
    // Shaped after the Delayed::Job incident: print jobs are few, take under five seconds and matter to users;
    // Mixpanel pings are many, quick and low priority (so they are the bulk of any backlog).
    m_queues = {
        {QStringLiteral("default"), 0.5, 0, 500, 3000, 0.02},
        {QStringLiteral("mailers"), 0.35, 0, 1000, 3000, 0.03},
        {QStringLiteral("print"), 0.3, 0, 1000, 5000, 0.02},
        {QStringLiteral("mixpanel"), 1.2, 10, 200, 1200, 0.01},
    };
    // The new job class that lands on a queue nobody watches: frequent and slow.
    m_reports = {QStringLiteral("reports"), 1.2, 0, 2000, 6000, 0.05};
}

QList<QueueProfile> DemoWorkload::queues(bool withReports) const
{
    return withReports ? m_queues + QList<QueueProfile>{m_reports} : m_queues;
}

const QueueProfile &DemoWorkload::profile(const QString &queue) const
{
    for (const QueueProfile &p : m_queues) {
        if (p.name == queue) {
            return p;
        }
    }
    return queue == m_reports.name ? m_reports : m_queues.first();
}

double DemoWorkload::gaussian()
{
    // Box–Muller; 1 - u keeps the logarithm finite.
    const double u = 1.0 - m_rng.generateDouble();
    const double v = m_rng.generateDouble();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * std::numbers::pi * v);
}

double DemoWorkload::intensity(const QDateTime &start, const QDateTime &now)
{
    double hour = 0;
    if (m_options.secondsPerDemoHour >= 3600) {
        const QTime t = now.toLocalTime().time();
        hour = t.hour() + t.minute() / 60.0 + t.second() / 3600.0;
    } else {
        // Compressed: the demo opens at 10:00 and peaks at 15:00, whatever time the viewer watches.
        const double perHour = 1000.0 * std::max(1, m_options.secondsPerDemoHour);
        hour = std::fmod(10.0 + double(start.msecsTo(now)) / perHour, 24.0);
    }
    const double daily = 0.55 + 0.45 * std::sin((hour - 9.0) / 24.0 * 2.0 * std::numbers::pi);

    // Noise that wanders (Ornstein–Uhlenbeck, ~30 s memory) rather than flickering per tick: real traffic
    // comes in gusts. The stationary spread is ±15 %.
    const double dt = m_noiseAt.isValid() ? std::clamp(double(m_noiseAt.msecsTo(now)) / 1000.0, 0.0, 60.0) : 0.0;
    m_noiseAt = now;
    const double decay = std::exp(-dt / 30.0);
    m_noise = m_noise * decay + 0.15 * std::sqrt(1.0 - decay * decay) * gaussian();
    return std::max(0.1, daily * (1.0 + std::clamp(m_noise, -0.5, 0.5)));
}

int DemoWorkload::arrivals(double perSecond, double seconds)
{
    const double mean = std::clamp(perSecond * seconds, 0.0, 50.0); // a long stall must not become a flood
    if (mean <= 0) {
        return 0;
    }
    // Knuth's method is exact and cheap for the small means of one step.
    const double limit = std::exp(-mean);
    int n = 0;
    for (double p = m_rng.generateDouble(); p > limit; p *= m_rng.generateDouble()) {
        ++n;
    }
    return n;
}

QString DemoWorkload::handler(const QString &queue)
{
    const int user = 1001 + int(m_rng.bounded(60)); // the 60 users whose print jobs were delayed
    if (queue == u"print") {
        return printJobHandler(user, 50000 + int(m_rng.bounded(9000)));
    }
    if (queue == u"mailers") {
        return QStringLiteral("--- !ruby/object:Delayed::PerformableMailer\nobject: !ruby/class 'UserMailer'\n"
                              "method_name: :card_ready\nargs:\n- %1\n")
            .arg(user);
    }
    if (queue == u"mixpanel") {
        return structHandler(QStringLiteral("MixpanelPing"),
                             {{QStringLiteral("user_id"), QString::number(user)},
                              {QStringLiteral("event"), QStringLiteral("card_viewed")}});
    }
    if (queue == u"reports") {
        return structHandler(QStringLiteral("CoverageReportJob"),
                             {{QStringLiteral("build_id"), QString::number(700000 + m_rng.bounded(99999))},
                              {QStringLiteral("user_id"), QString::number(user)}});
    }
    return structHandler(QStringLiteral("ThumbnailJob"),
                         {{QStringLiteral("user_id"), QString::number(user)},
                          {QStringLiteral("image_id"), QString::number(m_rng.bounded(1 << 20))}});
}

QString DemoWorkload::poisonHandler()
{
    return printJobHandler(kPoisonUser, kPoisonCard);
}

bool DemoWorkload::isPoison(const QString &handler)
{
    return handler == poisonHandler();
}

QString DemoWorkload::lastError(const QString &handler)
{
    // delayed_job stores "#{error.message}\n#{error.backtrace.join("\n")}": no exception class.
    if (isPoison(handler)) {
        return QStringLiteral("undefined method `render' for nil:NilClass\n") +
               backtrace({QStringLiteral("/var/www/cards/app/models/card_renderer.rb:57:in `draw_front'"),
                          QStringLiteral("/var/www/cards/app/jobs/print_job.rb:23:in `perform'")});
    }
    if (handler.contains(QStringLiteral("PerformableMailer"))) {
        return QStringLiteral("Net::ReadTimeout with #<TCPSocket:(closed)>\n") +
               backtrace({QStringLiteral("/usr/lib/ruby/3.1.0/net/protocol.rb:219:in `rbuf_fill'"),
                          QStringLiteral("/usr/lib/ruby/3.1.0/net/smtp.rb:1075:in `recv_response'"),
                          QStringLiteral("/usr/share/rubygems-integration/all/gems/delayed_job-4.1.9/lib/delayed/"
                                         "performable_mailer.rb:8:in `perform'")});
    }
    if (handler.contains(QStringLiteral("MixpanelPing"))) {
        return QStringLiteral("Failed to open TCP connection to api.mixpanel.com:443 (getaddrinfo: Temporary "
                              "failure in name resolution)\n") +
               backtrace({QStringLiteral("/usr/lib/ruby/3.1.0/net/http.rb:998:in `initialize'"),
                          QStringLiteral("/var/www/cards/app/jobs/mixpanel_ping.rb:12:in `perform'")});
    }
    if (handler.contains(QStringLiteral("CoverageReportJob"))) {
        return QStringLiteral("SQLite3::BusyException: database is locked\n") +
               backtrace({QStringLiteral("/var/www/cards/app/jobs/coverage_report_job.rb:31:in `perform'")});
    }
    if (handler.contains(QStringLiteral("ThumbnailJob"))) {
        return QStringLiteral("No space left on device @ rb_sysopen - /tmp/thumb-%1.png\n").arg(m_rng.bounded(100000)) +
               backtrace({QStringLiteral("/var/www/cards/app/jobs/thumbnail_job.rb:18:in `perform'")});
    }
    return QStringLiteral("Connection refused - connect(2) for \"printer-gw\" port 9100\n") +
           backtrace({QStringLiteral("/usr/lib/ruby/3.1.0/socket.rb:1214:in `__connect_nonblock'"),
                      QStringLiteral("/var/www/cards/app/jobs/print_job.rb:31:in `perform'")});
}

QString DemoWorkload::timeoutError(int maxRunTimeSeconds)
{
    return QStringLiteral("execution expired (Delayed::Worker.max_run_time is only %1 second%2)\n")
               .arg(maxRunTimeSeconds)
               .arg(maxRunTimeSeconds == 1 ? QString() : QStringLiteral("s")) +
           backtrace({QStringLiteral("/usr/lib/ruby/3.1.0/timeout.rb:36:in `block in catch'")});
}

qint64 DemoWorkload::workMs(const QString &queue)
{
    const QueueProfile &p = profile(queue);
    return p.minWorkMs + qint64(m_rng.bounded(std::max(1, p.maxWorkMs - p.minWorkMs)));
}

bool DemoWorkload::fails(const QString &queue, const QString &handler)
{
    return isPoison(handler) || m_rng.generateDouble() < profile(queue).failureRate;
}

} // namespace qd::demo
