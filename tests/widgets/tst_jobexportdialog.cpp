// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/backend.h"
#include "core/backendfactory.h"
#include "core/csv.h"
#include "core/demo/demoschema.h"
#include "widgets/jobexportdialog.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;

/// A real Delayed::Job table (SQLite) read through the real backend: 2,500 failed print jobs, a few of another class.
class TestJobExportDialog : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::shared_ptr<Backend> m_backend;

    JobQuery failedPrints() const
    {
        JobQuery q;
        q.queue = QStringLiteral("print");
        q.state = JobState::Failed;
        return q;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString path = m_dir.filePath(QStringLiteral("jobs.sqlite3"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("fill"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QCOMPARE(demo::createDelayedJobsTable(db), QString());
            db.transaction();
            QSqlQuery q(db);
            q.prepare(QStringLiteral("INSERT INTO delayed_jobs (attempts, handler, last_error, run_at, failed_at, queue) "
                                     "VALUES (3, ?, ?, ?, ?, 'print')"));
            const QString at = demo::arTime(QDateTime::currentDateTimeUtc().addSecs(-600));
            for (int i = 0; i < 2505; ++i) {
                q.addBindValue(i < 2500 ? demo::printJobHandler(1000 + i, i)
                                        : demo::structHandler(QStringLiteral("Mailer"), {{QStringLiteral("user_id"), QStringLiteral("9")}}));
                q.addBindValue(QStringLiteral("=cmd|' /C calc'!A0\nline 2")); // hostile, and a formula to a spreadsheet
                q.addBindValue(at);
                q.addBindValue(at);
                QVERIFY(q.exec());
            }
            db.commit();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("fill"));
        auto b = createBackend(QStringLiteral("delayedjob+sqlite://%1?readonly=1").arg(path));
        QVERIFY2(b, qPrintable(b.error()));
        m_backend = b.value();
    }

    void exportsEveryMatchingJobPageByPage()
    {
        JobFilter narrow;
        narrow.className = QStringLiteral("PrintJob");
        JobExportDialog dialog(m_backend.get(), failedPrints(), narrow);
        const QString file = m_dir.filePath(QStringLiteral("prints.csv"));
        dialog.setFileName(file);
        dialog.setUserRule(QStringLiteral("/user_id"));
        QSignalSpy done(&dialog, &JobExportDialog::exportFinished);
        QVERIFY(dialog.start());
        QVERIFY(!dialog.start()); // one at a time
        QVERIFY(done.wait(30000));
        QCOMPARE(done.at(0).at(0).toBool(), true);
        QCOMPARE(done.at(0).at(1).toLongLong(), 2500); // three pages, the Mailer jobs narrowed away
        QVERIFY2(dialog.statusText().contains(QStringLiteral("2,500")) || dialog.statusText().contains(QStringLiteral("2500")),
                 qPrintable(dialog.statusText()));
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QStringList> rows = parseCsv(QString::fromUtf8(f.readAll()));
        QCOMPARE(rows.size(), 2501);
        QSet<QString> ids;
        for (qsizetype i = 1; i < rows.size(); ++i) {
            ids.insert(rows[i][0]);
            QCOMPARE(rows[i][2], QStringLiteral("PrintJob"));
            QVERIFY(rows[i][9].startsWith(u'\'')); // the formula is text
            QVERIFY(!rows[i][10].isEmpty());       // the user, by the rule
        }
        QCOMPARE(ids.size(), 2500); // none twice across the pages
    }

    void stopKeepsWhatWasWrittenAndSaysSo()
    {
        JobExportDialog dialog(m_backend.get(), failedPrints(), JobFilter{});
        const QString file = m_dir.filePath(QStringLiteral("some.jsonl"));
        dialog.setFileName(file); // .jsonl picks JSON Lines
        QSignalSpy done(&dialog, &JobExportDialog::exportFinished);
        QVERIFY(dialog.start());
        dialog.stop();
        QVERIFY(done.wait(30000));
        QCOMPARE(done.at(0).at(1).toLongLong(), 1000); // the page in flight, then stop
        QVERIFY2(dialog.statusText().startsWith(QStringLiteral("Stopped")), qPrintable(dialog.statusText()));
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().split('\n');
        QCOMPARE(lines.size(), 1001);
        QVERIFY(QJsonDocument::fromJson(lines[0]).object().contains(QStringLiteral("args")));
    }

    void refusesWhatCannotWork()
    {
        JobExportDialog dialog(m_backend.get(), failedPrints(), JobFilter{});
        QVERIFY(!dialog.start());
        QVERIFY(!dialog.statusText().isEmpty()); // no file chosen
        dialog.setFileName(m_dir.filePath(QStringLiteral("x.csv")));
        dialog.setUserRule(QStringLiteral("re:("));
        QVERIFY(!dialog.start());
        QVERIFY2(dialog.statusText().startsWith(QStringLiteral("User rule")), qPrintable(dialog.statusText()));
        dialog.setUserRule({});
        dialog.setFileName(QStringLiteral("/nonexistent-dir/x.csv"));
        QVERIFY(!dialog.start());
        QVERIFY2(dialog.statusText().contains(QStringLiteral("Cannot write")), qPrintable(dialog.statusText()));
    }
};

QTEST_MAIN(TestJobExportDialog)
#include "tst_jobexportdialog.moc"
