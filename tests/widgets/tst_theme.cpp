// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/fitlabel.h"
#include "widgets/icons.h"
#include "widgets/theme.h"

#include <QApplication>
#include <QFile>
#include <QImage>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

#include <cmath>

using namespace qd;

namespace {

double luminance(const QColor &c)
{
    auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

double contrast(const QColor &a, const QColor &b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

/// The colour of the most opaque pixel: what the icon was drawn in.
QColor inkOf(const QImage &image)
{
    QColor best(Qt::transparent);
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (c.alpha() > best.alpha()) {
                best = c;
            }
        }
    }
    return best;
}

} // namespace

class TestTheme : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().remove(QStringLiteral("ui"));
    }

    void semanticColoursReadOnLightAndDark_data()
    {
        QTest::addColumn<int>("mode");
        QTest::newRow("light") << int(Theme::Mode::Light);
        QTest::newRow("dark") << int(Theme::Mode::Dark);
    }

    void semanticColoursReadOnLightAndDark()
    {
        QFETCH(int, mode);
        const QPalette pal = Theme::palette(Theme::Mode(mode));
        QCOMPARE(Theme::isDark(pal), Theme::Mode(mode) == Theme::Mode::Dark);
        QVERIFY(contrast(pal.color(QPalette::Text), pal.color(QPalette::Base)) >= 7.0);
        // Chart lines, tile stripes and status words: readable on the plot's background in both themes
        // (WCAG's 3:1 for graphics); the muted roles (unknown, stale, idle) on purpose a little less.
        using R = Theme::Role;
        for (R role : {R::Ok, R::Warn, R::Crit, R::Waiting, R::Running, R::Scheduled, R::Failed, R::Dead, R::In, R::Out, R::Busy, R::Lost}) {
            const QColor c = Theme::color(role, pal);
            QVERIFY2(contrast(c, pal.color(QPalette::Base)) >= 3.0,
                     qPrintable(QStringLiteral("role %1: %2 on %3 is %4:1")
                                    .arg(int(role))
                                    .arg(c.name(), pal.color(QPalette::Base).name())
                                    .arg(contrast(c, pal.color(QPalette::Base)), 0, 'f', 2)));
        }
        for (R role : {R::Unknown, R::Stale, R::Idle}) {
            QVERIFY(contrast(Theme::color(role, pal), pal.color(QPalette::Base)) >= 1.8);
        }
    }

    void applySwitchesTheWholeApplicationAndBack()
    {
        const QPalette system = QApplication::palette();
        Theme::apply(Theme::Mode::Dark);
        QCOMPARE(Theme::current(), Theme::Mode::Dark);
        QVERIFY(Theme::isDark(QApplication::palette()));
        Theme::apply(Theme::Mode::Light);
        QVERIFY(!Theme::isDark(QApplication::palette()));
        Theme::apply(Theme::Mode::System);
        QCOMPARE(QApplication::palette(), system);
        Theme::save(Theme::Mode::Dark);
        QCOMPARE(Theme::saved(), Theme::Mode::Dark);
        Theme::save(Theme::Mode::System);
        QCOMPARE(Theme::saved(), Theme::Mode::System);
    }

    void iconsAreCrispAndFollowThePalette()
    {
        for (int i = 0; i <= int(Icon::Quit); ++i) {
            QVERIFY2(QFile::exists(iconPath(Icon(i))), qPrintable(iconPath(Icon(i))));
            QVERIFY(!icon(Icon(i)).isNull());
        }
        const QIcon add = icon(Icon::Add);
        Theme::apply(Theme::Mode::Light);
        // Drawn for the screen's pixel ratio, not scaled up from a small bitmap.
        const QPixmap hiDpi = add.pixmap(QSize(24, 24), 2.0);
        QCOMPARE(hiDpi.size(), QSize(48, 48));
        QCOMPARE(hiDpi.devicePixelRatio(), 2.0);
        QColor ink = inkOf(hiDpi.toImage());
        QCOMPARE(ink.rgb(), QApplication::palette().color(QPalette::WindowText).rgb());
        // The same icon object, painted after a switch to dark, is drawn light.
        Theme::apply(Theme::Mode::Dark);
        ink = inkOf(add.pixmap(QSize(24, 24), 1.0).toImage());
        QCOMPARE(ink.rgb(), QApplication::palette().color(QPalette::WindowText).rgb());
        QVERIFY(luminance(ink) > 0.5);
        Theme::apply(Theme::Mode::System);
    }

    void fitLabelElidesOrShrinksButNeverClips()
    {
        FitLabel name(FitLabel::Fit::Elide);
        name.setPixelSize(20);
        name.setFullText(QStringLiteral("a-very-long-queue-name-that-cannot-fit"));
        name.show(); // resize events reach shown widgets
        name.resize(120, name.height());
        QVERIFY(name.isShortened());
        QVERIFY(name.text().contains(QStringLiteral("…")));
        QCOMPARE(name.toolTip(), name.fullText());
        QVERIFY(name.sizeHint().width() <= name.width());
        name.resize(2000, name.height());
        QVERIFY(!name.isShortened());
        QVERIFY(name.toolTip().isEmpty());

        FitLabel number(FitLabel::Fit::Shrink);
        number.setPixelSize(80, true, 0.25);
        number.setFullText(QStringLiteral("1,234,567"));
        number.show();
        const int height = number.height();
        number.resize(150, height);
        QCOMPARE(number.text(), QStringLiteral("1,234,567")); // whole, just smaller
        QVERIFY(number.font().pixelSize() < 80);
        QVERIFY(number.sizeHint().width() <= number.width());
        QCOMPARE(number.height(), height); // rows below do not move
        number.resize(1000, height);
        QCOMPARE(number.font().pixelSize(), 80);
        QVERIFY(number.font().bold());
    }
};

QTEST_MAIN(TestTheme)
#include "tst_theme.moc"
