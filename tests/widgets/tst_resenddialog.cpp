// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Edit & Resend on a real redis-server holding a Sidekiq dead job: the editor, its live validation and diff,
// resending as a new job and in place, and the audit row with the payload before and after.
#include "tests/backends/redistestserver.h"
#include "core/audit/auditlog.h"
#include "core/backends/sidekiq/sidekiqbackend.h"
#include "widgets/jobbrowser.h"
#include "models/jobtablemodel.h"
#include "widgets/resenddialog.h"

#include <QJsonDocument>
#include <QJsonArray>
#include <QJsonObject>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;

namespace {
constexpr int kDb = 22;
} // namespace

class TestResendDialog : public QObject
{
    Q_OBJECT
private:
    qd::test::SharedRedis m_redis;
    QTemporaryDir m_dir;

    QString cli(const QStringList &args) { return qd::test::redisCli(m_redis.host, m_redis.port, kDb, args); }
    std::unique_ptr<sidekiq::SidekiqBackend> backend()
    {
        return std::make_unique<sidekiq::SidekiqBackend>(ConnectionUrl::parse(m_redis.url(QStringLiteral("sidekiq"), kDb)).value());
    }

private Q_SLOTS:
    void initTestCase() { m_redis = qd::test::sharedRedis(); }

    void init()
    {
        cli({QStringLiteral("FLUSHDB")});
        cli({QStringLiteral("ZADD"), QStringLiteral("dead"), QStringLiteral("1764000100.5"),
             QStringLiteral("{\"retry\":true,\"queue\":\"mail\",\"class\":\"MailJob\",\"args\":[42,\"<b>hi</b>\u202Etxt.exe\"],"
                            "\"jid\":\"dead00000000000000000001\",\"created_at\":1764000000.5,\"enqueued_at\":1764000000.5,"
                            "\"error_message\":\"bounced\",\"error_class\":\"Net::SMTPFatalError\",\"failed_at\":1764000050.5,"
                            "\"retry_count\":25}")});
    }

    void editableJsonAndLineDiff()
    {
        const QString shown = ResendDialog::editableJson(QStringLiteral("{\"a\":\"x\u202Ey\",\"b\":[1]}"));
        QVERIFY(!shown.contains(QChar(0x202E)));
        QVERIFY(shown.contains(QStringLiteral("x\\u202ey")));
        // The same JSON value: the escape is JSON's own.
        QCOMPARE(QJsonDocument::fromJson(shown.toUtf8()).object().value(u"a").toString(), QStringLiteral("x\u202Ey"));
        QCOMPARE(ResendDialog::lineDiff(QStringLiteral("a\nb\nc"), QStringLiteral("a\nB\nc\nd")),
                 QStringLiteral("  a\n- b\n+ B\n  c\n+ d"));
        QVERIFY(ResendDialog::lineDiff(QStringLiteral("x\n").repeated(3000), QStringLiteral("y"), 2000).contains(u"too long"));
    }

    void editValidateDiffAndResend()
    {
        auto b = backend();
        AuditLog audit(m_dir.filePath(QStringLiteral("audit.sqlite3")));
        QCOMPARE(audit.open(), QString());
        const QString id = QStringLiteral("dead:1764000100.5:dead00000000000000000001");
        ResendDialog dialog(b.get(), &audit, QStringLiteral("ops-anna"), id, JobState::Dead);
        QTRY_VERIFY(dialog.isLoaded());
        const QString original = dialog.editor()->toPlainText();
        QVERIFY2(original.contains(QStringLiteral("\"class\": \"MailJob\"")), qPrintable(original)); // pretty-printed
        QVERIFY(!original.contains(QChar(0x202E)));                                                  // shown escaped
        QVERIFY(dialog.resendButton()->isEnabled());
        QVERIFY(dialog.diffText().contains(QStringLiteral("no changes")));

        dialog.editor()->setPlainText(QStringLiteral("{\n  \"class\": \"MailJob\",\n  \"args\": [42,\n}"));
        QVERIFY2(dialog.validationText().contains(QStringLiteral("Not valid JSON at line 4")), qPrintable(dialog.validationText()));
        QVERIFY(!dialog.resendButton()->isEnabled());
        dialog.editor()->setPlainText(QStringLiteral("{\"class\": \"MailJob\", \"args\": 42, \"queue\": \"mail\"}"));
        QVERIFY2(dialog.validationText().contains(QStringLiteral("\"args\" must be an array")), qPrintable(dialog.validationText()));
        QVERIFY(!dialog.resendButton()->isEnabled());

        QString edited = original;
        edited.replace(QStringLiteral("42"), QStringLiteral("43"));
        dialog.editor()->setPlainText(edited);
        QVERIFY(dialog.resendButton()->isEnabled());
        if (const QString shots = qEnvironmentVariable("QD_SCREENSHOT_DIR"); !shots.isEmpty()) { // docs/screenshots
            dialog.resize(1100, 560);
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            QVERIFY(dialog.grab().save(shots + QStringLiteral("/edit-and-resend.png")));
        }
        QVERIFY2(dialog.diffText().contains(QStringLiteral("-         42,")) && dialog.diffText().contains(QStringLiteral("+         43,")),
                 qPrintable(dialog.diffText()));

        QSignalSpy finished(&dialog, &ResendDialog::finished);
        dialog.resend();
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY(finished.at(0).at(0).toBool());
        QVERIFY2(finished.at(0).at(1).toString().startsWith(QStringLiteral("Resent ") + id + QStringLiteral(" as queue:mail:")),
                 qPrintable(finished.at(0).at(1).toString()));
        QCOMPARE(cli({QStringLiteral("LLEN"), QStringLiteral("queue:mail")}), QStringLiteral("1"));
        const QJsonObject queued = QJsonDocument::fromJson(cli({QStringLiteral("LINDEX"), QStringLiteral("queue:mail"), QStringLiteral("0")}).toUtf8()).object();
        QCOMPARE(queued.value(u"args").toArray().at(0).toInt(), 43);
        QCOMPARE(queued.value(u"args").toArray().at(1).toString(), QStringLiteral("<b>hi</b>\u202Etxt.exe")); // the same text
        QVERIFY(!queued.contains(u"error_message"));
        QCOMPARE(cli({QStringLiteral("ZCARD"), QStringLiteral("dead")}), QStringLiteral("1")); // the original stays

        // In place, from a second dialog: the original leaves the dead set; the audit log keeps both versions.
        ResendDialog again(b.get(), &audit, QStringLiteral("ops-anna"), id, JobState::Dead);
        QTRY_VERIFY(again.isLoaded());
        again.setInPlace(true);
        QSignalSpy replaced(&again, &ResendDialog::finished);
        again.resend();
        QTRY_COMPARE(replaced.count(), 1);
        QVERIFY(replaced.at(0).at(0).toBool());
        QCOMPARE(cli({QStringLiteral("ZCARD"), QStringLiteral("dead")}), QStringLiteral("0"));
        // A third try finds nothing to resend, and says so (two operators, one resend).
        again.resend();
        QTRY_COMPARE(replaced.count(), 2);
        QVERIFY(!replaced.at(1).at(0).toBool());
        QVERIFY(again.statusText().contains(QStringLiteral("no longer where you saw it")));

        auto recent = audit.recent();
        recent.waitForFinished();
        const QList<AuditRecord> rows = recent.result();
        QCOMPARE(rows.size(), 3);
        const AuditRecord &first = rows.last(); // newest first
        QCOMPARE(first.action, QStringLiteral("resend"));
        QCOMPARE(first.operatorName, QStringLiteral("ops-anna"));
        QCOMPARE(first.jobIds.size(), 2);
        QVERIFY(first.payloadBefore.contains(QStringLiteral("[42,")));
        QVERIFY(first.payloadAfter.contains(QStringLiteral("[43,")));
        QCOMPARE(rows.first().succeeded, 0);
    }

    void jobBrowserOffersItForOneDeadJob()
    {
        auto b = backend();
        AuditLog audit(m_dir.filePath(QStringLiteral("audit-browser.sqlite3")));
        QCOMPARE(audit.open(), QString());
        JobBrowser browser;
        browser.setAuditLog(&audit, QStringLiteral("ops"));
        browser.setQueue(b.get(), QStringLiteral("c"), QStringLiteral("mail"));
        browser.setState(JobState::Dead);
        QTRY_COMPARE(browser.model()->rowCount(), 1);
        QTRY_VERIFY(browser.findChild<QTableView *>()->selectionModel()->hasSelection());
        QPushButton *button = nullptr;
        for (auto *p : browser.findChildren<QPushButton *>()) {
            if (p->text() == QStringLiteral("&Edit && Resend…")) {
                button = p;
            }
        }
        QVERIFY(button);
        QTRY_VERIFY(button->isEnabled());
        ResendDialog *dialog = browser.openResend();
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->isLoaded());
        dialog->close();
        browser.setState(JobState::Waiting);
        QTRY_VERIFY(!button->isEnabled());
    }
};

QTEST_MAIN(TestResendDialog)
#include "tst_resenddialog.moc"
