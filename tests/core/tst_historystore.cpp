// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/clock.h"
#include "core/history/historystore.h"

#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <algorithm>

using namespace qd;
using namespace std::chrono_literals;

namespace {
const QDateTime kStart = QDateTime::fromSecsSinceEpoch(1'750'000'020, Qt::UTC);
const QString kConn = QStringLiteral("c");
const QString kQueue = QStringLiteral("print");

double ms(const QDateTime &t) { return double(t.toMSecsSinceEpoch()); }

Snapshot snap(const QDateTime &at, qint64 waiting, std::optional<double> age = std::nullopt)
{
    Snapshot s;
    s.backend = QStringLiteral("fake");
    s.takenAt = at;
    QueueStats q;
    q.name = kQueue;
    q.waiting = waiting;
    q.oldestAgeSeconds = age;
    s.queues = {q};
    s.workers = {WorkerInfo{QStringLiteral("w"), WorkerState::Busy, {}, 1.0, {}}}; // idle unknown: incomplete
    return s;
}

Series load(HistoryStore &h, Metric m, const QDateTime &from, const QDateTime &to, const QString &queue = kQueue,
            qint64 fillStepMs = 0)
{
    auto f = h.load(SeriesKey{kConn, queue, m}, from, to, fillStepMs);
    f.waitForFinished();
    return f.result();
}

/// A second, independent connection to look at (or vandalise) the file behind the store's back.
class Peek
{
public:
    explicit Peek(const QString &path) : m_name(QStringLiteral("peek-%1").arg(++s_count))
    {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        m_db.setDatabaseName(path);
        m_db.open();
    }
    ~Peek()
    {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
    }
    Q_DISABLE_COPY_MOVE(Peek)

    /// First row of `sql`, or the error text when it fails.
    QVariantList row(const QString &sql)
    {
        QSqlQuery q(m_db);
        if (!q.exec(sql)) {
            return {q.lastError().text()}; // never equal to an expected row
        }
        QVariantList out;
        for (int i = 0, n = q.next() ? q.record().count() : 0; i < n; ++i) {
            out.append(q.value(i));
        }
        return out;
    }
    bool exec(const QString &sql) { return QSqlQuery(m_db).exec(sql); }

private:
    static inline int s_count = 0;
    QString m_name;
    QSqlDatabase m_db;
};
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
        Snapshot first = snap(kStart, 5, 12.0);
        first.queues[0].inPerMinute = 3; // a rate whose exactness is unknown is not a rate
        h.record(kConn, first);
        Snapshot second = snap(kStart.addSecs(5), 7); // age unknown here
        second.queues[0].rateExactness = Exactness::Approximate;
        second.queues[0].inPerMinute = 4;
        h.record(kConn, second);
        Snapshot failed;
        failed.error = QStringLiteral("down");
        failed.takenAt = kStart.addSecs(10);
        h.record(kConn, failed); // ignored: a failed poll knows nothing
        h.flush().waitForFinished();

        const QDateTime to = kStart.addSecs(60);
        const Series waiting = load(h, Metric::Waiting, kStart, to);
        QVERIFY(!waiting.fromRollups);
        QCOMPARE(waiting.key, (SeriesKey{kConn, kQueue, Metric::Waiting}));
        QCOMPARE(waiting.points, (QList<QPointF>{{ms(kStart), 5.0}, {ms(kStart.addSecs(5)), 7.0}}));
        QCOMPARE(load(h, Metric::OldestAge, kStart, to).points, (QList<QPointF>{{ms(kStart), 12.0}})); // a gap
        QVERIFY(load(h, Metric::Running, kStart, to).points.isEmpty()); // never known
        QCOMPARE(load(h, Metric::InRate, kStart, to).points, (QList<QPointF>{{ms(kStart.addSecs(5)), 4.0}}));
        QVERIFY(load(h, Metric::OutRate, kStart, to).points.isEmpty());
        QCOMPARE(load(h, Metric::WorkersBusy, kStart, to, QString()).points.size(), 2);
        QCOMPARE(load(h, Metric::WorkersLost, kStart, to, QString()).points.first().y(), 0.0); // known zero
        QVERIFY(load(h, Metric::WorkersIdle, kStart, to, QString()).points.isEmpty());      // unknown
        QVERIFY(load(h, Metric::Waiting, kStart, to, QStringLiteral("other")).points.isEmpty());
    }

    void batchesManyRecordsAndFlushesByItself()
    {
        QTemporaryDir dir;
        ManualClock clock(kStart);
        HistoryStore h(dir.filePath(QStringLiteral("h.sqlite3")), &clock);
        QCOMPARE(h.open(), QString());
        for (int i = 0; i < 3000; ++i) {
            Snapshot s = snap(kStart.addSecs(i), i);
            s.queues.append(s.queues.first());
            s.queues.last().name = QStringLiteral("mail");
            h.record(kConn, s);
        }
        // No explicit flush: the size threshold and the timer write it.
        const QDateTime to = kStart.addSecs(4000);
        QTRY_COMPARE(load(h, Metric::Waiting, kStart, to).points.size(), 3000);
        QTRY_COMPARE(load(h, Metric::Waiting, kStart, to, QStringLiteral("mail")).points.size(), 3000);
        // One busy worker all along: stored as its first sample, a heartbeat every 5 minutes and the latest one,
        // and filled back to a point per poll for a chart.
        QCOMPARE(load(h, Metric::WorkersBusy, kStart, to, QString(), 1000).points.size(), 3000);
        QVERIFY(load(h, Metric::WorkersBusy, kStart, to, QString()).points.size() <= 3000 / 300 + 2);
        // A handful of samples, far below the batch size, is written by the timer alone.
        h.recordSample(SeriesKey{kConn, QStringLiteral("late"), Metric::Dead}, kStart.addSecs(3500).toMSecsSinceEpoch(),
                       1);
        QTRY_COMPARE(load(h, Metric::Dead, kStart, to, QStringLiteral("late")).points.size(), 1);
    }

    void onlyChangesAreStoredAndLoadFillsThemBack()
    {
        QTemporaryDir dir;
        ManualClock clock(kStart);
        HistoryStore h(dir.filePath(QStringLiteral("h.sqlite3")), &clock);
        QCOMPARE(h.open(), QString());
        // Every 5 s: 5 for 10 minutes, then 8 for a minute; a failed poll; 8 again; then the queue vanishes
        // from one snapshot and comes back.
        QList<QPointF> everyPoll;
        qint64 t = 0;
        auto poll = [&](qint64 waiting) {
            h.record(kConn, snap(kStart.addMSecs(t), waiting));
            everyPoll.append(QPointF(ms(kStart.addMSecs(t)), double(waiting)));
            t += 5000;
        };
        for (int i = 0; i < 120; ++i) {
            poll(5);
        }
        for (int i = 0; i < 12; ++i) {
            poll(8);
        }
        Snapshot failed;
        failed.error = QStringLiteral("down");
        failed.takenAt = kStart.addMSecs(t);
        h.record(kConn, failed);
        t += 5000;
        const qint64 afterFailure = t;
        for (int i = 0; i < 12; ++i) {
            poll(8);
        }
        Snapshot without = snap(kStart.addMSecs(t), 0);
        without.queues.clear();
        h.record(kConn, without);
        t += 5000;
        const qint64 afterVanishing = t;
        for (int i = 0; i < 3; ++i) {
            poll(8);
        }
        h.flush().waitForFinished();

        Peek peek(h.path());
        // 5: first, a heartbeat at 5 min, the run's end; 8: the change, the end before the failure, the first
        // after it, the end before vanishing, the first after it, the latest — 9 rows instead of 147.
        QCOMPARE(peek.row(QStringLiteral("SELECT COUNT(*) FROM samples s JOIN series r ON r.id = s.series_id"
                                         " WHERE r.metric = 0")),
                 (QVariantList{9}));
        const QDateTime to = kStart.addMSecs(t);
        QCOMPARE(load(h, Metric::Waiting, kStart, to, kQueue, 5000).points, everyPoll);
        // Unfilled, the gaps stay gaps: nothing is stored between the last sample before the failure and the
        // first after it.
        const QList<QPointF> stored = load(h, Metric::Waiting, kStart, to).points;
        QVERIFY(std::none_of(stored.cbegin(), stored.cend(), [&](const QPointF &p) {
            return (p.x() > ms(kStart.addMSecs(afterFailure - 10000)) && p.x() < ms(kStart.addMSecs(afterFailure)))
                   || (p.x() > ms(kStart.addMSecs(afterVanishing - 10000))
                       && p.x() < ms(kStart.addMSecs(afterVanishing)));
        }));
        // A range starting inside a flat stretch is filled from its start.
        const QList<QPointF> mid = load(h, Metric::Waiting, kStart.addSecs(100), kStart.addSecs(200), kQueue, 5000).points;
        QCOMPARE(mid.first(), QPointF(ms(kStart.addSecs(100)), 5.0));
        QCOMPARE(mid.size(), 21);
    }

    void duplicateSamplesCountOnce()
    {
        QTemporaryDir dir;
        ManualClock clock(kStart);
        HistoryStore h(dir.filePath(QStringLiteral("h.sqlite3")), &clock);
        QCOMPARE(h.open(), QString());
        h.record(kConn, snap(kStart, 5));
        h.flush().waitForFinished();
        h.record(kConn, snap(kStart, 9)); // the same poll delivered twice: the first stays
        h.flush().waitForFinished();
        QCOMPARE(load(h, Metric::Waiting, kStart, kStart.addSecs(1)).points, (QList<QPointF>{{ms(kStart), 5.0}}));
        Peek peek(h.path());
        QCOMPARE(peek.row(QStringLiteral("SELECT min, max, sum, count FROM rollups r JOIN series s"
                                         " ON s.id = r.series_id WHERE s.metric = 0")),
                 (QVariantList{5.0, 5.0, 5.0, 1}));
    }

    void rawOrRollupsByRange()
    {
        QTemporaryDir dir;
        ManualClock clock(kStart);
        HistoryStore h(dir.filePath(QStringLiteral("h.sqlite3")), &clock);
        QCOMPARE(h.open(), QString());
        for (int i = 0; i < 3; ++i) {
            h.record(kConn, snap(kStart.addSecs(-3600 + i * 20), i + 1));
        }
        h.flush().waitForFinished();
        const QDateTime now = clock.now();
        QVERIFY(!load(h, Metric::Waiting, now.addSecs(-47 * 3600), now).fromRollups);
        QCOMPARE(load(h, Metric::Waiting, now.addSecs(-47 * 3600), now).points.size(), 3);
        const Series longRange = load(h, Metric::Waiting, now.addSecs(-49 * 3600), now);
        QVERIFY(longRange.fromRollups); // part of the range is past the raw retention
        // The three samples share one minute: its min and its max at the minute's start.
        const double minute = ms(kStart.addSecs(-3600)); // kStart is on a minute boundary
        QCOMPARE(longRange.points, (QList<QPointF>{{minute, 1.0}, {minute, 3.0}}));

        h.setRetention(HistoryRetention{1h, 24h});
        QCOMPARE(h.retention().raw, 1h);
        QVERIFY(load(h, Metric::Waiting, now.addSecs(-7200), now).fromRollups);
        QVERIFY(!load(h, Metric::Waiting, now.addSecs(-1800), now).fromRollups);
    }

    void rollupsKeepMinMaxAndAverage()
    {
        QTemporaryDir dir;
        ManualClock clock(kStart);
        HistoryStore h(dir.filePath(QStringLiteral("h.sqlite3")), &clock);
        QCOMPARE(h.open(), QString());
        const SeriesKey key{kConn, kQueue, Metric::Waiting};
        const qint64 minute = kStart.toMSecsSinceEpoch() - kStart.toMSecsSinceEpoch() % 60000;
        for (int i = 0; i < 12; ++i) {
            h.recordSample(key, minute + i * 5000, i == 7 ? 900.0 : 10.0 + i); // one spike
            if (i == 5) {
                h.flush().waitForFinished(); // a minute split over two batches is merged by the UPSERT
            }
        }
        h.recordSample(key, minute + 60000, 4.0); // a flat minute: one point
        h.flush().waitForFinished();
        clock.advance(std::chrono::milliseconds(72h).count()); // the raw window no longer covers the range
        const Series s = load(h, Metric::Waiting, kStart.addSecs(-120), kStart.addSecs(120));
        QVERIFY(s.fromRollups);
        QCOMPARE(s.points, (QList<QPointF>{{double(minute), 10.0}, {double(minute), 900.0}, {minute + 60000.0, 4.0}}));
        Peek peek(h.path());
        const QVariantList r = peek.row(QStringLiteral("SELECT min, max, sum, count FROM rollups ORDER BY minute_ms"));
        QCOMPARE(r.value(3).toInt(), 12);
        QCOMPARE(r.value(2).toDouble() / r.value(3).toDouble(),
                 (10 + 11 + 12 + 13 + 14 + 15 + 16 + 900 + 18 + 19 + 20 + 21) / 12.0);
    }

    void retention()
    {
        QTemporaryDir dir;
        ManualClock clock(kStart);
        HistoryStore h(dir.filePath(QStringLiteral("h.sqlite3")), &clock);
        QCOMPARE(h.open(), QString());
        const SeriesKey key{kConn, kQueue, Metric::Waiting};
        h.recordSample(key, kStart.toMSecsSinceEpoch(), 1);
        h.recordSample(key, kStart.addSecs(3600).toMSecsSinceEpoch(), 2);
        h.flush().waitForFinished();

        clock.set(kStart.addSecs(48 * 3600 + 60)); // the first sample is past 48 h, the second is not
        h.enforceRetention().waitForFinished();
        QCOMPARE(load(h, Metric::Waiting, kStart.addSecs(-10), kStart.addSecs(7200)).points.size(), 2); // rollups
        QCOMPARE(load(h, Metric::Waiting, kStart.addSecs(3000), kStart.addSecs(7200)).points,
                 (QList<QPointF>{{ms(kStart.addSecs(3600)), 2.0}})); // raw: only the second is left
        Peek peek(h.path());
        QCOMPARE(peek.row(QStringLiteral("SELECT COUNT(*) FROM samples")).value(0).toInt(), 1);

        clock.set(kStart.addSecs(30 * 86400 + 1800)); // the first minute is past 30 days, the second is not
        h.enforceRetention().waitForFinished();
        QCOMPARE(peek.row(QStringLiteral("SELECT COUNT(*) FROM samples")).value(0).toInt(), 0);
        QCOMPARE(load(h, Metric::Waiting, kStart.addSecs(-10), kStart.addSecs(7200)).points,
                 (QList<QPointF>{{ms(kStart.addSecs(3600)), 2.0}}));
        clock.set(kStart.addSecs(31 * 86400));
        h.enforceRetention().waitForFinished();
        QCOMPARE(peek.row(QStringLiteral("SELECT COUNT(*) FROM rollups")).value(0).toInt(), 0);
    }

    void retentionRunsByItselfEveryFewMinutes()
    {
        QTemporaryDir dir;
        ManualClock clock(kStart);
        HistoryStore h(dir.filePath(QStringLiteral("h.sqlite3")), &clock);
        QCOMPARE(h.open(), QString());
        h.record(kConn, snap(kStart, 1));
        h.flush().waitForFinished(); // the first batch trims too: it ran at kStart
        clock.advance(std::chrono::milliseconds(49h).count());
        h.record(kConn, snap(clock.now(), 2));
        h.flush().waitForFinished(); // more than five minutes since the last trim: this batch trims again
        Peek peek(h.path());
        QCOMPARE(peek.row(QStringLiteral("SELECT COUNT(*) FROM samples WHERE t_ms < %1").arg(clock.nowMs())),
                 (QVariantList{0}));
        clock.advance(std::chrono::milliseconds(49h).count());
        h.record(kConn, snap(clock.now(), 3));
        h.flush().waitForFinished();
        QCOMPARE(peek.row(QStringLiteral("SELECT COUNT(*) FROM samples WHERE series_id = 1")), (QVariantList{1}));
    }

    void reopenKeepsData()
    {
        QTemporaryDir dir;
        ManualClock clock(kStart.addSecs(10));
        const QString path = dir.filePath(QStringLiteral("h.sqlite3"));
        {
            HistoryStore h(path, &clock);
            QCOMPARE(h.open(), QString());
            h.record(kConn, snap(kStart, 3)); // the destructor flushes
        }
        HistoryStore h(path, &clock);
        QCOMPARE(h.open(), QString());
        h.record(kConn, snap(kStart.addSecs(5), 4)); // the series id is found again, not duplicated
        h.flush().waitForFinished();
        QCOMPARE(load(h, Metric::Waiting, kStart, kStart.addSecs(10)).points.size(), 2);
        Peek peek(path);
        QCOMPARE(peek.row(QStringLiteral("SELECT COUNT(*) FROM series WHERE metric = 0")), (QVariantList{1}));
    }

    void walModeAndSchema()
    {
        QTemporaryDir dir;
        HistoryStore h(dir.filePath(QStringLiteral("h.sqlite3")));
        QCOMPARE(h.open(), QString());
        Peek peek(h.path());
        QCOMPARE(peek.row(QStringLiteral("PRAGMA journal_mode")), (QVariantList{QStringLiteral("wal")}));
        QCOMPARE(peek.row(QStringLiteral("SELECT series_id, t_ms, value FROM samples")), QVariantList());
        QCOMPARE(peek.row(QStringLiteral("SELECT series_id, minute_ms, min, max, sum, count FROM rollups")), {});
        QCOMPARE(peek.row(QStringLiteral("SELECT id, connection, queue, metric FROM series")), QVariantList());
        QCOMPARE(peek.row(QStringLiteral("PRAGMA user_version")), (QVariantList{2}));
    }

    void migratesTheFirstLayout()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("old.sqlite3"));
        {
            Peek old(path);
            for (const char *sql : {
                     "CREATE TABLE series (id INTEGER PRIMARY KEY, connection TEXT NOT NULL, queue TEXT NOT NULL,"
                     " metric INTEGER NOT NULL, UNIQUE (connection, queue, metric))",
                     "CREATE TABLE samples (series INTEGER NOT NULL, t INTEGER NOT NULL, v REAL NOT NULL,"
                     " PRIMARY KEY (series, t)) WITHOUT ROWID",
                     "CREATE TABLE rollups (series INTEGER NOT NULL, minute INTEGER NOT NULL, min REAL NOT NULL,"
                     " max REAL NOT NULL, sum REAL NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (series, minute))"
                     " WITHOUT ROWID",
                     "CREATE INDEX samples_t ON samples (t)",
                     "INSERT INTO series VALUES (1, 'c', 'print', 0)",
                     "INSERT INTO samples VALUES (1, 1750000020000, 42)",
                 }) {
                QVERIFY2(old.exec(QString::fromLatin1(sql)), sql);
            }
        }
        ManualClock clock(kStart);
        HistoryStore h(path, &clock);
        QCOMPARE(h.open(), QString());
        QCOMPARE(load(h, Metric::Waiting, kStart, kStart.addSecs(1)).points, (QList<QPointF>{{ms(kStart), 42.0}}));
        Peek peek(path);
        QCOMPARE(peek.row(QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE name = 'samples_t'")),
                 (QVariantList{0}));
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
        QString err = h.open();
        QVERIFY2(err.contains(QStringLiteral("not a usable history database")), qPrintable(err));

        HistoryStore nowhere(QStringLiteral("/proc/queuedeck/h.sqlite3"));
        err = nowhere.open();
        QVERIFY2(err.contains(QStringLiteral("Cannot create the history directory")), qPrintable(err));
        HistoryStore underAFile(junk + QStringLiteral("/h.sqlite3")); // the "directory" is a file
        QVERIFY(!underAFile.open().isEmpty());

        const QString newer = dir.filePath(QStringLiteral("newer.sqlite3"));
        {
            Peek p(newer);
            QVERIFY(p.exec(QStringLiteral("PRAGMA user_version = 99")));
        }
        HistoryStore future(newer);
        err = future.open();
        QVERIFY2(err.contains(QStringLiteral("newer Queuedeck")), qPrintable(err));
        future.record(kConn, snap(kStart, 1)); // harmless on a store that did not open
        future.flush().waitForFinished();
    }

    void writeFailureIsReportedOnTheStoresThread()
    {
        QTemporaryDir dir;
        ManualClock clock(kStart);
        HistoryStore h(dir.filePath(QStringLiteral("h.sqlite3")), &clock);
        QCOMPARE(h.open(), QString());
        QSignalSpy failed(&h, &HistoryStore::writeFailed);
        QThread *emittedOn = nullptr;
        connect(&h, &HistoryStore::writeFailed, this, [&emittedOn] { emittedOn = QThread::currentThread(); });
        Peek peek(h.path());
        // Deterministic and specific: the database refuses one value.
        QVERIFY(peek.exec(QStringLiteral("CREATE TRIGGER refuse BEFORE INSERT ON samples WHEN NEW.value = 666"
                                         " BEGIN SELECT RAISE(ABORT, 'refused by test'); END")));
        h.record(kConn, snap(kStart, 666)); // waiting, busy and lost: three samples
        h.flush().waitForFinished();
        QTRY_COMPARE(failed.count(), 1);
        const QString message = failed.at(0).at(0).toString();
        QVERIFY2(message.contains(QStringLiteral("3 sample")) && message.contains(QStringLiteral("dropped"))
                     && message.contains(QStringLiteral("refused by test")),
                 qPrintable(message));
        QCOMPARE(emittedOn, QThread::currentThread());
        QVERIFY(load(h, Metric::WorkersBusy, kStart, kStart.addSecs(1), QString()).points.isEmpty()); // all-or-none

        // The failed batch created series rows that were rolled back; their ids must not be reused by mistake.
        h.recordSample(SeriesKey{kConn, QStringLiteral("other"), Metric::Failed}, kStart.addSecs(5).toMSecsSinceEpoch(), 1);
        h.flush().waitForFinished();
        h.record(kConn, snap(kStart.addSecs(10), 2));
        h.flush().waitForFinished();
        QCOMPARE(failed.count(), 1);
        QCOMPARE(load(h, Metric::Waiting, kStart, kStart.addSecs(20)).points,
                 (QList<QPointF>{{ms(kStart.addSecs(10)), 2.0}}));
        QCOMPARE(load(h, Metric::Failed, kStart, kStart.addSecs(20), QStringLiteral("other")).points,
                 (QList<QPointF>{{ms(kStart.addSecs(5)), 1.0}}));
    }
};

QTEST_GUILESS_MAIN(TestHistoryStore)
#include "tst_historystore.moc"
