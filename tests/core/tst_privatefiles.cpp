// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// No data file Queuedeck writes is readable by other users: the audit log (job payloads before and after an edit),
// the outbox (user ids, message bodies), the history and the timeline are created 0600 in a 0700 directory, with
// their SQLite companions, and files left 0644 by an earlier version are tightened when opened.
#include "core/audit/auditlog.h"
#include "core/history/historystore.h"
#include "core/privatefiles.h"
#include "core/recipients/outbox.h"
#include "core/timeline/incidenttimeline.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;

namespace {

constexpr QFileDevice::Permissions kOwnerRw = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions kOthers = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup |
                                             QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;

/// Every file in `dir` (the databases and their -wal/-shm) and `dir` itself: nothing for group or others.
void checkPrivate(const QString &dir)
{
    QVERIFY2(!(QFile::permissions(dir) & kOthers), qPrintable(dir));
    const QFileInfoList files = QDir(dir).entryInfoList(QDir::Files);
    QVERIFY(!files.isEmpty());
    for (const QFileInfo &f : files) {
        QVERIFY2(!(f.permissions() & kOthers), qPrintable(f.fileName()));
        QVERIFY2((f.permissions() & kOwnerRw) == kOwnerRw, qPrintable(f.fileName()));
    }
}

} // namespace

class TestPrivateFiles : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void dataFilesAreTheOwnersOnly()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath(QStringLiteral("queuedeck"));
        {
            AuditLog audit(dir + QStringLiteral("/audit.sqlite3"));
            QCOMPARE(audit.open(), QString());
            Outbox outbox(dir + QStringLiteral("/outbox.sqlite3"));
            QCOMPARE(outbox.open(), QString());
            IncidentTimeline timeline(dir + QStringLiteral("/timeline.sqlite3"));
            QCOMPARE(timeline.open(), QString());
            HistoryStore history(dir + QStringLiteral("/history.sqlite3"));
            QCOMPARE(history.open(), QString());
            Snapshot s;
            s.takenAt = QDateTime::currentDateTimeUtc();
            QueueStats q;
            q.name = QStringLiteral("print");
            q.waiting = 1;
            s.queues = {q};
            history.record(QStringLiteral("c"), s);
            history.flush().waitForFinished();
            checkPrivate(dir); // while open: the -wal and -shm files too
        }
        checkPrivate(dir);
    }

    void filesOfAnEarlierVersionAreTightened()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath(QStringLiteral("queuedeck"));
        QVERIFY(QDir().mkpath(dir));
        const QString path = dir + QStringLiteral("/history.sqlite3");
        {
            HistoryStore first(path);
            QCOMPARE(first.open(), QString());
        }
        const QFileDevice::Permissions loose = kOwnerRw | QFileDevice::ReadGroup | QFileDevice::ReadOther;
        QVERIFY(
            QFile::setPermissions(dir, loose | QFileDevice::ExeOwner | QFileDevice::ExeGroup | QFileDevice::ExeOther));
        QVERIFY(QFile::setPermissions(path, loose));
        HistoryStore again(path);
        QCOMPARE(again.open(), QString());
        checkPrivate(dir);
    }

    /// QD_AUDIT_DB=/tmp/audit.sqlite3 once made /tmp 0700, and PostgreSQL's own user could no longer reach its
    /// data: a folder the operator points a file into is never tightened, only the file is.
    void aSharedFolderIsNeverTightened()
    {
        QTemporaryDir tmp;
        const QString shared = tmp.filePath(QStringLiteral("shared"));
        QVERIFY(QDir().mkpath(shared));
        const QFileDevice::Permissions open = kOwnerRw | QFileDevice::ExeOwner | QFileDevice::ReadGroup
                                              | QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::ExeOther
                                              | QFileDevice::WriteOther;
        QVERIFY(QFile::setPermissions(shared, open));
        const QFileDevice::Permissions before = QFile::permissions(shared);
        AuditLog audit(shared + QStringLiteral("/audit.sqlite3"));
        QCOMPARE(audit.open(), QString());
        QCOMPARE(QFile::permissions(shared), before);
        QCOMPARE(QFile::permissions(shared + QStringLiteral("/audit.sqlite3")) & (kOwnerRw | kOthers), kOwnerRw);
        // A folder that does not exist yet is created private.
        const QString fresh = tmp.filePath(QStringLiteral("new/place"));
        QVERIFY(makePrivateDataFile(fresh + QStringLiteral("/outbox.sqlite3")));
        QCOMPARE(QFile::permissions(fresh) & kOthers, QFileDevice::Permissions());
    }

    void exportsAreCreatedPrivate()
    {
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("jobs.csv"));
        QVERIFY(makePrivateFile(path));
        QCOMPARE(QFile::permissions(path) & (kOwnerRw | kOthers), kOwnerRw);
        QVERIFY(QFile::permissions(tmp.path()) & QFileDevice::ReadOwner); // the directory itself is not touched
    }
};

QTEST_GUILESS_MAIN(TestPrivateFiles)
#include "tst_privatefiles.moc"
