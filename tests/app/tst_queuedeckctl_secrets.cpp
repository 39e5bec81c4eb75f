// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// queuedeckctl never needs a password on its command line: the real binary against a redis-server that requires
// one, given through --password-file, $REDISCLI_AUTH or $QUEUEDECK_PASSWORD; RabbitMQ through $RABBITMQ_PASSWORD
// when the services run.
#include "tests/backends/redistestserver.h"

#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString kPassword = QStringLiteral("s3cret-Pa55 word");

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

} // namespace

class TestQueuedeckCtlSecrets : public QObject
{
    Q_OBJECT
private:
    qd::test::RedisServer m_redis{{QStringLiteral("--requirepass"), kPassword}};
    QTemporaryDir m_dir;

    QString url() const { return QStringLiteral("sidekiq+redis://127.0.0.1:%1/0").arg(m_redis.port()); }

    /// Runs queuedeckctl with only `extraEnv` of the password variables set (none inherited from the caller).
    Run ctl(const QStringList &args, const QList<QPair<QString, QString>> &extraEnv = {})
    {
        // What `ps` would show: the password must never be in it when it comes from a file or the environment.
        for (const QString &a : args) {
            if (a.contains(kPassword)) {
                qFatal("test bug: the password is on the command line");
            }
        }
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *v : {"QUEUEDECK_PASSWORD", "REDISCLI_AUTH", "RABBITMQ_PASSWORD", "PGPASSWORD"}) {
            env.remove(QString::fromLatin1(v));
        }
        env.insert(QStringLiteral("QD_AUDIT_DB"), m_dir.filePath(QStringLiteral("audit.sqlite3")));
        for (const auto &[k, v] : extraEnv) {
            env.insert(k, v);
        }
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

    QString passwordFile(const QString &name, const QByteArray &content, QFile::Permissions perms)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(content) != content.size()) {
            return {};
        }
        f.close();
        f.setPermissions(perms);
        return path;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(m_redis.start(), qPrintable(m_redis.error()));
    }

    void withoutAPasswordTheServerRefuses()
    {
        const Run r = ctl({QStringLiteral("snapshot"), url()});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(!r.err.isEmpty(), r.err.constData());
    }

    void snapshotWithPasswordFile()
    {
        const QString file = passwordFile(QStringLiteral("pw600"), kPassword.toUtf8() + '\n',
                                          QFile::ReadOwner | QFile::WriteOwner);
        QVERIFY(!file.isEmpty());
        Run r = ctl({QStringLiteral("snapshot"), url(), QStringLiteral("--password-file"), file});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.err.isEmpty());
        // Before the command word's options as well, and in the --opt=value form.
        r = ctl({QStringLiteral("snapshot"), QStringLiteral("--password-file=") + file, url(), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.contains("\"queues\""));
    }

    void snapshotWithRedisCliAuth()
    {
        const Run r = ctl({QStringLiteral("snapshot"), url()}, {{QStringLiteral("REDISCLI_AUTH"), kPassword}});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.err.isEmpty());
    }

    void snapshotWithQueuedeckPassword()
    {
        const Run r = ctl({QStringLiteral("snapshot"), url()}, {{QStringLiteral("QUEUEDECK_PASSWORD"), kPassword}});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        // QUEUEDECK_PASSWORD comes before the peer tools' variable.
        const Run both = ctl({QStringLiteral("snapshot"), url()}, {{QStringLiteral("QUEUEDECK_PASSWORD"), kPassword},
                                                                   {QStringLiteral("REDISCLI_AUTH"), QStringLiteral("wrong")}});
        QVERIFY2(both.exitCode == 0, both.err.constData());
    }

    void passwordFileWinsOverTheEnvironment()
    {
        const QString file = passwordFile(QStringLiteral("pw600b"), kPassword.toUtf8(), QFile::ReadOwner);
        const Run r = ctl({QStringLiteral("snapshot"), url(), QStringLiteral("--password-file"), file},
                          {{QStringLiteral("QUEUEDECK_PASSWORD"), QStringLiteral("wrong")}});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void aWorldReadablePasswordFileIsRefused()
    {
        const QString file = passwordFile(QStringLiteral("pw644"), kPassword.toUtf8() + '\n',
                                          QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther);
        const Run r = ctl({QStringLiteral("snapshot"), url(), QStringLiteral("--password-file"), file});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("readable by other users") && r.err.contains("0644") && r.err.contains("chmod 600"),
                 r.err.constData());
        QVERIFY(!r.err.contains(kPassword.toUtf8()));
        // check: the same refusal, as a Nagios UNKNOWN.
        QCOMPARE(ctl({QStringLiteral("check"), url(), QStringLiteral("--password-file"), file}).exitCode, 3);
    }

    void anEmptyOrMissingPasswordFileIsRefused()
    {
        const QString empty = passwordFile(QStringLiteral("empty"), "\n", QFile::ReadOwner | QFile::WriteOwner);
        Run r = ctl({QStringLiteral("snapshot"), url(), QStringLiteral("--password-file"), empty});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("is empty"), r.err.constData());
        r = ctl({QStringLiteral("snapshot"), url(), QStringLiteral("--password-file"), m_dir.filePath(QStringLiteral("nope"))});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("cannot read the password file"), r.err.constData());
        r = ctl({QStringLiteral("snapshot"), url(), QStringLiteral("--password-file")});
        QCOMPARE(r.exitCode, 2);
    }

    void passwordFileFromStandardInput()
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("REDISCLI_AUTH"));
        env.remove(QStringLiteral("QUEUEDECK_PASSWORD"));
        p.setProcessEnvironment(env);
        p.start(qEnvironmentVariable("QD_CTL"), {QStringLiteral("snapshot"), url(), QStringLiteral("--password-file"),
                                                 QStringLiteral("/dev/stdin")});
        QVERIFY(p.waitForStarted());
        p.write(kPassword.toUtf8() + '\n');
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(60'000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    }

    void aWrongPasswordIsAClearErrorWithoutThePassword()
    {
        const QString wrong = QStringLiteral("not-the-Pa55word");
        const QString file = passwordFile(QStringLiteral("wrong"), wrong.toUtf8() + '\n', QFile::ReadOwner);
        for (const Run &r : {ctl({QStringLiteral("snapshot"), url(), QStringLiteral("--password-file"), file}),
                             ctl({QStringLiteral("snapshot"), url()}, {{QStringLiteral("REDISCLI_AUTH"), wrong}})}) {
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(!r.err.isEmpty(), r.out.constData());
            QVERIFY2(!r.err.contains(wrong.toUtf8()) && !r.out.contains(wrong.toUtf8()), r.err.constData());
            QVERIFY2(r.err.contains("password") || r.err.contains("WRONGPASS"), r.err.constData());
        }
    }

    void aPasswordInTheUrlWorksButWarns()
    {
        QString withPassword = url();
        withPassword.replace(QStringLiteral("redis://"),
                             QStringLiteral("redis://:") + QString::fromLatin1(QUrl::toPercentEncoding(kPassword)) + u'@');
        const Run r = ctl({QStringLiteral("snapshot"), withPassword});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.contains("visible in the process list") && r.err.contains("--password-file")
                     && r.err.contains("REDISCLI_AUTH"),
                 r.err.constData());
        QVERIFY(!r.err.contains(kPassword.toUtf8()));
        QVERIFY(!r.err.contains(QUrl::toPercentEncoding(kPassword)));
    }

    void helpListsTheAlternatives()
    {
        const Run r = ctl({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        for (const char *s : {"--password-file", "QUEUEDECK_PASSWORD", "REDISCLI_AUTH", "RABBITMQ_PASSWORD", "PGPASSWORD"}) {
            QVERIFY2(r.out.contains(s), s);
        }
        QVERIFY(ctl({QStringLiteral("snapshot"), QStringLiteral("--help")}).out.contains("--password-file"));
    }

    void rabbitMqPasswordFromTheEnvironment()
    {
        const QString port = qEnvironmentVariable("QD_TEST_RABBIT_HTTP_PORT");
        if (port.isEmpty()) {
            QSKIP("QD_TEST_RABBIT_HTTP_PORT is not set (scripts/services start)");
        }
        const QString rabbit = QStringLiteral("rabbitmq+http://guest@127.0.0.1:%1").arg(port);
        Run r = ctl({QStringLiteral("snapshot"), rabbit}, {{QStringLiteral("RABBITMQ_PASSWORD"), QStringLiteral("guest")}});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = ctl({QStringLiteral("snapshot"), rabbit}, {{QStringLiteral("RABBITMQ_PASSWORD"), QStringLiteral("wrong-guest")}});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(!r.err.contains("wrong-guest"));
    }
};

QTEST_GUILESS_MAIN(TestQueuedeckCtlSecrets)
#include "tst_queuedeckctl_secrets.moc"
