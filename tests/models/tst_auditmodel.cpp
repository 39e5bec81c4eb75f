// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/audit/auditlog.h"
#include "models/auditmodel.h"
#include "core/csv.h"

#include <QAbstractItemModelTester>
#include <QBuffer>
#include <QTest>

using namespace qd;

namespace {
AuditRecord rec(const QString &action, const QString &op, int succeeded, const QStringList &ids, const QString &result = QStringLiteral("ok"))
{
    AuditRecord r;
    r.at = QDateTime(QDate(2026, 11, 25), QTime(9, 0), Qt::UTC).addSecs(succeeded);
    r.operatorName = op;
    r.connection = QStringLiteral("sidekiq+redis://127.0.0.1:6379/0");
    r.action = action;
    r.expectedState = QStringLiteral("failed");
    r.jobIds = ids;
    r.filter = QStringLiteral("bulk #3, batch 1 of 2: queue=print");
    r.succeeded = succeeded;
    r.result = result;
    return r;
}
} // namespace

class TestAuditModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void modelAndFilterAreConsistent()
    {
        AuditModel model;
        AuditFilterModel filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester t1(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        QAbstractItemModelTester t2(&filter, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setRecords({rec(QStringLiteral("retry"), QStringLiteral("ada"), 500, {QStringLiteral("retry:1.5:a1")}),
                          rec(QStringLiteral("cancel"), QStringLiteral("bob"), 2, {QStringLiteral("7"), QStringLiteral("8")}),
                          rec(QStringLiteral("purge"), QStringLiteral("ada"), 0, {}, QStringLiteral("HTTP 403: access refused"))});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), int(AuditModel::ColumnCount));
        QCOMPARE(model.index(0, AuditModel::Succeeded).data().toInt(), 500);
        filter.setAction(QStringLiteral("retry"));
        QCOMPARE(filter.rowCount(), 1);
        filter.setAction({});
        filter.setText(QStringLiteral("BOB"));
        QCOMPARE(filter.rowCount(), 1);
        filter.setText(QStringLiteral("403"));
        QCOMPARE(filter.rowCount(), 1);
        QCOMPARE(filter.index(0, AuditModel::Action).data().toString(), QStringLiteral("purge"));
        filter.setText({});
        QCOMPARE(filter.rowCount(), 3);
    }

    void hostileTextIsEscapedOnScreenAndDefusedInCsv()
    {
        AuditModel model;
        AuditFilterModel filter;
        filter.setSourceModel(&model);
        AuditRecord evil = rec(QStringLiteral("retry"), QStringLiteral("=HYPERLINK(\"http://x\")"), 1,
                               {QStringLiteral("a\u202Eb")}, QStringLiteral("<b>boom</b>\nline 2"));
        model.setRecords({evil});
        QVERIFY(model.index(0, AuditModel::Jobs).data().toString().contains(QStringLiteral("\\u202e")));
        QVERIFY(!model.index(0, AuditModel::Result).data().toString().contains(u'\n'));
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        QVERIFY(filter.writeCsv(buffer));
        const QList<QStringList> rows = parseCsv(QString::fromUtf8(buffer.data()));
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows.at(0).at(AuditModel::Operator), QStringLiteral("Operator"));
        QVERIFY(rows.at(1).at(AuditModel::Operator).startsWith(u'\'')); // a spreadsheet shows it, never runs it
        QCOMPARE(rows.at(1).at(AuditModel::Result), QStringLiteral("<b>boom</b>\nline 2")); // exported in full
        QCOMPARE(rows.at(1).at(AuditModel::Time), QStringLiteral("2026-11-25T09:00:01.000Z"));
    }
};

QTEST_GUILESS_MAIN(TestAuditModel)
#include "tst_auditmodel.moc"
