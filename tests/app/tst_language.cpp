// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "tests/support/pseudotranslator.h"

#include "models/alertlistmodel.h"
#include "app/gui/alertsdock.h"
#include "core/session/session.h"
#include "app/gui/language.h"
#include "app/gui/welcomepage.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

using namespace qd;
using test::PseudoTranslator;

namespace {

QStringList codes()
{
    QStringList out;
    for (const Language::Entry &e : Language::available()) {
        out << e.code;
    }
    return out;
}

QStringList buttonTexts(const QWidget *w)
{
    QStringList out;
    for (const QPushButton *b : w->findChildren<QPushButton *>()) {
        out << b->text();
    }
    return out;
}

} // namespace

class TestLanguage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("QueuedeckTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_language"));
        QSettings().clear();
    }

    void listsEnglishAndEveryEmbeddedTranslation()
    {
        const QList<Language::Entry> all = Language::available();
        QVERIFY(!all.isEmpty());
        QCOMPARE(all.first().code, QStringLiteral("en"));
        QCOMPARE(all.first().nativeName, QStringLiteral("English"));
        const QStringList files = QDir(QStringLiteral(":/i18n")).entryList({QStringLiteral("queuedeck_*.qm")});
        QVERIFY2(!files.isEmpty(), "the translations are embedded in the library");
        for (const QString &file : files) {
            const QString code = file.mid(10).chopped(3);
            QVERIFY2(codes().contains(code), qPrintable(code));
            QVERIFY(Language::isAvailable(code));
        }
        QCOMPARE(codes().count(QStringLiteral("en")), 1); // queuedeck_en.qm is the source language, listed once
        for (const Language::Entry &e : all) {
            QVERIFY2(!e.nativeName.isEmpty() && e.nativeName.at(0).isUpper(), qPrintable(e.nativeName));
        }
    }

    void unknownCodeKeepsTheCurrentLanguage()
    {
        Language language;
        QVERIFY(language.apply(QStringLiteral("en")));
        QCOMPARE(language.code(), QStringLiteral("en"));
        QSignalSpy changed(&language, &Language::changed);
        QString error;
        QVERIFY(!language.apply(QStringLiteral("xx-unknown"), &error));
        QVERIFY2(error.contains(QStringLiteral("xx-unknown")), qPrintable(error));
        QCOMPARE(language.code(), QStringLiteral("en"));
        QCOMPARE(changed.count(), 0);
        QVERIFY(language.apply(QString())); // the system's
        QCOMPARE(language.code(), QString());
        QCOMPARE(changed.count(), 1);
    }

    void englishPluralsWhenTheSystemHasNoTranslation()
    {
        QLocale::setDefault(QLocale::c()); // as on a server or CI machine: LANG=C
        Language language;
        QVERIFY(language.apply(QString()));
        const char *source = "%n queue(s): %1 critical, %2 warning, %3 unknown, %4 ok";
        QCOMPARE(QCoreApplication::translate("qd::OverviewPage", source, nullptr, 1).left(8), QStringLiteral("1 queue:"));
        QCOMPARE(QCoreApplication::translate("qd::OverviewPage", source, nullptr, 3).left(9), QStringLiteral("3 queues:"));
        QVERIFY(language.apply(QStringLiteral("de")));
        QCOMPARE(QCoreApplication::translate("qd::OverviewPage", source, nullptr, 3).left(17), QStringLiteral("3 Warteschlangen:"));
    }

    void savedChoice()
    {
        QCOMPARE(Language::saved(), QString());
        Language::save(QStringLiteral("de"));
        QCOMPARE(Language::saved(), QStringLiteral("de"));
        QCOMPARE(QSettings().value(QStringLiteral("ui/language")).toString(), QStringLiteral("de"));
        Language::save(QString());
        QCOMPARE(Language::saved(), QString());
    }

    void switchingRetranslatesTheWindowsPartsAndBack()
    {
        Session session({}); // keeps nothing: the dock only needs its alerts
        WelcomePage welcome;
        AlertsDock dock(&session);
        QAbstractItemModelTester tester(dock.model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        auto *view = dock.findChild<QTableView *>();
        const auto header = [view] {
            return view->model()->headerData(AlertListModel::RuleColumn, Qt::Horizontal).toString();
        };
        QVERIFY(buttonTexts(&welcome).contains(QStringLiteral("Open the &demo")));
        QCOMPARE(dock.windowTitle(), QStringLiteral("Alerts — none active"));
        QCOMPARE(header(), QStringLiteral("Rule"));

        Language language;
        QVERIFY(language.apply(QStringLiteral("en")));
        PseudoTranslator pseudo;
        language.setExtraTranslator(&pseudo);
        QTRY_VERIFY(buttonTexts(&welcome).contains(QStringLiteral("⟦Open the &demo⟧")));
        QVERIFY(buttonTexts(&welcome).contains(QStringLiteral("⟦&Add connection…⟧")));
        QCOMPARE(dock.windowTitle(), QStringLiteral("⟦Alerts — none active⟧"));
        QCOMPARE(view->accessibleName(), QStringLiteral("⟦Active alerts⟧"));
        QCOMPARE(header(), QStringLiteral("⟦Rule⟧"));

        // The extra translator stays on top across a switch of language.
        QVERIFY(language.apply(QStringLiteral("en")));
        QCOMPARE(QCoreApplication::translate("qd::AlertsDock", "Alerts — none active"),
                 QStringLiteral("⟦Alerts — none active⟧"));

        language.setExtraTranslator(nullptr);
        QTRY_VERIFY(buttonTexts(&welcome).contains(QStringLiteral("Open the &demo")));
        QCOMPARE(dock.windowTitle(), QStringLiteral("Alerts — none active"));
        QCOMPARE(header(), QStringLiteral("Rule"));
    }
};

QTEST_MAIN(TestLanguage)
#include "tst_language.moc"
