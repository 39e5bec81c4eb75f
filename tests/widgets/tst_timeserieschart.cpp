// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/charts/timeserieschart.h"

#include <QImage>
#include <QTest>

using namespace qd;

class TestTimeSeriesChart : public QObject
{
    Q_OBJECT
private:
    static constexpr qint64 kT0 = 1'750'000'000'000;

private Q_SLOTS:
    void rendersAndHoldsPoints()
    {
        TimeSeriesChart chart;
        chart.resize(600, 300);
        chart.setTitle(QStringLiteral("Depth"));
        const int s = chart.addSeries(QStringLiteral("waiting"), Theme::Role::Waiting);
        chart.setWindow(kT0, kT0 + 60'000);
        chart.setPoints(s, {{double(kT0), 1}, {double(kT0 + 5000), 3}, {double(kT0 + 10000), 2}});
        chart.appendPoint(s, {double(kT0 + 15000), 7});
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.flush();
        QCOMPARE(chart.data(s).size(), 4);
        QCOMPARE(chart.plottedPointCount(s), 4);
        QCOMPARE(chart.segmentCount(s), 1);
        for (int i = 0; i < 5; ++i) {
            QCoreApplication::processEvents(); // let Qt Charts lay out axes and legend before grabbing
        }
        const QImage img = chart.grab().toImage();
        if (const QString dir = qEnvironmentVariable("QD_SCREENSHOT_DIR"); !dir.isEmpty()) {
            img.save(dir + QStringLiteral("/chart.png"));
        }
        QVERIFY(!img.isNull());
        QVERIFY(img.pixelColor(img.width() / 2, img.height() / 2).isValid());
    }

    void decimatesToThePlotWidth()
    {
        TimeSeriesChart chart;
        chart.resize(500, 300);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        const int s = chart.addSeries(QStringLiteral("waiting"), Theme::Role::Waiting);
        QList<QPointF> pts;
        for (int i = 0; i < 100'000; ++i) {
            pts.append({double(kT0 + i * 1000), double(i % 97)});
        }
        chart.setGapThreshold(10'000);
        chart.setWindow(kT0, kT0 + 100'000'000);
        chart.setPoints(s, pts);
        chart.flush();
        QVERIFY2(chart.plottedPointCount(s) <= 4 * 500, qPrintable(QString::number(chart.plottedPointCount(s))));
        QVERIFY(chart.plottedPointCount(s) > 100);
    }

    void gapsAreGapsNotZeros()
    {
        TimeSeriesChart chart;
        chart.resize(500, 300);
        const int s = chart.addSeries(QStringLiteral("waiting"), Theme::Role::Waiting);
        chart.setGapThreshold(15'000);
        chart.setWindow(kT0, kT0 + 300'000);
        // Polls every 5 s, then a minute of failed polls, then polls again.
        QList<QPointF> pts;
        for (int i = 0; i < 6; ++i) {
            pts.append({double(kT0 + i * 5000), 10});
        }
        for (int i = 0; i < 6; ++i) {
            pts.append({double(kT0 + 90'000 + i * 5000), 12});
        }
        chart.setPoints(s, pts);
        chart.flush();
        QCOMPARE(chart.segmentCount(s), 2);
        QCOMPARE(chart.plottedPointCount(s), 12);
        chart.addMarker(kT0 + 60'000, QStringLiteral("CRIT no-workers"));
        chart.flush();
        QCOMPARE(chart.markerCount(), 1);
        chart.clearMarkers();
        QCOMPARE(chart.markerCount(), 0);
    }

    void markerLabelsAreDrawnWithoutOverlap()
    {
        TimeSeriesChart chart;
        chart.resize(640, 320);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        const int s = chart.addSeries(QStringLiteral("waiting"), Theme::Role::Waiting);
        chart.setWindow(kT0, kT0 + 600'000);
        chart.setPoints(s, {{double(kT0), 5}, {double(kT0 + 600'000), 50}});
        // Three markers within seconds of each other (an incident begins), one far right, one outside the window.
        chart.addMarker(kT0 + 120'000, QStringLiteral("CRIT no workers"));
        chart.addMarker(kT0 + 121'000, QStringLiteral("WARN oldest job age"));
        chart.addMarker(kT0 + 122'000, QStringLiteral("Operator ops-anna: retried 6,000 jobs \u202Egnp.exe"));
        chart.addMarker(kT0 + 599'000, QStringLiteral("no workers cleared"));
        chart.addMarker(kT0 - 60'000, QStringLiteral("before the window"));
        chart.flush();
        const QStringList labels = chart.visibleMarkerLabels();
        QCOMPARE(labels.size(), 4);
        QCOMPARE(labels.at(0), QStringLiteral("CRIT no workers"));
        QVERIFY(!labels.join(u' ').contains(QChar(0x202E))); // bidi override shown escaped, never applied
        const QList<QRectF> rects = chart.visibleMarkerLabelRects();
        for (int i = 0; i < rects.size(); ++i) {
            for (int j = i + 1; j < rects.size(); ++j) {
                QVERIFY2(!rects.at(i).intersects(rects.at(j)), qPrintable(labels.at(i) + u" / " + labels.at(j)));
            }
        }
        // The last marker is at the right edge: its label turns left to stay on the chart.
        QVERIFY(rects.last().right() <= chart.width());
        QVERIFY(rects.last().left() >= 0);

        // Resizing narrower keeps them apart (the layout follows the plot area).
        chart.resize(360, 240);
        chart.flush();
        const QList<QRectF> narrow = chart.visibleMarkerLabelRects();
        for (int i = 0; i < narrow.size(); ++i) {
            QVERIFY(narrow.at(i).right() <= chart.width() + 0.5);
            for (int j = i + 1; j < narrow.size(); ++j) {
                QVERIFY(!narrow.at(i).intersects(narrow.at(j)));
            }
        }
        chart.clearMarkers();
        chart.flush();
        QVERIFY(chart.visibleMarkerLabels().isEmpty());
    }

    void redrawsAreCoalesced()
    {
        TimeSeriesChart chart;
        chart.resize(500, 300);
        const int s = chart.addSeries(QStringLiteral("waiting"), Theme::Role::Waiting);
        chart.setWindow(kT0, kT0 + 1'000'000);
        chart.flush();
        const int replacesBefore = chart.replaceCount();
        const int redrawsBefore = chart.redrawCount();
        for (int i = 0; i < 100; ++i) {
            chart.appendPoint(s, {double(kT0 + i * 1000), double(i)});
        }
        QTRY_VERIFY(chart.redrawCount() > redrawsBefore);
        QVERIFY2(chart.redrawCount() - redrawsBefore <= 2, "100 appends must not cause 100 redraws");
        QVERIFY2(chart.replaceCount() - replacesBefore <= 2, qPrintable(QStringLiteral("%1 replaces, %2 redraws, %3 segments").arg(chart.replaceCount() - replacesBefore).arg(chart.redrawCount() - redrawsBefore).arg(chart.segmentCount(s))));
        QCOMPARE(chart.data(s).size(), 100);
        QVERIFY(chart.plottedPointCount(s) > 0 && chart.plottedPointCount(s) <= 4 * 50); // 50 px minimum columns
    }
};

QTEST_MAIN(TestTimeSeriesChart)
#include "tst_timeserieschart.moc"
