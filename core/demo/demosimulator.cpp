// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "demosimulator.h"
#include <QStandardPaths>
namespace qd::demo { // STUB
struct DemoSimulator::Private { QString path; DemoOptions options; };
DemoSimulator::DemoSimulator(const QString &p, DemoOptions o, Clock *, QObject *parent) : QObject(parent), d(new Private{p, o}) {}
DemoSimulator::~DemoSimulator() = default;
QString DemoSimulator::start() { return QStringLiteral("not implemented"); }
void DemoSimulator::stop() {}
bool DemoSimulator::isRunning() const { return false; }
QString DemoSimulator::connectionUrl() const { return QStringLiteral("delayedjob+sqlite://") + d->path; }
QString DemoSimulator::databasePath() const { return d->path; }
QString DemoSimulator::defaultDatabasePath() { return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/demo/delayed_jobs.sqlite3"); }
} // namespace qd::demo
