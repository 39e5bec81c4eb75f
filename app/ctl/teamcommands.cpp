// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
// queuedeckctl serve: the team server (core/team/teamserver.h), headless, until SIGTERM or SIGINT.
#include "app/ctl/cliio.h"
#include "app/ctl/commands.h"

#include "core/team/teamserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace qd::ctl {

namespace {

int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const auto n = ::write(g_signalPipe[1], &c, 1);
}

/// SIGTERM (systemd's stop) and SIGINT end the event loop cleanly: the store's connection closes, and with it the
/// lead, so a standby takes over at once instead of after the lock's connection times out.
void quitOnSignals()
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0) {
        return;
    }
    auto *notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, QCoreApplication::instance());
    QObject::connect(notifier, &QSocketNotifier::activated, QCoreApplication::instance(), [] { QCoreApplication::quit(); });
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
}

} // namespace

int runServe(const QStringList &arguments)
{
    QCommandLineParser p;
    startCommand(p, QStringLiteral("serve"),
                 tr("Run the team server: poll each backend once per interval for everyone, write every poll to the "
                    "team's PostgreSQL database (with NOTIFY) and serve /metrics and /healthz. Of several servers on "
                    "one database, one leads and polls; the others wait and take over when it dies."));
    const QCommandLineOption config(QStringLiteral("config"), tr("The YAML configuration (see docs/team.md)."), QStringLiteral("FILE"));
    const QCommandLineOption check(QStringLiteral("check-config"), tr("Check the configuration and exit."));
    p.addOptions({config, check});
    bool parsed = false;
    if (helpShown(p, arguments, parsed)) {
        return 0;
    }
    if (!parsed || !p.isSet(config) || p.positionalArguments().size() != 1) {
        err() << (p.errorText().isEmpty() ? tr("usage: queuedeckctl serve --config FILE [--check-config]") : p.errorText()) << '\n';
        return 2;
    }
    auto parsedConfig = TeamConfig::readFile(p.value(config));
    if (!parsedConfig) {
        err() << tr("queuedeckctl: %1").arg(parsedConfig.error()) << '\n';
        return 2;
    }
    if (p.isSet(check)) {
        out() << tr("%1: %n connection(s), database %2, metrics on %3:%4", nullptr, int(parsedConfig->connections.size()))
                     .arg(p.value(config), parsedConfig->database, parsedConfig->metricsAddress.toString())
                     .arg(parsedConfig->metricsPort)
              << '\n';
        return 0;
    }
    TeamServer server(parsedConfig.value());
    QObject::connect(&server, &TeamServer::roleChanged, &server, [](TeamServer::Role, const QString &why) {
        err() << QStringLiteral("queuedeckctl serve: ") << why << '\n';
        err().flush();
    });
    QObject::connect(&server, &TeamServer::pollWritten, &server, [](const QString &connection, const QString &error) {
        if (!error.isEmpty()) {
            err() << tr("queuedeckctl serve: %1: not written to the database: %2").arg(connection, error) << '\n';
            err().flush();
        }
    });
    if (const QString e = server.start(); !e.isEmpty()) {
        err() << tr("queuedeckctl serve: %1").arg(e) << '\n';
        return 1;
    }
    err() << tr("queuedeckctl serve: /metrics and /healthz on %1:%2").arg(parsedConfig->metricsAddress.toString()).arg(server.metricsPort())
          << '\n';
    err().flush();
    quitOnSignals();
    return QCoreApplication::exec();
}

} // namespace qd::ctl
