// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// queuedeckctl serve, the team server, as a team runs it: two real processes on one real PostgreSQL (from
// scripts/services), a Delayed::Job table filled by the real delayed_job gem, Prometheus's own promtool and a real
// Prometheus server scraping /metrics. The leader is killed with SIGKILL; the standby must take over.
#include "tests/backends/djtestsupport.h"
#include "tests/backends/pgtestdb.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace qd::test;

namespace {

/// One `queuedeckctl serve` process and what it has said on stderr.
struct Server
{
    std::unique_ptr<QProcess> process = std::make_unique<QProcess>();
    QString said;
    quint16 port = 0;

    void start(const QString &config)
    {
        QObject::connect(process.get(), &QProcess::readyReadStandardError, process.get(), [this] {
            said += QString::fromUtf8(process->readAllStandardError());
            static const QRegularExpression on(QStringLiteral("/healthz on 127\\.0\\.0\\.1:(\\d+)"));
            if (const auto m = on.match(said); m.hasMatch()) {
                port = quint16(m.captured(1).toUInt());
            }
        });
        process->start(qEnvironmentVariable("QD_CTL"), {QStringLiteral("serve"), QStringLiteral("--config"), config});
    }
    bool leads() const { return said.contains(u"holds the lead"); }
    bool waits() const { return said.contains(u"another server leads"); }
};

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

} // namespace

class TestServe : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QD_REQUIRE_PG();
        QVERIFY(!qEnvironmentVariable("QD_CTL").isEmpty());
        const DjTarget dj = sqliteTarget(m_dir);
        m_expected = fillDelayedJobs(dj.fixtureArgs).value(u"queues").toObject();
        QVERIFY(!m_expected.isEmpty());
        const auto team = freshPgDatabase(QStringLiteral("team_"));
        QVERIFY(team);
        m_team = *team;
        m_config = m_dir.filePath(QStringLiteral("serve.yaml"));
        QFile f(m_config);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral("database: %1\nmetrics: 127.0.0.1:0\ninterval: 1\nconnections:\n  - name: dj\n    url: %2\n")
                    .arg(m_team.url(QStringLiteral("postgresql")), dj.url)
                    .toUtf8());
        f.close();
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("observer"));
        db.setHostName(m_team.host);
        db.setPort(m_team.port.toInt());
        db.setUserName(m_team.user);
        db.setDatabaseName(m_team.name);
        QVERIFY(db.open());
    }

    void cleanupTestCase()
    {
        for (Server *s : {&m_a, &m_b}) {
            if (s->process->state() != QProcess::NotRunning) {
                s->process->terminate();
                s->process->waitForFinished(5000);
            }
        }
        if (m_prometheus.state() != QProcess::NotRunning) {
            m_prometheus.terminate();
            m_prometheus.waitForFinished(5000);
        }
        QSqlDatabase::removeDatabase(QStringLiteral("observer"));
    }

    void aConfigWithAPasswordInItIsRefused()
    {
        const QString bad = m_dir.filePath(QStringLiteral("bad.yaml"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("database: postgresql://q@127.0.0.1/q\nconnections:\n  - name: r\n    url: sidekiq+redis://:hunter2@127.0.0.1:6379/0\n");
        f.close();
        QProcess p;
        p.start(qEnvironmentVariable("QD_CTL"), {QStringLiteral("serve"), QStringLiteral("--config"), bad});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 2);
        const QString said = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(said.contains(u"password_env or password_file"), qPrintable(said));
        QVERIFY2(!said.contains(u"hunter2"), qPrintable(said));
    }

    void theLeaderWritesEveryPollAndNotifiesTheDesktops()
    {
        QSqlDatabase db = QSqlDatabase::database(QStringLiteral("observer"));
        QVERIFY(db.driver()->subscribeToNotification(QStringLiteral("queuedeck_snapshot")));
        QSignalSpy notified(db.driver(), &QSqlDriver::notification);
        m_a.start(m_config);
        QTRY_VERIFY_WITH_TIMEOUT(m_a.leads() && m_a.port != 0, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(notified.size() >= 2, 10000); // pushed, every interval
        QCOMPARE(notified.first().at(0).toString(), QStringLiteral("queuedeck_snapshot"));
        QCOMPARE(notified.first().at(2).toString(), QStringLiteral("dj"));

        // The first poll's numbers, as the real delayed_job wrote them, in the shared tables.
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT name, waiting, running, scheduled FROM queues WHERE connection = 'dj' ORDER BY name")));
        int rows = 0;
        while (q.next()) {
            const QJsonObject want = m_expected.value(q.value(0).toString()).toObject();
            QVERIFY2(!want.isEmpty(), qPrintable(q.value(0).toString()));
            QCOMPARE(q.value(1).toLongLong(), want.value(u"waiting").toInteger());
            QCOMPARE(q.value(2).toLongLong(), want.value(u"running").toInteger());
            QCOMPARE(q.value(3).toLongLong(), want.value(u"scheduled").toInteger());
            ++rows;
        }
        QCOMPARE(rows, int(m_expected.size()));
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM samples WHERE connection = 'dj'")) && q.next());
        QVERIFY(q.value(0).toInt() >= rows);
        QVERIFY(q.exec(QStringLiteral("SELECT backend, error IS NULL, workers_lost FROM connections WHERE name = 'dj'")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("delayedjob"));
        QVERIFY(q.value(1).toBool());
    }

    void metricsFollowTheExportersConventionsAndPassPromtool()
    {
        const QByteArray metrics = get(m_a.port, "/metrics");
        QVERIFY2(metrics.contains("queuedeck_up{connection=\"dj\",backend=\"delayedjob\"} 1\n"), metrics.constData());
        const qint64 waiting = m_expected.value(u"print").toObject().value(u"waiting").toInteger();
        QVERIFY2(metrics.contains(QStringLiteral("queuedeck_queue_messages{connection=\"dj\",backend=\"delayedjob\",queue=\"print\","
                                                 "state=\"waiting\"} %1\n").arg(waiting).toUtf8()),
                 metrics.constData());
        QVERIFY(metrics.contains("# TYPE queuedeck_poll_duration_seconds histogram\n"));
        QVERIFY(metrics.contains("queuedeck_polls_total{connection=\"dj\",backend=\"delayedjob\",result=\"ok\"}"));
        QVERIFY(metrics.contains("queuedeck_queue_oldest_age_seconds{connection=\"dj\",backend=\"delayedjob\",queue=\"print\""));
        QProcess promtool;
        promtool.start(QStringLiteral("promtool"), {QStringLiteral("check"), QStringLiteral("metrics")});
        QVERIFY2(promtool.waitForStarted(10000), "promtool is missing: scripts/setup installs Debian's prometheus");
        promtool.write(metrics);
        promtool.closeWriteChannel();
        QVERIFY(promtool.waitForFinished(30000));
        QVERIFY2(promtool.exitCode() == 0, promtool.readAllStandardError().constData());
        QCOMPARE(get(m_a.port, "/healthz"), QByteArray("leader\n"));
    }

    void aViewerReadsTheNumbersWithoutProductionCredentials()
    {
        // Only the team database's URL: no path to the production database, no password for it.
        const QString mirror = m_team.url(QStringLiteral("team+postgresql")) + QStringLiteral("?connection=dj");
        QProcess p;
        p.start(qEnvironmentVariable("QD_CTL"), {QStringLiteral("snapshot"), QStringLiteral("--json"), mirror});
        QVERIFY(p.waitForFinished(30000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const QJsonObject json = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
        QCOMPARE(json.value(u"backend").toString(), QStringLiteral("delayedjob")); // what the server polls
        QVERIFY(QDateTime::fromString(json.value(u"taken_at").toString(), Qt::ISODateWithMs).secsTo(QDateTime::currentDateTimeUtc()) < 5);
        int matched = 0;
        for (const QJsonValue &q : json.value(u"queues").toArray()) {
            const QJsonObject want = m_expected.value(q.toObject().value(u"name").toString()).toObject();
            QCOMPARE(q.toObject().value(u"depth").toInteger(), want.value(u"waiting").toInteger());
            QCOMPARE(q.toObject().value(u"running").toInteger(), want.value(u"running").toInteger());
            ++matched;
        }
        QCOMPARE(matched, int(m_expected.size()));

        p.start(qEnvironmentVariable("QD_CTL"), {QStringLiteral("snapshot"), m_team.url(QStringLiteral("team+postgresql")) + QStringLiteral("?connection=nope")});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(p.readAllStandardError().contains("no connection named \"nope\""));
    }

    void aStandbyWaitsThenTakesOverWhenTheLeaderIsKilled()
    {
        m_b.start(m_config);
        QTRY_VERIFY_WITH_TIMEOUT(m_b.waits() && m_b.port != 0, 30000);
        QCOMPARE(get(m_b.port, "/healthz"), QByteArray("standby\n"));
        QSqlDatabase db = QSqlDatabase::database(QStringLiteral("observer"));
        QSignalSpy notified(db.driver(), &QSqlDriver::notification);
        m_a.process->kill(); // SIGKILL: no goodbye to the database
        QElapsedTimer since;
        since.start();
        QTRY_VERIFY_WITH_TIMEOUT(m_b.leads(), 10000);
        // Within two poll intervals (1 s each), with a little room for a loaded CI machine.
        QVERIFY2(since.elapsed() < 3000, qPrintable(QString::number(since.elapsed())));
        const qsizetype before = notified.size();
        QTRY_VERIFY_WITH_TIMEOUT(notified.size() > before, 10000); // the new leader writes
        QCOMPARE(get(m_b.port, "/healthz"), QByteArray("leader\n"));
    }

    void aViewerIsToldWhenNoServerPollsAnyMore()
    {
        m_b.process->kill();
        QVERIFY(m_b.process->waitForFinished(10000));
        const QString mirror = m_team.url(QStringLiteral("team+postgresql")) + QStringLiteral("?connection=dj");
        QString said;
        // Stale after three of the server's intervals (1 s each): then an error with the last poll's time, exit 1.
        QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                     QProcess p;
                                     p.start(qEnvironmentVariable("QD_CTL"), {QStringLiteral("snapshot"), mirror});
                                     p.waitForFinished(30000);
                                     said = QString::fromUtf8(p.readAllStandardError());
                                     return p.exitCode() == 1;
                                 }()),
                                 15000);
        QVERIFY2(said.contains(u"No team server has polled dj since"), qPrintable(said));
        m_b = Server();
        m_b.start(m_config); // for the scrape below
        QTRY_VERIFY_WITH_TIMEOUT(m_b.leads() && m_b.port != 0, 30000);
    }

    void aRealPrometheusScrapesTheServer()
    {
        const quint16 port = freePort();
        const QString yaml = m_dir.filePath(QStringLiteral("prometheus.yml"));
        QFile f(yaml);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QStringLiteral("global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: queuedeck\n    static_configs:\n"
                               "      - targets: ['127.0.0.1:%1']\n")
                    .arg(m_b.port)
                    .toUtf8());
        f.close();
        m_prometheus.setProcessChannelMode(QProcess::MergedChannels);
        m_prometheus.start(QStringLiteral("prometheus"),
                           {QStringLiteral("--config.file=") + yaml, QStringLiteral("--storage.tsdb.path=") + m_dir.filePath(QStringLiteral("tsdb")),
                            QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(port)});
        QVERIFY2(m_prometheus.waitForStarted(10000), "prometheus is missing: scripts/setup installs Debian's prometheus");
        const QByteArray query = "/api/v1/query?query=queuedeck_queue_messages%7Bqueue%3D%22print%22%2Cstate%3D%22waiting%22%7D";
        QByteArray answer;
        QTRY_VERIFY_WITH_TIMEOUT((answer = get(port, query)).contains("\"result\":[{"), 30000);
        const QJsonArray result = QJsonDocument::fromJson(answer).object().value(u"data").toObject().value(u"result").toArray();
        QCOMPARE(result.size(), 1);
        QCOMPARE(result.first().toObject().value(u"value").toArray().at(1).toString().toLongLong(),
                 m_expected.value(u"print").toObject().value(u"waiting").toInteger());
    }

private:
    /// GET http://127.0.0.1:port + path: the body (empty while the server does not answer).
    QByteArray get(quint16 port, const QByteArray &path)
    {
        QNetworkReply *reply = m_http.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port) + QString::fromLatin1(path))));
        QSignalSpy done(reply, &QNetworkReply::finished);
        done.wait(10000);
        const QByteArray body = reply->error() == QNetworkReply::NoError ? reply->readAll() : QByteArray();
        reply->deleteLater();
        return body;
    }

    QTemporaryDir m_dir;
    QJsonObject m_expected;
    PgDatabase m_team;
    QString m_config;
    Server m_a;
    Server m_b;
    QProcess m_prometheus;
    QNetworkAccessManager m_http;
};

QTEST_GUILESS_MAIN(TestServe)
#include "tst_serve.moc"
