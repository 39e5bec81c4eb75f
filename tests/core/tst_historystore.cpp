// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "clock.h"
#include "history/decimate.h"
#include "history/historystore.h"

#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;
using namespace std::chrono_literals;

namespace {
const QDateTime kStart = QDateTime::fromSecsSinceEpoch(1'750'000'020, Qt::UTC);

Snapshot snap(const QDateTime &at, qint64 waiting, std::optional<double> age = std::nullopt)
{
    Snapshot s;
    s.backend = QStringLiteral("fake");
    s.takenAt = at;
    QueueStats q;
    q.name = QStringLiteral("print");
    q.waiting = waiting;
    q.oldestAgeSeconds = age;
    s.queues = {q};
    s.workers = {WorkerInfo{QStringLiteral("w"), WorkerState::Busy, {}, 1.0, {}}};
    return s;
}

Series load(HistoryStore &h, Metric m, const QDateTime &from, const QDateTime &to, const QString &queue = QStringLiteral("print"))
{
    auto f = h.load(SeriesKey{QStringLiteral("c"), queue, m}, from, to);
    f.waitForFinished();
    return f.result();
}
} // namespace

class TestHistoryStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTripKeepsOnlyKnownValues()
    {
        QTemporaryDir dir;
        ManualClock clock(kStart.addSecs(60));
        HistoryStore h(dir.filePath(QStringLiteral("h.sqlite3")), &clock);
        QCOMPARE(h.open(), QString());
        h.record(QStringLiteral("c"), snap(kStart, 5, 12.0));
        h.record(QStringLiteral("c"), snap(kStart.addSecs(5), 7)); // age unknown here
        Snapshot failed;
        failed.error = QStringLiteral("down");
        failed.takenAt = kStart.addSecs(10);
        h.record(QStringLiteral("c"), failed); // ignored: a failed poll knows nothing
        h.flush().waitForFinished();

        const Series waiting = load(h, Metric::Waiting, kStart, kStart.addSecs(60));
        QVERIFY(!waiting.fromRollups);
        QCOMPARE(waiting.points, (QList<QPointF>{{double(kStart.toMSecsSinceEpoch()), 5.0},
                                                 {double(kStart.addSecs(5).toMSecsSinceEpoch()), 7.0}}));
        QCOMPARE(load(h, Metric::OldestAge, kStart, kStart.addSecs(60)).points.size(), 1); // the unknown is a gap
        QVERIFY(load(h, Metric::Running, kStart, kStart.addSecs(60)).points.isEmpty());   // never known
        QCOMPARE(load(h, Metric::WorkersBusy, kStart, kStart.addSecs(60), QString()).points.size(), 2);
        QVERIFY(load(h, Metric::WorkersIdle, kStart, kStart.addSecs(60), QString()).points.isEmpty()); // unknown
    }

    void batchesManyRecordsAndFlushesByItself()
    {
        QTemporaryDir dir;
        ManualClock clock(kStart);
        HistoryStore h(dir.filePath(QStringLiteral("h.sqlite3")), &clock);
        QCOMPARE(h.open(), QString());
        for (int i = 0; i < 12000; ++i) {
            h.recordSample(SeriesKey{QStringLiteral("c"), QStringLiteral("q"), Metric::Waiting},
                           kStart.toMSecsSinceEpoch() + i * 1000, i);
        }
        // No explicit flush: the size threshold and the timer write it.
        QTRY_COMPARE_WITH_TIMEOUT(load(h, Metric::Waiting, kStart, kStart.addSecs(20000), QStringLiteral("q")).points.size(), 12000, 10000);
    }

    void rollupsKeepMinMaxAndServeLongRanges()
    {
        QTemporaryDir dir;
        ManualClock clock(kStart);
        HistoryStore h(dir.filePath(QStringLiteral("h.sqlite3")), &clock);
        QCOMPARE(h.open(), QString());
        const SeriesKey key{QStringLiteral("c"), QStringLiteral("print"), Metric::Waiting};
        const qint64 minute = kStart.toMSecsSinceEpoch() - kStart.toMSecsSinceEpoch() % 60000;
        for (int i = 0; i < 12; ++i) {
            h.recordSample(key, minute + i * 5000, i == 7 ? 900.0 : 10.0 + i); // one spike
        }
        h.flush().waitForFinished();
        clock.advance(std::chrono::milliseconds(72h).count()); // now the raw window no longer covers the range
        const Series s = load(h, Metric::Waiting, kStart.addSecs(-120), kStart.addSecs(120));
        QVERIFY(s.fromRollups);
        QCOMPARE(s.points, (QList<QPointF>{{double(minute), 10.0}, {double(minute), 900.0}}));
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("peek"));
        db.setDatabaseName(h.path());
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT sum, n FROM rollups")) && q.next());
        QCOMPARE(q.value(1).toInt(), 12);
        QCOMPARE(q.value(0).toDouble() / q.value(1).toDouble(), (10 + 11 + 12 + 13 + 14 + 15 + 16 + 900 + 18 + 19 + 20 + 21) / 12.0);
        QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("wal"));
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("peek"));
    }

    void retention()
    {
        QTemporaryDir dir;
        ManualClock clock(kStart);
        HistoryStore h(dir.filePath(QStringLiteral("h.sqlite3")), &clock);
        QCOMPARE(h.open(), QString());
        const SeriesKey key{QStringLiteral("c"), QStringLiteral("print"), Metric::Waiting};
        h.recordSample(key, kStart.toMSecsSinceEpoch(), 1);
        h.recordSample(key, kStart.addSecs(3600).toMSecsSinceEpoch(), 2);
        h.flush().waitForFinished();

        clock.set(kStart.addSecs(48 * 3600 + 60)); // the first sample is past 48 h, the second is not
        h.enforceRetention().waitForFinished();
        QCOMPARE(load(h, Metric::Waiting, kStart.addSecs(-10), kStart.addSecs(7200)).points.size(), 2); // rollups stay
        QCOMPARE(load(h, Metric::Waiting, kStart.addSecs(3000), kStart.addSecs(7200)).points,
                 (QList<QPointF>{{double(kStart.addSecs(3600).toMSecsSinceEpoch()), 2.0}})); // raw

        clock.set(kStart.addSecs(31 * 86400));
        h.enforceRetention().waitForFinished();
        QVERIFY(load(h, Metric::Waiting, kStart.addSecs(-10), kStart.addSecs(7200)).points.isEmpty());
    }

    void reopenKeepsData()
    {
        QTemporaryDir dir;
        ManualClock clock(kStart.addSecs(10));
        const QString path = dir.filePath(QStringLiteral("h.sqlite3"));
        {
            HistoryStore h(path, &clock);
            QCOMPARE(h.open(), QString());
            h.record(QStringLiteral("c"), snap(kStart, 3)); // destructor flushes
        }
        HistoryStore h(path, &clock);
        QCOMPARE(h.open(), QString());
        QCOMPARE(load(h, Metric::Waiting, kStart, kStart.addSecs(10)).points.size(), 1);
    }

    void openErrors()
    {
        QTemporaryDir dir;
        const QString junk = dir.filePath(QStringLiteral("junk.sqlite3"));
        QFile f(junk);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(8192, 'j'));
        f.close();
        HistoryStore h(junk);
        const QString err = h.open();
        QVERIFY2(err.contains(QStringLiteral("not a usable history database")), qPrintable(err));
        HistoryStore nowhere(QStringLiteral("/proc/queuedeck/h.sqlite3"));
        QVERIFY(!nowhere.open().isEmpty());
    }

    void writeFailureIsReported()
    {
        QTemporaryDir dir;
        ManualClock clock(kStart);
        const QString path = dir.filePath(QStringLiteral("h.sqlite3"));
        HistoryStore h(path, &clock);
        QCOMPARE(h.open(), QString());
        QSignalSpy failed(&h, &HistoryStore::writeFailed);
        {
            // Another process holds a write lock for longer than our busy timeout? Simpler and deterministic:
            // drop the samples table under the store's feet.
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("vandal"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QVERIFY(QSqlQuery(db).exec(QStringLiteral("DROP TABLE samples")));
            db.close();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(QStringLiteral("vandal"));
        }
        h.record(QStringLiteral("c"), snap(kStart, 1));
        h.flush().waitForFinished();
        QTRY_COMPARE(failed.count(), 1);
        QVERIFY2(failed.at(0).at(0).toString().contains(QStringLiteral("dropped")), qPrintable(failed.at(0).at(0).toString()));
    }

    void decimationKeepsSpikesAndBounds()
    {
        QList<QPointF> pts;
        for (int i = 0; i < 100000; ++i) {
            pts.append(QPointF(i, i == 54321 ? 1e6 : (i % 7)));
        }
        const auto d = decimateMinMax(pts, 0, 99999, 1000);
        QVERIFY(d.size() <= 4000);
        QCOMPARE(d.first(), pts.first());
        QCOMPARE(d.last(), pts.last());
        QVERIFY(std::any_of(d.begin(), d.end(), [](const QPointF &p) { return p.y() == 1e6; }));
        QVERIFY(std::is_sorted(d.begin(), d.end(), [](const QPointF &a, const QPointF &b) { return a.x() < b.x(); }));
        QVERIFY(decimateMinMax({}, 0, 1, 10).isEmpty());
        QCOMPARE(decimateMinMax(pts, 200000, 300000, 10).size(), 0); // all outside
        QCOMPARE(decimateMinMax({{1, 1}, {2, 2}}, 0, 10, 0).size(), 2); // no buckets: input back
        // Few points: nothing is lost.
        const QList<QPointF> few = {{0, 1}, {5, 3}, {9, 2}};
        QCOMPARE(decimateMinMax(few, 0, 9, 100), few);
    }
};

QTEST_GUILESS_MAIN(TestHistoryStore)
#include "tst_historystore.moc"
