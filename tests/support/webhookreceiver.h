// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QUrl>

namespace qd::test {

/// A real local HTTP server for webhook tests (tests/core/fixtures/webhook_receiver.py): it answers the first
/// `failFirst` requests with `failStatus`, waits `delayMs` per request, and logs every request (body, status,
/// Idempotency-Key) as one JSON line. Killed by PID when this goes out of scope.
struct WebhookReceiver
{
    QProcess process;
    QString log;
    QUrl url;

    bool start(const QString &logPath, const QString &path = QStringLiteral("/hook"), int failFirst = 0, int failStatus = 500,
               int delayMs = 0)
    {
        log = logPath;
        process.start(QStringLiteral("/usr/bin/python3"),
                      {QStringLiteral(QD_SOURCE_DIR "/tests/core/fixtures/webhook_receiver.py"), logPath, QString::number(failFirst),
                       QString::number(failStatus), QString::number(delayMs)});
        if (!process.waitForStarted(10000) || !process.waitForReadyRead(10000)) {
            return false;
        }
        url = QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(QString::fromLatin1(process.readLine().trimmed()), path));
        return true;
    }
    ~WebhookReceiver()
    {
        process.kill();
        process.waitForFinished(5000);
    }
    QList<QJsonObject> requests() const
    {
        QFile f(log);
        QList<QJsonObject> out;
        if (f.open(QIODevice::ReadOnly)) {
            for (const QByteArray &line : f.readAll().split('\n')) {
                if (!line.isEmpty()) {
                    out.append(QJsonDocument::fromJson(line).object());
                }
            }
        }
        return out;
    }
};

} // namespace qd::test
