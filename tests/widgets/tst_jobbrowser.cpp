// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/timeline/incidenttimeline.h"
#include "core/audit/auditlog.h"
#include "core/backendfactory.h"
#include "core/clock.h"
#include "core/demo/demoschema.h"
#include "widgets/jobbrowser.h"
#include "models/jobtablemodel.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;

namespace {

/// A backend with its own paused state (as BullMQ has), remembering what it was asked.
class PausableBackend final : public Backend
{
public:
    PausableBackend()
        : Backend(ConnectionUrl::parse(QStringLiteral("delayedjob+sqlite:///pausable.db")).value(), Clock::system())
    {
    }
    QString kind() const override { return QStringLiteral("pausable"); }
    Capabilities capabilities() const override
    {
        Capabilities c;
        c.pause = true;
        return c;
    }
    QFuture<Snapshot> snapshot() override { return QtFuture::makeReadyFuture(Snapshot{}); }
    QFuture<PauseResult> setQueuePaused(const QString &queue, bool paused) override
    {
        PauseResult r;
        r.queue = queue;
        r.paused = paused;
        r.changed = paused != m_paused;
        m_paused = paused;
        return QtFuture::makeReadyFuture(r);
    }
    bool m_paused = false;
};

QPushButton *queueButton(QWidget *browser)
{
    for (auto *b : browser->findChildren<QPushButton *>()) {
        if (b->menu() && b->text() == QStringLiteral("&Queue")) {
            return b;
        }
    }
    return nullptr;
}

} // namespace

class TestJobBrowser : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_db;

private Q_SLOTS:
    void initTestCase()
    {
        m_db = m_dir.filePath(QStringLiteral("dj.sqlite3"));
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("mk"));
        db.setDatabaseName(m_db);
        QVERIFY(db.open());
        QCOMPARE(demo::createDelayedJobsTable(db), QString());
        QSqlQuery q(db);
        db.transaction();
        const QString now = demo::arTime(QDateTime::currentDateTimeUtc().addSecs(-60));
        for (int i = 0; i < 250; ++i) {
            q.prepare(QStringLiteral("INSERT INTO delayed_jobs (priority, attempts, handler, run_at, queue, created_at, updated_at)"
                                     " VALUES (0, 0, ?, ?, 'print', ?, ?)"));
            q.addBindValue(demo::printJobHandler(1000 + i, i));
            q.addBindValue(now);
            q.addBindValue(now);
            q.addBindValue(now);
            QVERIFY(q.exec());
        }
        // A hostile failed job: HTML/JS and a bidi override in the payload and the error.
        q.prepare(QStringLiteral("INSERT INTO delayed_jobs (priority, attempts, handler, last_error, run_at, failed_at, queue,"
                                 " created_at, updated_at) VALUES (0, 25, ?, ?, ?, ?, 'print', ?, ?)"));
        q.addBindValue(QStringLiteral("--- !ruby/struct:PrintJob\nuser_id: <script>alert(1)</script>\nname: \u202Egnp.exe\n"));
        q.addBindValue(QStringLiteral("RuntimeError: <b>boom</b>\n/app/print.rb:1"));
        q.addBindValue(now);
        q.addBindValue(now);
        q.addBindValue(now);
        q.addBindValue(now);
        QVERIFY(q.exec());
        db.commit();
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("mk"));
    }

    void pagesWithFetchMore()
    {
        auto backend = createBackend(QStringLiteral("delayedjob+sqlite://") + m_db).value();
        JobTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy loaded(&model, &JobTableModel::pageLoaded);
        JobQuery q;
        q.queue = QStringLiteral("print");
        q.limit = 100;
        model.setQuery(backend.get(), q);
        QTRY_VERIFY(loaded.count() >= 1);
        QVERIFY(model.rowCount() >= 100); // the first page at once (the tester may already have fetched more)
        QTRY_VERIFY((model.fetchMore({}), model.rowCount() == 250));
        QVERIFY(!model.canFetchMore({}));
        QSet<QString> ids;
        for (int r = 0; r < model.rowCount(); ++r) {
            ids.insert(model.index(r, 0).data().toString());
        }
        QCOMPARE(ids.size(), 250); // pages neither overlap nor skip
        QCOMPARE(model.index(0, JobTableModel::ClassColumn).data().toString(), QStringLiteral("PrintJob"));
    }

    void mostAttemptsFirstComesFromTheServer()
    {
        const QString copy = m_dir.filePath(QStringLiteral("attempts.sqlite3"));
        QVERIFY(QFile::copy(m_db, copy));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("attempts"));
            db.setDatabaseName(copy);
            QVERIFY(db.open());
            // The newest waiting job has the most attempts: a client-side sort of the first page would miss it.
            QVERIFY(QSqlQuery(db).exec(QStringLiteral("UPDATE delayed_jobs SET attempts = 7 WHERE id = 250")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("attempts"));
        auto backend = createBackend(QStringLiteral("delayedjob+sqlite://") + copy).value();
        JobBrowser browser;
        browser.setQueue(backend.get(), QStringLiteral("c"), QStringLiteral("print"));
        QComboBox *orderCombo = nullptr;
        for (QComboBox *c : browser.findChildren<QComboBox *>()) {
            if (c->accessibleName() == u"Order") {
                orderCombo = c;
            }
        }
        QVERIFY(orderCombo);
        QVERIFY(!orderCombo->isHidden()); // Delayed::Job sorts on the server
        auto *table = browser.findChild<QTableView *>();
        QTRY_VERIFY(table->model()->rowCount() > 0);
        QVERIFY(table->model()->index(0, JobTableModel::IdColumn).data().toString() != QStringLiteral("250"));
        orderCombo->setCurrentIndex(orderCombo->findData(int(JobOrder::MostAttempts)));
        QTRY_COMPARE(table->model()->index(0, JobTableModel::IdColumn).data().toString(), QStringLiteral("250"));
        QCOMPARE(table->model()->index(0, JobTableModel::AttemptsColumn).data().toString(), QStringLiteral("7"));
    }

    void waitingJobsByClass()
    {
        auto backend = createBackend(QStringLiteral("delayedjob+sqlite://") + m_db).value();
        JobBrowser browser;
        browser.setQueue(backend.get(), QStringLiteral("c"), QStringLiteral("print"));
        QTRY_COMPARE(browser.classesText(), QStringLiteral("Waiting by class: PrintJob 250"));
        browser.setState(JobState::Failed); // only the waiting jobs are broken down
        QTRY_VERIFY(browser.classesText().isEmpty());
        const ClassBreakdown b = [&] {
            auto f = backend->classBreakdown(QStringLiteral("print"));
            f.waitForFinished();
            return f.result();
        }();
        QCOMPARE(b.total.value(), 250);
        QVERIFY(!b.sampled());
    }

    void filtersByClassFieldAndStuckAndSorts()
    {
        auto backend = createBackend(QStringLiteral("delayedjob+sqlite://") + m_db).value();
        JobBrowser browser;
        browser.setQueue(backend.get(), QStringLiteral("c"), QStringLiteral("print"));
        browser.setState(JobState::Waiting);
        QTRY_VERIFY(!browser.model()->isLoading() && browser.model()->rowCount() == 100);
        // A field of the YAML handler: user 1007's job only (found beyond the first page's worth, too).
        browser.setFilter(QString(), QStringLiteral("/user_id"), QStringLiteral("1207"));
        QTRY_VERIFY(!browser.model()->isLoading() && browser.model()->rowCount() == 1);
        QCOMPARE(browser.model()->job(0)->className, QStringLiteral("PrintJob"));
        browser.setFilter(QStringLiteral("MailJob"), QString(), QString());
        QTRY_VERIFY(!browser.model()->isLoading());
        QCOMPARE(browser.model()->rowCount(), 0);
        browser.setFilter(QStringLiteral("PrintJob"), QString(), QString());
        QTRY_VERIFY(!browser.model()->isLoading() && browser.model()->rowCount() == 100);
        browser.setFilter(QString(), QStringLiteral("not a pointer"), QStringLiteral("x"));
        QTRY_VERIFY(browser.statusText().contains(QStringLiteral("Cannot filter")));
        browser.setFilter(QString(), QString(), QString());

        // Stuck: the jobs have waited about a minute.
        browser.setStuckThresholds(30, 3600);
        browser.setStuck(true);
        QTRY_VERIFY(!browser.model()->isLoading() && browser.model()->rowCount() == 100);
        browser.setStuckThresholds(3600, 3600);
        browser.setStuck(false);
        browser.setStuck(true);
        QTRY_VERIFY(!browser.model()->isLoading());
        QCOMPARE(browser.model()->rowCount(), 0);
        browser.setStuck(false);
        QTRY_VERIFY(!browser.model()->isLoading() && browser.model()->rowCount() == 100);

        // Sorting the loaded rows: ids numerically, newest first.
        auto *table = browser.findChild<QTableView *>();
        table->sortByColumn(JobTableModel::IdColumn, Qt::DescendingOrder);
        const int first = table->model()->index(0, JobTableModel::IdColumn).data().toInt();
        const int second = table->model()->index(1, JobTableModel::IdColumn).data().toInt();
        QVERIFY2(first > second && first >= 100, qPrintable(QStringLiteral("%1 %2").arg(first).arg(second)));
    }

    void hostilePayloadIsPlainTextAndRetryIsAudited()
    {
        auto backend = createBackend(QStringLiteral("delayedjob+sqlite://") + m_db).value();
        AuditLog audit(m_dir.filePath(QStringLiteral("audit.sqlite3")));
        QCOMPARE(audit.open(), QString());
        IncidentTimeline timeline(m_dir.filePath(QStringLiteral("timeline.sqlite3")));
        QCOMPARE(timeline.open(), QString());
        QSignalSpy onTimeline(&timeline, &IncidentTimeline::entryAdded);
        JobBrowser browser;
        browser.resize(1000, 700);
        browser.setAuditLog(&audit, QStringLiteral("ops-anna"));
        browser.setTimeline(&timeline);
        browser.setQueue(backend.get(), QStringLiteral("c"), QStringLiteral("print"));
        QSignalSpy loaded(browser.model(), &JobTableModel::pageLoaded);
        browser.setState(JobState::Failed);
        QTRY_VERIFY(loaded.count() >= 1 && browser.model()->rowCount() == 1);
        auto *table = browser.findChild<QTableView *>();
        table->selectRow(0);
        QTRY_VERIFY(browser.detailText().contains(QStringLiteral("Payload:")));
        QVERIFY(browser.detailText().contains(QStringLiteral("<script>alert(1)</script>"))); // shown, not run
        QVERIFY(!browser.detailText().contains(QChar(0x202E)));                          // escaped
        QVERIFY(browser.detailText().contains(QStringLiteral("\\u202e")));
        QVERIFY(browser.detailText().contains(QStringLiteral("RuntimeError: <b>boom</b>")));

        QSignalSpy done(&browser, &JobBrowser::actionDone);
        browser.actOnSelection(ActionKind::Retry);
        QTRY_COMPARE(done.count(), 1);
        QVERIFY2(done.at(0).at(1).toString().contains(QStringLiteral("retried 1 failed job(s) in print")),
                 qPrintable(done.at(0).at(1).toString()));
        QTRY_COMPARE(browser.model()->rowCount(), 0); // reloaded: no failed jobs left
        // Core put the same sentence on the incident timeline, under the connection: the window adds nothing.
        QTRY_COMPARE(onTimeline.count(), 1);
        const auto entry = onTimeline.at(0).at(0).value<TimelineEntry>();
        QCOMPARE(entry.connectionId, QStringLiteral("c"));
        QCOMPARE(entry.text, QStringLiteral("Operator ops-anna: ") + done.at(0).at(1).toString());
        auto recent = audit.recent();
        recent.waitForFinished();
        QCOMPARE(recent.result().size(), 1);
        QCOMPARE(recent.result().first().operatorName, QStringLiteral("ops-anna"));
        QCOMPARE(recent.result().first().succeeded, 1);
        // Journaled like `queuedeckctl retry --job`: the row names its bulk run, and the run is complete.
        QVERIFY2(recent.result().first().filter.startsWith(u"bulk #1, batch 1 of 1: queue=print (GUI selection)"),
                 qPrintable(recent.result().first().filter));
        auto run = audit.bulk(1);
        run.waitForFinished();
        QVERIFY(run.result().has_value());
        QCOMPARE(run.result()->jobIds.size(), 1);
        QCOMPARE(run.result()->state, QStringLiteral("done"));
        auto unfinished = audit.unfinishedBulks();
        unfinished.waitForFinished();
        QVERIFY(unfinished.result().isEmpty());
    }

    void pauseAndResumeFromTheQueueMenuAreAudited()
    {
        // A Delayed::Job table has no paused state: no Queue menu at all.
        auto dj = createBackend(QStringLiteral("delayedjob+sqlite://") + m_db).value();
        AuditLog audit(m_dir.filePath(QStringLiteral("audit-pause.sqlite3")));
        QCOMPARE(audit.open(), QString());
        PausableBackend pausable;
        JobBrowser browser;
        browser.setAuditLog(&audit, QStringLiteral("ops-anna"));
        browser.setQueue(dj.get(), QStringLiteral("c"), QStringLiteral("print"));
        QPushButton *queueMenu = queueButton(&browser);
        QVERIFY(queueMenu);
        QVERIFY(queueMenu->isHidden());

        browser.setQueue(&pausable, QStringLiteral("p"), QStringLiteral("render"));
        QVERIFY(!queueMenu->isHidden());
        const QList<QAction *> items = queueMenu->menu()->actions();
        QCOMPARE(items.size(), 5);
        QVERIFY(!items.at(0)->isVisible() && !items.at(1)->isVisible()); // no move or purge here
        QCOMPARE(items.at(3)->text(), QStringLiteral("Pause Queue…"));
        QVERIFY(items.at(3)->isEnabled() && items.at(4)->isEnabled());

        QSignalSpy done(&browser, &JobBrowser::actionDone);
        browser.applyQueuePaused(true);
        QTRY_COMPARE(done.count(), 1);
        QCOMPARE(done.at(0).at(1).toString(), QStringLiteral("Paused render"));
        QVERIFY(pausable.m_paused);
        browser.applyQueuePaused(true); // again: nothing changes, and it says so
        QTRY_COMPARE(done.count(), 2);
        QCOMPARE(done.at(1).at(1).toString(), QStringLiteral("render was already paused"));
        browser.applyQueuePaused(false);
        QTRY_COMPARE(done.count(), 3);
        QCOMPARE(done.at(2).at(1).toString(), QStringLiteral("Resumed render"));
        QVERIFY(!pausable.m_paused);

        auto recent = audit.recent();
        recent.waitForFinished();
        const QList<AuditRecord> rows = recent.result();
        QCOMPARE(rows.size(), 3);
        QStringList actions;
        for (const AuditRecord &r : rows) {
            actions << QStringLiteral("%1:%2:%3").arg(r.action, r.result).arg(r.succeeded);
            QCOMPARE(r.operatorName, QStringLiteral("ops-anna"));
        }
        std::sort(actions.begin(), actions.end());
        QCOMPARE(actions, (QStringList{QStringLiteral("pause:already paused:0"), QStringLiteral("pause:ok:1"),
                                       QStringLiteral("unpause:ok:1")}));
    }
};

QTEST_MAIN(TestJobBrowser)
#include "tst_jobbrowser.moc"
