// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// The bulk dialog from the job browser, on a real Delayed::Job table: preview (exact count, classes, sample),
// progress, stop after a batch, resume from the browser's banner, and exactly one retry per job.
#include "core/audit/auditlog.h"
#include "core/backendfactory.h"
#include "widgets/bulkdialog.h"
#include "core/demo/demoschema.h"
#include "widgets/jobbrowser.h"
#include "models/jobtablemodel.h"
#include "core/settings/connectionsettings.h"

#include <QComboBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSettings>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;

class TestBulkDialog : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    int m_dbs = 0;

    /// A Delayed::Job table with `failed` failed jobs in "print" (and a few waiting ones that must stay put).
    QString makeDb(int failed)
    {
        const QString path = m_dir.filePath(QStringLiteral("dj%1.sqlite3").arg(++m_dbs));
        const QString name = QStringLiteral("mk%1").arg(m_dbs);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(path);
            if (!db.open() || !demo::createDelayedJobsTable(db).isEmpty()) {
                return {};
            }
            QSqlQuery q(db);
            db.transaction();
            const QString t = demo::arTime(QDateTime::currentDateTimeUtc().addSecs(-3600));
            for (int i = 0; i < failed + 5; ++i) {
                const bool isFailed = i < failed;
                q.prepare(QStringLiteral("INSERT INTO delayed_jobs (priority, attempts, handler, last_error, run_at, failed_at,"
                                         " queue, created_at, updated_at) VALUES (0, ?, ?, ?, ?, ?, 'print', ?, ?)"));
                q.addBindValue(isFailed ? 25 : 0);
                q.addBindValue(demo::printJobHandler(1000 + i, i));
                q.addBindValue(isFailed ? QStringLiteral("Net::ReadTimeout: <b>printer</b> \u202Eoffline") : QString());
                q.addBindValue(t);
                q.addBindValue(isFailed ? QVariant(t) : QVariant());
                q.addBindValue(t);
                q.addBindValue(t);
                if (!q.exec()) {
                    return {};
                }
            }
            db.commit();
        }
        QSqlDatabase::removeDatabase(name);
        return path;
    }

    static int count(const QString &path, const QString &where)
    {
        int n = -1;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("count"));
            db.setDatabaseName(path);
            if (db.open()) {
                QSqlQuery q(db);
                if (q.exec(QStringLiteral("SELECT COUNT(*) FROM delayed_jobs WHERE ") + where) && q.next()) {
                    n = q.value(0).toInt();
                }
            }
        }
        QSqlDatabase::removeDatabase(QStringLiteral("count"));
        return n;
    }

private Q_SLOTS:
    void previewThenRunToTheEnd()
    {
        const QString db = makeDb(1200);
        QVERIFY(!db.isEmpty());
        auto backend = createBackend(QStringLiteral("delayedjob+sqlite://") + db).value();
        AuditLog audit(m_dir.filePath(QStringLiteral("audit1.sqlite3")));
        QCOMPARE(audit.open(), QString());
        JobBrowser browser;
        browser.setAuditLog(&audit, QStringLiteral("ada"));
        browser.setQueue(backend.get(), QStringLiteral("c1"), QStringLiteral("print"));
        browser.setState(JobState::Failed);
        QSignalSpy done(&browser, &JobBrowser::actionDone);
        // The connection's user rule (Tell Affected Users remembers it): the blast radius names the users too.
        ConnectionSettings().setUserRule(QStringLiteral("c1"), QStringLiteral("/user_id"));
        const auto forget = qScopeGuard([] { ConnectionSettings().setUserRule(QStringLiteral("c1"), {}); });

        BulkDialog *dialog = browser.openBulk(ActionKind::Retry);
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->startButton()->isEnabled());
        const QString preview = dialog->previewText();
        QVERIFY2(preview.contains(QStringLiteral("Users: 1,200 by /user_id")), qPrintable(preview));
        QVERIFY2(preview.contains(QStringLiteral("Retry 1,200 failed job(s)?")), qPrintable(preview));
        QVERIFY2(preview.contains(QStringLiteral("PrintJob")), qPrintable(preview));
        QVERIFY2(preview.contains(QStringLiteral("\\u202e")), qPrintable(preview)); // the bidi override, escaped
        QCOMPARE(count(db, QStringLiteral("failed_at IS NOT NULL")), 1200); // a preview changes nothing
        const QString shots = qEnvironmentVariable("QD_SCREENSHOT_DIR"); // docs/screenshots, on request
        if (!shots.isEmpty()) {
            dialog->resize(760, 460);
            QVERIFY(dialog->grab().save(shots + QStringLiteral("/bulk-retry-preview.png")));
        }

        QTest::mouseClick(dialog->startButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 20000);
        QVERIFY2(done.first().at(1).toString().contains(QStringLiteral("1,200 retried")), qPrintable(done.first().at(1).toString()));
        QCOMPARE(count(db, QStringLiteral("failed_at IS NOT NULL")), 0);
        QCOMPARE(count(db, QStringLiteral("attempts = 0")), 1205);
        if (!shots.isEmpty()) {
            QVERIFY(dialog->grab().save(shots + QStringLiteral("/bulk-retry-done.png")));
        }
        QTRY_COMPARE(audit.recent(10).result().size(), 3); // one row per batch of 500
        for (const AuditRecord &row : audit.recent(10).result()) { // the same numbers as the preview
            QVERIFY2(row.filter.contains(QStringLiteral("blast radius: 1200 job(s) of 1 class(es), belonging to 1200 "
                                                        "user(s) by /user_id, oldest waiting 1 h")),
                     qPrintable(row.filter));
        }
        QVERIFY(audit.unfinishedBulks().result().isEmpty());
        QVERIFY(browser.resumeText().isEmpty());
    }

    void moveAllMatchingToAnotherQueue()
    {
        const QString db = makeDb(700);
        auto backend = createBackend(QStringLiteral("delayedjob+sqlite://") + db).value();
        AuditLog audit(m_dir.filePath(QStringLiteral("audit-move.sqlite3")));
        QCOMPARE(audit.open(), QString());
        JobBrowser browser;
        browser.setAuditLog(&audit, QStringLiteral("ada"));
        browser.setQueue(backend.get(), QStringLiteral("c1"), QStringLiteral("print"));
        browser.setState(JobState::Failed);
        QSignalSpy done(&browser, &JobBrowser::actionDone);
        BulkDialog *dialog = browser.openBulk(ActionKind::Move, QStringLiteral("print-recovery"));
        QVERIFY(dialog);
        QCOMPARE(dialog->windowTitle(), QStringLiteral("Bulk Move"));
        QTRY_VERIFY(dialog->startButton()->isEnabled());
        QVERIFY2(dialog->previewText().contains(QStringLiteral("print-recovery")), qPrintable(dialog->previewText()));
        QVERIFY2(dialog->previewText().contains(QStringLiteral("Users: unknown")), qPrintable(dialog->previewText()));
        QCOMPARE(count(db, QStringLiteral("queue = 'print-recovery'")), 0); // a preview changes nothing
        QTest::mouseClick(dialog->startButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 20000);
        QCOMPARE(count(db, QStringLiteral("queue = 'print-recovery'")), 700);
        QCOMPARE(count(db, QStringLiteral("queue = 'print' AND failed_at IS NOT NULL")), 0);
        const auto rows = audit.recent(10).result();
        QVERIFY(!rows.isEmpty());
        QCOMPARE(rows.first().action, QStringLiteral("move"));
        QVERIFY2(rows.first().filter.contains(QStringLiteral("to=print-recovery")), qPrintable(rows.first().filter));
    }

    void similarJobsCopyAsJsonAndRetryAllSimilar()
    {
        const QString db = makeDb(40);
        auto backend = createBackend(QStringLiteral("delayedjob+sqlite://") + db).value();
        AuditLog audit(m_dir.filePath(QStringLiteral("audit3.sqlite3")));
        QCOMPARE(audit.open(), QString());
        JobBrowser browser;
        browser.setAuditLog(&audit, QStringLiteral("ada"));
        browser.setQueue(backend.get(), QStringLiteral("c1"), QStringLiteral("print"));
        browser.setState(JobState::Failed);
        // The first job is selected by itself once the page is there; then its detail, then the count.
        QTRY_VERIFY2(browser.similarText().contains(QStringLiteral(": 40")), qPrintable(browser.similarText()));
        const QJsonObject json = QJsonDocument::fromJson(browser.selectedJobJson().toUtf8()).object();
        QCOMPARE(json.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
        QCOMPARE(json.value(QStringLiteral("class")).toString(), QStringLiteral("PrintJob"));
        QVERIFY(json.value(QStringLiteral("payload")).toString().startsWith(QStringLiteral("---"))); // YAML, as it is
        QVERIFY(json.value(QStringLiteral("error")).toString().contains(QStringLiteral("\u202E"))); // raw in JSON
        QVERIFY(json.value(QStringLiteral("enqueued_at")).isString());

        BulkDialog *dialog = browser.openBulkSimilar(ActionKind::Retry);
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->startButton()->isEnabled());
        QVERIFY2(dialog->previewText().contains(QStringLiteral("Retry 40 failed job(s)?")), qPrintable(dialog->previewText()));
        dialog->close();

        // "All Matching" means what the view shows: narrowed by a payload field, it is one job.
        browser.setFilter(QString(), QStringLiteral("/user_id"), QStringLiteral("1003"));
        QTRY_VERIFY(!browser.model()->isLoading() && browser.model()->rowCount() == 1);
        BulkDialog *narrowed = browser.openBulk(ActionKind::Retry);
        QTRY_VERIFY(narrowed->startButton()->isEnabled());
        QVERIFY2(narrowed->previewText().contains(QStringLiteral("Retry 1 failed job(s)?")), qPrintable(narrowed->previewText()));
        QVERIFY2(narrowed->previewText().contains(QStringLiteral("field=/user_id=1003")), qPrintable(narrowed->previewText()));
        QSignalSpy finished(narrowed->run(), &BulkRun::finished);
        QTest::mouseClick(narrowed->startButton(), Qt::LeftButton);
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(count(db, QStringLiteral("failed_at IS NOT NULL")), 39);
        narrowed->close();
    }

    void stopThenResumeFromTheBanner()
    {
        const QString db = makeDb(300);
        auto backend = createBackend(QStringLiteral("delayedjob+sqlite://") + db).value();
        AuditLog audit(m_dir.filePath(QStringLiteral("audit2.sqlite3")));
        QCOMPARE(audit.open(), QString());
        JobBrowser browser;
        browser.setAuditLog(&audit, QStringLiteral("ada"));
        browser.setQueue(backend.get(), QStringLiteral("c1"), QStringLiteral("print"));
        browser.setState(JobState::Failed);

        QPointer<BulkDialog> dialog = browser.openBulk(ActionKind::Retry);
        dialog->setRatePerSecond(100); // batches of 100, one a second: time to stop it
        QTRY_VERIFY(dialog->startButton()->isEnabled());
        QTest::mouseClick(dialog->startButton(), Qt::LeftButton);
        QSignalSpy progressFresh(dialog->run(), &BulkRun::progress); // the rate made a fresh run
        QTRY_COMPARE_WITH_TIMEOUT(progressFresh.count(), 1, 10000);
        QTest::mouseClick(dialog->stopButton(), Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->statusText().contains(QStringLiteral("not attempted")), 10000);
        const int left = count(db, QStringLiteral("failed_at IS NOT NULL"));
        QVERIFY2(left > 0 && left < 300, qPrintable(QString::number(left)));
        dialog->close();

        browser.setQueue(backend.get(), QStringLiteral("c1"), QStringLiteral("print")); // e.g. after a restart
        QTRY_VERIFY(!browser.resumeText().isEmpty());
        QVERIFY2(browser.resumeText().contains(QStringLiteral("cancelled")), qPrintable(browser.resumeText()));
        BulkDialog *resume = browser.openResume();
        QVERIFY(resume);
        QVERIFY(resume->startButton()->isEnabled());
        QSignalSpy finished(resume->run(), &BulkRun::finished);
        QTest::mouseClick(resume->startButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
        const auto s = finished.first().first().value<BulkSummary>();
        QVERIFY(s.complete());
        QCOMPARE(s.succeeded, 300);
        QCOMPARE(count(db, QStringLiteral("failed_at IS NOT NULL")), 0);
        QVERIFY(audit.unfinishedBulks().result().isEmpty());
    }
};

QTEST_MAIN(TestBulkDialog)
#include "tst_bulkdialog.moc"
