// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// One million rows in a table made by delayed_job's own migration: the backend's few aggregate queries stay
// correct (checked against independent SQL) and fast. The time bounds are loose guards against a regression
// to per-queue round trips or per-row work (46 queues × a full scan each would take tens of seconds); the
// measured figures are printed.
#include "core/backendfactory.h"
#include "tests/backends/djtestsupport.h"

#include <QElapsedTimer>
#include <QTest>

using namespace qd;
using namespace qd::test;

namespace {

constexpr int kRows = 1'000'000;

/// Bulk rows with delayed_job's shapes: PrintJob handlers, 45 named queues plus NULL, 1 in 7 scheduled an hour
/// ahead, 1 in 1000 locked by one of 40 workers (1 in 20 of those locks 5 h old), 1 in 997 failed.
QString bulkInsert(bool pg, int rows)
{
    const QString now = pg ? QStringLiteral("(now() AT TIME ZONE 'utc')") : QString();
    auto at = [&](const QString &secondsExpr) {
        return pg ? QStringLiteral("%1 + make_interval(secs => %2)").arg(now, secondsExpr)
                  : QStringLiteral("strftime('%Y-%m-%d %H:%M:%f', 'now', (%1) || ' seconds') || '000'").arg(secondsExpr);
    };
    const QString nl = pg ? QStringLiteral("E'\\n'") : QStringLiteral("char(10)");
    const QString select =
        QStringLiteral("SELECT i % 3, CASE WHEN i % 7 = 0 THEN 1 ELSE 0 END, "
                       "'--- !ruby/struct:PrintJob' || %1 || 'user_id: ' || (i % 5000) || %1 || 'card_id: ' || i || %1, "
                       "CASE WHEN i % 7 = 0 THEN %2 ELSE %3 END, "
                       "CASE WHEN i % 1000 = 0 THEN (CASE WHEN i % 20000 = 0 THEN %4 ELSE %5 END) END, "
                       "CASE WHEN i % 997 = 0 THEN %6 END, "
                       "CASE WHEN i % 1000 = 0 THEN 'host:w' || ((i / 1000) % 40) || ' pid:' || (1000 + (i / 1000) % 40) END, "
                       "CASE WHEN i % 10 = 0 THEN NULL ELSE 'q' || (i % 50) END, %6, %6")
            .arg(nl, at(QStringLiteral("3600")), at(QStringLiteral("-(i % 7200)")), at(QStringLiteral("-18000")),
                 at(QStringLiteral("-30")), at(QStringLiteral("0")));
    const QString insert = QStringLiteral("INSERT INTO delayed_jobs (priority, attempts, handler, run_at, locked_at, "
                                          "failed_at, locked_by, queue, created_at, updated_at) ");
    if (pg) {
        return insert + select + QStringLiteral(" FROM generate_series(1, %1) AS i").arg(rows);
    }
    return QStringLiteral("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < %1) ").arg(rows) +
           insert + select + QStringLiteral(" FROM c");
}

} // namespace

class TestDelayedJobScale : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void millionRows_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<qint64>("boundMs"); // per poll, on a loaded 2-core CI machine
        QTest::newRow("sqlite") << QStringLiteral("sqlite") << qint64(10'000);
        QTest::newRow("postgresql") << QStringLiteral("postgresql") << qint64(5'000);
    }

    void millionRows()
    {
        QFETCH(QString, kind);
        QFETCH(qint64, boundMs);
        std::optional<DjTarget> t;
        if (kind == u"sqlite") {
            t = sqliteTarget(m_dir);
        } else {
            QD_REQUIRE_PG();
            t = pgTarget(QStringLiteral("djscale_"));
        }
        QVERIFY(t);
        // The table exactly as delayed_job's migration makes it (the fixture's rows stay in, too).
        QVERIFY(!fillDelayedJobs(t->fixtureArgs).isEmpty());
        {
            QSqlDatabase db = t->open(QStringLiteral("bulk"));
            QVERIFY(db.isOpen());
            QSqlQuery q(db);
            QVERIFY2(q.exec(bulkInsert(kind == u"postgresql", kRows)), qPrintable(q.lastError().text()));
            if (kind == u"postgresql") {
                QVERIFY(q.exec(QStringLiteral("ANALYZE delayed_jobs")));
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("bulk"));

        auto backend = createBackend(t->url).value();
        QElapsedTimer timer;
        timer.start();
        const Snapshot first = wait(backend->snapshot());
        const qint64 firstMs = timer.restart();
        QVERIFY2(first.ok(), qPrintable(first.error));
        const Snapshot s = wait(backend->snapshot()); // warm connection, arrivals above the watermark
        const qint64 secondMs = timer.elapsed();
        QVERIFY2(s.ok(), qPrintable(s.error));
        qInfo("%s, %d rows: first poll %lld ms, second poll %lld ms", qPrintable(kind), kRows, firstMs, secondMs);
        QVERIFY2(firstMs < boundMs && secondMs < boundMs, qPrintable(QStringLiteral("%1 / %2 ms").arg(firstMs).arg(secondMs)));

        QSqlDatabase db = t->open(QStringLiteral("check"));
        const IndependentCounts c = countIndependently(db, s.takenAt);
        QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
        QCOMPARE(s.queues.size(), c.queues.size());
        qint64 total = 0;
        for (const QueueStats &q : s.queues) {
            const IndependentQueue e = c.queues.value(q.name);
            QCOMPARE(q.waiting, std::optional<qint64>(e.waiting));
            QCOMPARE(q.scheduled, std::optional<qint64>(e.scheduled));
            QCOMPARE(q.running, std::optional<qint64>(e.running));
            QCOMPARE(q.failed, std::optional<qint64>(e.failed));
            if (!e.oldestWaitingRunAt.isEmpty()) {
                const double age = double(utcFromDbText(e.oldestWaitingRunAt).msecsTo(s.takenAt)) / 1000.0;
                QVERIFY2(qAbs(q.oldestAgeSeconds.value_or(-1) - age) < 0.002, qPrintable(q.name));
            }
            total += q.total().value_or(0);
            QCOMPARE(q.inPerMinute.has_value(), true); // second poll: rates known
        }
        QCOMPARE(total, c.rows);
        QVERIFY(c.rows > kRows); // the bulk rows and the fixture's
        QCOMPARE(s.workers.size(), c.workerNewestLock.size());
        QCOMPARE(s.workers.size(), 42); // 40 bulk workers and the fixture's two
        QVERIFY(s.workerSummary().lost.value_or(0) >= 1);
        db.close();
        db = {};
        QSqlDatabase::removeDatabase(QStringLiteral("check"));
    }
};

QTEST_GUILESS_MAIN(TestDelayedJobScale)
#include "tst_delayedjob_scale.moc"
