// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// queuedeckctl on the Redis family, as an operator or Nagios runs it: Sidekiq data written by the real gem,
// snapshot JSON, check, and an audited bulk retry; Celery's unknown workers in JSON; RQ and Celery job listings
// and actions.
#include "tests/backends/redistestserver.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

namespace {

constexpr int kDb = 9; // and 10; every test executable has its own databases (see redistestserver.h)
const QString kFixtures = QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/");

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

} // namespace

class TestQueuedeckCtlRedis : public QObject
{
    Q_OBJECT
private:
    qd::test::SharedRedis m_redis;
    QTemporaryDir m_dir;

    QString audit() const { return m_dir.filePath(QStringLiteral("audit.sqlite3")); }
    Run ctl(const QStringList &args)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QD_AUDIT_DB"), audit());
        env.insert(QStringLiteral("USER"), QStringLiteral("ops-tester"));
        p.setProcessEnvironment(env);
        p.start(qEnvironmentVariable("QD_CTL"), args);
        Run r;
        if (p.waitForFinished(60'000)) {
            r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        }
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_redis = qd::test::sharedRedis();
        QVERIFY(qd::test::runFixture(QStringLiteral("ruby"), {kFixtures + QStringLiteral("sidekiq/fill.rb"),
                                                              m_redis.plainUrl(kDb), QStringLiteral("25")})
                    .isEmpty());
    }

    void searchFindsAJobDeepInABigLiveQueue()
    {
        // 35,000 waiting jobs written by Sidekiq's client, the one to find pushed last (so scanned last, oldest
        // first), and a scan budget so small that most pages come back empty with a cursor: "not reached yet".
        constexpr int db = 30;
        QVERIFY(qd::test::runFixture(
                    QStringLiteral("ruby"),
                    {QStringLiteral("-e"),
                     QStringLiteral("require 'sidekiq'; Sidekiq.configure_client { |c| c.redis = { url: ARGV[0] } };"
                                    " Sidekiq.logger.level = Logger::WARN; Sidekiq.redis(&:flushdb);"
                                    " 35.times { |b| Sidekiq::Client.push_bulk('class' => 'PrintJob', 'queue' => 'default',"
                                    " 'args' => Array.new(1000) { |i| [b * 1000 + i] }) };"
                                    " Sidekiq::Client.push('class' => 'OnErrorJob', 'queue' => 'default', 'args' => ['onerror'])"),
                     m_redis.plainUrl(db)},
                    120'000)
                    .isEmpty());
        const QString url = m_redis.url(QStringLiteral("sidekiq"), db, QStringLiteral("?scan_budget_ms=0.05"));
        const QStringList search{QStringLiteral("jobs"), url, QStringLiteral("--queue"), QStringLiteral("default"),
                                 QStringLiteral("--state"), QStringLiteral("waiting"), QStringLiteral("--search"),
                                 QStringLiteral("onerror")};
        const Run text = ctl(search);
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains("OnErrorJob") && !text.out.contains("(more"), text.out.constData());
        const Run json = ctl(search + QStringList{QStringLiteral("--json")});
        QCOMPARE(json.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(json.out).array().size(), 1);
        for (const QString &format : {QStringLiteral("csv"), QStringLiteral("jsonl")}) {
            const Run streamed = ctl(search + QStringList{QStringLiteral("--format"), format, QStringLiteral("--all")});
            QCOMPARE(streamed.exitCode, 0);
            QVERIFY2(streamed.out.contains("OnErrorJob"), qPrintable(format));
        }
        // An identifier carrying terminal escapes (a queue name is part of a Sidekiq job id) is printed inert.
        qd::test::redisCli(m_redis.host, m_redis.port, db,
                           {QStringLiteral("LPUSH"), QStringLiteral("queue:evil\x1b]0;owned\x07"),
                            QStringLiteral("{\"class\":\"X\",\"args\":[],\"jid\":\"j1\",\"queue\":\"evil\",\"enqueued_at\":1}")});
        const Run evil = ctl({QStringLiteral("jobs"), url, QStringLiteral("--queue"), QStringLiteral("evil\x1b]0;owned\x07"),
                              QStringLiteral("--state"), QStringLiteral("waiting")});
        QCOMPARE(evil.exitCode, 0);
        QVERIFY2(evil.out.contains("j1") && !evil.out.contains('\x1b') && !evil.out.contains('\x07'), evil.out.constData());
        // A listing cut by --limit says so; one that reached the end does not.
        const Run limited = ctl({QStringLiteral("jobs"), url, QStringLiteral("--queue"), QStringLiteral("default"),
                                 QStringLiteral("--state"), QStringLiteral("waiting"), QStringLiteral("--limit"),
                                 QStringLiteral("3")});
        QCOMPARE(limited.exitCode, 0);
        QCOMPARE(limited.out.count('\n'), 4);
        QVERIFY2(limited.out.contains("(more: raise --limit"), limited.out.constData());
    }

    void sidekiqSnapshotJson()
    {
        const Run r = ctl({QStringLiteral("snapshot"), m_redis.url(QStringLiteral("sidekiq"), kDb), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject root = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(root.value(u"backend").toString(), QStringLiteral("sidekiq"));
        QCOMPARE(root.value(u"totals").toObject().value(u"processed").toInteger(), 1234);
        QCOMPARE(root.value(u"totals").toObject().value(u"processed_today").toInteger(), 17);
        bool sawDefault = false;
        for (const QJsonValue &v : root.value(u"queues").toArray()) {
            const QJsonObject q = v.toObject();
            if (q.value(u"name").toString() == u"default") {
                sawDefault = true;
                QCOMPARE(q.value(u"depth").toInteger(), 25);
                QCOMPARE(q.value(u"failed").toInteger(), 3);
                QVERIFY(q.value(u"oldest_age_s").toDouble() >= 119);
            }
        }
        QVERIFY(sawDefault);
        QVERIFY(root.value(u"workers_known").toBool());
    }

    void checkNamesTheOldQueue()
    {
        const Run r = ctl({QStringLiteral("check"), m_redis.url(QStringLiteral("sidekiq"), kDb), QStringLiteral("--max-latency"),
                           QStringLiteral("60")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.out.contains("default"), r.out.constData());
    }

    void bulkRetryIsAuditedAndExactlyOnce()
    {
        const QString url = m_redis.url(QStringLiteral("sidekiq"), kDb);
        const QStringList bulk{QStringLiteral("retry"), url, QStringLiteral("--all"), QStringLiteral("--queue"),
                               QStringLiteral("mail"), QStringLiteral("--state"), QStringLiteral("failed")};
        const Run dry = ctl(bulk + QStringList{QStringLiteral("--dry-run"), QStringLiteral("--user-field"), QStringLiteral("arg:1")});
        QCOMPARE(dry.exitCode, 0);
        QVERIFY2(dry.out.contains("would retry 2 job(s)"), dry.out.constData());
        // The blast radius, users included, in the words the GUI and the audit log use.
        QVERIFY2(dry.out.contains("blast radius: 2 job(s) of 1 class(es), belonging to 2 user(s) by arg:1, oldest waiting 10 "),
                 dry.out.constData());
        QCOMPARE(ctl(bulk + QStringList{QStringLiteral("--dry-run"), QStringLiteral("--user-field"), QStringLiteral("re:(")}).exitCode, 2);
        const Run done = ctl(bulk + QStringList{QStringLiteral("--yes")});
        QCOMPARE(done.exitCode, 0);
        QVERIFY2(done.out.contains("retried 2 job(s)"), done.out.constData());
        QCOMPARE(qd::test::redisCli(m_redis.host, m_redis.port, kDb, {QStringLiteral("ZCARD"), QStringLiteral("retry")}),
                 QStringLiteral("3"));
        QCOMPARE(qd::test::redisCli(m_redis.host, m_redis.port, kDb, {QStringLiteral("LLEN"), QStringLiteral("queue:mail")}),
                 QStringLiteral("5"));
        const QString id = QString::fromUtf8(done.out).section(QStringLiteral(": "), 1).section(u',', 0, 0).trimmed();
        const Run again = ctl({QStringLiteral("retry"), url, QStringLiteral("--job"), id});
        QVERIFY2(again.out.contains("skipped 1 job(s) no longer failed"), again.out.constData());
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("audit"));
            db.setDatabaseName(audit());
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT operator, action, succeeded, skipped, connection FROM audit ORDER BY id")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("ops-tester"));
            QCOMPARE(q.value(2).toInt(), 2);
            QVERIFY(q.value(4).toString().startsWith(u"sidekiq+redis://"));
            QVERIFY(q.next());
            QCOMPARE(q.value(3).toInt(), 1);
        }
        QSqlDatabase::removeDatabase(QStringLiteral("audit"));
    }

    void bullmqJobsRetryAndCancel()
    {
        const int db = kDb + 3;
        const QJsonObject fill = QJsonDocument::fromJson(qd::test::runFixture(QStringLiteral("node"),
                                                                              {kFixtures + QStringLiteral("redis/bullmq_actions.mjs"),
                                                                               QStringLiteral("fill"), m_redis.plainUrl(db)}))
                                     .object();
        QCOMPARE(fill.value(u"failed").toArray().size(), 13);
        const QString url = m_redis.url(QStringLiteral("bullmq"), db);
        const auto redis = [&](const QStringList &args) { return qd::test::redisCli(m_redis.host, m_redis.port, db, args); };
        const Run listed = ctl({QStringLiteral("jobs"), url, QStringLiteral("--queue"), QStringLiteral("render"),
                                QStringLiteral("--state"), QStringLiteral("failed"), QStringLiteral("--limit"),
                                QStringLiteral("20"), QStringLiteral("--json")});
        QCOMPARE(listed.exitCode, 0);
        const QJsonArray jobs = QJsonDocument::fromJson(listed.out).array();
        QCOMPARE(jobs.size(), 13);
        QCOMPARE(jobs.at(0).toObject().value(u"state").toString(), QStringLiteral("failed"));
        const Run human = ctl({QStringLiteral("jobs"), url, QStringLiteral("--queue"), QStringLiteral("render"),
                               QStringLiteral("--state"), QStringLiteral("completed")});
        QCOMPARE(human.exitCode, 0);
        QVERIFY2(human.out.startsWith("render:14  render  completed"), human.out.constData());

        const QStringList retry{QStringLiteral("retry"), url, QStringLiteral("--job"), QStringLiteral("render:4"),
                                QStringLiteral("--job"), QStringLiteral("render:16")};
        const Run dry = ctl(retry + QStringList{QStringLiteral("--dry-run")});
        QCOMPARE(dry.exitCode, 0);
        QVERIFY2(dry.out.contains("would retry 1 job(s): render:4"), dry.out.constData());
        QCOMPARE(redis({QStringLiteral("ZCARD"), QStringLiteral("bull:render:failed")}), QStringLiteral("13"));
        const Run done = ctl(retry);
        QVERIFY2(done.out.contains("retried 1 job(s): render:4"), done.out.constData());
        QVERIFY2(done.out.contains("skipped 1 job(s) no longer failed"), done.out.constData());
        QCOMPARE(redis({QStringLiteral("ZCARD"), QStringLiteral("bull:render:failed")}), QStringLiteral("12"));
        QCOMPARE(redis({QStringLiteral("LINDEX"), QStringLiteral("bull:render:wait"), QStringLiteral("0")}), QStringLiteral("4"));

        const Run cancel = ctl({QStringLiteral("cancel"), url, QStringLiteral("--all"), QStringLiteral("--queue"),
                                QStringLiteral("render"), QStringLiteral("--state"), QStringLiteral("waiting"),
                                QStringLiteral("--yes")});
        QCOMPARE(cancel.exitCode, 0);
        QVERIFY2(cancel.out.contains("cancelled 4 job(s)"), cancel.out.constData());
        QCOMPARE(redis({QStringLiteral("EXISTS"), QStringLiteral("bull:render:wait"), QStringLiteral("bull:render:4")}),
                 QStringLiteral("0"));
    }

    void celeryWorkersAreUnknownNotZero()
    {
        QVERIFY(!qd::test::runFixture(QStringLiteral("/usr/bin/python3"),
                                      {kFixtures + QStringLiteral("redis/fill_celery.py"), m_redis.plainUrl(kDb + 1)})
                     .isEmpty());
        const Run r = ctl({QStringLiteral("snapshot"), m_redis.url(QStringLiteral("celery"), kDb + 1), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject root = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(root.value(u"workers_known").toBool(true), false);
        QVERIFY(root.value(u"workers").toArray().isEmpty());
        const Run human = ctl({QStringLiteral("snapshot"), m_redis.url(QStringLiteral("celery"), kDb + 1)});
        QVERIFY2(!human.out.contains("Workers: 0 busy"), human.out.constData());
    }

    void rqJobsRetryAndCancel()
    {
        // RQ jobs failed by a real `rq worker --burst` (db 13), listed, retried and deleted through queuedeckctl.
        constexpr int rqDb = 13;
        QTemporaryDir markers;
        QVERIFY(!qd::test::runFixture(QStringLiteral("/usr/bin/python3"),
                                      {kFixtures + QStringLiteral("redis/rq_actions.py"), QStringLiteral("fill"),
                                       m_redis.plainUrl(rqDb), markers.path(), QStringLiteral("3")})
                     .isEmpty());
        QProcess worker;
        worker.setWorkingDirectory(kFixtures + QStringLiteral("redis"));
        worker.setStandardErrorFile(QProcess::nullDevice());
        worker.start(QStringLiteral("/usr/bin/rq"), {QStringLiteral("worker"), QStringLiteral("--burst"), QStringLiteral("--url"),
                                                     m_redis.plainUrl(rqDb), QStringLiteral("--path"),
                                                     kFixtures + QStringLiteral("redis"), QStringLiteral("rerun")});
        QVERIFY(worker.waitForFinished(60'000) && worker.exitCode() == 0);

        const QString url = m_redis.url(QStringLiteral("rq"), rqDb);
        const Run list = ctl({QStringLiteral("jobs"), url, QStringLiteral("--queue"), QStringLiteral("rerun"), QStringLiteral("--state"),
                              QStringLiteral("failed"), QStringLiteral("--json")});
        QCOMPARE(list.exitCode, 0);
        const QJsonArray rows = QJsonDocument::fromJson(list.out).array();
        QCOMPARE(rows.size(), 4);
        QStringList listed;
        for (const QJsonValue &row : rows) {
            listed << row.toObject().value(u"id").toString();
            QCOMPARE(row.toObject().value(u"class").toString(), QStringLiteral("rqjobs.flaky"));
        }
        listed.sort();
        QCOMPARE(listed, (QStringList{QStringLiteral("hostile"), QStringLiteral("rerun-01"), QStringLiteral("rerun-02"),
                                      QStringLiteral("rerun-03")}));

        const Run retry = ctl({QStringLiteral("retry"), url, QStringLiteral("--job"), QStringLiteral("rerun-01")});
        QCOMPARE(retry.exitCode, 0);
        QVERIFY2(retry.out.contains("retried 1 job(s): rerun-01"), retry.out.constData());
        const Run again = ctl({QStringLiteral("retry"), url, QStringLiteral("--job"), QStringLiteral("rerun-01")});
        QVERIFY2(again.out.contains("skipped 1 job(s) no longer failed"), again.out.constData());
        const Run cancel = ctl({QStringLiteral("cancel"), url, QStringLiteral("--job"), QStringLiteral("rerun-02"),
                                QStringLiteral("--state"), QStringLiteral("failed")});
        QCOMPARE(cancel.exitCode, 0);
        QCOMPARE(qd::test::redisCli(m_redis.host, m_redis.port, rqDb, {QStringLiteral("ZCARD"), QStringLiteral("rq:failed:rerun")}),
                 QStringLiteral("2"));
        QCOMPARE(qd::test::redisCli(m_redis.host, m_redis.port, rqDb, {QStringLiteral("LRANGE"), QStringLiteral("rq:queue:rerun"),
                                                                       QStringLiteral("0"), QStringLiteral("-1")}),
                 QStringLiteral("rerun-01"));

        // Celery on Redis: waiting messages listed and deleted; a retry is refused with the reason.
        QVERIFY(!qd::test::runFixture(QStringLiteral("/usr/bin/python3"),
                                      {kFixtures + QStringLiteral("redis/fill_celery.py"), m_redis.plainUrl(rqDb)})
                     .isEmpty());
        const QString celery = m_redis.url(QStringLiteral("celery"), rqDb);
        const Run waiting = ctl({QStringLiteral("jobs"), celery, QStringLiteral("--queue"), QStringLiteral("emails"),
                                 QStringLiteral("--state"), QStringLiteral("waiting")});
        QCOMPARE(waiting.exitCode, 0);
        QVERIFY2(waiting.out.startsWith("emails:emails-1  tasks.send_email"), waiting.out.constData());
        const Run del = ctl({QStringLiteral("cancel"), celery, QStringLiteral("--job"), QStringLiteral("emails:emails-1"),
                             QStringLiteral("--state"), QStringLiteral("waiting")});
        QCOMPARE(del.exitCode, 0);
        QCOMPARE(qd::test::redisCli(m_redis.host, m_redis.port, rqDb, {QStringLiteral("LLEN"), QStringLiteral("emails")}),
                 QStringLiteral("3"));
        const Run refused = ctl({QStringLiteral("retry"), celery, QStringLiteral("--job"), QStringLiteral("emails:emails-2"),
                                 QStringLiteral("--state"), QStringLiteral("waiting")});
        QVERIFY(refused.exitCode != 0);
    }

    void workersQuietAndStop()
    {
        const QString url = m_redis.url(QStringLiteral("sidekiq"), kDb);
        auto cli = [&](const QStringList &args) { return qd::test::redisCli(m_redis.host, m_redis.port, kDb, args); };
        // A live process as Sidekiq 6.4's heartbeat writes it (the real process is in tst_sidekiq_actions).
        const QString now = QString::number(double(QDateTime::currentMSecsSinceEpoch()) / 1000.0, 'f', 3);
        cli({QStringLiteral("SADD"), QStringLiteral("processes"), QStringLiteral("web1:4121:5f0c")});
        cli({QStringLiteral("HSET"), QStringLiteral("web1:4121:5f0c"), QStringLiteral("info"),
             QStringLiteral(R"({"hostname":"web1","pid":4121,"queues":["default","mail"]})"), QStringLiteral("busy"),
             QStringLiteral("0"), QStringLiteral("beat"), now, QStringLiteral("quiet"), QStringLiteral("false")});
        const Run list = ctl({QStringLiteral("workers"), url});
        QCOMPARE(list.exitCode, 0);
        QVERIFY2(list.out.contains("WORKER") && list.out.contains("web1:4121:5f0c") && list.out.contains("default,mail"),
                 list.out.constData());
        const Run json = ctl({QStringLiteral("workers"), url, QStringLiteral("--json")});
        const QJsonArray workers = QJsonDocument::fromJson(json.out).object().value(u"workers").toArray();
        QCOMPARE(workers.size(), 1);
        QCOMPARE(workers.at(0).toObject().value(u"quiet").toBool(true), false);

        const Run quiet = ctl({QStringLiteral("quiet"), url, QStringLiteral("--worker"), QStringLiteral("web1:4121:5f0c")});
        QCOMPARE(quiet.exitCode, 0);
        QVERIFY2(quiet.out.contains("told web1:4121:5f0c to take no new jobs"), quiet.out.constData());
        QCOMPARE(cli({QStringLiteral("LRANGE"), QStringLiteral("web1:4121:5f0c-signals"), QStringLiteral("0"), QStringLiteral("-1")}),
                 QStringLiteral("TSTP")); // what Sidekiq::Process#quiet! pushes
        const Run nobody = ctl({QStringLiteral("stop"), url, QStringLiteral("--worker"), QStringLiteral("web9:1:x")});
        QCOMPARE(nobody.exitCode, 1);
        QVERIFY2(nobody.err.contains("No Sidekiq process web9:1:x is registered"), nobody.err.constData());
        QCOMPARE(ctl({QStringLiteral("stop"), url}).exitCode, 2); // --worker is required
        const Run rqQuiet = ctl({QStringLiteral("quiet"), m_redis.url(QStringLiteral("rq"), kDb), QStringLiteral("--worker"),
                                 QStringLiteral("w")});
        QCOMPARE(rqQuiet.exitCode, 1);
        QVERIFY2(rqQuiet.err.contains("RQ workers cannot be quieted"), rqQuiet.err.constData());
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("audit-w"));
            db.setDatabaseName(audit());
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT action, filter, succeeded, result FROM audit WHERE action IN ('quiet', 'stop') "
                                          "ORDER BY id")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("quiet"));
            QCOMPARE(q.value(1).toString(), QStringLiteral("worker=web1:4121:5f0c"));
            QCOMPARE(q.value(2).toInt(), 1);
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("stop"));
            QCOMPARE(q.value(2).toInt(), 0);
            QVERIFY(q.value(3).toString().contains(u"registered"));
            QVERIFY(!q.next()); // the refused RQ quiet never reached the backend or the log
        }
        QSqlDatabase::removeDatabase(QStringLiteral("audit-w"));
        cli({QStringLiteral("SREM"), QStringLiteral("processes"), QStringLiteral("web1:4121:5f0c")});
        cli({QStringLiteral("DEL"), QStringLiteral("web1:4121:5f0c"), QStringLiteral("web1:4121:5f0c-signals")});
    }

    void resendAnEditedDeadJob()
    {
        const QString url = m_redis.url(QStringLiteral("sidekiq"), kDb);
        const Run list = ctl({QStringLiteral("jobs"), url, QStringLiteral("--queue"), QStringLiteral("mail"), QStringLiteral("--state"),
                              QStringLiteral("dead"), QStringLiteral("--json")});
        const QJsonArray dead = QJsonDocument::fromJson(list.out).array();
        QVERIFY(!dead.isEmpty());
        const QString id = dead.at(0).toObject().value(u"id").toString();
        const QString file = m_dir.filePath(QStringLiteral("edited.json"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"class":"MailJob","args":[7,"fixed"],"queue":"mail","retry":true})");
        f.close();
        const QStringList resend{QStringLiteral("resend"), url, QStringLiteral("--job"), id, QStringLiteral("--payload"), file};
        const Run dry = ctl(resend + QStringList{QStringLiteral("--dry-run")});
        QCOMPARE(dry.exitCode, 0);
        QVERIFY2(dry.out.contains("would resend") && dry.out.contains("\"fixed\""), dry.out.constData());
        const Run done = ctl(resend);
        QCOMPARE(done.exitCode, 0);
        QVERIFY2(done.out.startsWith(QByteArray("resent " + id.toUtf8() + " as queue:mail:")), done.out.constData());
        QFile bad(m_dir.filePath(QStringLiteral("bad.json")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{\"class\":");
        bad.close();
        const Run refused = ctl({QStringLiteral("resend"), url, QStringLiteral("--job"), id, QStringLiteral("--payload"), bad.fileName()});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains("Not valid JSON"), refused.err.constData());
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("audit-r"));
            db.setDatabaseName(audit());
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT payload_before, payload_after, succeeded FROM audit WHERE action = 'resend'")));
            QVERIFY(q.next());
            QVERIFY(q.value(0).toString().contains(u"bounced"));
            QVERIFY(q.value(1).toString().contains(u"fixed"));
            QCOMPARE(q.value(2).toInt(), 1);
            QVERIFY(!q.next()); // the dry run and the refused edit wrote nothing
        }
        QSqlDatabase::removeDatabase(QStringLiteral("audit-r"));
    }
};

QTEST_GUILESS_MAIN(TestQueuedeckCtlRedis)
#include "tst_queuedeckctl_redis.moc"
