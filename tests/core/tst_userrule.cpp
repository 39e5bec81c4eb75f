// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// User extraction rules over real-looking Sidekiq, ActiveJob, Celery and Delayed::Job payloads, hostile YAML,
// and collecting the distinct recipients behind a selection of jobs.
#include "core/recipients/recipients.h"
#include "core/recipients/userrule.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace qd;

namespace {

const QString none = QStringLiteral("<none>");

/// The user `spec` finds in `payload`, or "<none>" (QCOMPARE prints QStrings, not optionals).
QString extract(const QString &spec, const QString &payload)
{
    const auto rule = UserRule::parse(spec);
    if (!rule) {
        return QStringLiteral("<bad rule: %1>").arg(rule.error());
    }
    return rule->extract(payload).value_or(none);
}

const QString sidekiqJob = QStringLiteral(
    R"({"retry":true,"queue":"mailers","class":"CardReadyMailer","args":[{"user_id":42,"card":"c-1"},17],)"
    R"("jid":"b4a577edbccf1d805744efa9","created_at":1700000000.123,"enqueued_at":1700000000.125})");

const QString sidekiqActiveJob = QStringLiteral(
    R"({"class":"ActiveJob::QueueAdapters::SidekiqAdapter::JobWrapper","wrapped":"PrintJob","queue":"print",)"
    R"("args":[{"job_class":"PrintJob","job_id":"0e6f2b3c-6a7b-4c1e-9a51-2f1f0d6b9c11","provider_job_id":null,)"
    R"("queue_name":"print","priority":null,"arguments":[1234,{"copies":2,"_aj_ruby2_keywords":["copies"]}],)"
    R"("executions":0,"exception_executions":{},"locale":"en","timezone":"UTC",)"
    R"("enqueued_at":"2023-11-14T22:13:20Z"}],"retry":true,"jid":"5d0b2d4f8a1b2c3d4e5f6a7b"})");

const QString djPrintJob = QStringLiteral("--- !ruby/object:PrintJob\nuser_id: 42\ncopies: 2\n");

const QString djPerformableMethod = QStringLiteral(
    "--- !ruby/object:Delayed::PerformableMethod\n"
    "object: !ruby/object:User\n"
    "  raw_attributes:\n"
    "    id: 7\n"
    "    email: ada@example.com\n"
    "    created_at: 2023-11-14 22:13:20.000000000 Z\n"
    "  new_record: false\n"
    "method_name: :deliver\n"
    "args:\n"
    "- 42\n"
    "- x\n");

const QString djActiveJob = QStringLiteral(
    "--- !ruby/object:ActiveJob::QueueAdapters::DelayedJobAdapter::JobWrapper\n"
    "job_data:\n"
    "  job_class: PrintJob\n"
    "  job_id: 8d0c4f0e-3b9f-4a7e-a1d2-5c6b7e8f9a0b\n"
    "  provider_job_id:\n"
    "  queue_name: default\n"
    "  priority:\n"
    "  arguments:\n"
    "  - 42\n"
    "  - _aj_symbol_keys: []\n"
    "  executions: 0\n"
    "  locale: en\n");

} // namespace

class TestUserRule : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesSpecs()
    {
        auto p = UserRule::parse(QStringLiteral(" /args/0/user_id "));
        QVERIFY(p.ok());
        QCOMPARE(p->kind, UserRule::Kind::Pointer);
        QCOMPARE(p->tokens, (QStringList{QStringLiteral("args"), QStringLiteral("0"), QStringLiteral("user_id")}));
        auto a = UserRule::parse(QStringLiteral("arg:3"));
        QVERIFY(a.ok());
        QCOMPARE(a->kind, UserRule::Kind::Argument);
        QCOMPARE(a->argIndex, 3);
        auto r = UserRule::parse(QStringLiteral("re:user=(\\d+)"));
        QVERIFY(r.ok());
        QCOMPARE(r->kind, UserRule::Kind::Regex);
    }

    void rejectsBadSpecsClearly_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("empty") << QString() << QStringLiteral("empty");
        QTest::newRow("no slash") << QStringLiteral("args/0") << QStringLiteral("JSON pointer");
        QTest::newRow("bad escape") << QStringLiteral("/a~2b") << QStringLiteral("~0");
        QTest::newRow("dangling tilde") << QStringLiteral("/a~") << QStringLiteral("~0");
        QTest::newRow("arg word") << QStringLiteral("arg:first") << QStringLiteral("arg:0");
        QTest::newRow("arg negative") << QStringLiteral("arg:-1") << QStringLiteral("arg:0");
        QTest::newRow("bad regex") << QStringLiteral("re:user=(\\d+") << QStringLiteral("offset");
        QTest::newRow("empty regex") << QStringLiteral("re:") << QStringLiteral("regular expression");
    }
    void rejectsBadSpecsClearly()
    {
        QFETCH(QString, spec);
        QFETCH(QString, mentions);
        const auto r = UserRule::parse(spec);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().contains(mentions), qPrintable(r.error()));
    }

    void jsonPointerEscapesAndIndexes()
    {
        const auto tokens = parseJsonPointer(QStringLiteral("/a~1b/c~0d/~01"));
        QVERIFY(tokens.ok());
        QCOMPARE(tokens.value(), (QStringList{QStringLiteral("a/b"), QStringLiteral("c~d"), QStringLiteral("~1")}));
        const QString doc = QStringLiteral(R"({"a/b":{"c~d":{"~1":"u-9"}},"list":[10,20,30],"":{"":"empty-key"}})");
        QCOMPARE(extract(QStringLiteral("/a~1b/c~0d/~01"), doc), QStringLiteral("u-9"));
        QCOMPARE(extract(QStringLiteral("/list/2"), doc), QStringLiteral("30"));
        QCOMPARE(extract(QStringLiteral("//"), doc), QStringLiteral("empty-key"));
        QCOMPARE(extract(QStringLiteral("/list/3"), doc), none);  // past the end
        QCOMPARE(extract(QStringLiteral("/list/01"), doc), none); // leading zero is not an index
        QCOMPARE(extract(QStringLiteral("/list/-"), doc), none);  // "-" is past the end
        QCOMPARE(extract(QStringLiteral("/list/x"), doc), none);
        QCOMPARE(extract(QStringLiteral("/missing/deeper"), doc), none);
        QCOMPARE(extract(QStringLiteral("/list/0/x"), doc), none); // through a scalar
    }

    void scalarsOnlyAndNumbersPrintedPlainly()
    {
        const QString doc = QStringLiteral(
            R"({"i":42,"f":42.0,"big":12345678901234567,"neg":-5,"frac":1.5,"s":"u-1","e":"","n":null,)"
            R"("t":true,"o":{"id":1},"a":[1]})");
        QCOMPARE(extract(QStringLiteral("/i"), doc), QStringLiteral("42"));
        QCOMPARE(extract(QStringLiteral("/f"), doc), QStringLiteral("42"));
        QCOMPARE(extract(QStringLiteral("/big"), doc), QStringLiteral("12345678901234567"));
        QCOMPARE(extract(QStringLiteral("/neg"), doc), QStringLiteral("-5"));
        QCOMPARE(extract(QStringLiteral("/frac"), doc), QStringLiteral("1.5"));
        QCOMPARE(extract(QStringLiteral("/s"), doc), QStringLiteral("u-1"));
        for (const char *path : {"/e", "/n", "/t", "/o", "/a"}) {
            QCOMPARE(extract(QString::fromLatin1(path), doc), none);
        }
    }

    void sidekiqAndActiveJobJson()
    {
        QCOMPARE(extract(QStringLiteral("/args/0/user_id"), sidekiqJob), QStringLiteral("42"));
        QCOMPARE(extract(QStringLiteral("arg:1"), sidekiqJob), QStringLiteral("17"));
        QCOMPARE(extract(QStringLiteral("arg:0"), sidekiqJob), none); // an object, not a user id
        // A wrapped ActiveJob keeps its arguments inside the first Sidekiq argument.
        QCOMPARE(extract(QStringLiteral("arg:0"), sidekiqActiveJob), QStringLiteral("1234"));
        QCOMPARE(extract(QStringLiteral("/args/0/arguments/0"), sidekiqActiveJob), QStringLiteral("1234"));
        QCOMPARE(extract(QStringLiteral("arg:1"), sidekiqActiveJob), none);
        // Celery protocol 2 body: [args, kwargs, embed].
        const QString celery = QStringLiteral(R"([[99, "welcome"], {"user_id": 5}, {"callbacks": null}])");
        QCOMPARE(extract(QStringLiteral("arg:0"), celery), QStringLiteral("99"));
        QCOMPARE(extract(QStringLiteral("/1/user_id"), celery), QStringLiteral("5"));
        // BullMQ job data.
        QCOMPARE(extract(QStringLiteral("/data/userId"), QStringLiteral(R"({"name":"email","data":{"userId":"usr_7"}})")),
                 QStringLiteral("usr_7"));
    }

    void regexOverTheRawPayload()
    {
        QCOMPARE(extract(QStringLiteral("re:\"user_id\":(\\d+)"), sidekiqJob), QStringLiteral("42"));
        QCOMPARE(extract(QStringLiteral("re:c-\\d+"), sidekiqJob), QStringLiteral("c-1")); // whole match
        QCOMPARE(extract(QStringLiteral("re:email: (\\S+)"), djPerformableMethod), QStringLiteral("ada@example.com"));
        QCOMPARE(extract(QStringLiteral("re:nomatch=(\\d+)"), sidekiqJob), none);
        // A regex works on any text, even a payload that is neither JSON nor YAML.
        QCOMPARE(extract(QStringLiteral("re:uid=(\\w+)"), QStringLiteral("\x01\x02 binary uid=abc {[")), QStringLiteral("abc"));
    }

    void delayedJobYamlHandlers()
    {
        QCOMPARE(extract(QStringLiteral("/user_id"), djPrintJob), QStringLiteral("42"));
        QCOMPARE(extract(QStringLiteral("arg:0"), djPerformableMethod), QStringLiteral("42"));
        QCOMPARE(extract(QStringLiteral("arg:1"), djPerformableMethod), QStringLiteral("x"));
        QCOMPARE(extract(QStringLiteral("/object/raw_attributes/id"), djPerformableMethod), QStringLiteral("7"));
        QCOMPARE(extract(QStringLiteral("/method_name"), djPerformableMethod), QStringLiteral(":deliver"));
        QCOMPARE(extract(QStringLiteral("arg:0"), djActiveJob), QStringLiteral("42"));
        QCOMPARE(extract(QStringLiteral("/job_data/arguments/0"), djActiveJob), QStringLiteral("42"));
        QCOMPARE(extract(QStringLiteral("arg:1"), djActiveJob), none); // a hash
        // Rails 5+ handlers keep attributes as concise_attributes; symbol keys as ":key".
        const QString concise = QStringLiteral(
            "--- !ruby/object:Delayed::PerformableMailer\n"
            "object: !ruby/class 'UserMailer'\n"
            "method_name: :card_ready\n"
            "args:\n"
            "- !ruby/object:User\n"
            "  concise_attributes:\n"
            "  - !ruby/object:ActiveModel::Attribute::FromDatabase\n"
            "    name: id\n"
            "    value_before_type_cast: 314\n"
            "  new_record: false\n"
            "- :user_id: 271\n"
            "  :tag: 'quoted 42'\n");
        QCOMPARE(extract(QStringLiteral("/args/0/concise_attributes/0/value_before_type_cast"), concise), QStringLiteral("314"));
        QCOMPARE(extract(QStringLiteral("/args/1/user_id"), concise), QStringLiteral("271")); // found as :user_id
        QCOMPARE(extract(QStringLiteral("/args/1/tag"), concise), QStringLiteral("quoted 42"));
        QCOMPARE(extract(QStringLiteral("/object"), concise), QStringLiteral("UserMailer"));
    }

    void yamlScalarsBecomePlainValues()
    {
        const auto v = payloadToJson(QStringLiteral(
            "int: 42\nneg: -7\nfloat: 1.5\nyes: true\nno: false\ntilde: ~\nnull: null\nempty:\nsym: :deliver\n"
            "quoted: '12'\ndquoted: \"13\"\nhuge: 123456789012345678901234567890\nstr: hello world\n"
            "time: 2023-11-14 22:13:20.000000000 Z\ntagged: !ruby/string 99\n"));
        QVERIFY2(v.ok(), qPrintable(v.error()));
        const QJsonObject o = v->toObject();
        QCOMPARE(o.value(QStringLiteral("int")), QJsonValue(42));
        QCOMPARE(o.value(QStringLiteral("neg")), QJsonValue(-7));
        QCOMPARE(o.value(QStringLiteral("float")), QJsonValue(1.5));
        QCOMPARE(o.value(QStringLiteral("yes")), QJsonValue(true));
        QCOMPARE(o.value(QStringLiteral("no")), QJsonValue(false));
        QVERIFY(o.value(QStringLiteral("tilde")).isNull());
        QVERIFY(o.value(QStringLiteral("null")).isNull());
        QVERIFY(o.value(QStringLiteral("empty")).isNull());
        QCOMPARE(o.value(QStringLiteral("sym")), QJsonValue(QStringLiteral(":deliver")));
        QCOMPARE(o.value(QStringLiteral("quoted")), QJsonValue(QStringLiteral("12")));
        QCOMPARE(o.value(QStringLiteral("dquoted")), QJsonValue(QStringLiteral("13")));
        QCOMPARE(o.value(QStringLiteral("huge")), QJsonValue(QStringLiteral("123456789012345678901234567890")));
        QCOMPARE(o.value(QStringLiteral("str")), QJsonValue(QStringLiteral("hello world")));
        QCOMPARE(o.value(QStringLiteral("time")), QJsonValue(QStringLiteral("2023-11-14 22:13:20.000000000 Z")));
        QCOMPARE(o.value(QStringLiteral("tagged")), QJsonValue(QStringLiteral("99")));
        // JSON-looking text that is YAML flow style still reads.
        const auto flow = payloadToJson(QStringLiteral("{user_id: 5, name: ada}"));
        QVERIFY2(flow.ok(), qPrintable(flow.error()));
        QCOMPARE(flow->toObject().value(QStringLiteral("user_id")), QJsonValue(5));
    }

    void rubyTagsAreIgnoredNeverResolved()
    {
        // What an attacker would write to get Psych.load to call Kernel#system: here it is only data.
        const QString hostile = QStringLiteral(
            "--- !ruby/object:Kernel\n"
            "method_name: :system\n"
            "args:\n"
            "- rm -rf /\n"
            "gadget: !ruby/object:Gem::Installer\n"
            "  i: x\n"
            "py: !!python/object/apply:os.system ['touch /tmp/pwned']\n"
            "hash: !ruby/hash-with-ivars:ActionController::Parameters\n"
            "  elements:\n"
            "    user_id: 3\n");
        const auto v = payloadToJson(hostile);
        QVERIFY2(v.ok(), qPrintable(v.error()));
        QCOMPARE(extract(QStringLiteral("arg:0"), hostile), QStringLiteral("rm -rf /"));
        QCOMPARE(extract(QStringLiteral("/hash/elements/user_id"), hostile), QStringLiteral("3"));
        QCOMPARE(v->toObject().value(QStringLiteral("py")).toArray().at(0).toString(), QStringLiteral("touch /tmp/pwned"));
        QVERIFY(!QFile::exists(QStringLiteral("/tmp/pwned")));
    }

    void billionLaughsIsRefusedQuickly()
    {
        QString bomb = QStringLiteral("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        const QString names = QStringLiteral("abcdefghi");
        for (int i = 1; i < names.size(); ++i) {
            QStringList refs;
            for (int k = 0; k < 9; ++k) {
                refs << u'*' + names.at(i - 1);
            }
            bomb += names.at(i) + QStringLiteral(": &") + names.at(i) + QStringLiteral(" [") + refs.join(u',') + QStringLiteral("]\n");
        }
        bomb += QStringLiteral("user_id: 1\n");
        QElapsedTimer timer;
        timer.start();
        const auto v = payloadToJson(bomb);
        QVERIFY(!v.ok());
        QVERIFY2(v.error().contains(QStringLiteral("alias bomb")), qPrintable(v.error()));
        QCOMPARE(extract(QStringLiteral("/user_id"), bomb), none);
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
        // A modest use of aliases is fine.
        const auto ok = payloadToJson(QStringLiteral("base: &b {user_id: 8}\ncopy: *b\n"));
        QVERIFY2(ok.ok(), qPrintable(ok.error()));
        QCOMPARE(extract(QStringLiteral("/copy/user_id"), QStringLiteral("base: &b {user_id: 8}\ncopy: *b\n")), QStringLiteral("8"));
    }

    void selfReferenceIsRefused()
    {
        const auto v = payloadToJson(QStringLiteral("loop: &l [*l, 1]\n"));
        QVERIFY(!v.ok());
        QVERIFY2(v.error().contains(QStringLiteral("deeper")), qPrintable(v.error()));
        const auto m = payloadToJson(QStringLiteral("--- &m\nself: *m\nuser_id: 1\n"));
        QVERIFY(!m.ok());
    }

    void oversizedInputIsRefused()
    {
        QString big = QStringLiteral("--- !ruby/object:PrintJob\nuser_id: 42\npadding: ");
        big += QString(2 * 1024 * 1024, u'x');
        big += u'\n';
        const auto v = payloadToJson(big);
        QVERIFY(!v.ok());
        QVERIFY2(v.error().contains(QStringLiteral("bytes")), qPrintable(v.error()));
        QCOMPARE(extract(QStringLiteral("/user_id"), big), none);
    }

    void deepNestingIsRefused()
    {
        // Within the limit.
        QString ok = QString(60, u'[') + QStringLiteral("1") + QString(60, u']');
        QVERIFY2(payloadToJson(QStringLiteral("a: ") + ok).ok(), "60 levels must be fine");
        // Over our limit of 64, under the parser's own.
        const auto v = payloadToJson(QStringLiteral("a: ") + QString(200, u'[') + QString(200, u']'));
        QVERIFY(!v.ok());
        QVERIFY2(v.error().contains(QStringLiteral("64")), qPrintable(v.error()));
        // Far over every limit, flow and block style: an error, not a stack overflow.
        QVERIFY(!payloadToJson(QStringLiteral("a: ") + QString(100000, u'[')).ok());
        QVERIFY(!payloadToJson(QStringLiteral("a: ") + QString(100000, u'{')).ok());
        QString dashes;
        for (int i = 0; i < 20000; ++i) {
            dashes += QStringLiteral("- ");
        }
        QVERIFY(!payloadToJson(dashes + QStringLiteral("x\n")).ok());
    }

    void garbageIsAnErrorNotACrash()
    {
        for (const QString &junk : {QStringLiteral("{\"args\": [1, 2"), QStringLiteral("key: [unclosed"),
                                    QStringLiteral("\t- bad: indent\n  - : :"), QStringLiteral("*undefined_alias"),
                                    QStringLiteral("%YAML 9.9\n--- x")}) {
            const auto v = payloadToJson(junk);
            QVERIFY2(!v.ok(), qPrintable(junk));
            QVERIFY(!v.error().isEmpty());
        }
    }

    void collectsDistinctRecipients()
    {
        const QDateTime now = QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC);
        auto job = [&](const QString &id, const QString &queue, const QString &user, qint64 enqueuedAgo) {
            AffectedJob j;
            j.id = id;
            j.queue = queue;
            j.className = QStringLiteral("PrintJob");
            j.payload = user.isEmpty() ? QStringLiteral(R"({"args":[]})")
                                       : QStringLiteral(R"({"args":[{"user_id":%1}]})").arg(user);
            j.enqueuedAt = now.addSecs(-enqueuedAgo);
            return j;
        };
        QList<AffectedJob> jobs = {job(QStringLiteral("j1"), QStringLiteral("print"), QStringLiteral("1"), 60),
                                   job(QStringLiteral("j2"), QStringLiteral("mail"), QStringLiteral("1"), 3600),
                                   job(QStringLiteral("j3"), QStringLiteral("print"), QStringLiteral("2"), 3600),
                                   job(QStringLiteral("j4"), QStringLiteral("print"), QStringLiteral("3"), 10)};
        for (int i = 0; i < 7; ++i) {
            jobs << job(QStringLiteral("miss%1").arg(i), QStringLiteral("print"), QString(), 5);
        }
        for (int i = 0; i < 8; ++i) {
            jobs << job(QStringLiteral("u4-%1").arg(i), QStringLiteral("print"), QStringLiteral("4"), 1);
        }
        // runAt wins over enqueuedAt; failedAt is the last resort; a job scheduled in the future waited 0 s.
        AffectedJob scheduled = job(QStringLiteral("j5"), QStringLiteral("print"), QStringLiteral("5"), 9999);
        scheduled.runAt = now.addSecs(300);
        AffectedJob failed = job(QStringLiteral("j6"), QStringLiteral("print"), QStringLiteral("6"), 0);
        failed.enqueuedAt = QDateTime();
        failed.failedAt = now.addSecs(-120);
        jobs << scheduled << failed;

        const auto rule = UserRule::parse(QStringLiteral("/args/0/user_id"));
        const RecipientSet set = collectRecipients(jobs, rule.value(), now);
        QCOMPARE(set.jobsExamined, qint64(jobs.size()));
        QCOMPARE(set.jobsWithoutUser, 7);
        QCOMPARE(set.missSamples.size(), 5);
        QCOMPARE(set.missSamples.first(), QStringLiteral("miss0"));
        QStringList order;
        for (const Recipient &r : set.users) {
            order << r.user;
        }
        // 1 and 2 waited 3600 s (tie: by user), then 6 (120 s), 3 (10 s), 4 (1 s), 5 (0 s).
        QCOMPARE(order, (QStringList{QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("6"), QStringLiteral("3"),
                                     QStringLiteral("4"), QStringLiteral("5")}));
        const Recipient &one = set.users.at(0);
        QCOMPARE(one.jobCount, 2);
        QCOMPARE(one.longestDelayS, 3600);
        QCOMPARE(one.queue, QStringLiteral("mail")); // the queue of the longest wait
        QCOMPARE(one.sampleJobIds, (QStringList{QStringLiteral("j1"), QStringLiteral("j2")}));
        const Recipient &four = set.users.at(4);
        QCOMPARE(four.jobCount, 8);
        QCOMPARE(four.sampleJobIds.size(), 5);
        QCOMPARE(set.users.at(2).longestDelayS, 120);
        QCOMPARE(set.users.at(5).longestDelayS, 0);

        // Collected page by page (as queuedeckctl pages through a backlog) and merged: the same set.
        auto text = [](const RecipientSet &s) {
            QStringList lines{QStringLiteral("%1 %2 %3").arg(s.jobsExamined).arg(s.jobsWithoutUser).arg(s.missSamples.join(u','))};
            for (const Recipient &r : s.users) {
                lines << QStringLiteral("%1 %2 %3 %4 %5").arg(r.user).arg(r.jobCount).arg(r.longestDelayS).arg(r.queue,
                                                                                                          r.sampleJobIds.join(u','));
            }
            return lines;
        };
        for (const qsizetype pageSize : {1, 2, 3, 7, 100}) {
            RecipientSet merged;
            for (qsizetype i = 0; i < jobs.size(); i += pageSize) {
                mergeRecipients(merged, collectRecipients(jobs.mid(i, pageSize), rule.value(), now));
            }
            QCOMPARE(text(merged), text(set));
        }
    }

    void collectsFromDelayedJobHandlers()
    {
        const QDateTime now = QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC);
        QList<AffectedJob> jobs;
        for (const QString &payload : {djPerformableMethod, djActiveJob, djPrintJob}) {
            AffectedJob j;
            j.id = QString::number(jobs.size() + 1);
            j.queue = QStringLiteral("default");
            j.payload = payload;
            j.runAt = now.addSecs(-600);
            jobs << j;
        }
        const RecipientSet set = collectRecipients(jobs, UserRule::parse(QStringLiteral("arg:0")).value(), now);
        QCOMPARE(set.users.size(), 1);
        QCOMPARE(set.users.first().user, QStringLiteral("42"));
        QCOMPARE(set.users.first().jobCount, 2);
        QCOMPARE(set.jobsWithoutUser, 1); // the PrintJob struct has no arguments list
        QCOMPARE(set.missSamples, QStringList{QStringLiteral("3")});
    }
};

QTEST_GUILESS_MAIN(TestUserRule)
#include "tst_userrule.moc"
