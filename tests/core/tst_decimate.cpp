// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/history/decimate.h"

#include <QRandomGenerator>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace qd;

namespace {

bool sortedByX(const QList<QPointF> &pts)
{
    return std::is_sorted(pts.begin(), pts.end(), [](const QPointF &a, const QPointF &b) { return a.x() < b.x(); });
}

int column(double x, double x0, double x1, int buckets)
{
    return std::min(buckets - 1, int((x - x0) * (buckets / (x1 - x0))));
}

} // namespace

class TestDecimate : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void keepsSpikesFirstAndLast()
    {
        QList<QPointF> pts;
        for (int i = 0; i < 100000; ++i) {
            pts.append(QPointF(i, i == 54321 ? 1e6 : (i == 777 ? -5.0 : i % 7)));
        }
        const auto d = decimateMinMax(pts, 0, 99999, 1000);
        QVERIFY(d.size() <= 4000);
        QVERIFY(d.size() >= 2000); // every column has distinct first/last at least
        QCOMPARE(d.first(), pts.first());
        QCOMPARE(d.last(), pts.last());
        QVERIFY(d.contains(QPointF(54321, 1e6)));
        QVERIFY(d.contains(QPointF(777, -5.0)));
        QVERIFY(sortedByX(d));
    }

    void envelopeOfEveryColumnIsExact()
    {
        // The decimated line must look like the full one at that width: same min and max per column.
        QList<QPointF> pts;
        auto *rng = QRandomGenerator::global();
        double x = 0;
        for (int i = 0; i < 20000; ++i) {
            x += rng->bounded(1, 40); // uneven spacing, with some empty columns
            pts.append(QPointF(x, rng->bounded(1000.0)));
        }
        const double x0 = pts.first().x(), x1 = pts.last().x();
        const int buckets = 333;
        const auto d = decimateMinMax(pts, x0, x1, buckets);
        QList<double> lo(buckets, 1e300), hi(buckets, -1e300), dlo(buckets, 1e300), dhi(buckets, -1e300);
        for (const QPointF &p : pts) {
            const int c = column(p.x(), x0, x1, buckets);
            lo[c] = std::min(lo[c], p.y());
            hi[c] = std::max(hi[c], p.y());
        }
        for (const QPointF &p : d) {
            const int c = column(p.x(), x0, x1, buckets);
            dlo[c] = std::min(dlo[c], p.y());
            dhi[c] = std::max(dhi[c], p.y());
        }
        QCOMPARE(dlo, lo);
        QCOMPARE(dhi, hi);
        QVERIFY(sortedByX(d));
    }

    void respectsTheBucketBound_data()
    {
        QTest::addColumn<double>("x0");
        QTest::addColumn<double>("x1");
        QTest::addColumn<int>("buckets");
        QTest::newRow("pixels") << 0.0 << 1000.0 << 100;
        QTest::newRow("thirds") << 0.0 << 1.0 << 3; // column edges not representable exactly
        QTest::newRow("epoch ms") << 1.75e12 << 1.75e12 + 86'400'000.0 << 997;
        QTest::newRow("one column") << -5.0 << 5.0 << 1;
    }

    void respectsTheBucketBound()
    {
        QFETCH(double, x0);
        QFETCH(double, x1);
        QFETCH(int, buckets);
        QList<QPointF> pts;
        const int n = 50000;
        for (int i = 0; i <= n; ++i) {
            pts.append(QPointF(x0 + (x1 - x0) * i / n, std::sin(i * 0.37) * 100));
        }
        const auto d = decimateMinMax(pts, x0, x1, buckets);
        QVERIFY(d.size() <= qsizetype(buckets) * 4);
        QList<int> perColumn(buckets, 0);
        for (const QPointF &p : d) {
            ++perColumn[column(p.x(), x0, x1, buckets)];
        }
        QVERIFY(*std::max_element(perColumn.begin(), perColumn.end()) <= 4);
        QCOMPARE(d.first(), pts.first());
        QCOMPARE(d.last(), pts.last());
    }

    void emptyInput()
    {
        QVERIFY(decimateMinMax({}, 0, 1, 10).isEmpty());
        QVERIFY(decimateMinMax({}, 0, 1, 0).isEmpty());
    }

    void pointsOutsideTheRangeAreDropped()
    {
        const QList<QPointF> pts = {{-2, 100}, {-1, 50}, {0, 1}, {4, 2}, {10, 3}, {11, 500}, {12, 600}};
        QCOMPARE(decimateMinMax(pts, 0, 10, 2), (QList<QPointF>{{0, 1}, {4, 2}, {10, 3}}));
        QVERIFY(decimateMinMax(pts, 20, 30, 10).isEmpty());    // all after
        QVERIFY(decimateMinMax(pts, -30, -20, 10).isEmpty());  // all before
        QVERIFY(decimateMinMax(pts, 10, 0, 10).isEmpty());     // inverted range
        QCOMPARE(decimateMinMax(pts, 4, 4, 10), (QList<QPointF>{{4, 2}})); // a zero-width range
    }

    void noBucketsReturnsTheInput()
    {
        const QList<QPointF> pts = {{1, 1}, {2, 2}, {50, 3}};
        QCOMPARE(decimateMinMax(pts, 0, 10, 0), pts);
        QCOMPARE(decimateMinMax(pts, 0, 10, -1), pts);
    }

    void fewPointsAreKept()
    {
        const QList<QPointF> few = {{0, 1}, {5, 3}, {9, 2}};
        QCOMPARE(decimateMinMax(few, 0, 9, 100), few);
        // Four points in one column: first, min, max and last are all of them.
        const QList<QPointF> four = {{0, 5}, {1, 9}, {2, -1}, {3, 4}};
        QCOMPARE(decimateMinMax(four, 0, 100, 1), four);
        // Five: the middle one that is neither extreme goes.
        const QList<QPointF> five = {{0, 5}, {1, 9}, {2, 6}, {3, -1}, {4, 4}};
        QCOMPARE(decimateMinMax(five, 0, 100, 1), (QList<QPointF>{{0, 5}, {1, 9}, {3, -1}, {4, 4}}));
    }

    void gapsStayGaps()
    {
        // Nothing is invented in empty columns: a gap in knowledge stays a gap on the chart.
        QList<QPointF> pts;
        for (int i = 0; i < 100; ++i) {
            pts.append(QPointF(i, 1));
        }
        for (int i = 900; i < 1000; ++i) {
            pts.append(QPointF(i, 2));
        }
        const auto d = decimateMinMax(pts, 0, 999, 100);
        QVERIFY(std::none_of(d.begin(), d.end(), [](const QPointF &p) { return p.x() >= 100 && p.x() < 900; }));
        QCOMPARE(d.size(), qsizetype(20 * 2)); // 10 columns each side, first and last of each
    }
};

QTEST_GUILESS_MAIN(TestDecimate)
#include "tst_decimate.moc"
