// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// The outbox and the sender: idempotency, retries and resumes against a real local HTTP receiver
// (tests/core/fixtures/webhook_receiver.py), a CSV file and an application's SQLite notifications table.
#include "core/clock.h"
#include "core/recipients/channels.h"
#include "core/recipients/outbox.h"
#include "core/recipients/sender.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>

#include "tests/backends/pgtestdb.h"
#include "tests/support/webhookreceiver.h"
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;
using namespace std::chrono_literals;

namespace {

struct Receiver : test::WebhookReceiver
{
    bool start(const QString &logPath, int failFirst, int failStatus = 500)
    {
        return WebhookReceiver::start(logPath, QStringLiteral("/notify"), failFirst, failStatus);
    }
    /// What a receiver honouring Idempotency-Key delivers: the accepted requests, one per key.
    QStringList acceptedUsers(QSet<QString> *keys = nullptr) const
    {
        QStringList users;
        QSet<QString> seen;
        for (const QJsonObject &r : requests()) {
            const QString key = r.value(QStringLiteral("idempotency_key")).toString();
            if (r.value(QStringLiteral("status")).toInt() == 202 && !seen.contains(key)) {
                seen.insert(key);
                users << r.value(QStringLiteral("body")).toObject().value(QStringLiteral("user")).toString();
            }
        }
        if (keys) {
            *keys = seen;
        }
        users.sort();
        return users;
    }
};

QList<OutgoingMessage> messagesFor(const QStringList &users)
{
    QList<OutgoingMessage> out;
    for (const QString &u : users) {
        OutgoingMessage m;
        m.user = u;
        m.subject = QStringLiteral("Your print jobs are delayed");
        m.body = QStringLiteral("Hi %1,\nyour jobs waited 3 h 12 min.").arg(u);
        m.extra.insert(QStringLiteral("job_count"), 3);
        m.extra.insert(QStringLiteral("delay_s"), 11520);
        m.extra.insert(QStringLiteral("queue"), QStringLiteral("print"));
        out << m;
    }
    return out;
}

/// One sender run to the end (through `channels`, with their passwords, when given).
SendSummary drain(Outbox &outbox, const QString &incident, int maxAttempts = 5,
                  const std::function<void(Sender &)> &onMessage = {}, const QList<ChannelSpec> &channels = {})
{
    Sender sender(&outbox);
    sender.setChannels(channels);
    sender.setRetryPolicy(maxAttempts, 20ms);
    sender.setRequestTimeout(5000ms);
    SendSummary out;
    bool finished = false;
    QObject::connect(&sender, &Sender::finished, [&](const SendSummary &s) {
        out = s;
        finished = true;
    });
    if (onMessage) {
        QObject::connect(&sender, &Sender::messageDone, [&] { onMessage(sender); });
    }
    sender.start(incident);
    if (!QTest::qWaitFor([&] { return finished; }, 60000)) {
        out.error = QStringLiteral("the sender did not finish");
    }
    return out;
}

/// What a crash between "the channel confirmed" and "marked sent" leaves behind: sent, but queued in the outbox.
bool forgetSent(const QString &outboxPath, const QString &user = {})
{
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("crash"));
        db.setDatabaseName(outboxPath);
        if (db.open()) {
            QSqlQuery q(db);
            q.prepare(QStringLiteral("UPDATE outbox SET status = 'queued', sent_at = NULL WHERE status = 'sent'"
                                     " AND (? = '' OR recipient = ?)"));
            q.addBindValue(user.isNull() ? QStringLiteral("") : user);
            q.addBindValue(user.isNull() ? QStringLiteral("") : user);
            ok = q.exec() && q.numRowsAffected() > 0;
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("crash"));
    return ok;
}

QMap<QString, OutboxStatus> statusByUser(Outbox &outbox, const QString &incident)
{
    QMap<QString, OutboxStatus> out;
    for (const RecipientStatus &s : outbox.statuses(incident).result()) {
        out.insert(s.user, s.status);
    }
    return out;
}

/// Every byte of the outbox's files (the database, its WAL and shared memory): what `grep` would search.
QByteArray outboxBytes(const QString &path)
{
    QByteArray all;
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral("-journal")}) {
        QFile f(path + suffix);
        if (f.open(QIODevice::ReadOnly)) {
            all += f.readAll();
        }
    }
    return all;
}

const QStringList threeUsers = {QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3")};

} // namespace

class TestOutbox : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void idempotencyKeyIsSha256OfIncidentUserTemplate()
    {
        const QString key = Outbox::idempotencyKey(QStringLiteral("INC-7"), QStringLiteral("42"), QStringLiteral("delay"));
        QCOMPARE(key, QString::fromLatin1(QCryptographicHash::hash("INC-7\n42\ndelay", QCryptographicHash::Sha256).toHex()));
        QVERIFY(key != Outbox::idempotencyKey(QStringLiteral("INC-7"), QStringLiteral("42"), QStringLiteral("other")));
        QVERIFY(key != Outbox::idempotencyKey(QStringLiteral("INC-8"), QStringLiteral("42"), QStringLiteral("delay")));
    }

    void enqueueTwiceAddsNothing()
    {
        QTemporaryDir dir;
        Outbox outbox(dir.filePath(QStringLiteral("outbox.sqlite3")));
        QCOMPARE(outbox.open(), QString());
        const auto first = outbox.enqueue(QStringLiteral("INC-1"), QStringLiteral("delay"), QStringLiteral("csv:/tmp/x.csv"),
                                          messagesFor(threeUsers)).result();
        QCOMPARE(first.error, QString());
        QCOMPARE(first.queued, 3);
        QCOMPARE(first.skippedDuplicate, 0);
        const auto second = outbox.enqueue(QStringLiteral("INC-1"), QStringLiteral("delay"), QStringLiteral("csv:/tmp/x.csv"),
                                           messagesFor(threeUsers)).result();
        QCOMPARE(second.queued, 0);
        QCOMPARE(second.skippedDuplicate, 3);
        // Another template or incident is another message.
        const auto other = outbox.enqueue(QStringLiteral("INC-1"), QStringLiteral("apology"), QStringLiteral("csv:/tmp/x.csv"),
                                          messagesFor({QStringLiteral("1"), QStringLiteral("4")})).result();
        QCOMPARE(other.queued, 2);
        QCOMPARE(outbox.pending(100, QStringLiteral("INC-1")).result().size(), 5);
        QCOMPARE(outbox.pendingCount(QStringLiteral("INC-1")).result(), 5);
        QCOMPARE(outbox.pendingCount(QStringLiteral("INC-2")).result(), 0);
        const auto m = outbox.pending(1).result().first();
        QCOMPARE(m.user, QStringLiteral("1"));
        QCOMPARE(m.templateName, QStringLiteral("delay"));
        QCOMPARE(m.extra.value(QStringLiteral("job_count")).toInt(), 3);
        QCOMPARE(m.key, Outbox::idempotencyKey(QStringLiteral("INC-1"), QStringLiteral("1"), QStringLiteral("delay")));

        // A second Outbox on the same file (the CLI while the GUI runs) sees the same rows and the same keys.
        Outbox again(outbox.path());
        QCOMPARE(again.open(), QString());
        QCOMPARE(again.enqueue(QStringLiteral("INC-1"), QStringLiteral("delay"), QStringLiteral("csv:/tmp/x.csv"),
                               messagesFor(threeUsers)).result().skippedDuplicate, 3);
        QCOMPARE(again.statuses(QStringLiteral("INC-1")).result().size(), 5);
    }

    void sentIsNeverPendingAgain()
    {
        QTemporaryDir dir;
        ManualClock clock;
        Outbox outbox(dir.filePath(QStringLiteral("outbox.sqlite3")), &clock);
        QCOMPARE(outbox.open(), QString());
        const QStringList users = {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d")};
        outbox.enqueue(QStringLiteral("I"), QStringLiteral("t"), QStringLiteral("csv:/tmp/x.csv"), messagesFor(users)).waitForFinished();
        auto key = [](const QString &u) { return Outbox::idempotencyKey(QStringLiteral("I"), u, QStringLiteral("t")); };

        QCOMPARE(outbox.markSent(key(QStringLiteral("a"))).result(), QString());
        QCOMPARE(outbox.markFailed(key(QStringLiteral("a")), QStringLiteral("late 500")).result(), QString()); // no downgrade
        QCOMPARE(outbox.markFailed(key(QStringLiteral("b")), QStringLiteral("HTTP 503"), clock.now().addSecs(60)).result(), QString());
        QCOMPARE(outbox.markFailed(key(QStringLiteral("c")), QStringLiteral("HTTP 400")).result(), QString());
        QCOMPARE(outbox.markSkipped(key(QStringLiteral("d")), QStringLiteral("test account")).result(), QString());
        QVERIFY(outbox.pending().result().isEmpty());

        clock.advance(61'000); // b's retry time has come; the permanent failure and the sent one stay out
        const auto due = outbox.pending().result();
        QCOMPARE(due.size(), 1);
        QCOMPARE(due.first().user, QStringLiteral("b"));
        QCOMPARE(due.first().status, OutboxStatus::Failed);
        QCOMPARE(due.first().attempts, 1);
        QCOMPARE(due.first().lastError, QStringLiteral("HTTP 503"));

        const auto statuses = statusByUser(outbox, QStringLiteral("I"));
        QCOMPARE(statuses.value(QStringLiteral("a")), OutboxStatus::Sent);
        QCOMPARE(statuses.value(QStringLiteral("b")), OutboxStatus::Failed);
        QCOMPARE(statuses.value(QStringLiteral("c")), OutboxStatus::Failed);
        QCOMPARE(statuses.value(QStringLiteral("d")), OutboxStatus::Skipped);
        const auto a = outbox.message(key(QStringLiteral("a"))).result();
        QVERIFY(a.has_value());
        QCOMPARE(a->sentAt, clock.now().addSecs(-61));
        QVERIFY(!outbox.message(QStringLiteral("nope")).result().has_value());
    }

    void claimLeasesMessagesToOneSender()
    {
        QTemporaryDir dir;
        ManualClock clock;
        Outbox outbox(dir.filePath(QStringLiteral("outbox.sqlite3")), &clock);
        QCOMPARE(outbox.open(), QString());
        outbox.enqueue(QStringLiteral("I"), QStringLiteral("t"), QStringLiteral("csv:/tmp/x.csv"), messagesFor(threeUsers)).waitForFinished();
        const auto mine = outbox.claim(2, QStringLiteral("I"), 10'000).result();
        QCOMPARE(mine.size(), 2);
        const auto theirs = outbox.claim(5, QStringLiteral("I"), 10'000).result();
        QCOMPARE(theirs.size(), 1);
        QCOMPARE(theirs.first().user, QStringLiteral("3"));
        QVERIFY(outbox.claim(5, QStringLiteral("I"), 10'000).result().isEmpty());
        QCOMPARE(outbox.release(mine.first().key).result(), QString());
        QCOMPARE(outbox.pending().result().size(), 1);
        clock.advance(10'001); // a crashed sender's leases expire
        QCOMPARE(outbox.pending().result().size(), 3);
    }

    void leasesOfAGoneProcessAreTakenBackAtOnce()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("outbox.sqlite3"));
        Outbox outbox(path);
        QCOMPARE(outbox.open(), QString());
        outbox.enqueue(QStringLiteral("I"), QStringLiteral("t"), QStringLiteral("csv:/tmp/x.csv"), messagesFor(threeUsers)).waitForFinished();
        QCOMPARE(outbox.claim(2, QStringLiteral("I"), 3'600'000).result().size(), 2);
        QCOMPARE(outbox.reclaimAbandoned().result(), 0); // our own process is alive
        QCOMPARE(outbox.pending().result().size(), 1);

        // Hand one lease to a process that is gone (killed and reaped), one to a process on another machine.
        QProcess gone;
        gone.start(QStringLiteral("/bin/sleep"), {QStringLiteral("60")});
        QVERIFY(gone.waitForStarted());
        const qint64 pid = gone.processId();
        gone.kill();
        QVERIFY(gone.waitForFinished());
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("lease-owner"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("UPDATE outbox SET lease_owner = '%1/%2' WHERE recipient = '1'")
                               .arg(QSysInfo::machineHostName()).arg(pid)));
            QVERIFY(q.exec(QStringLiteral("UPDATE outbox SET lease_owner = 'elsewhere.example/%1' WHERE recipient = '2'").arg(pid)));
            QCOMPARE(q.numRowsAffected(), 1);
        }
        QSqlDatabase::removeDatabase(QStringLiteral("lease-owner"));
        QCOMPARE(outbox.reclaimAbandoned().result(), 1);
        QStringList due;
        for (const OutboxMessage &m : outbox.pending().result()) {
            due << m.user;
        }
        due.sort();
        QCOMPARE(due, (QStringList{QStringLiteral("1"), QStringLiteral("3")}));
        // claim() takes back such leases by itself too.
        QCOMPARE(outbox.claim(5, QStringLiteral("I"), 3'600'000).result().size(), 2);
    }

    void webhookEachUserOnceDespiteA500AndReruns()
    {
        QTemporaryDir dir;
        Receiver receiver;
        QVERIFY(receiver.start(dir.filePath(QStringLiteral("log.jsonl")), 1)); // the first request gets a 500
        Outbox outbox(dir.filePath(QStringLiteral("outbox.sqlite3")));
        QCOMPARE(outbox.open(), QString());
        const QString channel = QStringLiteral("webhook:") + receiver.url.toString();
        QCOMPARE(outbox.enqueue(QStringLiteral("INC-9"), QStringLiteral("delay"), channel, messagesFor(threeUsers)).result().queued, 3);

        Sender sender(&outbox);
        sender.setRetryPolicy(5, 20ms);
        QList<QPair<qint64, qint64>> progress;
        connect(&sender, &Sender::progress, this, [&](qint64 done, qint64 total) { progress.append({done, total}); });
        SendSummary summary;
        bool finished = false;
        connect(&sender, &Sender::finished, this, [&](const SendSummary &s) {
            summary = s;
            finished = true;
        });
        sender.start(QStringLiteral("INC-9"));
        QVERIFY(sender.isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(finished, 30000);
        QCOMPARE(summary.error, QString());
        QCOMPARE(summary.sent, 3);
        QCOMPARE(summary.failed, 0);
        QCOMPARE(summary.skipped, 0);
        QCOMPARE(progress.first(), (QPair<qint64, qint64>{0, 3}));
        QCOMPARE(progress.last(), (QPair<qint64, qint64>{3, 3}));

        auto requests = receiver.requests();
        QCOMPARE(requests.size(), 4);
        QCOMPARE(requests.at(0).value(QStringLiteral("status")).toInt(), 500);
        // The retry carries the same key as the failed attempt.
        QCOMPARE(requests.at(0).value(QStringLiteral("idempotency_key")), requests.at(1).value(QStringLiteral("idempotency_key")));
        QCOMPARE(receiver.acceptedUsers(), threeUsers);
        for (const QJsonObject &r : requests) {
            const QJsonObject body = r.value(QStringLiteral("body")).toObject();
            const QString user = body.value(QStringLiteral("user")).toString();
            QCOMPARE(r.value(QStringLiteral("idempotency_key")).toString(),
                     Outbox::idempotencyKey(QStringLiteral("INC-9"), user, QStringLiteral("delay")));
            QCOMPARE(body.value(QStringLiteral("idempotency_key")), r.value(QStringLiteral("idempotency_key")));
            QCOMPARE(body.value(QStringLiteral("incident")).toString(), QStringLiteral("INC-9"));
            QCOMPARE(body.value(QStringLiteral("subject")).toString(), QStringLiteral("Your print jobs are delayed"));
            QCOMPARE(body.value(QStringLiteral("job_count")).toInt(), 3);
        }
        for (const RecipientStatus &s : outbox.statuses(QStringLiteral("INC-9")).result()) {
            QCOMPARE(s.status, OutboxStatus::Sent);
        }

        // A second run over the same outbox (a double click, a restart) sends nothing.
        const SendSummary rerun = drain(outbox, QStringLiteral("INC-9"));
        QCOMPARE(rerun.error, QString());
        QCOMPARE(rerun.sent + rerun.failed + rerun.skipped, 0);
        QCOMPARE(receiver.requests().size(), 4);
        // Enqueueing the same recipients again adds nothing either.
        QCOMPARE(outbox.enqueue(QStringLiteral("INC-9"), QStringLiteral("delay"), channel, messagesFor(threeUsers))
                     .result().skippedDuplicate, 3);

        // A crash after the receiver accepted user 2's message but before it was marked sent: the resend carries
        // the same Idempotency-Key, so the receiver can drop it.
        QVERIFY(forgetSent(outbox.path(), QStringLiteral("2")));
        const SendSummary resumed = drain(outbox, QStringLiteral("INC-9"));
        QCOMPARE(resumed.sent, 1);
        requests = receiver.requests();
        QCOMPARE(requests.size(), 5);
        QSet<QString> keys;
        QCOMPARE(receiver.acceptedUsers(&keys), threeUsers);
        QCOMPARE(keys.size(), 3);
        QCOMPARE(requests.last().value(QStringLiteral("body")).toObject().value(QStringLiteral("user")).toString(), QStringLiteral("2"));
    }

    void webhook4xxIsAPermanentFailure()
    {
        QTemporaryDir dir;
        Receiver receiver;
        QVERIFY(receiver.start(dir.filePath(QStringLiteral("log.jsonl")), 1, 422));
        Outbox outbox(dir.filePath(QStringLiteral("outbox.sqlite3")));
        QCOMPARE(outbox.open(), QString());
        outbox.enqueue(QStringLiteral("I"), QStringLiteral("t"), QStringLiteral("webhook:") + receiver.url.toString(),
                       messagesFor({QStringLiteral("a"), QStringLiteral("b")})).waitForFinished();
        const SendSummary summary = drain(outbox, QStringLiteral("I"));
        QCOMPARE(summary.sent, 1);
        QCOMPARE(summary.failed, 1);
        QCOMPARE(receiver.requests().size(), 2); // the 422 was not retried
        const auto statuses = outbox.statuses(QStringLiteral("I")).result();
        QCOMPARE(statuses.at(0).status, OutboxStatus::Failed);
        QVERIFY2(statuses.at(0).lastError.contains(QStringLiteral("HTTP 422")), qPrintable(statuses.at(0).lastError));
        QCOMPARE(statuses.at(1).status, OutboxStatus::Sent);
        QCOMPARE(drain(outbox, QStringLiteral("I")).failed, 0); // and not retried by a later run either
        QCOMPARE(receiver.requests().size(), 2);
    }

    void unreachableWebhookIsRetriedThenLeftForLater()
    {
        QTemporaryDir dir;
        ManualClock clock;
        Outbox outbox(dir.filePath(QStringLiteral("outbox.sqlite3")), &clock);
        QCOMPARE(outbox.open(), QString());
        // Nothing listens on port 9: connection refused, a transient error.
        outbox.enqueue(QStringLiteral("I"), QStringLiteral("t"), QStringLiteral("webhook:http://127.0.0.1:9/"),
                       messagesFor({QStringLiteral("a")})).waitForFinished();
        const SendSummary summary = drain(outbox, QStringLiteral("I"), 3);
        QCOMPARE(summary.failed, 1);
        const auto m = outbox.message(Outbox::idempotencyKey(QStringLiteral("I"), QStringLiteral("a"), QStringLiteral("t"))).result();
        QCOMPARE(m->status, OutboxStatus::Failed);
        QCOMPARE(m->attempts, 1);
        QVERIFY2(m->lastError.contains(QStringLiteral("3 attempt")), qPrintable(m->lastError));
        QCOMPARE(m->nextAttemptAt, clock.now().addSecs(300));
        QVERIFY(outbox.pending().result().isEmpty());
        clock.advance(301'000);
        QCOMPARE(outbox.pending().result().size(), 1);
    }

    void cancelStopsAndAResumeFinishes()
    {
        QTemporaryDir dir;
        Receiver receiver;
        QVERIFY(receiver.start(dir.filePath(QStringLiteral("log.jsonl")), 0));
        Outbox outbox(dir.filePath(QStringLiteral("outbox.sqlite3")));
        QCOMPARE(outbox.open(), QString());
        const QStringList users = {QStringLiteral("u1"), QStringLiteral("u2"), QStringLiteral("u3"), QStringLiteral("u4")};
        outbox.enqueue(QStringLiteral("I"), QStringLiteral("t"), QStringLiteral("webhook:") + receiver.url.toString(),
                       messagesFor(users)).waitForFinished();
        const SendSummary cancelled = drain(outbox, QStringLiteral("I"), 5, [](Sender &s) { s.cancel(); });
        QVERIFY(cancelled.cancelled);
        QCOMPARE(cancelled.sent, 1);
        QCOMPARE(outbox.pendingCount(QStringLiteral("I")).result(), 3); // nothing left leased
        const SendSummary resumed = drain(outbox, QStringLiteral("I"));
        QCOMPARE(resumed.sent, 3);
        QCOMPARE(receiver.acceptedUsers(), users);
        QCOMPARE(receiver.requests().size(), 4);
    }

    void csvFieldsAreQuotedAndDefused()
    {
        QCOMPARE(csvField(QStringLiteral("plain")), QStringLiteral("plain"));
        QCOMPARE(csvField(QStringLiteral("a,b")), QStringLiteral("\"a,b\""));
        QCOMPARE(csvField(QStringLiteral("say \"hi\"")), QStringLiteral("\"say \"\"hi\"\"\""));
        QCOMPARE(csvField(QStringLiteral("two\nlines")), QStringLiteral("\"two\nlines\""));
        QCOMPARE(csvField(QStringLiteral("=1+1")), QStringLiteral("'=1+1"));
        QCOMPARE(csvField(QStringLiteral("+49 30 1234")), QStringLiteral("'+49 30 1234"));
        QCOMPARE(csvField(QStringLiteral("-2+3")), QStringLiteral("'-2+3"));
        QCOMPARE(csvField(QStringLiteral("@SUM(A1)")), QStringLiteral("'@SUM(A1)"));
        QCOMPARE(csvField(QStringLiteral("\t=x")), QStringLiteral("'\t=x"));
        QCOMPARE(csvField(QStringLiteral("=HYPERLINK(\"http://evil\",\"x\")")),
                 QStringLiteral("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""));
        QCOMPARE(csvField(QStringLiteral("a=b")), QStringLiteral("a=b")); // only a leading sign is a formula
        QCOMPARE(csvRecord({QStringLiteral("a"), QString(), QStringLiteral("c,d")}), QStringLiteral("a,,\"c,d\"\r\n"));
        const auto parsed = parseCsv(csvRecord({QStringLiteral("x\r\ny"), QStringLiteral("\"q\""), QString()}) +
                                     csvRecord({QStringLiteral("2")}));
        QCOMPARE(parsed.size(), 2);
        QCOMPARE(parsed.at(0), (QStringList{QStringLiteral("x\r\ny"), QStringLiteral("\"q\""), QString()}));
        QCOMPARE(parsed.at(1), QStringList{QStringLiteral("2")});
    }

    void csvChannelOneRowPerUserAcrossRunsAndCrashes()
    {
        QTemporaryDir dir;
        const QString csv = dir.filePath(QStringLiteral("affected.csv"));
        Outbox outbox(dir.filePath(QStringLiteral("outbox.sqlite3")));
        QCOMPARE(outbox.open(), QString());
        const QStringList users = {QStringLiteral("=cmd|' /C calc'!A0"), QStringLiteral("-2+3"), QStringLiteral("@SUM(1)"),
                                   QStringLiteral("Smith, \"Jo\""), QStringLiteral("42")};
        auto messages = messagesFor(users);
        messages[4].body = QStringLiteral("line 1\nline 2, with comma");
        outbox.enqueue(QStringLiteral("INC"), QStringLiteral("t"), QStringLiteral("csv:") + csv, messages).waitForFinished();
        QCOMPARE(drain(outbox, QStringLiteral("INC")).sent, 5);
        QCOMPARE(drain(outbox, QStringLiteral("INC")).sent, 0);
        QVERIFY(forgetSent(outbox.path())); // crash: every row written, none marked
        const SendSummary resumed = drain(outbox, QStringLiteral("INC"));
        QCOMPARE(resumed.sent, 0);
        QCOMPARE(resumed.skipped, 5); // the file had them: not written again

        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(f.readAll());
        const auto rows = parseCsv(text);
        QCOMPARE(rows.size(), 6);
        QCOMPARE(rows.first(), csvHeader());
        QStringList written;
        QSet<QString> keys;
        for (qsizetype i = 1; i < rows.size(); ++i) {
            QCOMPARE(rows.at(i).size(), csvHeader().size());
            keys.insert(rows.at(i).at(0));
            written << rows.at(i).at(3);
        }
        QCOMPARE(keys.size(), 5);
        QCOMPARE(written, (QStringList{QStringLiteral("'=cmd|' /C calc'!A0"), QStringLiteral("'-2+3"), QStringLiteral("'@SUM(1)"),
                                       QStringLiteral("Smith, \"Jo\""), QStringLiteral("42")}));
        QCOMPARE(rows.at(5).at(8), QStringLiteral("line 1\nline 2, with comma"));
        QCOMPARE(rows.at(5).at(4), QStringLiteral("3"));      // job_count
        QCOMPARE(rows.at(5).at(6), QStringLiteral("print"));  // queue
        QVERIFY(!text.contains(QStringLiteral("\n=")) && !text.contains(QStringLiteral(",=")));
    }

    void sqlChannelOneRowPerUserAcrossRunsAndCrashes()
    {
        QTemporaryDir dir;
        const QString app = dir.filePath(QStringLiteral("app.sqlite3"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("app"));
            db.setDatabaseName(app);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE notifications (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL,"
                                          " title TEXT NOT NULL, message TEXT NOT NULL, idempotency_key TEXT NOT NULL UNIQUE,"
                                          " read INTEGER NOT NULL DEFAULT 0, created_at TEXT DEFAULT CURRENT_TIMESTAMP)")));
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE bare (user_id TEXT, subject TEXT, body TEXT, idempotency_key TEXT)")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("app"));

        Outbox outbox(dir.filePath(QStringLiteral("outbox.sqlite3")));
        QCOMPARE(outbox.open(), QString());
        const QString channel = QStringLiteral("sql:sqlite://") + app +
                                QStringLiteral("?table=notifications&subject_col=title&body_col=message");
        outbox.enqueue(QStringLiteral("INC"), QStringLiteral("t"), channel, messagesFor(threeUsers)).waitForFinished();
        const SendSummary first = drain(outbox, QStringLiteral("INC"));
        QCOMPARE(first.error, QString());
        QCOMPARE(first.sent, 3);
        QCOMPARE(drain(outbox, QStringLiteral("INC")).sent, 0);
        QVERIFY(forgetSent(outbox.path())); // crash between INSERT and mark
        const SendSummary resumed = drain(outbox, QStringLiteral("INC"));
        QCOMPARE(resumed.sent, 0);
        QCOMPARE(resumed.skipped, 3); // ON CONFLICT DO NOTHING
        for (const RecipientStatus &s : outbox.statuses(QStringLiteral("INC")).result()) {
            QCOMPARE(s.status, OutboxStatus::Sent);
        }

        // Without a UNIQUE index on the key column the insert is refused, with a reason that says what to add.
        outbox.enqueue(QStringLiteral("INC-B"), QStringLiteral("t"), QStringLiteral("sql:sqlite://") + app + QStringLiteral("?table=bare"),
                       messagesFor({QStringLiteral("9")})).waitForFinished();
        const SendSummary bare = drain(outbox, QStringLiteral("INC-B"));
        QCOMPARE(bare.failed, 1);
        const auto status = outbox.statuses(QStringLiteral("INC-B")).result().first();
        QVERIFY2(status.lastError.contains(QStringLiteral("UNIQUE")), qPrintable(status.lastError));

        QMap<QString, int> rows;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("app"));
            db.setDatabaseName(app);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT user_id, title, message FROM notifications")));
            while (q.next()) {
                ++rows[q.value(0).toString()];
                QCOMPARE(q.value(1).toString(), QStringLiteral("Your print jobs are delayed"));
                QVERIFY(q.value(2).toString().startsWith(QStringLiteral("Hi ")));
            }
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM bare")) && q.next());
            QCOMPARE(q.value(0).toInt(), 0);
        }
        QSqlDatabase::removeDatabase(QStringLiteral("app"));
        QCOMPARE(rows, (QMap<QString, int>{{QStringLiteral("1"), 1}, {QStringLiteral("2"), 1}, {QStringLiteral("3"), 1}}));
    }

    void sqlChannelIntoPostgres()
    {
        if (!test::pgAvailable()) {
            if (test::inCi()) {
                QFAIL("CI runs scripts/services: PostgreSQL must be there");
            }
            QSKIP("no PostgreSQL (run through scripts/test)");
        }
        const auto pg = test::freshPgDatabase(QStringLiteral("qd_outbox_"));
        QVERIFY(pg);
        QCOMPARE(test::pgAdminExec(QStringLiteral("CREATE TABLE app_notifications (id bigserial PRIMARY KEY, user_id text NOT NULL,"
                                                  " subject text NOT NULL, body text NOT NULL, idempotency_key text NOT NULL UNIQUE,"
                                                  " created_at timestamptz DEFAULT now())"),
                                   pg->name),
                 QString());
        QTemporaryDir dir;
        Outbox outbox(dir.filePath(QStringLiteral("outbox.sqlite3")));
        QCOMPARE(outbox.open(), QString());
        const QString channel = QStringLiteral("sql:postgresql://%1@%2:%3/%4?table=app_notifications")
                                    .arg(pg->user, pg->host, pg->port, pg->name);
        outbox.enqueue(QStringLiteral("INC-PG"), QStringLiteral("t"), channel, messagesFor(threeUsers)).waitForFinished();
        const SendSummary first = drain(outbox, QStringLiteral("INC-PG"));
        QCOMPARE(first.error, QString());
        QCOMPARE(first.sent, 3);
        QVERIFY(forgetSent(outbox.path())); // crash between INSERT and mark
        const SendSummary resumed = drain(outbox, QStringLiteral("INC-PG"));
        QCOMPARE(resumed.sent, 0);
        QCOMPARE(resumed.skipped, 3); // ON CONFLICT DO NOTHING on the application's own table
        int rows = -1;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("app-pg"));
            db.setHostName(pg->host);
            db.setPort(pg->port.toInt());
            db.setUserName(pg->user);
            db.setDatabaseName(pg->name);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT COUNT(DISTINCT user_id), COUNT(*) FROM app_notifications")) && q.next());
            QCOMPARE(q.value(0).toInt(), 3);
            rows = q.value(1).toInt();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("app-pg"));
        QCOMPARE(rows, 3);
    }

    void missingApplicationDatabaseIsNotCreated()
    {
        QTemporaryDir dir;
        const QString app = dir.filePath(QStringLiteral("typo.sqlite3"));
        Outbox outbox(dir.filePath(QStringLiteral("outbox.sqlite3")));
        QCOMPARE(outbox.open(), QString());
        outbox.enqueue(QStringLiteral("I"), QStringLiteral("t"), QStringLiteral("sql:sqlite://") + app,
                       messagesFor({QStringLiteral("1")})).waitForFinished();
        QCOMPARE(drain(outbox, QStringLiteral("I"), 2).failed, 1);
        QVERIFY(!QFile::exists(app));
    }

    void channelSpecs_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("error"); // empty: valid
        QTest::newRow("webhook") << QStringLiteral("webhook:https://support.example.com/hooks/notify") << QString();
        QTest::newRow("webhook ftp") << QStringLiteral("webhook:ftp://x/") << QStringLiteral("http(s)");
        QTest::newRow("csv") << QStringLiteral("csv:/tmp/a.csv") << QString();
        QTest::newRow("csv relative") << QStringLiteral("csv:a.csv") << QStringLiteral("absolute");
        QTest::newRow("sqlite") << QStringLiteral("sql:sqlite:///var/app/db.sqlite3?table=app.notifications") << QString();
        QTest::newRow("sqlite relative") << QStringLiteral("sql:sqlite://db.sqlite3") << QStringLiteral("absolute path");
        QTest::newRow("postgres") << QStringLiteral("sql:postgresql://app@db:5433/app?user_col=account_id") << QString();
        QTest::newRow("postgres no db") << QStringLiteral("sql:postgresql://app@db:5433/") << QStringLiteral("dbname");
        QTest::newRow("mysql") << QStringLiteral("sql:mysql://x/y") << QStringLiteral("sqlite://");
        QTest::newRow("injected table") << QStringLiteral("sql:sqlite:///d.db?table=n%3BDROP%20TABLE%20users")
                                        << QStringLiteral("table name");
        QTest::newRow("injected column") << QStringLiteral("sql:sqlite:///d.db?body_col=body%22)%2C(1") << QStringLiteral("column name");
        QTest::newRow("unencoded junk") << QStringLiteral("sql:sqlite:///d.db?table=n;DROP TABLE users") << QStringLiteral("invalid");
        QTest::newRow("unknown option") << QStringLiteral("sql:sqlite:///d.db?tabel=x") << QStringLiteral("tabel");
        QTest::newRow("nothing") << QStringLiteral("smtp:mail") << QStringLiteral("webhook:URL");
    }
    void channelSpecs()
    {
        QFETCH(QString, spec);
        QFETCH(QString, error);
        const auto c = ChannelSpec::parse(spec);
        if (error.isEmpty()) {
            QVERIFY2(c.ok(), qPrintable(c.error()));
        } else {
            QVERIFY(!c.ok());
            QVERIFY2(c.error().contains(error), qPrintable(c.error()));
        }
    }

    void sqlTargetDetails()
    {
        const auto c = ChannelSpec::parse(QStringLiteral("sql:postgresql://app:s3cret@db.internal:5433/shop?table=public.notifications"));
        QVERIFY2(c.ok(), qPrintable(c.error()));
        QCOMPARE(c->sql.driver, QStringLiteral("QPSQL"));
        QCOMPARE(c->sql.host, QStringLiteral("db.internal"));
        QCOMPARE(c->sql.port, 5433);
        QCOMPARE(c->sql.database, QStringLiteral("shop"));
        QCOMPARE(c->sql.password, QStringLiteral("s3cret"));
        QVERIFY2(!c->displayString().contains(QStringLiteral("s3cret")), qPrintable(c->displayString()));
        QCOMPARE(c->sql.insertStatement(),
                 QStringLiteral("INSERT INTO \"public\".\"notifications\" (\"user_id\", \"subject\", \"body\", \"idempotency_key\")"
                                " VALUES (?, ?, ?, ?) ON CONFLICT (\"idempotency_key\") DO NOTHING"));
    }

    void channelPasswordsAreCutFromStoredSpecs_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("stored");
        QTest::newRow("webhook") << QStringLiteral("webhook:https://notifier:pa:ss@hooks.example.com/notify?x=1")
                                 << QStringLiteral("webhook:https://notifier@hooks.example.com/notify?x=1");
        QTest::newRow("postgres") << QStringLiteral("sql:postgresql://notifier:s3cret@db:5432/app?table=n")
                                  << QStringLiteral("sql:postgresql://notifier@db:5432/app?table=n");
        QTest::newRow("no password") << QStringLiteral("sql:postgresql://notifier@db/app") << QStringLiteral("sql:postgresql://notifier@db/app");
        QTest::newRow("@ in the path") << QStringLiteral("webhook:https://h.example.com/u:x@y") << QStringLiteral("webhook:https://h.example.com/u:x@y");
        QTest::newRow("csv") << QStringLiteral("csv:/tmp/a:b@c.csv") << QStringLiteral("csv:/tmp/a:b@c.csv");
        QTest::newRow("not a channel") << QStringLiteral("smtp://mailer:hunter2@mail") << QStringLiteral("smtp://mailer@mail");
    }
    void channelPasswordsAreCutFromStoredSpecs()
    {
        QFETCH(QString, spec);
        QFETCH(QString, stored);
        QCOMPARE(ChannelSpec::withoutSecrets(spec), stored);
        if (const auto c = ChannelSpec::parse(spec)) {
            QCOMPARE(c->storedString(), stored);
        } else {
            QVERIFY2(!c.error().contains(u"hunter2"), qPrintable(c.error())); // a typo never echoes the password
        }
    }

    void theOutboxFileHoldsNoChannelPassword()
    {
        // A webhook with Basic credentials: the messages are sent with them, but the file never holds them.
        QTemporaryDir dir;
        Receiver receiver;
        QVERIFY(receiver.start(dir.filePath(QStringLiteral("log.jsonl")), 0));
        QUrl hook = receiver.url;
        hook.setUserName(QStringLiteral("notifier"));
        hook.setPassword(QStringLiteral("Pa55-at-rest"));
        const QString spec = QStringLiteral("webhook:") + hook.toString();
        const auto channel = ChannelSpec::parse(spec);
        QVERIFY2(channel, qPrintable(channel.error()));
        const QString path = dir.filePath(QStringLiteral("outbox.sqlite3"));
        {
            Outbox outbox(path);
            QCOMPARE(outbox.open(), QString());
            QCOMPARE(outbox.enqueue(QStringLiteral("INC-7"), QStringLiteral("t"), spec, messagesFor(threeUsers)).result().queued, 3);
            QVERIFY(!outboxBytes(path).contains("Pa55-at-rest"));
            // A run that does not give the channel again cannot send: the messages stay due, and say why.
            const SendSummary without = drain(outbox, QStringLiteral("INC-7"));
            QCOMPARE(without.failed, 3);
            QVERIFY(receiver.requests().isEmpty());
            const auto waiting = outbox.statuses(QStringLiteral("INC-7")).result();
            QVERIFY2(waiting.first().lastError.contains(u"does not keep the password"), qPrintable(waiting.first().lastError));
            QVERIFY(!waiting.first().lastError.contains(u"Pa55"));
            // Given again, they go, with the credentials.
            const SendSummary with = drain(outbox, QStringLiteral("INC-7"), 5, {}, {channel.value()});
            QCOMPARE(with.sent, 3);
        }
        QCOMPARE(receiver.acceptedUsers(), threeUsers);
        const QByteArray basic = "Basic " + QByteArray("notifier:Pa55-at-rest").toBase64();
        QCOMPARE(receiver.requests().first().value(QStringLiteral("authorization")).toString().toLatin1(), basic);
        QVERIFY(!outboxBytes(path).contains("Pa55-at-rest"));
    }

    void oldOutboxesLoseTheirStoredPasswordsOnOpen()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("outbox.sqlite3"));
        {
            Outbox outbox(path);
            QCOMPARE(outbox.open(), QString());
            outbox.enqueue(QStringLiteral("OLD"), QStringLiteral("t"), QStringLiteral("csv:/tmp/x.csv"), messagesFor(threeUsers)).waitForFinished();
        }
        // What an outbox written by an earlier version holds: the channel as typed, password and all.
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("old"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("UPDATE outbox SET channel = 'sql:postgresql://notifier:0ld-s3cret@db/app'")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("old"));
        QVERIFY(outboxBytes(path).contains("0ld-s3cret"));
        {
            Outbox outbox(path);
            QCOMPARE(outbox.open(), QString());
            const auto statuses = outbox.statuses(QStringLiteral("OLD")).result();
            QCOMPARE(statuses.size(), 3);
            QCOMPARE(statuses.first().channel, QStringLiteral("sql:postgresql://notifier@db/app"));
        }
        QVERIFY2(!outboxBytes(path).contains("0ld-s3cret"), "the old password is still in the outbox's files");
    }

    void aNewCsvChannelFileIsTheOwnersOnly()
    {
        QTemporaryDir dir;
        Outbox outbox(dir.filePath(QStringLiteral("outbox.sqlite3")));
        QCOMPARE(outbox.open(), QString());
        const QString csv = dir.filePath(QStringLiteral("affected.csv"));
        outbox.enqueue(QStringLiteral("I"), QStringLiteral("t"), QStringLiteral("csv:") + csv, messagesFor(threeUsers)).waitForFinished();
        QCOMPARE(drain(outbox, QStringLiteral("I")).sent, 3);
        QCOMPARE(QFile::permissions(csv) & (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::WriteOther),
                 QFileDevice::Permissions());
    }

    void badChannelFailsTheMessageNotTheRun()
    {
        QTemporaryDir dir;
        Outbox outbox(dir.filePath(QStringLiteral("outbox.sqlite3")));
        QCOMPARE(outbox.open(), QString());
        outbox.enqueue(QStringLiteral("I"), QStringLiteral("t"), QStringLiteral("pigeon:coop"), messagesFor({QStringLiteral("a")})).waitForFinished();
        outbox.enqueue(QStringLiteral("I"), QStringLiteral("t2"), QStringLiteral("csv:") + dir.filePath(QStringLiteral("x.csv")),
                       messagesFor({QStringLiteral("a")})).waitForFinished();
        const SendSummary s = drain(outbox, QStringLiteral("I"));
        QCOMPARE(s.failed, 1);
        QCOMPARE(s.sent, 1);
    }
};

QTEST_GUILESS_MAIN(TestOutbox)
#include "tst_outbox.moc"
