// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/audit/auditlog.h"
#include "models/auditmodel.h"
#include "widgets/auditview.h"
#include "core/csv.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;

class TestAuditView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void showsFiltersAndExportsTheLog()
    {
        QTemporaryDir dir;
        AuditLog audit(dir.filePath(QStringLiteral("audit.sqlite3")));
        QCOMPARE(audit.open(), QString());
        const QStringList actions{QStringLiteral("retry"), QStringLiteral("retry"), QStringLiteral("cancel"),
                                  QStringLiteral("move"), QStringLiteral("purge")};
        for (int i = 0; i < actions.size(); ++i) {
            AuditRecord r;
            r.operatorName = i % 2 ? QStringLiteral("bob") : QStringLiteral("ada");
            r.connection = QStringLiteral("sidekiq+redis://10.0.0.5:6379/0");
            r.action = actions.at(i);
            r.expectedState = QStringLiteral("failed");
            r.jobIds = {QStringLiteral("retry:1732521600.5:jid%1").arg(i)};
            r.filter = QStringLiteral("bulk #%1, batch 1 of 1: queue=print state=failed").arg(i + 1);
            r.succeeded = 500 - i;
            r.skipped = i;
            r.result = i == 4 ? QStringLiteral("HTTP 403: access refused") : QStringLiteral("ok");
            audit.append(r);
        }
        AuditView view(&audit);
        QSignalSpy refreshed(&view, &AuditView::refreshed);
        QTRY_VERIFY(refreshed.count() >= 1);
        QCOMPARE(view.model()->rowCount(), 5);
        QVERIFY2(view.statusText().startsWith(QStringLiteral("5 of 5")), qPrintable(view.statusText()));
        const QString shots = qEnvironmentVariable("QD_SCREENSHOT_DIR");
        if (!shots.isEmpty()) {
            view.resize(1100, 360);
            view.show();
            QVERIFY(QTest::qWaitForWindowExposed(&view));
            QVERIFY(view.grab().save(shots + QStringLiteral("/audit-log.png")));
        }
        view.setActionFilter(QStringLiteral("retry"));
        QCOMPARE(view.filtered()->rowCount(), 2);
        view.setFilterText(QStringLiteral("bob"));
        QCOMPARE(view.filtered()->rowCount(), 1);

        const QString csv = dir.filePath(QStringLiteral("out.csv"));
        QCOMPARE(view.exportCsv(csv), QString());
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QStringList> rows = parseCsv(QString::fromUtf8(f.readAll()));
        QCOMPARE(rows.size(), 2); // header + the one row shown
        QCOMPARE(rows.at(1).at(AuditModel::Operator), QStringLiteral("bob"));
        QCOMPARE(rows.at(1).at(AuditModel::Action), QStringLiteral("retry"));
        QCOMPARE(view.exportCsv(dir.filePath(QStringLiteral("no/such/dir/out.csv"))).isEmpty(), false);
    }
};

QTEST_MAIN(TestAuditView)
#include "tst_auditview.moc"
