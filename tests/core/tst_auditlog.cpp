// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// The audit log's file across versions: a log written before Edit & Resend existed opens, keeps its rows, and
// takes the payload before/after of new ones.
#include "core/audit/auditlog.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;

class TestAuditLog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void olderLogsAreMigratedAndKeepTheirRows()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("audit.sqlite3"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("old"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            // The table as every version before Edit & Resend created it, with one row in it.
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE audit (id INTEGER PRIMARY KEY, t INTEGER NOT NULL, operator TEXT NOT NULL,"
                                          " connection TEXT NOT NULL, action TEXT NOT NULL, expected TEXT NOT NULL,"
                                          " job_ids TEXT NOT NULL, filter TEXT NOT NULL, succeeded INTEGER NOT NULL,"
                                          " skipped INTEGER NOT NULL, dry_run INTEGER NOT NULL, result TEXT NOT NULL)")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO audit VALUES (1, 1764000000000, 'ada', 'sidekiq+redis://r/0', 'retry',"
                                          " 'failed', 'a,b', 'queue=print', 2, 0, 0, 'ok')")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("old"));

        AuditLog log(path);
        QCOMPARE(log.open(), QString());
        AuditRecord resend;
        resend.operatorName = QStringLiteral("bob");
        resend.connection = QStringLiteral("sidekiq+redis://r/0");
        resend.action = QStringLiteral("resend");
        resend.jobIds = {QStringLiteral("dead:1.5:j1"), QStringLiteral("queue:mail:j2")};
        resend.succeeded = 1;
        resend.result = QStringLiteral("ok");
        resend.payloadBefore = QStringLiteral("{\"args\":[42]}");
        resend.payloadAfter = QStringLiteral("{\"args\":[43]}");
        log.append(resend).waitForFinished();
        auto recent = log.recent();
        recent.waitForFinished();
        const QList<AuditRecord> rows = recent.result();
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows.at(0).action, QStringLiteral("resend"));
        QCOMPARE(rows.at(0).payloadBefore, QStringLiteral("{\"args\":[42]}"));
        QCOMPARE(rows.at(0).payloadAfter, QStringLiteral("{\"args\":[43]}"));
        QCOMPARE(rows.at(1).operatorName, QStringLiteral("ada")); // the old row, untouched
        QCOMPARE(rows.at(1).jobIds, (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        QVERIFY(rows.at(1).payloadBefore.isEmpty() && rows.at(1).payloadAfter.isEmpty());

        // Opening it again (the CLI and the GUI share the file) migrates nothing twice.
        AuditLog again(path);
        QCOMPARE(again.open(), QString());
    }
};

QTEST_GUILESS_MAIN(TestAuditLog)
#include "tst_auditlog.moc"
