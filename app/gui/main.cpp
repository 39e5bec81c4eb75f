// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "app/gui/appicon.h"
#include "core/collector.h"
#include "core/history/historystore.h"
#include "widgets/jobbrowser.h"
#include "core/jobs.h"
#include "app/gui/language.h"
#include "widgets/theme.h"
#include "app/gui/mainwindow.h"
#include "widgets/charts/queuedetailview.h"
#include "core/settings/connectionsettings.h"
#include "core/session/session.h"
#include "widgets/charts/timeserieschart.h"
#include "widgets/wallview.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QStandardPaths>
#include <QTimer>

#include <cstdio>
#include <optional>

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

namespace {

/// The desktop's command line.
struct Options
{
    QCommandLineOption demo{QStringLiteral("demo"),
                            QApplication::translate("main", "Start the embedded Delayed::Job demo.")};
    QCommandLineOption connect{QStringLiteral("connect"),
                               QApplication::translate("main", "Monitor URL for this run only (repeatable)."),
                               QStringLiteral("URL")};
    QCommandLineOption interval{QStringLiteral("interval"),
                                QApplication::translate("main", "Poll interval in seconds."),
                                QStringLiteral("SECONDS")};
    QCommandLineOption screenshot{QStringLiteral("screenshot"),
                                  QApplication::translate("main", "Render the window to a PNG and exit."),
                                  QStringLiteral("FILE")};
    QCommandLineOption after{QStringLiteral("after"),
                             QApplication::translate("main", "With --screenshot: wait this long first."),
                             QStringLiteral("SECONDS"), QStringLiteral("0")};
    QCommandLineOption queue{QStringLiteral("queue"),
                             QApplication::translate("main", "Open this queue of the first connection."),
                             QStringLiteral("NAME")};
    QCommandLineOption jobs{QStringLiteral("jobs"),
                            QApplication::translate("main", "With --queue: open its Jobs tab on this state."),
                            QStringLiteral("STATE")};
    QCommandLineOption alertRules{
        QStringLiteral("alert-rules"),
        QApplication::translate("main", "Open the alert rules editor of the first connection.")};
    QCommandLineOption wall{
        QStringLiteral("wall"),
        QApplication::translate("main", "Start in war-room mode: a full-screen wall (F11 toggles).")};
    QCommandLineOption wallCycle{
        QStringLiteral("wall-cycle"),
        QApplication::translate("main", "With --wall: switch between connections every SECONDS."),
        QStringLiteral("SECONDS")};
    QCommandLineOption size{QStringLiteral("size"),
                            QApplication::translate("main", "With --screenshot: the size to render, e.g. 3840x2160."),
                            QStringLiteral("WxH")};
    QCommandLineOption theme{QStringLiteral("theme"),
                             QApplication::translate("main", "Look for this run: system, light or dark."),
                             QStringLiteral("THEME")};
    QCommandLineOption lang{QStringLiteral("language"),
                            QApplication::translate("main", "Language for this run, e.g. de or en."),
                            QStringLiteral("CODE")};

    void addTo(QCommandLineParser &p) const
    {
        p.addOptions(
            {demo, connect, interval, screenshot, after, queue, jobs, alertRules, wall, wallCycle, size, theme, lang});
    }
};

/// The saved look and language, or --theme and --language for this run; false after printing why not.
bool applyLook(const QCommandLineParser &parser, const Options &o, qd::Language *language)
{
    qd::Theme::Mode look = qd::Theme::saved();
    if (parser.isSet(o.theme)) {
        const QString t = parser.value(o.theme);
        if (t != QLatin1String("system") && t != QLatin1String("light") && t != QLatin1String("dark")) {
            std::fprintf(stderr, "queuedeck: --theme wants system, light or dark\n");
            return false;
        }
        look = t == QLatin1String("dark")    ? qd::Theme::Mode::Dark
               : t == QLatin1String("light") ? qd::Theme::Mode::Light
                                             : qd::Theme::Mode::System;
    }
    qd::Theme::apply(look);
    if (parser.isSet(o.lang)) {
        if (QString error; !language->apply(parser.value(o.lang), &error)) {
            std::fprintf(stderr, "queuedeck: %s\n", qPrintable(error));
            return false;
        }
    }
    return true;
}

/// --size for a screenshot, or 1440×900; nullopt after printing why it does not read.
std::optional<QSize> shotSizeOf(const QCommandLineParser &parser, const Options &o)
{
    if (!parser.isSet(o.size)) {
        return QSize(1440, 900);
    }
    const QStringList wh = parser.value(o.size).split(u'x');
    const QSize size = wh.size() == 2 ? QSize(wh[0].toInt(), wh[1].toInt()) : QSize();
    if (!size.isValid() || size.width() < 320 || size.height() < 240) {
        std::fprintf(stderr, "queuedeck: --size wants WIDTHxHEIGHT, e.g. 1920x1080\n");
        return std::nullopt;
    }
    return size;
}

/// A history or timeline that could not be opened: the desktop goes on without it, and says so.
void reportStores(const qd::Session &session)
{
    if (!session.timelineError().isEmpty()) {
        std::fprintf(stderr, "queuedeck: timeline disabled: %s\n", qPrintable(session.timelineError()));
    }
    if (!session.historyError().isEmpty()) {
        std::fprintf(stderr, "queuedeck: history disabled: %s\n", qPrintable(session.historyError()));
    }
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
    const Options o;
    o.addTo(parser);
    parser.process(app);
    if (!applyLook(parser, o, language)) {
        return 2;
    }

    qd::ConnectionSettings settings;
    // Everything the desktop keeps — collector, history, alerts, timeline, audit log, outbox — has one owner.
    qd::Session session(qd::Session::Stores::desktop());
    qd::Collector &collector = *session.collector();
    std::chrono::milliseconds pollInterval = settings.pollInterval();
    if (parser.isSet(o.demo)) {
        pollInterval = std::chrono::milliseconds(2000); // the demo's incidents unfold in minutes
    }
    if (parser.isSet(o.interval)) {
        pollInterval = std::chrono::milliseconds(qint64(parser.value(o.interval).toDouble() * 1000));
    }
    collector.setInterval(pollInterval);

    if (session.history()) {
        session.history()->setRetention(settings.historyRetention());
    }
    reportStores(session);

    qd::MainWindow window(&session);
    window.setLanguage(language);
    const std::optional<QSize> shot = shotSizeOf(parser, o);
    if (!shot) {
        return 2;
    }
    const QSize shotSize = *shot;
    if (parser.isSet(o.screenshot)) {
        window.resize(shotSize);
    }
    window.loadSavedConnections();
    for (const QString &url : parser.values(o.connect)) {
        if (const QString err = window.addConnection(url, url, false); !err.isEmpty()) {
            std::fprintf(stderr, "queuedeck: %s\n", qPrintable(err));
            return 2;
        }
    }
    if (parser.isSet(o.demo)) {
        if (const QString err = window.startDemo(); !err.isEmpty()) {
            std::fprintf(stderr, "queuedeck: %s\n", qPrintable(err));
            return 1;
        }
    }
    collector.start();
    if (parser.isSet(o.queue) && !collector.connectionIds().isEmpty()) {
        // Depending on the backend, this queue may only appear after the first poll.
        const QString id = parser.isSet(o.demo) ? collector.connectionIds().constLast() : collector.connectionIds().constFirst();
        window.showQueue(id, parser.value(o.queue));
        if (const auto state = qd::parseJobState(parser.value(o.jobs)); parser.isSet(o.jobs) && state) {
            window.detail()->showJobs(true);
            window.detail()->jobs()->setState(*state);
        }
    }
    window.show();
    if (parser.isSet(o.wall)) {
        qd::WallView *w = window.setWallMode(true, parser.isSet(o.screenshot) ? (parser.isSet(o.size) ? shotSize : QSize(1920, 1080)) : QSize());
        if (parser.isSet(o.wallCycle)) {
            w->setCycleSeconds(parser.value(o.wallCycle).toInt());
        }
    }
    if (parser.isSet(o.alertRules) && !collector.connectionIds().isEmpty()) {
        QTimer::singleShot(0, &window, [&window, &collector] { window.editAlertRules(collector.connectionIds().constFirst()); });
    }
    if (parser.isSet(o.screenshot)) {
        scheduleScreenshot(window, collector, parser.value(o.screenshot), parser.value(o.after).toInt());
    }
    return app.exec();
}
