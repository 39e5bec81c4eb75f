// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "appicon.h"
#include "collector.h"
#include "history/historystore.h"
#include "jobbrowser.h"
#include "jobs.h"
#include "language.h"
#include "theme.h"
#include "mainwindow.h"
#include "queuedetailview.h"
#include "settings/connectionsettings.h"
#include "session/session.h"
#include "timeserieschart.h"
#include "wallview.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QStandardPaths>
#include <QTimer>

#include <cstdio>

namespace {

/// Renders the window to a PNG once the first data is in (and `afterSeconds` have passed), then quits.
void scheduleScreenshot(qd::MainWindow &window, qd::Collector &collector, const QString &file, int afterSeconds)
{
    auto grab = [&window, file] {
        for (auto *chart : window.findChildren<qd::TimeSeriesChart *>()) {
            chart->flush();
        }
        // A dialog opened for the picture (--alert-rules) or the wall (--wall) is what to show.
        QWidget *target = QApplication::activeModalWidget() ? QApplication::activeModalWidget() : &window;
        if (window.wall() && window.wall()->isVisible()) {
            target = window.wall();
        }
        const bool ok = target->grab().save(file);
        std::fprintf(ok ? stdout : stderr, ok ? "screenshot: %s\n" : "screenshot: cannot write %s\n", qPrintable(file));
        QCoreApplication::exit(ok ? 0 : 1);
    };
    QTimer::singleShot(afterSeconds * 1000, &window, [&window, &collector, grab] {
        const bool haveData = collector.connectionIds().isEmpty() ||
                              collector.latest(collector.connectionIds().constFirst()).takenAt.isValid();
        if (haveData) {
            QTimer::singleShot(400, &window, grab); // let the coalesced redraws land
        } else {
            QObject::connect(&collector, &qd::Collector::snapshotReady, &window,
                             [&window, grab] { QTimer::singleShot(400, &window, grab); }, Qt::SingleShotConnection);
        }
    });
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Queuedeck"));
    QApplication::setOrganizationName(QStringLiteral("Queuedeck"));
    QApplication::setApplicationVersion(QStringLiteral(QD_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.github.queuedeck.Queuedeck"));
    QApplication::setWindowIcon(qd::appIcon());
    // The saved language and theme (Settings); --language and --theme override them for this run.
    auto *language = new qd::Language(&app);
    if (!language->apply(qd::Language::saved())) {
        language->apply({});
    }

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Operations dashboard for job and message queues."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demo(QStringLiteral("demo"), QApplication::translate("main", "Start the embedded Delayed::Job demo."));
    const QCommandLineOption connect(QStringLiteral("connect"),
                                     QApplication::translate("main", "Monitor URL for this run only (repeatable)."),
                                     QStringLiteral("URL"));
    const QCommandLineOption interval(QStringLiteral("interval"), QApplication::translate("main", "Poll interval in seconds."),
                                      QStringLiteral("SECONDS"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QApplication::translate("main", "Render the window to a PNG and exit."),
                                        QStringLiteral("FILE"));
    const QCommandLineOption after(QStringLiteral("after"),
                                   QApplication::translate("main", "With --screenshot: wait this long first."),
                                   QStringLiteral("SECONDS"), QStringLiteral("0"));
    const QCommandLineOption queue(QStringLiteral("queue"),
                                   QApplication::translate("main", "Open this queue of the first connection."),
                                   QStringLiteral("NAME"));
    const QCommandLineOption jobs(QStringLiteral("jobs"),
                                  QApplication::translate("main", "With --queue: open its Jobs tab on this state."),
                                  QStringLiteral("STATE"));
    const QCommandLineOption alertRules(QStringLiteral("alert-rules"),
                                        QApplication::translate("main", "Open the alert rules editor of the first connection."));
    const QCommandLineOption wall(QStringLiteral("wall"),
                                  QApplication::translate("main", "Start in war-room mode: a full-screen wall (F11 toggles)."));
    const QCommandLineOption wallCycle(QStringLiteral("wall-cycle"),
                                       QApplication::translate("main", "With --wall: switch between connections every SECONDS."),
                                       QStringLiteral("SECONDS"));
    const QCommandLineOption size(QStringLiteral("size"),
                                  QApplication::translate("main", "With --screenshot: the size to render, e.g. 3840x2160."),
                                  QStringLiteral("WxH"));
    const QCommandLineOption theme(QStringLiteral("theme"), QApplication::translate("main", "Look for this run: system, light or dark."),
                                   QStringLiteral("THEME"));
    const QCommandLineOption lang(QStringLiteral("language"),
                                  QApplication::translate("main", "Language for this run, e.g. de or en."), QStringLiteral("CODE"));
    parser.addOptions({demo, connect, interval, screenshot, after, queue, jobs, alertRules, wall, wallCycle, size, theme, lang});
    parser.process(app);
    qd::Theme::Mode look = qd::Theme::saved();
    if (parser.isSet(theme)) {
        const QString t = parser.value(theme);
        if (t != QLatin1String("system") && t != QLatin1String("light") && t != QLatin1String("dark")) {
            std::fprintf(stderr, "queuedeck: --theme wants system, light or dark\n");
            return 2;
        }
        look = t == QLatin1String("dark") ? qd::Theme::Mode::Dark : t == QLatin1String("light") ? qd::Theme::Mode::Light : qd::Theme::Mode::System;
    }
    qd::Theme::apply(look);
    if (parser.isSet(lang)) {
        if (QString error; !language->apply(parser.value(lang), &error)) {
            std::fprintf(stderr, "queuedeck: %s\n", qPrintable(error));
            return 2;
        }
    }

    qd::ConnectionSettings settings;
    // Everything the desktop keeps — collector, history, alerts, timeline, audit log, outbox — has one owner.
    qd::Session session(qd::Session::Stores::desktop());
    qd::Collector &collector = *session.collector();
    std::chrono::milliseconds pollInterval = settings.pollInterval();
    if (parser.isSet(demo)) {
        pollInterval = std::chrono::milliseconds(2000); // the demo's incidents unfold in minutes
    }
    if (parser.isSet(interval)) {
        pollInterval = std::chrono::milliseconds(qint64(parser.value(interval).toDouble() * 1000));
    }
    collector.setInterval(pollInterval);

    if (session.history()) {
        session.history()->setRetention(settings.historyRetention());
    }
    if (!session.timelineError().isEmpty()) {
        std::fprintf(stderr, "queuedeck: timeline disabled: %s\n", qPrintable(session.timelineError()));
    }
    if (!session.historyError().isEmpty()) {
        std::fprintf(stderr, "queuedeck: history disabled: %s\n", qPrintable(session.historyError()));
    }

    qd::MainWindow window(&session);
    window.setLanguage(language);
    QSize shotSize(1440, 900);
    if (parser.isSet(size)) {
        const QStringList wh = parser.value(size).split(u'x');
        shotSize = wh.size() == 2 ? QSize(wh[0].toInt(), wh[1].toInt()) : QSize();
        if (!shotSize.isValid() || shotSize.width() < 320 || shotSize.height() < 240) {
            std::fprintf(stderr, "queuedeck: --size wants WIDTHxHEIGHT, e.g. 1920x1080\n");
            return 2;
        }
    }
    if (parser.isSet(screenshot)) {
        window.resize(shotSize);
    }
    window.loadSavedConnections();
    int n = 0;
    for (const QString &url : parser.values(connect)) {
        if (const QString err = window.addConnection(url, url, false); !err.isEmpty()) {
            std::fprintf(stderr, "queuedeck: %s\n", qPrintable(err));
            return 2;
        }
        ++n;
    }
    if (parser.isSet(demo)) {
        if (const QString err = window.startDemo(); !err.isEmpty()) {
            std::fprintf(stderr, "queuedeck: %s\n", qPrintable(err));
            return 1;
        }
    }
    collector.start();
    if (parser.isSet(queue) && !collector.connectionIds().isEmpty()) {
        // Depending on the backend, this queue may only appear after the first poll.
        const QString id = parser.isSet(demo) ? collector.connectionIds().constLast() : collector.connectionIds().constFirst();
        window.showQueue(id, parser.value(queue));
        if (const auto state = qd::parseJobState(parser.value(jobs)); parser.isSet(jobs) && state) {
            window.detail()->showJobs(true);
            window.detail()->jobs()->setState(*state);
        }
    }
    window.show();
    if (parser.isSet(wall)) {
        qd::WallView *w = window.setWallMode(true, parser.isSet(screenshot) ? (parser.isSet(size) ? shotSize : QSize(1920, 1080)) : QSize());
        if (parser.isSet(wallCycle)) {
            w->setCycleSeconds(parser.value(wallCycle).toInt());
        }
    }
    if (parser.isSet(alertRules) && !collector.connectionIds().isEmpty()) {
        QTimer::singleShot(0, &window, [&window, &collector] { window.editAlertRules(collector.connectionIds().constFirst()); });
    }
    if (parser.isSet(screenshot)) {
        scheduleScreenshot(window, collector, parser.value(screenshot), parser.value(after).toInt());
    }
    Q_UNUSED(n)
    return app.exec();
}
