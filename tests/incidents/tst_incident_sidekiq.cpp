// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Incident 003 (shared/incidents/003_…, Coveralls): a new job class flooded the `default` queue while the other
// queues looked healthy, and a Sidekiq process died. Replayed with two real `sidekiq` 6.4 processes: "steady"
// serves mail and reports, "coverage" serves default and reports. Watching starts while all is well; then
// "coverage" is SIGKILLed (its heartbeat stops) and 5,000 jobs of a new class land on `default` (Sidekiq's own
// client, fixtures/sidekiq_flood.rb). The operator must see: critical latency on default, the lost process
// named (issue 17, item 7: it was counted, never named), a "new queue" event, and `check` exiting 2.
// Real polls a few seconds apart: the heartbeat has to really expire (heartbeat_timeout=8 in the URL: Sidekiq
// beats every 5 s).
#include "core/backends/sidekiq/sidekiqbackend.h"
#include "tests/incidents/incidentsupport.h"
#include "tests/backends/redistestserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace qd;

namespace {

constexpr int kDb = 40; // see the list in tests/backends/redistestserver.h

} // namespace

class TestIncidentSidekiq : public QObject
{
    Q_OBJECT
private:
    test::SharedRedis m_redis;
    test::Peer m_steady;
    test::Peer m_coverage;

    QString url() const { return m_redis.url(QStringLiteral("sidekiq"), kDb, QStringLiteral("?heartbeat_timeout=8")); }

    bool startSidekiq(test::Peer &peer, const QString &tag, const QStringList &queues)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("REDIS_URL"), m_redis.plainUrl(kDb));
        QStringList args{QStringLiteral("-r"), test::backendFixture(QStringLiteral("sidekiq/jobs.rb")),
                         QStringLiteral("-c"), QStringLiteral("2"), QStringLiteral("-g"), tag};
        for (const QString &q : queues) {
            args << QStringLiteral("-q") << q;
        }
        return peer.start(QStringLiteral("sidekiq"), args, QByteArray(), env);
    }
    void ruby(const QString &code)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        QProcess p;
        p.setProcessEnvironment(env);
        p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p.start(QStringLiteral("ruby"),
                {QStringLiteral("-e"), QStringLiteral("require '%1'; Sidekiq.configure_client { |c| c.redis = { url: '%2' } }; %3")
                                           .arg(test::backendFixture(QStringLiteral("sidekiq/jobs.rb")), m_redis.plainUrl(kDb), code)});
        QVERIFY(p.waitForFinished(30'000));
        QCOMPARE(p.exitCode(), 0);
    }
    static int liveWorkers(const Snapshot &s)
    {
        const WorkerSummary w = s.workerSummary();
        return w.busy.value_or(0) + w.idle.value_or(0);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_redis = test::sharedRedis();
        test::redisCli(m_redis.host, m_redis.port, kDb, {QStringLiteral("FLUSHDB")});
    }

    void floodAndLostProcess()
    {
        QVERIFY(startSidekiq(m_steady, QStringLiteral("steady"), {QStringLiteral("mail"), QStringLiteral("reports")}));
        QVERIFY(startSidekiq(m_coverage, QStringLiteral("coverage"), {QStringLiteral("default"), QStringLiteral("reports")}));
        ruby(QStringLiteral("3.times { |i| MailJob.perform_async(i, 'welcome') }; "
                            "Sidekiq::Client.push('class' => 'MailJob', 'queue' => 'reports', 'args' => [9, 'weekly'])"));
        sidekiq::SidekiqBackend backend(ConnectionUrl::parse(url()).value());
        // Both processes up, and the healthy queues drained by them.
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                     const Snapshot s = backend.snapshot().result();
                                     return s.ok() && liveWorkers(s) == 2 && s.queue(QStringLiteral("mail"))
                                            && s.queue(QStringLiteral("mail"))->waiting == 0
                                            && s.queue(QStringLiteral("reports"))->waiting == 0;
                                 }()),
                                 30'000);
        test::Watch watch(test::Watch::RealTime);
        Snapshot s = watch.poll(backend);
        QVERIFY2(s.ok(), qPrintable(s.error));
        QVERIFY2(watch.active().isEmpty(), qPrintable(watch.describe())); // all well before the incident
        QString coverageId;
        for (const WorkerInfo &w : s.workers) {
            if (w.id.contains(QString::number(m_coverage.pid()))) {
                coverageId = w.id;
            }
        }
        QVERIFY2(!coverageId.isEmpty(), "the coverage process is not among the workers");

        // The incident: the process serving `default` dies, a new job class floods `default`.
        m_coverage.kill();
        const QJsonObject flood = QJsonDocument::fromJson(test::runFixture(
                                                              QStringLiteral("ruby"), {test::incidentFixture(QStringLiteral("sidekiq_flood.rb")),
                                                                                       m_redis.plainUrl(kDb), QStringLiteral("5000")}))
                                      .object();
        QCOMPARE(flood.value(u"default").toInt(), 5000);

        // The first poll after the flood: latency is critical, the queue is announced as new, nobody serves it.
        s = watch.poll(backend);
        QVERIFY2(s.ok(), qPrintable(s.error));
        qInfo().noquote() << "first poll after the flood:\n" << watch.describe();
        QCOMPARE(watch.state(QStringLiteral("oldest-age"), QStringLiteral("default")), AlertState::Crit);
        QCOMPARE(watch.state(QStringLiteral("new-queue"), QStringLiteral("default")), AlertState::Warn);
        QVERIFY2(watch.alert(QStringLiteral("new-queue"), QStringLiteral("default"))->message.contains(u"default"),
                 qPrintable(watch.describe()));
        // (Not "unserved" yet: the killed process's last heartbeat, seconds old, still says it serves default.)
        // The other queues look healthy, and are: their own alerts stay OK.
        QCOMPARE(watch.worst(QStringLiteral("mail"), false), AlertState::Ok);
        QCOMPARE(watch.worst(QStringLiteral("reports"), false), AlertState::Ok);

        // The killed process's heartbeat expires (real time: Sidekiq beat every 5 s, timeout 8 s).
        QTRY_VERIFY_WITH_TIMEOUT(watch.poll(backend).workerSummary().lost.value_or(0) == 1, 20'000);
        qInfo().noquote() << "after the heartbeat expired:\n" << watch.describe();
        const auto lost = watch.alert(QStringLiteral("worker-lost"));
        QVERIFY2(lost && lost->state == AlertState::Warn, qPrintable(watch.describe()));
        QVERIFY2(lost->message.contains(coverageId), qPrintable(lost->message + u" / " + coverageId));
        QCOMPARE(watch.state(QStringLiteral("oldest-age"), QStringLiteral("default")), AlertState::Crit);
        QCOMPARE(watch.worst(QStringLiteral("mail"), false), AlertState::Ok);

        const test::CheckRun r = test::checkUrl(url());
        qInfo().noquote() << r.line;
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.line.startsWith(u"QUEUEDECK CRITICAL - "), qPrintable(r.line));
        QVERIFY2(r.line.contains(u"default: oldest job waited"), qPrintable(r.line));
        QVERIFY2(r.line.contains(u"default: 5000 waiting, 0 consumers"), qPrintable(r.line));
        m_steady.kill();
    }

    void cleanupTestCase()
    {
        m_steady.kill();
        m_coverage.kill();
        test::redisCli(m_redis.host, m_redis.port, kDb, {QStringLiteral("FLUSHDB")});
    }
};

QTEST_GUILESS_MAIN(TestIncidentSidekiq)
#include "tst_incident_sidekiq.moc"
