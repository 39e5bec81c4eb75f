// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Names and emails from the application's own database, read-only, for {{name}} and {{email}}.
#include "core/recipients/directory.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include "tests/backends/pgtestdb.h"

using namespace qd;

class TestDirectory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sqliteLookupIsReadOnly()
    {
        QTemporaryDir dir;
        const QString app = dir.filePath(QStringLiteral("app.sqlite3"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("mk"));
            db.setDatabaseName(app);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT)")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO users VALUES (42, 'Ada Lovelace', 'ada@example.com'),"
                                          " (7, '<b>Eve</b>', 'eve@example.com')")));
        }
        QSqlDatabase::removeDatabase(QStringLiteral("mk"));

        auto d = Directory::create(QStringLiteral("sqlite://") + app, QStringLiteral("SELECT name, email FROM users WHERE id = :user"));
        QVERIFY2(d, qPrintable(d.error()));
        const auto found = d.value()->lookup({QStringLiteral("42"), QStringLiteral("7"), QStringLiteral("404")}).result();
        QVERIFY2(found, qPrintable(found.error()));
        QCOMPARE(found->size(), 2);
        QCOMPARE(found->value(QStringLiteral("42")).name, QStringLiteral("Ada Lovelace"));
        QCOMPARE(found->value(QStringLiteral("42")).email, QStringLiteral("ada@example.com"));
        QVERIFY(!found->contains(QStringLiteral("404")));

        // Only one SELECT with :user (and the file is opened read-only besides).
        QVERIFY(!Directory::create(QStringLiteral("sqlite://") + app, QStringLiteral("DELETE FROM users WHERE id = :user")));
        QVERIFY(!Directory::create(QStringLiteral("sqlite://") + app, QStringLiteral("SELECT name, email FROM users")));
        QVERIFY(!Directory::create(QStringLiteral("sqlite://") + app,
                                   QStringLiteral("SELECT name FROM users WHERE id = :user; DROP TABLE users")));
        // A missing file is an error, never created.
        auto missing = Directory::create(QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("typo.db")),
                                         QStringLiteral("SELECT name, email FROM users WHERE id = :user"));
        QVERIFY(missing);
        const auto none = missing.value()->lookup({QStringLiteral("42")}).result();
        QVERIFY(!none);
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("typo.db"))));
    }

    void postgresSessionIsReadOnly()
    {
        if (!test::pgAvailable()) {
            if (test::inCi()) {
                QFAIL("CI runs scripts/services: PostgreSQL must be there");
            }
            QSKIP("no PostgreSQL (run through scripts/test)");
        }
        const auto pg = test::freshPgDatabase(QStringLiteral("qd_directory_"));
        QVERIFY(pg);
        QCOMPARE(test::pgAdminExec(QStringLiteral("CREATE TABLE users (id bigint PRIMARY KEY, name text, email text);"
                                                  "INSERT INTO users VALUES (42, 'Ada', 'ada@example.com')"),
                                   pg->name),
                 QString());
        const QString url = QStringLiteral("postgresql://%1@%2:%3/%4").arg(pg->user, pg->host, pg->port, pg->name);
        auto d = Directory::create(url, QStringLiteral("SELECT name, email FROM users WHERE id = :user"));
        QVERIFY2(d, qPrintable(d.error()));
        const auto found = d.value()->lookup({QStringLiteral("42"), QStringLiteral("43")}).result();
        QVERIFY2(found, qPrintable(found.error()));
        QCOMPARE(found->value(QStringLiteral("42")).email, QStringLiteral("ada@example.com"));
        // A function with a side effect is refused by the read-only session.
        QCOMPARE(test::pgAdminExec(QStringLiteral("CREATE FUNCTION zap(u text) RETURNS text LANGUAGE sql AS "
                                                  "'DELETE FROM users RETURNING name'"),
                                   pg->name),
                 QString());
        auto zap = Directory::create(url, QStringLiteral("SELECT zap(:user), 'x'"));
        QVERIFY(zap);
        const auto refused = zap.value()->lookup({QStringLiteral("42")}).result();
        QVERIFY(!refused);
        QVERIFY2(refused.error().contains(QStringLiteral("read-only")), qPrintable(refused.error()));
        QVERIFY(d.value()->lookup({QStringLiteral("42")}).result()->contains(QStringLiteral("42"))); // still there
    }
};

QTEST_GUILESS_MAIN(TestDirectory)
#include "tst_directory.moc"
