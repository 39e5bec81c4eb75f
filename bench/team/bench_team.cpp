// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// bench_team: the team server's store on the PostgreSQL of scripts/services. One poll of 5,000 queues written per
// interval through the real TeamStore, in the steady state (every queue's row updated, its sample added) (target < 200 ms: issue 20), and the NOTIFY that follows each poll, timed to
// 20 listening clients (p50/p99; target p99 < 1 s). Printed min/median/max over the runs.
#include "core/team/teamstore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

#include <algorithm>
#include <cstdio>

using namespace qd;

namespace {

constexpr int kQueues = 5000;
constexpr int kRuns = 20;
constexpr int kClients = 20;

QSqlDatabase connectAs(const QString &name, const QString &database)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
    db.setHostName(qEnvironmentVariable("QD_TEST_PG_HOST"));
    db.setPort(qEnvironmentVariable("QD_TEST_PG_PORT").toInt());
    db.setUserName(qEnvironmentVariable("QD_TEST_PG_USER"));
    db.setDatabaseName(database);
    if (!db.open()) {
        std::fprintf(stderr, "bench_team: cannot connect: %s\n", qPrintable(db.lastError().text()));
    }
    return db;
}

Snapshot fleet(int run)
{
    Snapshot s;
    s.backend = QStringLiteral("rabbitmq");
    s.takenAt = QDateTime::currentDateTimeUtc();
    s.pollSeconds = 0.4;
    s.queues.reserve(kQueues);
    for (int i = 0; i < kQueues; ++i) {
        QueueStats q;
        q.name = QStringLiteral("tenant-%1.orders").arg(i, 4, 10, QLatin1Char('0'));
        q.waiting = (i * 7 + run) % 1000;
        q.running = i % 5;
        q.oldestAgeSeconds = double((i + run) % 600);
        q.consumers = i % 3;
        q.inPerMinute = 12.5;
        q.outPerMinute = 12.0;
        s.queues.append(q);
    }
    return s;
}

void report(const char *what, QList<double> v, double target)
{
    std::sort(v.begin(), v.end());
    const auto at = [&v](double p) { return v.isEmpty() ? 0.0 : v[std::min<qsizetype>(v.size() - 1, qsizetype(p * double(v.size())))]; };
    const double key = what[0] == 'N' ? at(0.99) : at(0.5);
    std::printf("%-52s min %8.1f  p50 %8.1f  p99 %8.1f  max %8.1f ms   target %s < %.0f ms  %s\n", what, v.value(0), at(0.5),
                at(0.99), v.isEmpty() ? 0 : v.last(), what[0] == 'N' ? "p99" : "p50", target, key < target ? "PASS" : "MISS");
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (qEnvironmentVariable("QD_TEST_PG_HOST").isEmpty()) {
        std::fprintf(stderr, "bench_team: no PostgreSQL (scripts/bench starts one)\n");
        return 1;
    }
    const QString name = QStringLiteral("bench_team_") + QUuid::createUuid().toString(QUuid::Id128).left(10);
    {
        QSqlDatabase admin = connectAs(QStringLiteral("admin"), qEnvironmentVariable("QD_TEST_PG_DB"));
        QSqlQuery(admin).exec(QStringLiteral("CREATE DATABASE ") + name);
    }
    TeamDatabase where{qEnvironmentVariable("QD_TEST_PG_HOST"), qEnvironmentVariable("QD_TEST_PG_PORT").toInt(), name,
                       qEnvironmentVariable("QD_TEST_PG_USER"), {}};
    TeamStore store(where);
    if (const QString e = store.open().result(); !e.isEmpty()) {
        std::fprintf(stderr, "bench_team: %s\n", qPrintable(e));
        return 1;
    }
    // Twenty desktops listening, each on its own connection (in this thread's event loop).
    // The k-th notification a client gets is the k-th poll's (one connection, written in order).
    QList<QElapsedTimer> sent(kRuns + 1);
    QList<double> fanout;
    QList<int> seen(kClients, 0);
    for (int c = 0; c < kClients; ++c) {
        QSqlDatabase db = connectAs(QStringLiteral("client-%1").arg(c), name);
        db.driver()->subscribeToNotification(QStringLiteral("queuedeck_snapshot"));
        QObject::connect(db.driver(), &QSqlDriver::notification, &app,
                         [&, c](const QString &, QSqlDriver::NotificationSource, const QVariant &) {
                             const int run = seen[c]++;
                             if (run > 0) { // poll 0 fills the tables: the steady state is an update of every row
                                 fanout << double(sent[run].nsecsElapsed()) / 1e6;
                             }
                         });
    }
    QList<double> writes;
    for (int run = 0; run <= kRuns; ++run) {
        const Snapshot s = fleet(run);
        sent[run].start();
        QElapsedTimer t;
        t.start();
        const QString e = store.writePoll(QStringLiteral("fleet"), QStringLiteral("rabbitmq+http://bench@h/"), s, {}).result();
        if (run > 0) {
            writes << double(t.nsecsElapsed()) / 1e6;
        }
        if (!e.isEmpty()) {
            std::fprintf(stderr, "bench_team: %s\n", qPrintable(e));
            return 1;
        }
        QElapsedTimer wait;
        wait.start();
        while (*std::min_element(seen.cbegin(), seen.cend()) < run + 1 && wait.elapsed() < 5000) {
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
        }
    }
    std::printf("%d queues a poll, %d polls, %d listening clients (PostgreSQL of scripts/services)\n", kQueues, kRuns, kClients);
    report("poll written (5,000 queues: queues, samples, alerts)", writes, 200);
    report("NOTIFY seen by a client after the write began", fanout, 1000);
    std::printf("%-52s %lld of %d\n", "notifications received (after the first poll)", qint64(fanout.size()), kRuns * kClients);
    return 0;
}
