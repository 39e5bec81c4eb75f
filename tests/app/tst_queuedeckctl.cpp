// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// The queuedeckctl binary, run as an operator or Nagios would, on a database written by real delayed_job.
#include "core/demo/demosimulator.h"

#include "core/alerts/alertrulesio.h"
#include "core/csv.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QDir>
#include <QFile>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

namespace {
struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

QString auditPath()
{
    static QTemporaryDir dir;
    return dir.filePath(QStringLiteral("audit.sqlite3"));
}

Run ctl(const QStringList &args, const QProcessEnvironment &extra = {})
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(extra);
    env.insert(QStringLiteral("QD_AUDIT_DB"), auditPath()); // never the operator's real audit log
    env.insert(QStringLiteral("USER"), QStringLiteral("ops-tester"));
    p.setProcessEnvironment(env);
    p.start(qEnvironmentVariable("QD_CTL"), args);
    Run r;
    if (!p.waitForFinished(60000)) {
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}
} // namespace

class TestQueuedeckCtl : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_db;
    QString url() const { return QStringLiteral("delayedjob+sqlite://") + m_db; }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(!qEnvironmentVariable("QD_CTL").isEmpty());
        m_db = m_dir.filePath(QStringLiteral("app.sqlite3"));
        QProcess ruby;
        ruby.start(QStringLiteral("ruby"), {QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/fill_delayed_jobs.rb"),
                                            QStringLiteral("sqlite3"), m_db});
        QVERIFY(ruby.waitForFinished(120000));
        QVERIFY2(ruby.exitCode() == 0, ruby.readAllStandardError().constData());
    }

    void snapshotJsonMatchesSql()
    {
        const Run r = ctl({QStringLiteral("snapshot"), url(), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("backend")).toString(), QStringLiteral("delayedjob"));
        QVERIFY(!o.value(QStringLiteral("taken_at")).toString().isEmpty());

        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
        db.setDatabaseName(m_db);
        QVERIFY(db.open());
        const QJsonArray queues = o.value(QStringLiteral("queues")).toArray();
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(DISTINCT COALESCE(queue, 'default')) FROM delayed_jobs")));
        QVERIFY(q.next());
        QCOMPARE(queues.size(), q.value(0).toInt());
        for (const QJsonValue &v : queues) {
            const QJsonObject qo = v.toObject();
            const QString name = qo.value(QStringLiteral("name")).toString();
            const QString where = name == u"default" ? QStringLiteral("queue IS NULL") : QStringLiteral("queue = '%1'").arg(name);
            auto count = [&](const QString &pred) {
                QSqlQuery c(db);
                c.exec(QStringLiteral("SELECT COUNT(*) FROM delayed_jobs WHERE %1 AND %2").arg(where, pred));
                c.next();
                return c.value(0).toLongLong();
            };
            const QString now = QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
            QCOMPARE(qo.value(QStringLiteral("depth")).toInteger(),
                     count(QStringLiteral("failed_at IS NULL AND locked_at IS NULL AND run_at <= '%1'").arg(now)));
            QCOMPARE(qo.value(QStringLiteral("running")).toInteger(),
                     count(QStringLiteral("failed_at IS NULL AND locked_at IS NOT NULL")));
            QCOMPARE(qo.value(QStringLiteral("scheduled")).toInteger(),
                     count(QStringLiteral("failed_at IS NULL AND locked_at IS NULL AND run_at > '%1'").arg(now)));
            QCOMPARE(qo.value(QStringLiteral("failed")).toInteger(), count(QStringLiteral("failed_at IS NOT NULL")));
            QVERIFY(qo.value(QStringLiteral("dead")).isNull());
            QVERIFY(qo.value(QStringLiteral("oldest_age_s")).isDouble());
        }
        QVERIFY(o.value(QStringLiteral("totals")).toObject().value(QStringLiteral("processed")).isNull());
        const QJsonArray workers = o.value(QStringLiteral("workers")).toArray();
        QCOMPARE(workers.size(), 2);
    }

    void humanOutputShowsDashForUnknown()
    {
        const Run r = ctl({QStringLiteral("snapshot"), url()});
        QCOMPARE(r.exitCode, 0);
        const QString text = QString::fromUtf8(r.out);
        QVERIFY(text.contains(QStringLiteral("QUEUE")));
        QVERIFY(text.contains(QStringLiteral("—")));
        QVERIFY(text.contains(QStringLiteral("lost: host:web2 pid:222")));
    }

    void checkExitCodes_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        // No flags: the GUI's default rules. The fixture has a lost worker (WARN) and no job older than 5 min.
        QTest::newRow("no flags: default rules") << QStringList{} << 1;
        QTest::newRow("thresholds add to the rules") << QStringList{QStringLiteral("--max-latency"), QStringLiteral("86400")} << 1;
        QTest::newRow("warning") << QStringList{QStringLiteral("--warn-depth"), QStringLiteral("2")} << 1;
        QTest::newRow("critical depth") << QStringList{QStringLiteral("--max-depth"), QStringLiteral("2")} << 2;
        QTest::newRow("critical workers") << QStringList{QStringLiteral("--min-workers"), QStringLiteral("2")} << 2;
        QTest::newRow("bad threshold") << QStringList{QStringLiteral("--max-depth"), QStringLiteral("lots")} << 3;
        QTest::newRow("--rules still parses") << QStringList{QStringLiteral("--rules")} << 1;
    }

    void checkExitCodes()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        const Run r = ctl(QStringList{QStringLiteral("check"), url()} + args);
        QCOMPARE(r.exitCode, code);
        QCOMPARE(r.out.count('\n'), 1); // exactly one status line
        QVERIFY(r.out.startsWith("QUEUEDECK "));
    }

    void rulesFromTheEditorsFile()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("rules.json"));
        // Only a depth rule, critical above 2: the lost worker (a default rule) is not watched any more.
        qd::AlertRule depth;
        depth.id = QStringLiteral("deep");
        depth.kind = qd::RuleKind::Depth;
        depth.crit = 2;
        QCOMPARE(qd::AlertRulesIO::writeFile(file, {depth}), QString());
        const Run c = ctl({QStringLiteral("check"), url(), QStringLiteral("--rules-file"), file});
        QCOMPARE(c.exitCode, 2);
        QVERIFY2(c.out.startsWith("QUEUEDECK CRITICAL - ") && c.out.contains("default: 4 jobs waiting (crit 2)") && !c.out.contains("worker(s) lost"), c.out.constData());
        const Run w = ctl({QStringLiteral("watch"), url(), QStringLiteral("--count"), QStringLiteral("1"),
                           QStringLiteral("--rules-file"), file});
        QCOMPARE(w.exitCode, 0);
        QVERIFY2(w.out.contains("CRIT    deep:") && !w.out.contains("worker-lost"), w.out.constData());

        QFile bad(dir.filePath(QStringLiteral("bad.json")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("[{\"id\": \"x\", \"kind\": \"depth\", \"warn\": 9, \"crit\": 1}]");
        bad.close();
        const Run b = ctl({QStringLiteral("check"), url(), QStringLiteral("--rules-file"), bad.fileName()});
        QCOMPARE(b.exitCode, 3);
        QVERIFY2(b.out.contains("above the critical level"), b.out.constData());
        const Run bw = ctl({QStringLiteral("watch"), url(), QStringLiteral("--rules-file"), dir.filePath(QStringLiteral("none.json"))});
        QCOMPARE(bw.exitCode, 2);
        QVERIFY2(bw.err.contains("cannot read"), bw.err.constData());
    }

    void unreachableIsUnknown()
    {
        const Run r = ctl({QStringLiteral("check"), QStringLiteral("delayedjob+sqlite:///nonexistent/db.sqlite3")});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.out.contains("UNKNOWN - SQLite database /nonexistent/db.sqlite3 does not exist."), r.out.constData());
        const Run bad = ctl({QStringLiteral("check"), QStringLiteral("kafka+tcp://x")});
        QCOMPARE(bad.exitCode, 3);
        QVERIFY(bad.out.contains("Unknown scheme"));
    }

    void watchPrintsAlertChanges()
    {
        const Run r = ctl({QStringLiteral("watch"), url(), QStringLiteral("--count"), QStringLiteral("2"),
                           QStringLiteral("--interval"), QStringLiteral("0.2")});
        QCOMPARE(r.exitCode, 0);
        const QString text = QString::fromUtf8(r.out);
        // The fixture has a worker whose lock is 5 h old: lost. Reported once, not once per poll.
        QCOMPARE(text.count(QStringLiteral("worker-lost")), 1);
        QVERIFY2(text.contains(QStringLiteral("WARN    worker-lost: 1 worker(s) lost")), qPrintable(text));
        const Run j = ctl({QStringLiteral("watch"), url(), QStringLiteral("--count"), QStringLiteral("1"),
                           QStringLiteral("--json")});
        QCOMPARE(j.exitCode, 0);
        const QJsonObject first = QJsonDocument::fromJson(j.out.split('\n').first()).object();
        QVERIFY(first.contains(QStringLiteral("rule")));
        QCOMPARE(first.value(QStringLiteral("previous")).toString(), QStringLiteral("OK"));
        QCOMPARE(ctl({QStringLiteral("watch"), url(), QStringLiteral("--interval"), QStringLiteral("0")}).exitCode, 2);
    }

    void watchPostsToAWebhook()
    {
        QTemporaryDir logDir;
        QProcess receiver;
        const QString log = logDir.filePath(QStringLiteral("hook.jsonl"));
        receiver.start(QStringLiteral("/usr/bin/python3"),
                       {QStringLiteral(QD_SOURCE_DIR "/tests/core/fixtures/webhook_receiver.py"), log});
        QVERIFY(receiver.waitForReadyRead(10000));
        const QString port = QString::fromLatin1(receiver.readLine().trimmed());
        const Run r = ctl({QStringLiteral("watch"), url(), QStringLiteral("--count"), QStringLiteral("1"),
                           QStringLiteral("--webhook"), QStringLiteral("http://127.0.0.1:%1/").arg(port),
                           QStringLiteral("--format"), QStringLiteral("pagerduty"), QStringLiteral("--routing-key"),
                           QStringLiteral("K")});
        receiver.kill();
        receiver.waitForFinished();
        QCOMPARE(r.exitCode, 0);
        QFile f(log);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().split('\n');
        QCOMPARE(int(lines.size()) - 1, QString::fromUtf8(r.out).count(u'\n')); // one POST per printed change
        const QJsonObject first = QJsonDocument::fromJson(lines.first()).object().value(QStringLiteral("body")).toObject();
        QCOMPARE(first.value(QStringLiteral("event_action")).toString(), QStringLiteral("trigger"));
        QCOMPARE(first.value(QStringLiteral("routing_key")).toString(), QStringLiteral("K"));
        QCOMPARE(ctl({QStringLiteral("watch"), url(), QStringLiteral("--webhook"), QStringLiteral("ftp://x")}).exitCode, 2);
    }

    void helpAndVersion()
    {
        const Run help = ctl({QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains("snapshot URL [--json]"));
        QVERIFY(help.out.contains("exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN"));
        const Run version = ctl({QStringLiteral("--version")});
        QCOMPARE(version.exitCode, 0);
        QVERIFY(version.out.startsWith("queuedeckctl "));
        for (const char *command : {"snapshot", "check"}) {
            const Run r = ctl({QString::fromLatin1(command), QStringLiteral("--help")});
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(r.out.contains("URL"), r.out.constData());
        }
        const Run unknown = ctl({QStringLiteral("snaphsot")});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY(unknown.err.contains("unknown command \"snaphsot\""));
    }

    void badUrlsSayWhy()
    {
        const Run snap = ctl({QStringLiteral("snapshot"), QStringLiteral("kafka+tcp://x")});
        QCOMPARE(snap.exitCode, 2); // a usage error, not a failed poll
        QVERIFY2(snap.err.contains("Unknown scheme"), snap.err.constData());
        QVERIFY(snap.out.isEmpty());
        const Run relative = ctl({QStringLiteral("snapshot"), QStringLiteral("delayedjob+sqlite://relative.db")});
        QVERIFY2(relative.exitCode == 2 || relative.exitCode == 1, relative.err.constData());
        QVERIFY(!relative.err.isEmpty());
        const Run extra = ctl({QStringLiteral("check"), url(), QStringLiteral("--max-depth")});
        QCOMPARE(extra.exitCode, 3); // Nagios: bad arguments are UNKNOWN, never a page-worthy CRITICAL
        QVERIFY(extra.out.startsWith("QUEUEDECK UNKNOWN - "));
    }

    void hostileQueueNamesAreEscapedForHumans()
    {
        QTemporaryDir dir;
        const QString copy = dir.filePath(QStringLiteral("hostile.sqlite3"));
        QVERIFY(QFile::copy(m_db, copy));
        const QString evil = QStringLiteral("evil\x1b[2J\u202Etxt.exe\nFAKE 0 0");
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("hostile"));
            db.setDatabaseName(copy);
            QVERIFY(db.open());
            QSqlQuery q(db);
            q.prepare(QStringLiteral("INSERT INTO delayed_jobs (priority, attempts, handler, run_at, queue, locked_at,"
                                     " locked_by, created_at, updated_at) VALUES (0, 0, '--- x', '2020-01-01 00:00:00',"
                                     " ?, ?, ?, '2020-01-01 00:00:00', '2020-01-01 00:00:00')"));
            // One job waiting since 2020, one held by a (long dead) worker with a hostile name.
            for (const bool locked : {false, true}) {
                q.addBindValue(evil);
                q.addBindValue(locked ? QVariant(QStringLiteral("2020-01-01 00:00:00")) : QVariant());
                q.addBindValue(locked ? QVariant(QStringLiteral("host:\x1b]0;owned\x07 pid:1")) : QVariant());
                QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
            }
        }
        QSqlDatabase::removeDatabase(QStringLiteral("hostile"));
        const QString hostileUrl = QStringLiteral("delayedjob+sqlite://") + copy;
        const Run r = ctl({QStringLiteral("snapshot"), hostileUrl});
        QCOMPARE(r.exitCode, 0);
        const QString text = QString::fromUtf8(r.out);
        QVERIFY(!text.contains(QChar(0x1b)));
        QVERIFY(!text.contains(QChar(0x07)));
        QVERIFY(!text.contains(QChar(0x202E)));
        QVERIFY2(text.contains(QStringLiteral("evil\\u001b[2J\\u202etxt.exe\\u000aFAKE 0 0")), qPrintable(text));
        QVERIFY(!text.contains(QStringLiteral("\nFAKE"))); // no forged table row
        // JSON keeps the name exactly; the encoder escapes what JSON must.
        const Run j = ctl({QStringLiteral("snapshot"), hostileUrl, QStringLiteral("--json")});
        QCOMPARE(j.exitCode, 0);
        QVERIFY(!j.out.contains('\x1b'));
        bool found = false;
        for (const QJsonValue &q : QJsonDocument::fromJson(j.out).object().value(QStringLiteral("queues")).toArray()) {
            found = found || q.toObject().value(QStringLiteral("name")).toString() == evil;
        }
        QVERIFY(found);
        const Run c = ctl({QStringLiteral("check"), hostileUrl, QStringLiteral("--max-latency"), QStringLiteral("60")});
        QCOMPARE(c.exitCode, 2);
        QCOMPARE(c.out.count('\n'), 1);
        QVERIFY(!c.out.contains('\x1b'));
    }

    void checkTurnsCriticalWhenTheDemoWorkersDie()
    {
        // The Delayed::Job incident end to end, on the demo's database and the real clock: workers die, their
        // locks pass max_run_time, and the check that monitoring lacked goes CRITICAL naming the lost workers.
        QTemporaryDir dir;
        qd::demo::DemoOptions o;
        o.tick = std::chrono::milliseconds(50);
        o.newQueueAt = 1000;
        o.workersDieAt = 2;
        o.workersBackAt = 100000;
        o.maxRunTimeSeconds = 2;
        qd::demo::DemoSimulator sim(dir.filePath(QStringLiteral("demo.sqlite3")), o);
        QCOMPARE(sim.start(), QString());
        const QStringList check{QStringLiteral("check"), sim.connectionUrl(), QStringLiteral("--min-workers"), QStringLiteral("1")};
        const Run before = ctl(check);
        QVERIFY2(before.exitCode == 0, before.out.constData()); // seeded backlog: every worker is busy
        Run after;
        QTRY_VERIFY_WITH_TIMEOUT((after = ctl(check)).exitCode == 2, 20000);
        QVERIFY2(after.out.contains("0 live worker(s), 1 required"), after.out.constData());
        QVERIFY2(after.out.contains("lost"), after.out.constData());
        // The same incident with no flags at all: the default rules say CRITICAL, not OK.
        const Run noFlags = ctl({QStringLiteral("check"), sim.connectionUrl()});
        QVERIFY2(noFlags.exitCode == 2 && noFlags.out.startsWith("QUEUEDECK CRITICAL - "), noFlags.out.constData());
        const Run snap = ctl({QStringLiteral("snapshot"), sim.connectionUrl(), QStringLiteral("--json")});
        QCOMPARE(snap.exitCode, 0);
        const QJsonArray workers = QJsonDocument::fromJson(snap.out).object().value(QStringLiteral("workers")).toArray();
        QVERIFY(!workers.isEmpty());
        for (const QJsonValue &w : workers) {
            QCOMPARE(w.toObject().value(QStringLiteral("state")).toString(), QStringLiteral("lost"));
            QVERIFY(w.toObject().value(QStringLiteral("id")).toString().startsWith(QStringLiteral("host:demo-web")));
        }
        sim.stop();
    }

    void exportStreamsCsvAndJsonLines()
    {
        const QStringList base = {QStringLiteral("jobs"), url(), QStringLiteral("--queue"), QStringLiteral("print"),
                                  QStringLiteral("--state"), QStringLiteral("waiting")};
        // One job per page: the export pages through the whole set and writes each page as it comes.
        const Run csv = ctl(base + QStringList{QStringLiteral("--format"), QStringLiteral("csv"), QStringLiteral("--all"),
                                               QStringLiteral("--page-size"), QStringLiteral("1"), QStringLiteral("--user-field"),
                                               QStringLiteral("/user_id")});
        QCOMPARE(csv.exitCode, 0);
        const QList<QStringList> rows = qd::parseCsv(QString::fromUtf8(csv.out));
        QCOMPARE(rows.constFirst(), QStringList({QStringLiteral("id"), QStringLiteral("queue"), QStringLiteral("class"),
                                                 QStringLiteral("state"), QStringLiteral("attempts"), QStringLiteral("enqueued_at"),
                                                 QStringLiteral("run_at"), QStringLiteral("failed_at"), QStringLiteral("worker"),
                                                 QStringLiteral("error"), QStringLiteral("user"), QStringLiteral("args")}));
        const Run listed = ctl(base + QStringList{QStringLiteral("--json"), QStringLiteral("--limit"), QStringLiteral("1000")});
        const QJsonArray all = QJsonDocument::fromJson(listed.out).array();
        QCOMPARE(rows.size() - 1, all.size()); // every job once: no page lost, none repeated
        QSet<QString> ids;
        QSet<QString> users;
        for (qsizetype i = 1; i < rows.size(); ++i) {
            QCOMPARE(rows[i].size(), 12);
            ids.insert(rows[i][0]);
            users.insert(rows[i][10]);
            QCOMPARE(rows[i][2], QStringLiteral("PrintJob"));
            // The handler's attributes, read from the YAML without running it.
            QVERIFY2(rows[i][11].contains(QStringLiteral("\"user_id\":") + rows[i][10]), qPrintable(rows[i][11]));
        }
        QCOMPARE(ids.size(), all.size());
        QVERIFY2(users.contains(QStringLiteral("1007")) || users.contains(QStringLiteral("1008")), qPrintable(QStringList(users.values()).join(u',')));

        // JSON Lines into a file: one object per line, the same jobs; --limit caps it.
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("stuck.jsonl"));
        const Run jsonl = ctl(base + QStringList{QStringLiteral("--format"), QStringLiteral("jsonl"), QStringLiteral("--limit"),
                                                 QStringLiteral("2"), QStringLiteral("--page-size"), QStringLiteral("1"),
                                                 QStringLiteral("--user-field"), QStringLiteral("/user_id"), QStringLiteral("--output"), file});
        QCOMPARE(jsonl.exitCode, 0);
        QVERIFY2(jsonl.err.contains("2 job(s) written to"), jsonl.err.constData());
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().split('\n');
        QCOMPARE(lines.size(), 3); // two lines and the empty tail after the last newline
        const QJsonObject first = QJsonDocument::fromJson(lines[0]).object();
        QCOMPARE(first.value(QStringLiteral("id")).toString(), all.at(0).toObject().value(QStringLiteral("id")).toString());
        QVERIFY(first.value(QStringLiteral("args")).isObject());
        QVERIFY(!first.value(QStringLiteral("user")).toString().isEmpty());

        // Mistakes are refused before anything is read.
        QCOMPARE(ctl(base + QStringList{QStringLiteral("--format"), QStringLiteral("xml")}).exitCode, 2);
        QCOMPARE(ctl(base + QStringList{QStringLiteral("--all")}).exitCode, 2); // --all needs a streamed format
        const Run badRule = ctl(base + QStringList{QStringLiteral("--format"), QStringLiteral("csv"), QStringLiteral("--user-field"),
                                                   QStringLiteral("re:(")});
        QCOMPARE(badRule.exitCode, 2);
        QVERIFY(!badRule.err.isEmpty());
    }

    void moveJobsToAnotherQueue() // changes the fixture: after the read-only tests
    {
        const Run list = ctl({QStringLiteral("jobs"), url(), QStringLiteral("--queue"), QStringLiteral("default"),
                              QStringLiteral("--state"), QStringLiteral("waiting"), QStringLiteral("--json")});
        const QJsonArray jobs = QJsonDocument::fromJson(list.out).array();
        QVERIFY(!jobs.isEmpty());
        const QString id = jobs.at(0).toObject().value(QStringLiteral("id")).toString();
        QCOMPARE(ctl({QStringLiteral("move-jobs"), url(), QStringLiteral("--job"), id}).exitCode, 2); // --to is required
        const Run moved = ctl({QStringLiteral("move-jobs"), url(), QStringLiteral("--job"), id, QStringLiteral("--to"), QStringLiteral("urgent")});
        QCOMPARE(moved.exitCode, 0);
        QVERIFY2(moved.out.contains(QByteArray("moved 1 job(s): " + id.toLatin1())), moved.out.constData());
        // The operator name the GUI saved is the CLI's too (one settings file, organization and application Queuedeck).
        QTemporaryDir config;
        QDir().mkpath(config.filePath(QStringLiteral("Queuedeck")));
        {
            QFile conf(config.filePath(QStringLiteral("Queuedeck/Queuedeck.conf")));
            QVERIFY(conf.open(QIODevice::WriteOnly));
            conf.write("[General]\noperatorName=gui-operator\n");
        }
        QProcessEnvironment xdg;
        xdg.insert(QStringLiteral("XDG_CONFIG_HOME"), config.path());
        const Run again = ctl({QStringLiteral("move-jobs"), url(), QStringLiteral("--job"), id, QStringLiteral("--to"), QStringLiteral("urgent")},
                              xdg);
        QCOMPARE(again.exitCode, 0);
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("audit-op"));
            db.setDatabaseName(auditPath());
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT operator FROM audit WHERE action = 'move' ORDER BY id DESC LIMIT 1")) && q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("gui-operator"));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("audit-op"));
        const Run there = ctl({QStringLiteral("jobs"), url(), QStringLiteral("--queue"), QStringLiteral("urgent"), QStringLiteral("--json")});
        QCOMPARE(QJsonDocument::fromJson(there.out).array().size(), 1);
    }

    void jobsRetryCancelWithAudit() // last: it changes the fixture database
    {
        const Run list = ctl({QStringLiteral("jobs"), url(), QStringLiteral("--queue"), QStringLiteral("critical"),
                              QStringLiteral("--state"), QStringLiteral("failed"), QStringLiteral("--json")});
        QCOMPARE(list.exitCode, 0);
        const QJsonArray jobs = QJsonDocument::fromJson(list.out).array();
        QCOMPARE(jobs.size(), 1);
        const QString id = jobs.at(0).toObject().value(QStringLiteral("id")).toString();
        QCOMPARE(jobs.at(0).toObject().value(QStringLiteral("class")).toString(), QStringLiteral("FlakyJob"));

        const QStringList bulk{QStringLiteral("retry"), url(), QStringLiteral("--all"), QStringLiteral("--queue"),
                               QStringLiteral("critical"), QStringLiteral("--state"), QStringLiteral("failed")};
        QCOMPARE(ctl(bulk).exitCode, 2); // bulk needs --yes (or --dry-run)
        // A forgotten --queue never widens --all to every queue, not even with --yes.
        const Run everyQueue = ctl({QStringLiteral("retry"), url(), QStringLiteral("--all"), QStringLiteral("--state"),
                                    QStringLiteral("failed"), QStringLiteral("--yes")});
        QCOMPARE(everyQueue.exitCode, 2);
        QVERIFY2(everyQueue.err.contains("--all-queues"), everyQueue.err.constData());
        const Run everyQueueDry = ctl({QStringLiteral("retry"), url(), QStringLiteral("--all"), QStringLiteral("--all-queues"),
                                       QStringLiteral("--state"), QStringLiteral("failed"), QStringLiteral("--dry-run")});
        QVERIFY2(everyQueueDry.exitCode == 0, everyQueueDry.err.constData());
        const Run dry = ctl(bulk + QStringList{QStringLiteral("--dry-run")});
        QVERIFY2(dry.exitCode == 0, dry.err.constData());
        QVERIFY2(dry.out.contains(QByteArray("would retry 1 job(s): " + id.toLatin1())), dry.out.constData());
        const Run done = ctl(bulk + QStringList{QStringLiteral("--yes")});
        QCOMPARE(done.exitCode, 0);
        QVERIFY2(done.out.contains(QByteArray("retried 1 job(s): " + id.toLatin1())), done.out.constData());
        const Run again = ctl({QStringLiteral("retry"), url(), QStringLiteral("--job"), id});
        QVERIFY2(again.out.contains("skipped 1 job(s) no longer failed"), again.out.constData());

        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("audit"));
        db.setDatabaseName(auditPath());
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT operator, action, job_ids, succeeded, skipped, filter FROM audit WHERE action <> 'move' ORDER BY id")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("ops-tester"));
        QCOMPARE(q.value(1).toString(), QStringLiteral("retry"));
        QCOMPARE(q.value(2).toString(), id);
        QCOMPARE(q.value(3).toInt(), 1);
        QVERIFY(q.value(5).toString().contains(QStringLiteral("queue=critical")));
        QVERIFY(q.next());
        QCOMPARE(q.value(4).toInt(), 1); // the second retry: skipped
        QVERIFY(!q.next());               // the dry run is not an action
    }

    void snapshotErrors()
    {
        QCOMPARE(ctl({QStringLiteral("snapshot"), QStringLiteral("delayedjob+sqlite:///nonexistent.db")}).exitCode, 1);
        QCOMPARE(ctl({QStringLiteral("snapshot")}).exitCode, 2);
        QCOMPARE(ctl({QStringLiteral("frobnicate")}).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestQueuedeckCtl)
#include "tst_queuedeckctl.moc"
