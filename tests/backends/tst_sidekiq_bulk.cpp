// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// A bulk retry of 3,000 Sidekiq retries (written by the Sidekiq gem) while the Redis server is killed with
// SIGKILL mid-run: the run stops as interrupted, nothing is lost or duplicated, and the resume finishes the
// rest. Redis runs with appendfsync always, so what it acknowledged survives the kill, as in production
// with AOF. Sidekiq's own API does the final count.
#include "core/actions/bulkrun.h"
#include "core/audit/auditlog.h"
#include "core/backends/sidekiq/sidekiqbackend.h"
#include "tests/backends/redistestserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;
using qd::sidekiq::SidekiqBackend;

namespace {
const QString kFixtures = QStringLiteral(QD_SOURCE_DIR "/tests/backends/fixtures/sidekiq/");
constexpr int kJobs = 3000;
} // namespace

class TestSidekiqBulk : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    static QString cli(const test::RedisServer &r, const QStringList &args)
    {
        return test::redisCli(QStringLiteral("127.0.0.1"), r.port(), 0, args);
    }
    /// Every jid in the queue list, with duplicates (a duplicate would be a job retried twice).
    static QStringList queuedJids(const test::RedisServer &r)
    {
        QStringList jids;
        const QString all = cli(r, {QStringLiteral("LRANGE"), QStringLiteral("queue:default"), QStringLiteral("0"), QStringLiteral("-1")});
        for (const QString &line : all.split(u'\n', Qt::SkipEmptyParts)) {
            const QString jid = QJsonDocument::fromJson(line.toUtf8()).object().value(QStringLiteral("jid")).toString();
            if (!jid.isEmpty()) {
                jids << jid;
            }
        }
        return jids;
    }

private Q_SLOTS:
    void killTheServerMidRunThenResume()
    {
        test::RedisServer redis({QStringLiteral("--appendonly"), QStringLiteral("yes"), QStringLiteral("--appendfsync"),
                                 QStringLiteral("always")});
        QVERIFY2(redis.start(), qPrintable(redis.error()));
        const QString plain = QStringLiteral("redis://127.0.0.1:%1/0").arg(redis.port());
        const QByteArray filled = test::runFixture(QStringLiteral("ruby"), {kFixtures + QStringLiteral("fill_retries.rb"), plain,
                                                                            QString::number(kJobs)});
        QCOMPARE(QJsonDocument::fromJson(filled).object().value(QStringLiteral("retry_size")).toInt(), kJobs);

        AuditLog audit(m_dir.filePath(QStringLiteral("audit.sqlite3")));
        QCOMPARE(audit.open(), QString());
        SidekiqBackend backend(ConnectionUrl::parse(redis.url(QStringLiteral("sidekiq"))).value());
        BulkSpec spec;
        spec.kind = ActionKind::Retry;
        spec.expected = JobState::Failed;
        JobQuery q;
        q.queue = QStringLiteral("default");
        spec.filter = q;
        spec.filterText = QStringLiteral("queue=default state=failed");
        spec.ratePerSecond = 1000; // batches of 1,000 a second: time to pull the plug between two
        spec.retries = 0;          // give up at once, so the resume has work to do
        spec.operatorName = QStringLiteral("ada");
        BulkRun run(&backend, &audit, spec);
        QSignalSpy finished(&run, &BulkRun::finished);
        connect(&run, &BulkRun::progress, this, [&redis](const BulkProgress &p) {
            if (p.done == 1000) {
                redis.kill(); // SIGKILL: no goodbye on the socket
            }
        });
        run.start();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
        const auto interrupted = finished.first().first().value<BulkSummary>();
        QVERIFY2(!interrupted.error.isEmpty(), "the run should have stopped when the server died");
        QCOMPARE(interrupted.succeeded, 1000);
        QCOMPARE(interrupted.notAttempted, kJobs - 1000);

        QVERIFY2(redis.start(), qPrintable(redis.error())); // same port, same data directory: AOF reload
        // PING answers while the AOF is still loading; other commands say LOADING until it is done.
        QTRY_VERIFY_WITH_TIMEOUT(cli(redis, {QStringLiteral("INFO"), QStringLiteral("persistence")}).contains(QStringLiteral("loading:0")),
                                 30000);
        const int retries = cli(redis, {QStringLiteral("ZCARD"), QStringLiteral("retry")}).toInt();
        QStringList jids = queuedJids(redis);
        QCOMPARE(retries + jids.size(), kJobs); // nothing lost…
        QCOMPARE(QSet<QString>(jids.begin(), jids.end()).size(), jids.size()); // …nothing twice
        QVERIFY(jids.size() >= 1000);

        const auto open = audit.unfinishedBulks().result();
        QCOMPARE(open.size(), 1);
        QCOMPARE(open.first().state, QStringLiteral("interrupted"));
        std::unique_ptr<BulkRun> resumed(BulkRun::resume(&backend, &audit, open.first()));
        QSignalSpy done(resumed.get(), &BulkRun::finished);
        resumed->start(); // the backend reconnects by itself (back-off); a failing batch is retried
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 60000);
        const auto s = done.first().first().value<BulkSummary>();
        QVERIFY2(s.complete(), qPrintable(s.error));
        QCOMPARE(s.succeeded + s.skipped, kJobs);

        jids = queuedJids(redis);
        QCOMPARE(jids.size(), kJobs);
        QCOMPARE(QSet<QString>(jids.begin(), jids.end()).size(), kJobs);
        const QJsonObject report = QJsonDocument::fromJson(test::runFixture(QStringLiteral("ruby"), {kFixtures + QStringLiteral("report.rb"), plain}))
                                       .object();
        QCOMPARE(report.value(QStringLiteral("retry_size")).toInt(), 0);
        QCOMPARE(report.value(QStringLiteral("enqueued")).toInt(), kJobs);
        QVERIFY(audit.unfinishedBulks().result().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSidekiqBulk)
#include "tst_sidekiq_bulk.moc"
