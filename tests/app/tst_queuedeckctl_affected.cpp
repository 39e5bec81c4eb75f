// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// `queuedeckctl affected` and `notify` on the Delayed::Job incident (6,000 print jobs stuck 12 h, 60 users), written
// by the real delayed_job gem (tests/backends/fixtures/fill_affected.rb); messages go to a real local HTTP receiver
// (tests/core/fixtures/webhook_receiver.py) and a CSV file.
#include "core/recipients/channels.h"
#include "core/settings/connectionsettings.h"
#include "tests/support/webhookreceiver.h"

#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <limits>

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

struct Receiver : qd::test::WebhookReceiver
{
    bool start(const QString &logPath, int delayMs = 0)
    {
        return WebhookReceiver::start(logPath, QStringLiteral("/notify"), 0, 500, delayMs);
    }
    QString address() const { return url.toString(); }
};

QString userOf(const QJsonObject &request)
{
    return request.value(QStringLiteral("body")).toObject().value(QStringLiteral("user")).toString();
}

QString keyOf(const QJsonObject &request)
{
    return request.value(QStringLiteral("idempotency_key")).toString();
}

} // namespace

class TestQueuedeckCtlAffected : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_db;
    QString m_template;
    QJsonObject m_expected;
    QElapsedTimer m_sinceFill;

    QString url() const { return QStringLiteral("delayedjob+sqlite://") + m_db; }
    QString path(const QString &name) const { return m_dir.filePath(name); }

    QProcessEnvironment env() const
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("QD_AUDIT_DB"), path(QStringLiteral("audit.sqlite3"))); // never the operator's own
        e.insert(QStringLiteral("QD_OUTBOX_DB"), path(QStringLiteral("default-outbox.sqlite3")));
        e.insert(QStringLiteral("USER"), QStringLiteral("ops-tester"));
        e.insert(QStringLiteral("XDG_CONFIG_HOME"), path(QStringLiteral("config"))); // the settings this test saves
        return e;
    }

    Run ctl(const QStringList &args) const
    {
        QProcess p;
        p.setProcessEnvironment(env());
        p.start(qEnvironmentVariable("QD_CTL"), args);
        Run r;
        if (!p.waitForFinished(120000)) {
            p.kill();
            p.waitForFinished();
            return r;
        }
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput();
        r.err = p.readAllStandardError();
        return r;
    }

    QStringList affected(const QString &queue, const QStringList &more = {}) const
    {
        return QStringList{QStringLiteral("affected"), url(), QStringLiteral("--queue"), queue, QStringLiteral("--state"),
                           QStringLiteral("waiting"), QStringLiteral("--user-field"), QStringLiteral("/user_id")} +
               more;
    }

    QStringList notify(const QString &queue, const QString &channel, const QString &incident, const QStringList &more = {}) const
    {
        QStringList args = affected(queue, {QStringLiteral("--template"), m_template, QStringLiteral("--channel"), channel,
                                            QStringLiteral("--incident"), incident, QStringLiteral("--operator"), QStringLiteral("Ada")}) +
                           more;
        args[0] = QStringLiteral("notify");
        if (!more.contains(u"--dry-run") && !more.contains(u"--no-yes")) {
            args << QStringLiteral("--yes");
        }
        args.removeAll(QStringLiteral("--no-yes"));
        return args;
    }

    QHash<QString, qint64> expectedCounts() const
    {
        QHash<QString, qint64> counts;
        const QJsonObject users = m_expected.value(QStringLiteral("users")).toObject();
        for (auto it = users.begin(); it != users.end(); ++it) {
            counts.insert(it.key(), it.value().toInteger());
        }
        return counts;
    }

    QSet<QString> expectedUsers() const
    {
        const QHash<QString, qint64> counts = expectedCounts();
        return QSet<QString>(counts.keyBegin(), counts.keyEnd());
    }

    /// Audit rows of action "notify": filter, succeeded, skipped, operator.
    QList<QStringList> notifyAuditRows() const
    {
        QList<QStringList> rows;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("audit-check"));
            db.setDatabaseName(path(QStringLiteral("audit.sqlite3")));
            if (db.open()) {
                QSqlQuery q(db);
                q.exec(QStringLiteral("SELECT filter, succeeded, skipped, operator FROM audit WHERE action = 'notify' ORDER BY id"));
                while (q.next()) {
                    rows.append({q.value(0).toString(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString()});
                }
            }
        }
        QSqlDatabase::removeDatabase(QStringLiteral("audit-check"));
        return rows;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(!qEnvironmentVariable("QD_CTL").isEmpty());
        QVERIFY(m_dir.isValid());
        // Before anything reads settings: this process and queuedeckctl share a settings file of the test's own.
        qputenv("XDG_CONFIG_HOME", path(QStringLiteral("config")).toLocal8Bit());
        m_db = path(QStringLiteral("app.sqlite3"));
        QProcess ruby;
        m_sinceFill.start(); // the fixture's "now" is taken when it starts
        ruby.start(QStringLiteral("ruby"), {QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/fill_affected.rb"),
                                            QStringLiteral("sqlite3"), m_db});
        QVERIFY(ruby.waitForFinished(240000));
        QVERIFY2(ruby.exitCode() == 0, ruby.readAllStandardError().constData());
        m_expected = QJsonDocument::fromJson(ruby.readAllStandardOutput()).object();
        QCOMPARE(m_expected.value(QStringLiteral("users")).toObject().size(), 60);

        m_template = path(QStringLiteral("late-cards.txt"));
        QFile t(m_template);
        QVERIFY(t.open(QIODevice::WriteOnly));
        t.write("Subject: Your cards are late ({{incident}})\n\n"
                "Hi {{user}}, {{job_count}} print jobs waited {{delay}} in {{queue}}.\n"
                "We are sorry.\n");
    }

    void affectedListsExactlyTheSixtyUsers()
    {
        const Run r = ctl(affected(QStringLiteral("print")));
        QCOMPARE(r.exitCode, 0);
        const QStringList lines = QString::fromUtf8(r.out).split(u'\n', Qt::SkipEmptyParts);
        QVERIFY2(lines.last().startsWith(QStringLiteral("60 users, 6005 jobs, 5 jobs without a user (e.g. ")), qPrintable(lines.last()));
        static const QRegularExpression row(QStringLiteral("^(\\d+)\\s+(\\d+)\\s+(\\d+ h( \\d+ min)?)\\s+print$"));
        QHash<QString, qint64> seen;
        for (const QString &line : lines) {
            const auto m = row.match(line);
            if (m.hasMatch()) {
                QVERIFY2(!seen.contains(m.captured(1)), qPrintable(line));
                seen.insert(m.captured(1), m.captured(2).toLongLong());
            }
        }
        QCOMPARE(seen, expectedCounts());
        // The longest-waiting user first: 12 h + 59 × 5 min.
        QVERIFY2(lines.at(1).startsWith(QStringLiteral("5059 ")) && lines.at(1).contains(QStringLiteral("16 h 5")), qPrintable(lines.at(1)));
    }

    void affectedJsonMatches()
    {
        const Run r = ctl(affected(QStringLiteral("print"), {QStringLiteral("--json")}));
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("jobs_examined")).toInteger(), 6005);
        QCOMPARE(o.value(QStringLiteral("jobs_without_user")).toInteger(), 5);
        QCOMPARE(o.value(QStringLiteral("miss_samples")).toArray().size(), 5);
        const QJsonArray users = o.value(QStringLiteral("users")).toArray();
        QCOMPARE(users.size(), 60);
        const QHash<QString, qint64> counts = expectedCounts();
        const QJsonObject delays = m_expected.value(QStringLiteral("delays")).toObject();
        const qint64 elapsed = m_sinceFill.elapsed() / 1000 + 2;
        qint64 total = 0;
        qint64 previousDelay = std::numeric_limits<qint64>::max();
        for (const QJsonValue &v : users) {
            const QJsonObject u = v.toObject();
            const QString user = u.value(QStringLiteral("user")).toString();
            QCOMPARE(u.value(QStringLiteral("job_count")).toInteger(), counts.value(user));
            total += u.value(QStringLiteral("job_count")).toInteger();
            const qint64 delay = u.value(QStringLiteral("longest_delay_s")).toInteger();
            const qint64 atFill = delays.value(user).toInteger();
            QVERIFY2(delay >= atFill && delay <= atFill + elapsed, qPrintable(QStringLiteral("%1: %2 vs %3").arg(user).arg(delay).arg(atFill)));
            QVERIFY(delay <= previousDelay); // longest delay first
            previousDelay = delay;
            QCOMPARE(u.value(QStringLiteral("queue")).toString(), QStringLiteral("print"));
            QCOMPARE(u.value(QStringLiteral("sample_job_ids")).toArray().size(), 5);
        }
        QCOMPARE(total, 6000);
    }

    void olderThanFilters()
    {
        // Users 5030..5059 waited at least 12 h + 150 min (half-way between user 5029's delay and user 5030's).
        const qint64 threshold = 12 * 3600 + 29 * 300 + 150 + m_sinceFill.elapsed() / 1000;
        const Run r = ctl(affected(QStringLiteral("print"), {QStringLiteral("--older-than"), QString::number(threshold),
                                                              QStringLiteral("--json")}));
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        const QHash<QString, qint64> counts = expectedCounts();
        qint64 expectedJobs = 0;
        for (int k = 30; k < 60; ++k) {
            expectedJobs += counts.value(QString::number(5000 + k));
        }
        QSet<QString> users;
        for (const QJsonValue &v : o.value(QStringLiteral("users")).toArray()) {
            users.insert(v.toObject().value(QStringLiteral("user")).toString());
            QVERIFY(v.toObject().value(QStringLiteral("user")).toString().toInt() >= 5030);
        }
        QCOMPARE(users.size(), 30);
        QCOMPARE(o.value(QStringLiteral("jobs_examined")).toInteger(), expectedJobs);
        QCOMPARE(o.value(QStringLiteral("jobs_without_user")).toInteger(), 0); // those waited only 12 h

        const Run none = ctl(affected(QStringLiteral("print"), {QStringLiteral("--older-than"), QStringLiteral("100000")}));
        QCOMPARE(none.exitCode, 0);
        QCOMPARE(none.out, QByteArray("0 users, 0 jobs, 0 jobs without a user\n"));
    }

    void timeWindowSelects()
    {
        // User 5000+k's jobs were due 12 h + k × 5 min before the fill: the window [k = 10, k = 4) holds k = 5..10.
        const QDateTime fillNow = QDateTime::currentDateTimeUtc().addMSecs(-m_sinceFill.elapsed());
        const QDateTime since = fillNow.addSecs(-(12 * 3600 + 10 * 300 + 150));
        const QDateTime until = fillNow.addSecs(-(12 * 3600 + 4 * 300 + 150));
        const Run r = ctl(affected(QStringLiteral("print"), {QStringLiteral("--since"), since.toString(Qt::ISODate), QStringLiteral("--until"),
                                                              until.toString(Qt::ISODate), QStringLiteral("--json")}));
        QCOMPARE(r.exitCode, 0);
        QSet<int> users;
        for (const QJsonValue &v : QJsonDocument::fromJson(r.out).object().value(QStringLiteral("users")).toArray()) {
            users.insert(v.toObject().value(QStringLiteral("user")).toString().toInt());
        }
        QCOMPARE(users, (QSet<int>{5005, 5006, 5007, 5008, 5009, 5010}));
        QCOMPARE(ctl(affected(QStringLiteral("print"), {QStringLiteral("--since"), QStringLiteral("yesterday")})).exitCode, 2);
    }

    void anotherQueueIsSeparate()
    {
        const Run r = ctl(affected(QStringLiteral("mailers"), {QStringLiteral("--json")}));
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("users")).toArray().size(), 40);
        QCOMPARE(o.value(QStringLiteral("jobs_examined")).toInteger(), 40);
        for (const QJsonValue &v : o.value(QStringLiteral("users")).toArray()) {
            QVERIFY(v.toObject().value(QStringLiteral("user")).toString().startsWith(QStringLiteral("90")));
        }
    }

    void usageAndBackendErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("code");
        const QString u = QStringLiteral("delayedjob+sqlite://") + QStringLiteral("/nonexistent/dir/db.sqlite3");
        QTest::newRow("no rule") << QStringList{QStringLiteral("affected"), QStringLiteral("URL"), QStringLiteral("--queue"),
                                                QStringLiteral("print")}
                                 << 2;
        QTest::newRow("bad rule") << QStringList{QStringLiteral("--user-field"), QStringLiteral("user_id")} << 2;
        QTest::newRow("bad state") << QStringList{QStringLiteral("--state"), QStringLiteral("stuck")} << 2;
        QTest::newRow("bad older-than") << QStringList{QStringLiteral("--older-than"), QStringLiteral("an hour")} << 2;
        QTest::newRow("unreachable") << QStringList{QStringLiteral("affected"), u, QStringLiteral("--queue"), QStringLiteral("print"),
                                                    QStringLiteral("--user-field"), QStringLiteral("/user_id")}
                                     << 1;
        QTest::newRow("notify without incident")
            << QStringList{QStringLiteral("notify"), QStringLiteral("URL"), QStringLiteral("--queue"), QStringLiteral("print"),
                           QStringLiteral("--user-field"), QStringLiteral("/user_id"), QStringLiteral("--template"),
                           QStringLiteral("T"), QStringLiteral("--channel"), QStringLiteral("csv:/tmp/x.csv")}
            << 2;
    }

    void usageAndBackendErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(int, code);
        if (args.first() != u"affected" && args.first() != u"notify") {
            args = affected(QStringLiteral("print"), args); // the later option wins
        }
        args.replaceInStrings(QRegularExpression(QStringLiteral("^URL$")), url());
        args.replaceInStrings(QRegularExpression(QStringLiteral("^T$")), m_template);
        const Run r = ctl(args);
        QCOMPARE(r.exitCode, code);
        QVERIFY(!r.err.isEmpty());
    }

    /// The desktop remembers how a connection's jobs name their user (Tell Affected Users): queuedeckctl, given
    /// the same connection's URL and no --user-field, uses that rule and says so.
    void theRuleTheDesktopSavedIsUsedWithoutUserField()
    {
        qd::ConnectionSettings settings;
        const QString id = settings.addConnection(QStringLiteral("Print shop"), url());
        const auto forget = qScopeGuard([&settings, id] { settings.removeConnection(id); });
        settings.setUserRule(id, QStringLiteral("/user_id"));
        QStringList args = affected(QStringLiteral("print"));
        args.removeAt(args.indexOf(QStringLiteral("--user-field")) + 1);
        args.removeAll(QStringLiteral("--user-field"));
        const Run r = ctl(args);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains("users by the rule saved for Print shop: /user_id"), r.err.constData());
        QVERIFY2(r.out.contains("60 users, 6005 jobs"), r.out.constData());
        // Another URL has no saved rule: still a usage error.
        args.replaceInStrings(QRegularExpression(QStringLiteral("^delayedjob.*")), url() + QStringLiteral("-other"));
        QCOMPARE(ctl(args).exitCode, 2);
    }

    void hostileUserIdsPrintEscaped()
    {
        const Run r = ctl(affected(QStringLiteral("hostile")));
        QCOMPARE(r.exitCode, 0);
        const QString text = QString::fromUtf8(r.out);
        QVERIFY2(!text.contains(QChar(0x202E)), qPrintable(text));
        QVERIFY(text.contains(QStringLiteral("evil\\u202egnp.exe")));
        QVERIFY(text.contains(QStringLiteral("two\\u000alines"))); // one line, not a forged second row
        QVERIFY(text.contains(QStringLiteral("<img src=x onerror=alert(1)>"))); // plain text, inert in a terminal
        QVERIFY(text.endsWith(QStringLiteral("4 users, 4 jobs, 0 jobs without a user\n")));
        QCOMPARE(text.count(u'\n'), 6); // header, four users, summary

        // --json carries the exact ids (JSON escapes what it must).
        const Run j = ctl(affected(QStringLiteral("hostile"), {QStringLiteral("--json")}));
        QSet<QString> users;
        for (const QJsonValue &v : QJsonDocument::fromJson(j.out).object().value(QStringLiteral("users")).toArray()) {
            users.insert(v.toObject().value(QStringLiteral("user")).toString());
        }
        QSet<QString> expected;
        for (const QJsonValue &v : m_expected.value(QStringLiteral("hostile_users")).toArray()) {
            expected.insert(v.toString());
        }
        QCOMPARE(users, expected);
    }

    void dryRunSendsAndWritesNothing()
    {
        Receiver receiver;
        QVERIFY(receiver.start(path(QStringLiteral("dry.jsonl"))));
        const QString outbox = path(QStringLiteral("dry-outbox.sqlite3"));
        const Run r = ctl(notify(QStringLiteral("print"), QStringLiteral("webhook:") + receiver.address(), QStringLiteral("INC-DRY"),
                                 {QStringLiteral("--dry-run"), QStringLiteral("--outbox"), outbox}));
        QCOMPARE(r.exitCode, 0);
        const QStringList lines = QString::fromUtf8(r.out).split(u'\n', Qt::SkipEmptyParts);
        QVERIFY2(lines.first().startsWith(QStringLiteral("would send 60 message(s) through webhook:http://127.0.0.1:")), qPrintable(lines.first()));
        QSet<QString> users;
        for (const QString &line : lines.mid(1, 60)) {
            QVERIFY2(line.contains(QStringLiteral("  Your cards are late (INC-DRY)  Hi ")), qPrintable(line));
            users.insert(line.trimmed().section(u' ', 0, 0));
        }
        QCOMPARE(users.size(), 60);
        QVERIFY(lines.contains(QStringLiteral("  5059  Your cards are late (INC-DRY)  Hi 5059, 71 print jobs waited 16 h 55 min in print.")) ||
                lines.contains(QStringLiteral("  5059  Your cards are late (INC-DRY)  Hi 5059, 71 print jobs waited 16 h 56 min in print.")));
        QVERIFY(receiver.requests().isEmpty());
        QVERIFY(!QFile::exists(outbox));
        QVERIFY(notifyAuditRows().isEmpty() || !notifyAuditRows().last().first().contains(QStringLiteral("INC-DRY")));
    }

    void sendingToCustomersNeedsYes()
    {
        // Not a terminal (a script, cron): no question is asked and nothing is sent without --yes.
        Receiver receiver;
        QVERIFY(receiver.start(path(QStringLiteral("noyes.jsonl"))));
        const QString outbox = path(QStringLiteral("noyes-outbox.sqlite3"));
        const Run r = ctl(notify(QStringLiteral("print"), QStringLiteral("webhook:") + receiver.address(), QStringLiteral("INC-NOYES"),
                                 {QStringLiteral("--outbox"), outbox, QStringLiteral("--no-yes")}));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("notify sends 60 message(s) to customers") && r.err.contains("--yes"), r.err.constData());
        QVERIFY(receiver.requests().isEmpty());
        QVERIFY(notifyAuditRows().isEmpty() || !notifyAuditRows().last().first().contains(QStringLiteral("INC-NOYES")));
    }

    void namesAndEmailsFromTheApplicationDatabase()
    {
        const QString app = path(QStringLiteral("users.sqlite3"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("users-app"));
            db.setDatabaseName(app);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE accounts (id INTEGER PRIMARY KEY, full_name TEXT, mail TEXT)")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO accounts VALUES (5059, 'Ada Lovelace', 'ada@example.com')")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("users-app"));
        const QString named = path(QStringLiteral("named.txt"));
        {
            QFile t(named);
            QVERIFY(t.open(QIODevice::WriteOnly));
            t.write("Subject: Late cards ({{incident}})\n\nDear {{name}} <{{email}}>, {{job_count}} jobs waited.\n");
        }
        const Run r = ctl(notify(QStringLiteral("print"), QStringLiteral("csv:") + path(QStringLiteral("named.csv")),
                                 QStringLiteral("INC-NAMES"),
                                 {QStringLiteral("--template"), named, QStringLiteral("--dry-run"), QStringLiteral("--names-from"),
                                  QStringLiteral("sqlite://") + app, QStringLiteral("--names-query"),
                                  QStringLiteral("SELECT full_name, mail FROM accounts WHERE id = :user")}));
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("Dear Ada Lovelace <ada@example.com>, 71 jobs waited."), r.out.left(600).constData());
        QVERIFY2(r.err.contains("names: 1 of 60 user(s) found"), r.err.constData());
        // A lookup that is not one SELECT with :user is a usage error, before any job is read.
        const Run bad = ctl(notify(QStringLiteral("print"), QStringLiteral("csv:") + path(QStringLiteral("named.csv")),
                                   QStringLiteral("INC-NAMES"),
                                   {QStringLiteral("--dry-run"), QStringLiteral("--names-from"), QStringLiteral("sqlite://") + app,
                                    QStringLiteral("--names-query"), QStringLiteral("DELETE FROM accounts WHERE id = :user")}));
        QCOMPARE(bad.exitCode, 2);
    }

    void webhookOncePerUserAndNeverTwice()
    {
        Receiver receiver;
        QVERIFY(receiver.start(path(QStringLiteral("hook.jsonl"))));
        // A password in the channel never reaches the audit log.
        const QString channel = QStringLiteral("webhook:") + receiver.address().replace(QStringLiteral("http://"), QStringLiteral("http://hook:s3cret@"));
        const QStringList args = notify(QStringLiteral("print"), channel, QStringLiteral("INC-7"),
                                        {QStringLiteral("--outbox"), path(QStringLiteral("hook-outbox.sqlite3"))});
        const Run first = ctl(args);
        QCOMPARE(first.exitCode, 0);
        QCOMPARE(first.out, QByteArray("sent 60, skipped 0 (already sent), failed 0\n"));
        QVERIFY(first.err.contains("notify: 60 of 60 done"));
        const QList<QJsonObject> requests = receiver.requests();
        QCOMPARE(requests.size(), 60);
        QSet<QString> users;
        QSet<QString> keys;
        for (const QJsonObject &req : requests) {
            QCOMPARE(req.value(QStringLiteral("status")).toInt(), 202);
            QVERIFY(!keyOf(req).isEmpty());
            QCOMPARE(keyOf(req), req.value(QStringLiteral("body")).toObject().value(QStringLiteral("idempotency_key")).toString());
            users.insert(userOf(req));
            keys.insert(keyOf(req));
            const QJsonObject body = req.value(QStringLiteral("body")).toObject();
            QCOMPARE(body.value(QStringLiteral("incident")).toString(), QStringLiteral("INC-7"));
            QCOMPARE(body.value(QStringLiteral("job_count")).toInteger(), expectedCounts().value(userOf(req)));
            QVERIFY(body.value(QStringLiteral("body")).toString().startsWith(QStringLiteral("Hi ") + userOf(req) + u','));
        }
        QCOMPARE(users, expectedUsers());
        QCOMPARE(keys.size(), 60);

        const Run again = ctl(args);
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(again.out, QByteArray("sent 0, skipped 60 (already sent), failed 0\n"));
        QCOMPARE(receiver.requests().size(), 60);

        const QList<QStringList> audit = notifyAuditRows();
        QVERIFY(audit.size() >= 2);
        const QStringList a = audit.at(audit.size() - 2);
        const QStringList b = audit.last();
        QVERIFY2(a.at(0).contains(QStringLiteral("incident=INC-7 queue=print state=waiting channel=webhook:http://127.0.0.1:")), qPrintable(a.at(0)));
        QVERIFY(!a.at(0).contains(QStringLiteral("s3cret")));
        QCOMPARE(a.mid(1), (QStringList{QStringLiteral("60"), QStringLiteral("0"), QStringLiteral("Ada")}));
        QCOMPARE(b.mid(1), (QStringList{QStringLiteral("0"), QStringLiteral("60"), QStringLiteral("Ada")}));
    }

    void killedMidwayThenRerunMessagesEveryoneOnce()
    {
        Receiver receiver;
        QVERIFY(receiver.start(path(QStringLiteral("slow.jsonl")), 100)); // 100 ms per request: ~6 s for all
        const QStringList args = notify(QStringLiteral("print"), QStringLiteral("webhook:") + receiver.address(), QStringLiteral("INC-KILL"),
                                        {QStringLiteral("--outbox"), path(QStringLiteral("kill-outbox.sqlite3"))});
        QProcess p;
        p.setProcessEnvironment(env());
        p.setReadChannel(QProcess::StandardError);
        p.start(qEnvironmentVariable("QD_CTL"), args);
        QVERIFY(p.waitForStarted(10000));
        QByteArray progress;
        while (!progress.contains("notify: 3 of 60 done") && p.waitForReadyRead(30000)) {
            progress += p.readAllStandardError();
        }
        QVERIFY2(progress.contains("notify: 3 of 60 done"), progress.constData());
        p.kill(); // SIGKILL: no cleanup, a message most likely in flight and leased
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitStatus(), QProcess::CrashExit);
        const qsizetype before = receiver.requests().size();
        QVERIFY2(before >= 3 && before < 60, qPrintable(QString::number(before)));

        const Run rerun = ctl(args);
        QVERIFY2(rerun.exitCode == 0, rerun.err.constData());
        QVERIFY2(rerun.out.startsWith("sent "), rerun.out.constData());
        QVERIFY(rerun.out.endsWith(", failed 0\n"));

        // Every user exactly once; a user seen twice only as a resend with the same key (which the receiver drops).
        QHash<QString, QSet<QString>> keysByUser;
        QSet<QString> keys;
        for (const QJsonObject &req : receiver.requests()) {
            keysByUser[userOf(req)].insert(keyOf(req));
            keys.insert(keyOf(req));
        }
        QCOMPARE(keysByUser.size(), 60);
        for (auto it = keysByUser.cbegin(); it != keysByUser.cend(); ++it) {
            QVERIFY2(it.value().size() == 1, qPrintable(it.key()));
        }
        QCOMPARE(keys.size(), 60);
        QVERIFY(receiver.requests().size() <= 61); // at most the one in flight was sent again

        const Run third = ctl(args);
        QCOMPARE(third.exitCode, 0);
        QCOMPARE(third.out, QByteArray("sent 0, skipped 60 (already sent), failed 0\n"));
    }

    void csvChannelOneRowPerUser()
    {
        const QString csv = path(QStringLiteral("support.csv"));
        const QStringList args = notify(QStringLiteral("print"), QStringLiteral("csv:") + csv, QStringLiteral("INC-CSV"),
                                        {QStringLiteral("--outbox"), path(QStringLiteral("csv-outbox.sqlite3"))});
        const Run r = ctl(args);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray("sent 60, skipped 0 (already sent), failed 0\n"));
        auto rows = [&] {
            QFile f(csv);
            return f.open(QIODevice::ReadOnly) ? qd::parseCsv(QString::fromUtf8(f.readAll())) : QList<QStringList>();
        };
        QList<QStringList> records = rows();
        QCOMPARE(records.size(), 61);
        QCOMPARE(records.first(), qd::csvHeader());
        const qsizetype userColumn = qd::csvHeader().indexOf(QStringLiteral("user"));
        QVERIFY(userColumn >= 0);
        QSet<QString> users;
        for (const QStringList &rec : records.mid(1)) {
            users.insert(rec.at(userColumn));
        }
        QCOMPARE(users, expectedUsers());

        const Run again = ctl(args);
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(rows().size(), 61);
    }

    void placeholdersInUserDataStayInert()
    {
        // User "{{incident}}": the template's {{user}} puts the text in, and it is never expanded again.
        const Run dry = ctl(notify(QStringLiteral("hostile"), QStringLiteral("csv:") + path(QStringLiteral("never.csv")),
                                   QStringLiteral("INC-SECRET"), {QStringLiteral("--dry-run")}));
        QCOMPARE(dry.exitCode, 0);
        const QString text = QString::fromUtf8(dry.out);
        QVERIFY2(text.contains(QStringLiteral("  {{incident}}  Your cards are late (INC-SECRET)  Hi {{incident}}, 1 print jobs")), qPrintable(text));
        QVERIFY(!text.contains(QStringLiteral("Hi INC-SECRET")));
        QVERIFY(!text.contains(QChar(0x202E)));
        QVERIFY(!QFile::exists(path(QStringLiteral("never.csv"))));

        // And through a real channel, byte for byte.
        const QString csv = path(QStringLiteral("hostile.csv"));
        const Run r = ctl(notify(QStringLiteral("hostile"), QStringLiteral("csv:") + csv, QStringLiteral("INC-SECRET"),
                                 {QStringLiteral("--outbox"), path(QStringLiteral("hostile-outbox.sqlite3"))}));
        QCOMPARE(r.exitCode, 0);
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QStringList> records = qd::parseCsv(QString::fromUtf8(f.readAll()));
        const qsizetype userColumn = qd::csvHeader().indexOf(QStringLiteral("user"));
        const qsizetype bodyColumn = qd::csvHeader().indexOf(QStringLiteral("body"));
        QVERIFY(bodyColumn >= 0);
        bool found = false;
        for (const QStringList &rec : records.mid(1)) {
            if (rec.at(userColumn) == u"{{incident}}") {
                found = true;
                QVERIFY2(rec.at(bodyColumn).startsWith(QStringLiteral("Hi {{incident}}, 1 print jobs waited 12 h")), qPrintable(rec.at(bodyColumn)));
            }
        }
        QVERIFY(found);
        QCOMPARE(records.size(), 5);
    }
};

QTEST_GUILESS_MAIN(TestQueuedeckCtlAffected)
#include "tst_queuedeckctl_affected.moc"
