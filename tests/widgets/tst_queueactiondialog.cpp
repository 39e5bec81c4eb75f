// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Moving a dead-letter queue back and purging a queue from the GUI, against the private RabbitMQ node that
// scripts/services starts, filled by pika (tests/backends/fixtures/rabbitmq/fill.py) in a vhost of its own.
#include "widgets/queueactiondialog.h"

#include "core/audit/auditlog.h"
#include "core/backends/rabbitmq/rabbitmqbackend.h"
#include "core/connectionurl.h"
#include "core/snapshot.h"

#include <QComboBox>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;

namespace {

const QString kVhost = QStringLiteral("qd-gui-actions");

QString env(const char *name)
{
    return qEnvironmentVariable(name);
}

std::unique_ptr<rabbitmq::RabbitMqBackend> backend(const QString &query = {})
{
    const QString url = QStringLiteral("rabbitmq+http://guest:guest@127.0.0.1:%1/%2%3").arg(env("QD_TEST_RABBIT_HTTP_PORT"), kVhost, query);
    return std::make_unique<rabbitmq::RabbitMqBackend>(ConnectionUrl::parse(url).value());
}

} // namespace

class TestQueueActionDialog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (env("QD_TEST_RABBIT_HTTP_PORT").isEmpty()) {
            if (qEnvironmentVariableIsSet("CI")) {
                QFAIL("no RabbitMQ: run through scripts/test, which starts it");
            }
            QSKIP("no RabbitMQ (QD_TEST_RABBIT_HTTP_PORT): run scripts/services start first");
        }
        QProcess fill;
        fill.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/rabbitmq/fill.py"),
                                                        env("QD_TEST_RABBIT_AMQP_PORT"), env("QD_TEST_RABBIT_HTTP_PORT"), kVhost});
        QVERIFY(fill.waitForFinished(120'000));
        QVERIFY2(fill.exitCode() == 0, fill.readAllStandardError().constData());
        // The management API's per-queue counts (what the dialogs' dry runs read) trail the queues by a statistics
        // interval or more: wait until they show the fixture, through the very call the dialogs make.
        auto b = backend();
        QTRY_VERIFY_WITH_TIMEOUT(b->purgeQueue(QStringLiteral("orders.dlq"), true).result().before == 2
                                     && b->purgeQueue(QStringLiteral("Bestellungen-ü-<b>\"x\"</b>"), true).result().before == 1
                                     && b->purgeQueue(QStringLiteral("orders"), true).result().before == 5,
                                 30'000);
        QVERIFY(m_dir.isValid());
        m_audit = std::make_unique<AuditLog>(m_dir.filePath(QStringLiteral("audit.sqlite3")));
        QCOMPARE(m_audit->open(), QString());
    }

    void moveADeadLetterQueueBack()
    {
        auto b = backend();
        QVERIFY(b->snapshot().result().ok()); // the user's tags (may it create shovels?) come with the first poll
        QTRY_VERIFY(b->capabilities().moveToQueue);
        QueueActionDialog d(QueueActionDialog::Mode::Move, b.get(), m_audit.get(), QStringLiteral("ops-anna"),
                            QStringLiteral("orders.dlq"), {QStringLiteral("orders"), QStringLiteral("orders.dlq"), QStringLiteral("idle")});
        d.show();
        QSignalSpy counted(&d, &QueueActionDialog::counted);
        QVERIFY(counted.wait(15000));
        QCOMPARE(d.messageCount(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(d.runButton()->isEnabled(), 15000); // once the sample's peek is back
        auto *target = d.findChild<QComboBox *>();
        QCOMPARE(target->count(), 3); // "where they died", orders, idle — not itself
        QSignalSpy finished(&d, &QueueActionDialog::finished);
        QTest::mouseClick(d.runButton(), Qt::LeftButton);
        QVERIFY(!d.runButton()->isEnabled()); // one click, one move
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(d.statusText()));
        QVERIFY2(d.statusText().contains(QStringLiteral("Moved 2 message(s) from orders.dlq to orders")), qPrintable(d.statusText()));
        QVERIFY(!d.runButton()->isEnabled()); // done: a second run needs a fresh count
        const auto rows = m_audit->recent(10).result();
        QVERIFY(!rows.isEmpty());
        QCOMPARE(rows.first().action, QStringLiteral("move"));
        QCOMPARE(rows.first().operatorName, QStringLiteral("ops-anna"));
        QCOMPARE(rows.first().succeeded, 2);
        QVERIFY(rows.first().filter.contains(QStringLiteral("from=orders.dlq to=orders")));
        QVERIFY(!rows.first().connection.contains(QStringLiteral("guest:guest"))); // no password in the log
    }

    void purgeWantsTheNameTyped()
    {
        auto b = backend();
        QVERIFY(b->snapshot().result().ok());
        QTRY_VERIFY(b->capabilities().purge);
        const QString queue = QStringLiteral("Bestellungen-ü-<b>\"x\"</b>");
        QueueActionDialog d(QueueActionDialog::Mode::Purge, b.get(), m_audit.get(), QStringLiteral("ops-anna"), queue, {});
        d.show();
        QSignalSpy counted(&d, &QueueActionDialog::counted);
        QVERIFY(counted.wait(15000));
        QCOMPARE(d.messageCount(), 1);
        // The blast radius beyond the count: a peeked sample's classes and age (users: no rule here).
        QTRY_VERIFY_WITH_TIMEOUT(!d.blastRadius().isEmpty(), 15'000);
        QVERIFY2(d.blastRadius().startsWith(QStringLiteral("1 job(s) of 1 class(es)")) &&
                     d.blastRadius().contains(QStringLiteral("from a sample of 1")),
                 qPrintable(d.blastRadius()));
        QVERIFY(!d.runButton()->isEnabled());
        d.setConfirmation(QStringLiteral("Bestellungen"));
        QVERIFY(!d.runButton()->isEnabled());
        d.setConfirmation(queue);
        QTRY_VERIFY_WITH_TIMEOUT(d.runButton()->isEnabled(), 15000); // once the sample's peek is back
        QSignalSpy finished(&d, &QueueActionDialog::finished);
        d.run();
        QVERIFY(finished.wait(30000));
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(d.statusText()));
        QVERIFY2(d.statusText().contains(QStringLiteral("1 message(s) deleted")), qPrintable(d.statusText()));
        QCOMPARE(m_audit->recent(1).result().first().action, QStringLiteral("purge"));
        QVERIFY(m_audit->recent(1).result().first().filter.contains(QStringLiteral("blast radius: 1 job(s)")));
    }

    void emptyQueueAndReadOnlyProfile()
    {
        auto b = backend();
        QVERIFY(b->snapshot().result().ok());
        QueueActionDialog empty(QueueActionDialog::Mode::Purge, b.get(), m_audit.get(), QStringLiteral("ops"), QStringLiteral("idle"), {});
        QSignalSpy counted(&empty, &QueueActionDialog::counted);
        QVERIFY(counted.wait(15000));
        QCOMPARE(empty.messageCount(), 0);
        empty.setConfirmation(QStringLiteral("idle"));
        QVERIFY(!empty.runButton()->isEnabled());
        QVERIFY(empty.statusText().contains(QStringLiteral("empty")));

        auto ro = backend(QStringLiteral("?readonly=1"));
        QVERIFY(ro->snapshot().result().ok());
        QVERIFY(!ro->capabilities().purge);
        QueueActionDialog refused(QueueActionDialog::Mode::Purge, ro.get(), m_audit.get(), QStringLiteral("ops"),
                                  QStringLiteral("orders"), {});
        refused.setConfirmation(QStringLiteral("orders"));
        QVERIFY(!refused.runButton()->isEnabled());
        QVERIFY2(refused.statusText().contains(QStringLiteral("read-only")), qPrintable(refused.statusText()));
    }

    void noAuditLogNoAction()
    {
        auto b = backend();
        QVERIFY(b->snapshot().result().ok());
        QueueActionDialog d(QueueActionDialog::Mode::Purge, b.get(), nullptr, QStringLiteral("ops"), QStringLiteral("orders"), {});
        QSignalSpy counted(&d, &QueueActionDialog::counted);
        QVERIFY(counted.wait(15000));
        d.setConfirmation(QStringLiteral("orders"));
        QVERIFY(!d.runButton()->isEnabled());
        QVERIFY(d.statusText().contains(QStringLiteral("audit log")));
    }

    void amqpMoveShowsProgressPerBatch() // last: it fills "idle"
    {
        auto b = backend(QStringLiteral("?move=amqp&amqp_port=") + env("QD_TEST_RABBIT_AMQP_PORT"));
        QVERIFY(b->snapshot().result().ok());
        QTRY_VERIFY(b->capabilities().moveToQueue);
        QueueActionDialog d(QueueActionDialog::Mode::Move, b.get(), m_audit.get(), QStringLiteral("ops-anna"),
                            QStringLiteral("orders"), {QStringLiteral("orders"), QStringLiteral("idle")});
        // "orders" is no dead-letter queue: until a destination is chosen there is nothing to count, and it says so.
        QTRY_VERIFY_WITH_TIMEOUT(d.statusText().contains(QStringLiteral("name the queue")), 15000);
        QVERIFY(!d.runButton()->isEnabled());
        QSignalSpy counted(&d, &QueueActionDialog::counted);
        d.setTarget(QStringLiteral("idle"));
        QVERIFY2(counted.wait(15000), qPrintable(d.statusText()));
        const qint64 n = d.messageCount();
        QVERIFY(n > 0);
        QTRY_VERIFY_WITH_TIMEOUT(d.runButton()->isEnabled(), 15000); // once the sample's peek is back
        QSignalSpy progressed(&d, &QueueActionDialog::progressed);
        QSignalSpy finished(&d, &QueueActionDialog::finished);
        d.run();
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(d.statusText()));
        QVERIFY(progressed.count() >= 1); // one batch of up to 100
        // The count before (management statistics) may trail; the AMQP path counts exactly as it starts.
        const qint64 moved = progressed.last().at(0).toLongLong();
        QVERIFY(moved >= n);
        QCOMPARE(progressed.last().at(1).toLongLong(), moved);
        QVERIFY2(d.statusText().contains(QStringLiteral("Moved %1 message(s) from orders to idle").arg(moved)), qPrintable(d.statusText()));
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<AuditLog> m_audit;
};

QTEST_MAIN(TestQueueActionDialog)
#include "tst_queueactiondialog.moc"
