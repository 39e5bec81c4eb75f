// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// First, do no harm: Queuedeck's polls, searches and class breakdowns on the data shapes that once held Redis for
// seconds (10,000 scheduled jobs without retry_count, 2,000 of them with 1 KB arguments, 10,000 retries, 64 KB
// jobs), written by the real Sidekiq client, while a real Sidekiq::Client.push loop enqueues beside them. The
// application must never get BUSY (or time out), and Redis's SLOWLOG must hold no Queuedeck call over 50 ms — a
// generous bound on a busy CI machine that still catches the quadratic script of the past by two orders of
// magnitude. A private redis-server, so that the SLOWLOG and its threshold are this test's alone.
#include "core/backends/sidekiq/sidekiqbackend.h"
#include "tests/backends/redistestserver.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using qd::JobQuery;
using qd::JobState;
using qd::Snapshot;
using qd::sidekiq::SidekiqBackend;

namespace {

const QString kFixtures = QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/sidekiq/");
constexpr qint64 kSlowUs = 50'000;

std::unique_ptr<SidekiqBackend> backend(const QString &url)
{
    auto parsed = qd::ConnectionUrl::parse(url);
    if (!parsed) {
        qFatal("bad url %s", qPrintable(url));
    }
    return std::make_unique<SidekiqBackend>(parsed.value());
}

struct SlowCall
{
    qint64 micros = 0;
    QString command;
    QString client;
};

/// Entries of SLOWLOG GET (Redis 4+: id, time, duration µs, arguments, client address, client name).
QList<SlowCall> slowlog(qd::redis::Client &c)
{
    QList<SlowCall> out;
    const auto b = c.pipeline({{"SLOWLOG", "GET", "1000"}}).result();
    if (!b.ok()) {
        return out;
    }
    for (const auto &e : b.replies.at(0).elements) {
        if (e.elements.size() < 6) {
            continue;
        }
        SlowCall s;
        s.micros = e.elements.at(2).integer;
        const auto &args = e.elements.at(3).elements;
        for (qsizetype i = 0; i < args.size() && i < 3; ++i) {
            s.command += QString::fromUtf8(args.at(i).str.left(40)) + u' ';
        }
        s.client = QString::fromUtf8(e.elements.at(5).str);
        out << s;
    }
    return out;
}

} // namespace

class TestSidekiqGentle : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_server.start(), qPrintable(m_server.error()));
        const QByteArray counts = qd::test::runFixture(
            QStringLiteral("ruby"), {kFixtures + QStringLiteral("fill_worstcase.rb"), plainUrl()}, 180'000);
        const QJsonObject o = QJsonDocument::fromJson(counts).object();
        QCOMPARE(o.value(u"scheduled").toInteger(), 10'000);
        QCOMPARE(o.value(u"retry").toInteger(), 10'000);
        m_admin = std::make_unique<qd::redis::Client>(options(), QStringLiteral("admin"));
        // Log every call over 1 ms, so the test can also print the longest one.
        QVERIFY(m_admin
                    ->pipeline({{"CONFIG", "SET", "slowlog-log-slower-than", "1000"},
                                {"CONFIG", "SET", "slowlog-max-len", "10000"},
                                {"SLOWLOG", "RESET"}})
                    .result()
                    .ok());
    }

    void applicationKeepsEnqueueingWhileQueuedeckReadsEverything()
    {
        QProcess pusher;
        startPusher(pusher, 600);
        if (QTest::currentTestFailed()) {
            return;
        }

        // Three first polls (each a new connection: the full breakdown of every set, the worst case), searches
        // through the scheduled and retry sets for a job near their ends, and a class breakdown of 64 KB jobs.
        for (int round = 0; round < 3; ++round) {
            auto b = backend(url());
            const Snapshot s = b->snapshot().result();
            QVERIFY2(s.ok(), qPrintable(s.error));
            const auto *def = s.queue(QStringLiteral("default"));
            const auto *mail = s.queue(QStringLiteral("mail"));
            const auto *big = s.queue(QStringLiteral("big"));
            QVERIFY(def && mail && big);
            QCOMPARE(def->scheduled.value_or(-1), 10'000);
            QCOMPARE(mail->failed.value_or(-1), 10'000);
            QCOMPARE(mail->maxAttempts.value_or(-1), 25);
            QCOMPARE(big->dead.value_or(-1), 20);
            QCOMPARE(big->maxAttempts.value_or(-1), 26);
            QCOMPARE(big->waiting.value_or(-1), 200);
            QVERIFY(big->oldestAgeSeconds.has_value());

            // A later poll of the same connection reuses the unchanged sets' breakdown.
            const auto before = b->connectionStats();
            QVERIFY(b->snapshot().result().ok());
            QCOMPARE(b->connectionStats().roundTrips - before.roundTrips, 2);

            for (const auto &[state, needle] : {std::pair{JobState::Scheduled, QStringLiteral("\"args\":[7990]")},
                                                std::pair{JobState::Failed, QStringLiteral("\"jid\":\"retry9990\"")}}) {
                JobQuery q;
                q.queue = state == JobState::Scheduled ? QStringLiteral("default") : QStringLiteral("mail");
                q.state = state;
                q.search = needle;
                q.limit = 1;
                bool found = false;
                for (int page = 0; page < 10'000 && !found; ++page) {
                    const qd::JobPage p = b->jobs(q).result();
                    QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
                    found = !p.jobs.isEmpty();
                    if (p.nextCursor.isEmpty()) {
                        break;
                    }
                    q.after = p.nextCursor;
                }
                QVERIFY2(found, qPrintable(needle));
            }
            const qd::ClassBreakdown classes = b->classBreakdown(QStringLiteral("big")).result();
            QVERIFY2(classes.error.isEmpty(), qPrintable(classes.error));
            QCOMPARE(classes.examined, 200);
        }

        pusher.terminate();
        QVERIFY(pusher.waitForFinished(30'000));

        qint64 longest = 0;
        QStringList slow;
        for (const SlowCall &call : slowlog(*m_admin)) {
            if (!call.client.startsWith(u"queuedeck")) {
                continue; // the fixtures' own bulk writes, the admin connection
            }
            longest = std::max(longest, call.micros);
            if (call.micros > kSlowUs) {
                slow << QStringLiteral("%1 µs: %2").arg(call.micros).arg(call.command);
            }
        }
        qInfo("longest Queuedeck call in SLOWLOG: %.2f ms", double(longest) / 1000.0);
        QVERIFY2(slow.isEmpty(), qPrintable(slow.join(u'\n')));
    }

    void noBusyForTheApplication()
    {
        // The same load again, with the pusher's own verdict: every push answered, none with BUSY or a timeout.
        QProcess pusher;
        startPusher(pusher, 8);
        if (QTest::currentTestFailed()) {
            return;
        }
        QElapsedTimer t;
        t.start();
        int polls = 0;
        while (pusher.state() == QProcess::Running && t.elapsed() < 8'000) {
            auto b = backend(url());
            QVERIFY(b->snapshot().result().ok());
            ++polls;
        }
        QVERIFY(pusher.waitForFinished(60'000));
        const QJsonObject verdict =
            QJsonDocument::fromJson(pusher.readAllStandardOutput().trimmed().split('\n').last()).object();
        qInfo("%d first polls beside %lld pushes; slowest push %.1f ms", polls,
              qlonglong(verdict.value(u"pushed").toInteger()), verdict.value(u"slowest_ms").toDouble());
        QVERIFY(polls >= 1);
        QVERIFY(verdict.value(u"pushed").toInteger() > 0);
        QVERIFY2(verdict.value(u"error_count").toInteger() == 0,
                 QJsonDocument(verdict.value(u"errors").toArray()).toJson(QJsonDocument::Compact).constData());
    }

private:
    /// The application beside Queuedeck: a Sidekiq::Client.push loop for `seconds`, started and ready.
    void startPusher(QProcess &pusher, int seconds)
    {
        pusher.setStandardErrorFile(QProcess::nullDevice()); // redis-rb's deprecation notes would fill the pipe
        pusher.start(QStringLiteral("ruby"),
                     {kFixtures + QStringLiteral("pusher.rb"), plainUrl(), QString::number(seconds)});
        QVERIFY(pusher.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(pusher.canReadLine() || pusher.state() != QProcess::Running, 30'000);
        QCOMPARE(pusher.readLine().trimmed(), QByteArray("ready"));
    }
    QString plainUrl() const { return QStringLiteral("redis://127.0.0.1:%1/0").arg(m_server.port()); }
    QString url() const { return QStringLiteral("sidekiq+redis://127.0.0.1:%1/0").arg(m_server.port()); }
    qd::redis::Options options() const
    {
        qd::redis::Options o;
        o.port = quint16(m_server.port());
        o.clientName = QByteArrayLiteral("test-admin");
        return o;
    }

    qd::test::RedisServer m_server;
    std::unique_ptr<qd::redis::Client> m_admin;
};

QTEST_GUILESS_MAIN(TestSidekiqGentle)
#include "tst_sidekiq_gentle.moc"
