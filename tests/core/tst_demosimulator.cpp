// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// The demo drives a real Delayed::Job database; everything is checked through the real backend.
#include "backendfactory.h"
#include "clock.h"
#include "demo/demosimulator.h"

#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;

class TestDemoSimulator : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    ManualClock m_clock{QDateTime::currentDateTimeUtc()};
    std::unique_ptr<demo::DemoSimulator> m_sim;
    std::shared_ptr<Backend> m_backend;

    void advance(int seconds)
    {
        for (int i = 0; i < seconds; ++i) {
            const quint64 before = m_sim->steps();
            m_clock.advance(1000);
            QTRY_VERIFY(m_sim->steps() > before);
        }
    }
    Snapshot poll()
    {
        auto f = m_backend->snapshot();
        f.waitForFinished();
        return f.result();
    }
    qint64 scalar(const QString &sql)
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("peek"));
        db.setDatabaseName(m_sim->databasePath());
        qint64 v = -1;
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(sql) && q.next()) {
                v = q.value(0).toLongLong();
            }
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("peek"));
        return v;
    }

private Q_SLOTS:
    void initTestCase()
    {
        demo::DemoOptions o;
        o.tick = std::chrono::milliseconds(10);
        o.newQueueAt = 10;
        o.workersDieAt = 20;
        o.workersBackAt = 40;
        o.maxRunTimeSeconds = 5;
        m_sim = std::make_unique<demo::DemoSimulator>(m_dir.filePath(QStringLiteral("demo/dj.sqlite3")), o, &m_clock);
        QCOMPARE(m_sim->start(), QString());
        QVERIFY(m_sim->isRunning());
        auto b = createBackend(m_sim->connectionUrl(), &m_clock);
        QVERIFY2(b.ok(), qPrintable(b.error()));
        m_backend = b.value();
    }

    void schemaIsDelayedJobs()
    {
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM pragma_table_info('delayed_jobs') WHERE name IN ('id',"
                                       "'priority','attempts','handler','last_error','run_at','locked_at','failed_at',"
                                       "'locked_by','queue','created_at','updated_at')")),
                 12);
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM pragma_table_info('delayed_jobs')")), 12);
    }

    void startsWithARealisticState()
    {
        const Snapshot s = poll();
        QVERIFY2(s.ok(), qPrintable(s.error));
        for (const char *q : {"default", "mailers", "print", "mixpanel"}) {
            QVERIFY2(s.queue(QLatin1String(q)), q);
        }
        QCOMPARE(s.queue(QStringLiteral("print"))->failed, std::optional<qint64>(4));
        QVERIFY(*s.queue(QStringLiteral("mailers"))->scheduled >= 1);
        QVERIFY(!s.queue(QStringLiteral("reports")));
    }

    void jobsFlowAndThePoisonJobKeepsFailing()
    {
        const qint64 firstId = scalar(QStringLiteral("SELECT MIN(id) FROM delayed_jobs WHERE failed_at IS NULL"));
        advance(9);
        QVERIFY(scalar(QStringLiteral("SELECT MAX(id) FROM delayed_jobs")) > 40); // arrivals
        QVERIFY(scalar(QStringLiteral("SELECT COUNT(*) FROM delayed_jobs WHERE id = %1").arg(firstId)) == 0 ||
                scalar(QStringLiteral("SELECT attempts FROM delayed_jobs WHERE id = %1").arg(firstId)) > 0); // worked
        QVERIFY(scalar(QStringLiteral("SELECT MAX(attempts) FROM delayed_jobs WHERE handler LIKE '%66666%'")) >= 1);
        QVERIFY(poll().workerSummary().busy.value_or(0) > 0);
    }

    void newQueueAppears()
    {
        QSignalSpy incidents(m_sim.get(), &demo::DemoSimulator::incident);
        advance(3);
        QTRY_VERIFY(!incidents.isEmpty());
        QVERIFY(incidents.at(0).at(0).toString().contains(QStringLiteral("reports")));
        advance(2);
        QVERIFY(poll().queue(QStringLiteral("reports")));
    }

    void workersDieAndTheirLocksGoStale()
    {
        QSignalSpy incidents(m_sim.get(), &demo::DemoSimulator::incident);
        advance(9); // t = 23
        QTRY_VERIFY(!incidents.isEmpty());
        QVERIFY(incidents.at(0).at(0).toString().contains(QStringLiteral("workers died")));
        qint64 waitingBefore = 0;
        for (const QueueStats &q : poll().queues) {
            waitingBefore += q.waiting.value_or(0);
        }
        advance(8); // past max_run_time: the dead workers' locks are now "lost"
        const Snapshot s = poll();
        QVERIFY(s.workerSummary().lost.value_or(0) > 0);
        QCOMPARE(s.workerSummary().busy, std::optional<int>(0));
        qint64 waiting = 0;
        double oldest = 0;
        for (const QueueStats &q : s.queues) {
            waiting += q.waiting.value_or(0);
            oldest = std::max(oldest, q.oldestAgeSeconds.value_or(0));
        }
        QVERIFY(waiting > waitingBefore); // nobody works: the backlog only grows
        QVERIFY2(oldest >= 5, qPrintable(QString::number(oldest)));
        QVERIFY(scalar(QStringLiteral("SELECT MAX(attempts) FROM delayed_jobs WHERE handler LIKE '%66666%'")) >= 2);
    }

    void workersComeBackAndDrain()
    {
        QSignalSpy incidents(m_sim.get(), &demo::DemoSimulator::incident);
        advance(10); // t = 41
        QTRY_VERIFY(!incidents.isEmpty());
        QVERIFY(incidents.at(0).at(0).toString().contains(QStringLiteral("restarted")));
        advance(3);
        QVERIFY(poll().workerSummary().busy.value_or(0) > 0);
        m_sim->stop();
        QVERIFY(!m_sim->isRunning());
    }
};

QTEST_GUILESS_MAIN(TestDemoSimulator)
#include "tst_demosimulator.moc"
