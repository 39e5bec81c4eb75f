// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// "Tell Affected Users" on a Delayed::Job table of 10,000 users: find them (off the GUI thread, page by page),
// preview per recipient, dry run, send through the outbox to a CSV channel with a stop in the middle, send
// again to finish — and nobody gets two messages. Hostile user ids stay inert text.
#include "core/audit/auditlog.h"
#include "core/backendfactory.h"
#include "core/csv.h"
#include "core/demo/demoschema.h"
#include "widgets/notifydialog.h"
#include "models/recipientmodel.h"
#include "core/recipients/messagetemplate.h"
#include "core/recipients/outbox.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QProgressBar>
#include <QPushButton>
#include <QSet>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;

class TestNotifyDialog : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_db;
    static constexpr int kUsers = 10'000;

    static QString structHandler(const QString &user)
    {
        return QStringLiteral("--- !ruby/struct:PrintJob\nuser_id: %1\ncard_id: 1\n").arg(user);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_db = m_dir.filePath(QStringLiteral("dj.sqlite3"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("mk"));
            db.setDatabaseName(m_db);
            QVERIFY(db.open());
            QCOMPARE(demo::createDelayedJobsTable(db), QString());
            QSqlQuery q(db);
            db.transaction();
            const QString t = demo::arTime(QDateTime::currentDateTimeUtc().addSecs(-7200));
            q.prepare(QStringLiteral("INSERT INTO delayed_jobs (priority, attempts, handler, run_at, queue, created_at, updated_at)"
                                     " VALUES (0, 0, ?, ?, 'print', ?, ?)"));
            QStringList handlers;
            for (int i = 0; i < kUsers; ++i) {
                handlers << demo::printJobHandler(100000 + i, i);
            }
            handlers << structHandler(QStringLiteral("'{{incident}}'")) << structHandler(QStringLiteral("'<b>x</b>\u202Egnp.exe'"))
                     << QStringLiteral("--- !ruby/struct:PrintJob\ncard_id: 7\n"); // no user
            for (const QString &h : handlers) {
                q.addBindValue(h);
                q.addBindValue(t);
                q.addBindValue(t);
                q.addBindValue(t);
                QVERIFY(q.exec());
            }
            db.commit();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("mk"));
    }

    void namesFromTheApplicationDatabase()
    {
        const QString app = m_dir.filePath(QStringLiteral("app-users.sqlite3"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("users"));
            db.setDatabaseName(app);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT)")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO users VALUES (100000, 'Ada Lovelace', 'ada@example.com')")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("users"));
        auto backend = createBackend(QStringLiteral("delayedjob+sqlite://") + m_db).value();
        JobQuery q;
        q.queue = QStringLiteral("print");
        auto *dialog = new NotifyDialog(backend.get(), nullptr, nullptr, QStringLiteral("ada"), q);
        dialog->setUserRule(QStringLiteral("/user_id"));
        dialog->setIncident(QStringLiteral("INC-7"));
        dialog->setDirectory(QStringLiteral("sqlite://") + app, QStringLiteral("SELECT name, email FROM users WHERE id = :user"));
        dialog->setTemplate(QStringLiteral("Hello {{name}}"), QStringLiteral("Dear {{name}} <{{email}}>"));
        dialog->findUsers();
        QTRY_VERIFY_WITH_TIMEOUT(dialog->previewText().contains(QStringLiteral("Dear Ada Lovelace <ada@example.com>")), 30000);
        QVERIFY(!dialog->sendButton()->isEnabled()); // no outbox, no audit log: nothing can be sent
        // A saved template is what queuedeckctl notify --template reads.
        const QString file = m_dir.filePath(QStringLiteral("saved.txt"));
        QCOMPARE(dialog->saveTemplate(file), QString());
        const auto loaded = MessageTemplate::load(file);
        QVERIFY2(loaded, qPrintable(loaded.error()));
        QCOMPARE(loaded->subjectTemplate(), QStringLiteral("Hello {{name}}"));
        QCOMPARE(loaded->bodyTemplate(), QStringLiteral("Dear {{name}} <{{email}}>"));
        dialog->close();
    }

    void timeWindowNarrowsTheUsers()
    {
        auto backend = createBackend(QStringLiteral("delayedjob+sqlite://") + m_db).value();
        JobQuery q;
        q.queue = QStringLiteral("print");
        auto *dialog = new NotifyDialog(backend.get(), nullptr, nullptr, QStringLiteral("ada"), q);
        QSignalSpy found(dialog, &NotifyDialog::usersFound);
        dialog->setUserRule(QStringLiteral("/user_id"));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        dialog->setWindow(now.addSecs(-3 * 3600), now.addSecs(-3600)); // the jobs were due two hours ago
        dialog->findUsers();
        QTRY_COMPARE_WITH_TIMEOUT(found.count(), 1, 30000);
        QCOMPARE(found.last().first().toInt(), kUsers + 2);
        dialog->setWindow(now.addSecs(-3600), now.addSecs(60));
        dialog->findUsers();
        QTRY_COMPARE_WITH_TIMEOUT(found.count(), 2, 30000);
        QCOMPARE(found.last().first().toInt(), 0);
        dialog->close();
    }

    void findPreviewDryRunSendStopAndResume()
    {
        auto backend = createBackend(QStringLiteral("delayedjob+sqlite://") + m_db).value();
        AuditLog audit(m_dir.filePath(QStringLiteral("audit.sqlite3")));
        QCOMPARE(audit.open(), QString());
        Outbox outbox(m_dir.filePath(QStringLiteral("outbox.sqlite3")));
        QCOMPARE(outbox.open(), QString());
        JobQuery q;
        q.queue = QStringLiteral("print");
        q.state = JobState::Waiting;
        auto *dialog = new NotifyDialog(backend.get(), &audit, &outbox, QStringLiteral("ada"), q);
        auto tester = std::make_unique<QAbstractItemModelTester>(dialog->recipients(),
                                                                 QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy found(dialog, &NotifyDialog::usersFound);
        dialog->setUserRule(QStringLiteral("/user_id"));
        dialog->findUsers();
        QTRY_COMPARE_WITH_TIMEOUT(found.count(), 1, 60000);
        QCOMPARE(found.first().first().toInt(), kUsers + 2);
        QVERIFY2(dialog->findChild<QObject *>() != nullptr, "dialog built");

        const QString csv = m_dir.filePath(QStringLiteral("notified.csv"));
        dialog->setIncident(QStringLiteral("INC-42"));
        dialog->setChannel(QStringLiteral("csv:") + csv);
        dialog->setTemplate(QStringLiteral("Delayed: {{job_count}} job(s)"),
                            QStringLiteral("Hello {{user}}, incident {{incident}} delayed {{queue}} by {{delay}}."));
        QVERIFY(dialog->sendButton()->isEnabled());
        const QString dry = dialog->dryRun();
        QVERIFY2(dry.contains(QStringLiteral("10,002 message(s)")), qPrintable(dry.left(300)));
        QVERIFY(!QFile::exists(csv)); // a dry run sends nothing
        // The hostile ids: "{{incident}}" as a user stays literal; markup and bidi are escaped in the preview.
        auto *table = dialog->findChild<QTableView *>();
        auto rowOf = [dialog](const QString &prefix) {
            for (int r = 0; r < dialog->recipients()->rowCount(); ++r) {
                if (dialog->recipients()->recipient(r).user.startsWith(prefix)) {
                    return r;
                }
            }
            return -1;
        };
        table->selectRow(rowOf(QStringLiteral("{{")));
        QVERIFY2(dialog->previewText().contains(QStringLiteral("Hello {{incident}}, incident INC-42 delayed print")),
                 qPrintable(dialog->previewText()));
        table->selectRow(rowOf(QStringLiteral("<b>")));
        QVERIFY2(dialog->previewText().contains(QStringLiteral("To: <b>x</b>\\u202egnp.exe")), qPrintable(dialog->previewText()));

        const QString shots = qEnvironmentVariable("QD_SCREENSHOT_DIR"); // docs/screenshots, on request
        if (!shots.isEmpty()) {
            table->selectRow(0);
            dialog->resize(1200, 680);
            dialog->show();
            QVERIFY(QTest::qWaitForWindowExposed(dialog));
            QVERIFY(dialog->grab().save(shots + QStringLiteral("/notify-affected-users.png")));
        }
        tester.reset(); // it walks all 10,002 rows on every status change: checked above, too slow for sending
        QSignalSpy sent(dialog, &NotifyDialog::sendFinished);
        int stopsAt = 0;
        connect(dialog->findChild<QProgressBar *>(), &QProgressBar::valueChanged, dialog, [&](int v) {
            if (v >= 200 && stopsAt == 0) {
                stopsAt = v;
                dialog->cancelSending(); // the GUI answers while sending: it runs off this thread
            }
        });
        dialog->send();
        // QSignalSpy::wait runs a real event loop; QTRY_* sleeps 10 ms between rounds, and every message takes
        // three thread hops through the GUI thread's loop (30 ms a message under QTRY, well under 1 ms here).
        QVERIFY(sent.wait(60000));
        QVERIFY2(sent.first().first().toString().contains(QStringLiteral("stopped")), qPrintable(sent.first().first().toString()));
        auto rows = [&csv] {
            QFile f(csv);
            return f.open(QIODevice::ReadOnly) ? parseCsv(QString::fromUtf8(f.readAll())) : QList<QStringList>{};
        };
        const qsizetype firstRun = rows().size() - 1;
        QVERIFY2(firstRun >= 200 && firstRun < kUsers, qPrintable(QString::number(firstRun)));

        // Send again: the rest goes, nobody twice (the CSV channel and the outbox both know the keys).
        dialog->send();
        QVERIFY(sent.wait(110000));
        const QString summary = sent.at(1).first().toString();
        QVERIFY2(summary.contains(QStringLiteral("Sent %1 ").arg(kUsers + 2 - firstRun)), qPrintable(summary));
        const QList<QStringList> all = rows();
        QCOMPARE(all.size() - 1, kUsers + 2);
        QSet<QString> users;
        for (const QStringList &r : all.mid(1)) {
            users.insert(r.value(3)); // the user column
        }
        QCOMPARE(users.size(), kUsers + 2);
        const auto audited = audit.recent(5).result();
        QCOMPARE(audited.size(), 2);
        QCOMPARE(audited.first().action, QStringLiteral("notify"));
        QCOMPARE(audited.first().succeeded + audited.last().succeeded, kUsers + 2);
        dialog->close();
    }
};

QTEST_MAIN(TestNotifyDialog)
#include "tst_notifydialog.moc"
