// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// The credential store against a real GNOME Keyring (Secret Service) on a private D-Bus session bus that
// scripts/services starts (QD_TEST_DBUS_ADDRESS), and with no keyring at all, in a child process of this test
// (the session bus connection is per process and cannot be swapped once made).
#include "core/settings/credentialstore.h"

#include <QCoreApplication>
#include <QDirIterator>
#include <QFutureWatcher>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace qd;

namespace {

CredentialResult wait(const QFuture<CredentialResult> &future)
{
    QFutureWatcher<CredentialResult> watcher;
    QSignalSpy finished(&watcher, &QFutureWatcherBase::finished);
    watcher.setFuture(future);
    if (!future.isFinished() && !finished.wait(20'000)) {
        return CredentialResult{QString(), false, QStringLiteral("timed out")};
    }
    return future.result();
}

bool childMode()
{
    return qEnvironmentVariableIsSet("QD_CREDENTIAL_CHILD");
}

} // namespace

class TestCredentialStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (childMode()) {
            return;
        }
        const QString bus = qEnvironmentVariable("QD_TEST_DBUS_ADDRESS");
        if (bus.isEmpty()) {
            if (qEnvironmentVariableIsSet("CI")) {
                QFAIL("QD_TEST_DBUS_ADDRESS is not set: run through scripts/test, which starts the keyring");
            }
            QSKIP("no private keyring (QD_TEST_DBUS_ADDRESS): run scripts/services start first");
        }
        qputenv("DBUS_SESSION_BUS_ADDRESS", bus.toUtf8());
        m_service = QStringLiteral("Queuedeck-test-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
    }

    void writeReadOverwriteRemove()
    {
        if (childMode()) {
            QSKIP("parent only");
        }
        CredentialStore store(m_service);
        const QString key = CredentialStore::connectionKey(QStringLiteral("prod-1"));
        QCOMPARE(key, QStringLiteral("connection/prod-1"));

        CredentialResult r = wait(store.read(key));
        QVERIFY2(r.ok(), qPrintable(r.error));
        QVERIFY(!r.found); // nothing there yet: not an error

        // A password with everything a URL would have to escape, and non-Latin text.
        const QString secret = QStringLiteral("p@ss:w/rd?#%&ü\u202Eñ");
        r = wait(store.write(key, secret));
        QVERIFY2(r.ok(), qPrintable(r.error));
        r = wait(store.read(key));
        QVERIFY2(r.ok(), qPrintable(r.error));
        QVERIFY(r.found);
        QCOMPARE(r.secret, secret);

        QVERIFY(wait(store.write(key, QStringLiteral("second"))).ok());
        QCOMPARE(wait(store.read(key)).secret, QStringLiteral("second"));

        // Another service's entry with the same key is a different secret.
        CredentialStore other(m_service + QStringLiteral("-other"));
        QVERIFY(!wait(other.read(key)).found);

        r = wait(store.remove(key));
        QVERIFY2(r.ok(), qPrintable(r.error));
        QVERIFY(!wait(store.read(key)).found);
        r = wait(store.remove(key)); // removing what is gone is fine
        QVERIFY2(r.ok(), qPrintable(r.error));
    }

    void webhookSecretsHaveTheirOwnKeys()
    {
        if (childMode()) {
            QSKIP("parent only");
        }
        CredentialStore store(m_service);
        const QString url = QStringLiteral("https://hooks.slack.com/services/T000/B000/XXXX");
        QVERIFY(wait(store.write(CredentialStore::webhookKey(QStringLiteral("c1")), url)).ok());
        QVERIFY(wait(store.write(CredentialStore::connectionKey(QStringLiteral("c1")), QStringLiteral("pw"))).ok());
        QCOMPARE(wait(store.read(CredentialStore::webhookKey(QStringLiteral("c1")))).secret, url);
        QCOMPARE(wait(store.read(CredentialStore::connectionKey(QStringLiteral("c1")))).secret, QStringLiteral("pw"));
        QVERIFY(wait(store.remove(CredentialStore::webhookKey(QStringLiteral("c1")))).ok());
        QVERIFY(wait(store.remove(CredentialStore::connectionKey(QStringLiteral("c1")))).ok());
    }

    void noKeyringIsAClearErrorAndNothingIsWrittenElsewhere()
    {
        if (childMode()) {
            QSKIP("parent only");
        }
        QTemporaryDir home; // a plaintext fallback would land under here (QSettings in ~/.config)
        QVERIFY(home.isValid());
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QD_CREDENTIAL_CHILD"), QStringLiteral("1"));
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=/nonexistent/queuedeck-bus"));
        env.insert(QStringLiteral("HOME"), home.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral(".config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral(".local/share")));
        env.remove(QStringLiteral("DISPLAY")); // no X11 to autolaunch a bus on
        child.setProcessEnvironment(env);
        child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("childWithoutKeyring")});
        QVERIFY(child.waitForFinished(60'000));
        const QByteArray out = child.readAllStandardOutput() + child.readAllStandardError();
        QVERIFY2(child.exitCode() == 0, out.constData());
        QVERIFY2(out.contains("PASS   : TestCredentialStore::childWithoutKeyring"), out.constData());
        QDirIterator files(home.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        QVERIFY2(!files.hasNext(), qPrintable(files.hasNext() ? files.next() : QString()));
    }

    void childWithoutKeyring()
    {
        if (!childMode()) {
            QSKIP("runs in the child process of noKeyringIsAClearErrorAndNothingIsWrittenElsewhere");
        }
        CredentialStore store(QStringLiteral("Queuedeck-test-nobus"));
        const CredentialResult w = wait(store.write(QStringLiteral("connection/x"), QStringLiteral("hunter2")));
        QVERIFY(!w.ok());
        QVERIFY2(w.error.contains(QStringLiteral("keyring")), qPrintable(w.error));
        const CredentialResult r = wait(store.read(QStringLiteral("connection/x")));
        QVERIFY(!r.ok());
        QVERIFY(!r.found);
        QVERIFY(r.secret.isEmpty());
    }

private:
    QString m_service;
};

QTEST_GUILESS_MAIN(TestCredentialStore)
#include "tst_credentialstore.moc"
