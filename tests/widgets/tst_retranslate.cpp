// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
// Switching the language at runtime: every long-lived widget and model shows the new texts, and keeps its
// state (selection, sort, combo choices, filters). A pseudo-translation ("⟦source⟧") stands in for a language.
#include "tests/support/fakebackend.h"
#include "tests/support/pseudotranslator.h"

#include "models/auditmodel.h"
#include "widgets/auditview.h"
#include "core/collector.h"
#include "models/connectiontreemodel.h"
#include "widgets/jobbrowser.h"
#include "models/jobtablemodel.h"
#include "widgets/overviewpage.h"
#include "widgets/charts/queuedetailview.h"
#include "models/queueoverviewmodel.h"
#include "widgets/queuetile.h"
#include "widgets/statusstrip.h"
#include "widgets/charts/timeserieschart.h"

#include <QAbstractAxis>
#include <QAbstractItemModelTester>
#include <QChartView>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

#include <algorithm>

using namespace qd;
using test::PseudoTranslator;

namespace {

QString header(const QAbstractItemView *view, int section)
{
    return view->model()->headerData(section, Qt::Horizontal).toString();
}

QPushButton *buttonWithText(const QWidget *parent, const QString &text)
{
    for (QPushButton *b : parent->findChildren<QPushButton *>()) {
        if (b->text() == text) {
            return b;
        }
    }
    return nullptr;
}

QComboBox *comboWithItem(const QWidget *parent, const QString &text)
{
    for (QComboBox *c : parent->findChildren<QComboBox *>()) {
        if (c->findText(text) >= 0) {
            return c;
        }
    }
    return nullptr;
}

} // namespace

class TestRetranslate : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void overviewPageAndItsModel()
    {
        ManualClock clock(QDateTime::currentDateTimeUtc());
        Collector collector(&clock);
        QueueOverviewModel model(&collector);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        OverviewPage page(&model);
        page.setCollector(&collector);
        auto backend = std::make_shared<test::FakeBackend>(&clock);
        Snapshot s;
        s.queues = {test::queue(QStringLiteral("default"), 3, 1), test::queue(QStringLiteral("print"), 6000, 43200)};
        backend->script(s);
        collector.addConnection(QStringLiteral("c"), QStringLiteral("Cards"), backend);
        collector.pollNow();
        QTRY_COMPARE(page.tiles().size(), 2);
        QTableView *table = page.table();
        table->sortByColumn(QueueOverviewModel::QueueColumn, Qt::AscendingOrder);
        table->selectRow(1);
        const QString english = page.summaryText();
        QCOMPARE(header(table, QueueOverviewModel::WaitingColumn), QStringLiteral("Waiting"));
        const auto updated = [table] {
            return table->model()->index(0, QueueOverviewModel::UpdatedColumn).data().toString();
        };
        QVERIFY2(updated().startsWith(QStringLiteral("updated")), qPrintable(updated()));
        QSignalSpy headers(&model, &QAbstractItemModel::headerDataChanged);

        {
            PseudoTranslator pseudo;
            QCoreApplication::installTranslator(&pseudo);
            QTRY_VERIFY2(PseudoTranslator::isPseudo(page.summaryText()), qPrintable(page.summaryText()));
            QCOMPARE(header(table, QueueOverviewModel::WaitingColumn), QStringLiteral("⟦Waiting⟧"));
            QTRY_VERIFY(headers.count() >= 1);              // the view asks again
            QVERIFY(PseudoTranslator::isPseudo(updated())); // "updated 5 s ago"
            QVERIFY(PseudoTranslator::isPseudo(page.workersText().section(u'\n', 0, 0)));
            QVERIFY2(PseudoTranslator::isPseudo(page.tiles().first()->tileData().rates),
                     qPrintable(page.tiles().first()->tileData().rates));
            QVERIFY(PseudoTranslator::isPseudo(page.accessibleName()));
            // Only texts changed: the same rows, order and selection.
            QCOMPARE(table->model()->rowCount(), 2);
            QCOMPARE(table->horizontalHeader()->sortIndicatorSection(), int(QueueOverviewModel::QueueColumn));
            QCOMPARE(table->model()->index(1, QueueOverviewModel::QueueColumn).data().toString(),
                     QStringLiteral("print"));
            QCOMPARE(table->selectionModel()->selectedRows().size(), 1);
            QCOMPARE(table->selectionModel()->selectedRows().first().row(), 1);
        } // ~QTranslator removes it
        QTRY_COMPARE(page.summaryText(), english);
        QCOMPARE(header(table, QueueOverviewModel::WaitingColumn), QStringLiteral("Waiting"));
        QCOMPARE(table->selectionModel()->selectedRows().first().row(), 1);
    }

    void treeModelTellsEveryLevel()
    {
        ManualClock clock(QDateTime::currentDateTimeUtc());
        Collector collector(&clock);
        ConnectionTreeModel model(&collector);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        auto backend = std::make_shared<test::FakeBackend>(&clock);
        Snapshot s;
        s.queues = {test::queue(QStringLiteral("print"), 6, 4)};
        backend->script(s);
        collector.addConnection(QStringLiteral("c"), QStringLiteral("Cards"), backend);
        collector.pollNow();
        const QModelIndex connection = model.index(0, 0);
        QTRY_COMPARE(model.rowCount(connection), 1);
        const QModelIndex queue = model.index(0, 0, connection);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        PseudoTranslator pseudo;
        QCoreApplication::installTranslator(&pseudo);
        const auto toldQueueLevel = [&changed, &connection] {
            return std::any_of(changed.cbegin(), changed.cend(), [&](const QList<QVariant> &args) {
                return args.at(0).toModelIndex().parent() == connection;
            });
        };
        QTRY_VERIFY(toldQueueLevel());
        QVERIFY(PseudoTranslator::isPseudo(queue.data(Qt::ToolTipRole).toString()));
        QCOMPARE(model.headerData(0, Qt::Horizontal).toString(), QStringLiteral("⟦Connections⟧"));
    }

    void jobBrowserKeepsItsChoices()
    {
        JobBrowser browser;
        QAbstractItemModelTester tester(browser.model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        QPushButton *retry = buttonWithText(&browser, QStringLiteral("&Retry"));
        QVERIFY(retry);
        QComboBox *order = comboWithItem(&browser, QStringLiteral("Most attempts first"));
        QVERIFY(order);
        order->setCurrentIndex(1);
        auto *search = browser.findChild<QLineEdit *>();
        search->setText(QStringLiteral("boom"));
        auto *table = browser.findChild<QTableView *>();
        QCOMPARE(header(table, JobTableModel::ClassColumn), QStringLiteral("Class"));

        auto pseudo = std::make_unique<PseudoTranslator>();
        QCoreApplication::installTranslator(pseudo.get());
        QTRY_COMPARE(retry->text(), QStringLiteral("⟦&Retry⟧"));
        QCOMPARE(order->currentIndex(), 1);
        QCOMPARE(order->itemText(1), QStringLiteral("⟦Most attempts first⟧"));
        QCOMPARE(JobOrder(order->currentData().toInt()), JobOrder::MostAttempts);
        QCOMPARE(header(table, JobTableModel::ClassColumn), QStringLiteral("⟦Class⟧"));
        QVERIFY(PseudoTranslator::isPseudo(search->placeholderText()));
        QCOMPARE(search->text(), QStringLiteral("boom"));
        QVERIFY(PseudoTranslator::isPseudo(table->accessibleName()));

        pseudo.reset();
        QTRY_COMPARE(retry->text(), QStringLiteral("&Retry"));
        QCOMPARE(order->itemText(1), QStringLiteral("Most attempts first"));
        QCOMPARE(order->currentIndex(), 1);
        QCOMPARE(header(table, JobTableModel::ClassColumn), QStringLiteral("Class"));
    }

    void queueDetailViewTabsChartsAndHeader()
    {
        ManualClock clock(QDateTime::currentDateTimeUtc());
        Collector collector(&clock);
        auto backend = std::make_shared<test::FakeBackend>(&clock);
        Snapshot s;
        s.queues = {test::queue(QStringLiteral("print"), 99, 754)};
        backend->script(s);
        collector.addConnection(QStringLiteral("c"), QStringLiteral("Cards"), backend);
        QueueDetailView view(&collector, nullptr);
        view.setQueue(QStringLiteral("c"), QStringLiteral("print"));
        view.setRange(QueueDetailView::Range::OneHour);
        view.showJobs(true);
        auto *tabs = view.findChild<QTabWidget *>();
        QCOMPARE(tabs->tabText(0), QStringLiteral("&Charts"));
        TimeSeriesChart *depth = view.charts().at(0);
        QCOMPARE(depth->accessibleName(), QStringLiteral("Depth by state"));
        depth->flush();
        QAbstractAxis *unit = depth->findChild<QChartView *>()->chart()->axes(Qt::Vertical).constFirst();
        QCOMPARE(unit->titleText(), QStringLiteral("jobs"));
        const QString header = view.headerText();

        auto pseudo = std::make_unique<PseudoTranslator>();
        QCoreApplication::installTranslator(pseudo.get());
        QTRY_COMPARE(tabs->tabText(0), QStringLiteral("⟦&Charts⟧"));
        QCOMPARE(tabs->tabText(1), QStringLiteral("⟦&Jobs⟧"));
        QCOMPARE(depth->accessibleName(), QStringLiteral("⟦Depth by state⟧"));
        QVERIFY(buttonWithText(&view, QStringLiteral("⟦1 h⟧")));
        QVERIFY(PseudoTranslator::isPseudo(view.headerText()));
        QVERIFY(PseudoTranslator::isPseudo(view.accessibleName()));
        QTRY_COMPARE(unit->titleText(), QStringLiteral("⟦jobs⟧")); // after the coalesced redraw
        // Same queue, range and tab.
        QCOMPARE(view.queue(), QStringLiteral("print"));
        QCOMPARE(view.range(), QueueDetailView::Range::OneHour);
        QCOMPARE(tabs->currentIndex(), 1);

        pseudo.reset();
        QTRY_COMPARE(tabs->tabText(0), QStringLiteral("&Charts"));
        QCOMPARE(view.headerText(), header);
        QTRY_COMPARE(unit->titleText(), QStringLiteral("jobs"));
    }

    void statusStrip()
    {
        Collector collector;
        StatusStrip strip(&collector);
        QCOMPARE(strip.text(), QStringLiteral("No connections"));
        auto pseudo = std::make_unique<PseudoTranslator>();
        QCoreApplication::installTranslator(pseudo.get());
        QTRY_COMPARE(strip.text(), QStringLiteral("⟦No connections⟧"));
        QCOMPARE(strip.accessibleName(), QStringLiteral("⟦Connection status⟧"));
        pseudo.reset();
        QTRY_COMPARE(strip.text(), QStringLiteral("No connections"));
    }

    void auditViewKeepsItsFilter()
    {
        AuditView view(nullptr);
        QAbstractItemModelTester tester(view.model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        view.setFilterText(QStringLiteral("alice"));
        view.setActionFilter(QStringLiteral("retry"));
        QComboBox *action = comboWithItem(&view, QStringLiteral("All actions"));
        QVERIFY(action);
        const int chosen = action->currentIndex();
        QVERIFY(chosen > 0);
        auto *table = view.findChild<QTableView *>();
        QCOMPARE(header(table, AuditModel::Operator), QStringLiteral("Operator"));

        auto pseudo = std::make_unique<PseudoTranslator>();
        QCoreApplication::installTranslator(pseudo.get());
        QTRY_COMPARE(view.windowTitle(), QStringLiteral("⟦Audit Log⟧"));
        QCOMPARE(action->itemText(0), QStringLiteral("⟦All actions⟧"));
        QCOMPARE(action->currentIndex(), chosen);
        QCOMPARE(action->currentData().toString(), QStringLiteral("retry"));
        QCOMPARE(header(table, AuditModel::Operator), QStringLiteral("⟦Operator⟧"));
        QVERIFY(PseudoTranslator::isPseudo(view.statusText()));
        QVERIFY(buttonWithText(&view, QStringLiteral("⟦Refresh⟧")));
        QCOMPARE(view.findChild<QLineEdit *>()->text(), QStringLiteral("alice"));

        pseudo.reset();
        QTRY_COMPARE(view.windowTitle(), QStringLiteral("Audit Log"));
        QCOMPARE(action->itemText(0), QStringLiteral("All actions"));
        QCOMPARE(header(table, AuditModel::Operator), QStringLiteral("Operator"));
    }
};

QTEST_MAIN(TestRetranslate)
#include "tst_retranslate.moc"
