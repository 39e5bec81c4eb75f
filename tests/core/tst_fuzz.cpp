// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Bounded randomized-input runs of every parser that reads what a user, a job or a server wrote: the connection
// URL parser, the RESP reader, the AMQP codec, the JSON and YAML payload readers with the user rules, and the
// message template renderer. Each starts from valid inputs and mutates them (bytes flipped, inserted, deleted,
// duplicated, spliced with another seed, cut) for a fixed number of iterations with a fixed seed, so a run is
// reproducible and its time bounded. The libFuzzer target in tests/fuzz (clang, -DQD_FUZZ=ON) digs deeper; this
// keeps every CI run honest without clang; QD_FUZZ_SEED=N runs other inputs. A crash, a hang (ctest's timeout) or a broken invariant fails.
#include "core/backends/rabbitmq/amqpcodec.h"
#include "core/backends/redis/respreader.h"
#include "core/connectionurl.h"
#include "core/recipients/messagetemplate.h"
#include "core/recipients/userrule.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>

using namespace qd;

namespace {

/// QD_FUZZ_SEED=N explores other inputs (a CI run always uses the fixed seeds, so a failure reproduces).
quint32 seeded(quint32 base)
{
    return base ^ quint32(qEnvironmentVariableIntValue("QD_FUZZ_SEED"));
}

/// A mutator over bytes, deterministic for its seed.
class Mutator
{
public:
    Mutator(quint32 seed, QList<QByteArray> seeds) : m_rng(seeded(seed)), m_seeds(std::move(seeds)) {}

    QByteArray next()
    {
        QByteArray b = m_seeds.at(int(m_rng.bounded(quint32(m_seeds.size()))));
        const int rounds = 1 + int(m_rng.bounded(4u));
        for (int i = 0; i < rounds; ++i) {
            mutate(b);
        }
        return b;
    }

private:
    char interesting()
    {
        static const char chars[] = {'\0', '\r', '\n', ':', '/', '@', '%', '?', '&', '=', '#', '*', '$', '{', '}',
                                     '"', '\'', '-', '!', '\x1b', '\x7f', '\xff', '\xc3', ' ', '9', '['};
        return chars[m_rng.bounded(quint32(sizeof(chars)))];
    }

    void mutate(QByteArray &b)
    {
        const qsizetype at = b.isEmpty() ? 0 : qsizetype(m_rng.bounded(quint32(b.size())));
        switch (m_rng.bounded(7u)) {
        case 0: // flip a byte
            if (!b.isEmpty()) {
                b[at] = char(m_rng.bounded(256u));
            }
            break;
        case 1: // insert a character parsers care about
            b.insert(at, interesting());
            break;
        case 2: // delete a run
            b.remove(at, qsizetype(m_rng.bounded(8u)));
            break;
        case 3: // duplicate a run (a length field repeated, a nested level more)
            if (!b.isEmpty()) {
                b.insert(at, b.mid(at, qsizetype(m_rng.bounded(16u))));
            }
            break;
        case 4: { // splice with another seed
            const QByteArray &other = m_seeds.at(int(m_rng.bounded(quint32(m_seeds.size()))));
            b = b.left(at) + other.mid(qsizetype(m_rng.bounded(quint32(std::max<qsizetype>(other.size(), 1)))));
            break;
        }
        case 5: // cut
            b.truncate(at);
            break;
        default: // a big number where a small one was
            b.insert(at, QByteArray::number(qint64(m_rng.generate64() >> m_rng.bounded(64u))));
            break;
        }
    }

    QRandomGenerator m_rng;
    QList<QByteArray> m_seeds;
};

} // namespace

class TestFuzz : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void connectionUrls()
    {
        const QList<QByteArray> seeds = {
            "sidekiq+redis://ops:Pw-SECRET-1@redis.internal:6379/2?namespace=app&readonly=1",
            "rq+rediss://:Pw-SECRET-2@cache:6380/0?tls_ca=/etc/ssl/ca.pem&timeout=3",
            "bullmq+redis://127.0.0.1/0?prefix=bull&discovery_budget_ms=50",
            "celery+amqp://guest:Pw-SECRET-3@mq:15672/%2F?results=0",
            "rabbitmq+https://monitor:Pw-SECRET-4@mq.example.com:15671/prod?stats_limit=5000&tls_ca=/tmp/ca",
            "delayedjob+postgresql://app:Pw-SECRET-5@db:5432/shop?table=delayed_jobs&max_run_time=3600",
            "delayedjob+sqlite:///var/lib/app/db.sqlite3?readonly=yes",
        };
        Mutator m(20261207, seeds);
        static const QRegularExpression password(QStringLiteral("://[^:/@?#]*:([^@/?#]{6,})@"));
        for (int i = 0; i < 30'000; ++i) {
            const QString text = QString::fromUtf8(m.next());
            const auto url = ConnectionUrl::parse(text);
            if (url) {
                // (A password the input also spells elsewhere, say in an option's value, is shown there as typed.)
                if (url->password.size() >= 4 && text.count(url->password) == 1) {
                    QVERIFY2(!url->toDisplayString().contains(url->password), qPrintable(text));
                }
                continue;
            }
            // Whatever is wrong with it, the error never quotes what stands where a password stands.
            const auto found = password.match(text);
            if (found.hasMatch() && !found.captured(1).contains(u'%')) {
                QVERIFY2(!url.error().contains(found.captured(1)),
                         qPrintable(QStringLiteral("%1\n→ %2").arg(text, url.error())));
            }
        }
    }

    void respReplies()
    {
        const QList<QByteArray> seeds = {
            "*3\r\n$5\r\nhello\r\n:42\r\n*2\r\n+OK\r\n$-1\r\n",
            "-ERR unknown command\r\n",
            "*2\r\n*2\r\n:1\r\n:2\r\n$3\r\nabc\r\n",
            "$10\r\n0123456789\r\n+PONG\r\n:-7\r\n",
            "*-1\r\n*0\r\n",
        };
        Mutator m(7, seeds);
        QRandomGenerator split(8);
        for (int i = 0; i < 30'000; ++i) {
            const QByteArray wire = m.next();
            redis::RespReader reader(redis::RespReader::Limits{1 << 16, 1000});
            for (qsizetype at = 0; at < wire.size();) {
                const qsizetype n = 1 + qsizetype(split.bounded(8u));
                if (!reader.feed(wire.mid(at, n))) {
                    break;
                }
                at += n;
                while (auto r = reader.next()) {
                    QVERIFY(r->approximateSize() <= (1 << 16) + 1000 * qsizetype(sizeof(redis::Reply)) + 64);
                }
            }
        }
    }

    void amqpTablesAndProperties()
    {
        amqp::Writer w;
        amqp::FieldTable death;
        death.append({QByteArrayLiteral("queue"), amqp::FieldValue::string("orders")});
        death.append({QByteArrayLiteral("count"), amqp::FieldValue::longInt(3)});
        amqp::FieldTable headers;
        headers.append({QByteArrayLiteral("x-first-death-queue"), amqp::FieldValue::string("orders")});
        headers.append({QByteArrayLiteral("redelivered"), amqp::FieldValue::boolean(true)});
        amqp::Properties props;
        props.contentType = QByteArrayLiteral("application/json");
        props.headers = headers;
        props.deliveryMode = 2;
        props.messageId = QByteArrayLiteral("m-1");
        props.timestamp = 1733600000;
        w.properties(props);
        const QByteArray propsWire = w.data();
        amqp::Writer t;
        t.table(headers);
        const QByteArray tableWire = t.data();
        Mutator m(9, {propsWire, tableWire});
        for (int i = 0; i < 30'000; ++i) {
            const QByteArray wire = m.next();
            amqp::Reader a(wire);
            a.properties();
            amqp::Reader b(wire);
            b.table();
            QVERIFY(b.position() <= wire.size() || b.failed());
        }
    }

    void payloadsAndUserRules()
    {
        const QList<QByteArray> seeds = {
            R"({"class":"PrintJob","args":[{"user_id":1001,"card":"x"}],"jid":"abc","retry_count":3})",
            R"({"data":{"userId":"u-7"},"name":"send","opts":{"attempts":5}})",
            R"([[42,"x"],{"user":{"id":9}}])",
            "--- !ruby/object:Delayed::PerformableMethod\nobject: !ruby/object:User\n  raw_attributes:\n    id: 7\n"
            "method_name: :deliver\nargs:\n- 42\n- x\n",
            "--- &a\nk: *a\nl: [*a, *a]\n",
            "--- !ruby/object:PrintJob\nuser_id: 42\n",
        };
        QList<UserRule> rules;
        for (const char *spec : {"/args/0/user_id", "arg:0", "/data/userId", "re:user_id\\D+(\\d+)", "/object/raw_attributes/id"}) {
            rules << UserRule::parse(QString::fromLatin1(spec)).value();
        }
        Mutator m(10, seeds);
        QElapsedTimer slowest;
        qint64 worstMs = 0;
        for (int i = 0; i < 6'000; ++i) {
            const QString payload = QString::fromUtf8(m.next());
            slowest.start();
            (void)payloadToJson(payload);
            for (const UserRule &r : std::as_const(rules)) {
                (void)r.extract(payload);
            }
            worstMs = std::max(worstMs, slowest.elapsed());
        }
        qInfo("slowest payload: %lld ms", worstMs); // printed, not asserted: timing belongs to bench/
    }

    void messageTemplates()
    {
        // No seed names {{queue}}: if its value shows up, a user's text "{{queue}}" was expanded as a placeholder.
        const QList<QByteArray> seeds = {
            "Subject: Your cards are late ({{incident}})\n\nHi {{user}}, {{job_count}} jobs waited {{delay}}.",
            "Subject: {{name}}\n\n{{email}} {{{{user}}}} {{ user }} {{unknown}}",
            "Subject: x\n\n" + QByteArray("{{user}}").repeated(50),
        };
        Mutator m(11, seeds);
        MessageValues v;
        v.user = QStringLiteral("{{queue}}\u202E\x1b[2J");
        v.name = QStringLiteral("{{queue}}");
        v.email = QStringLiteral("a@b");
        v.jobCount = 3;
        v.delayS = 11520;
        v.queue = QStringLiteral("Q-EXPANDED");
        v.incident = QStringLiteral("INC-1");
        int rendered = 0;
        for (int i = 0; i < 20'000; ++i) {
            const auto t = MessageTemplate::fromText(QStringLiteral("t"), QString::fromUtf8(m.next()));
            if (!t) {
                continue;
            }
            const auto r = t->render(v);
            ++rendered;
            QVERIFY2(!r.body.contains(u"Q-EXPANDED") && !r.subject.contains(u"Q-EXPANDED"), qPrintable(r.body));
        }
        QVERIFY(rendered > 100); // the mutations leave enough valid templates to mean something
    }
};

QTEST_GUILESS_MAIN(TestFuzz)
#include "tst_fuzz.moc"
