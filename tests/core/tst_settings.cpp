// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/settings/connectionsettings.h"

#include <QCoreApplication>
#include <QFile>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

using namespace qd;

class TestSettings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("QueuedeckTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_settings"));
        QSettings(ConnectionSettings::fileName(), QSettings::NativeFormat).clear();
    }

    void connectionsRoundTripWithoutPasswords()
    {
        ConnectionSettings s;
        const QString id = s.addConnection(QStringLiteral("Prod"),
                                           QStringLiteral("delayedjob+postgresql://app:hunter2@db:5432/prod"));
        QCOMPARE(s.connections().size(), 1);
        QCOMPARE(s.connections().at(0).id, id);
        QCOMPARE(s.connections().at(0).url, QStringLiteral("delayedjob+postgresql://app@db:5432/prod"));
        QFile f(ConnectionSettings::fileName());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(!f.readAll().contains("hunter2"));
        s.removeConnection(id);
        QVERIFY(s.connections().isEmpty());
    }

    void defaults()
    {
        ConnectionSettings s;
        QCOMPARE(s.pollInterval(), std::chrono::milliseconds(5000));
        s.setPollInterval(std::chrono::milliseconds(2000));
        QCOMPARE(s.pollInterval(), std::chrono::milliseconds(2000));
        s.setPollInterval(std::chrono::milliseconds(1)); // clamped to something sane
        QCOMPARE(s.pollInterval(), std::chrono::milliseconds(500));
        s.setOperatorName(QStringLiteral("ops-anna"));
        QCOMPARE(s.operatorName(), QStringLiteral("ops-anna"));
    }
};

QTEST_GUILESS_MAIN(TestSettings)
#include "tst_settings.moc"
