// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/recipients/directory.h"

#include "core/serialexecutor.h"
#include "core/sqlthread.h"
#include "core/recipients/channels.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QUuid>

namespace qd {

namespace {
/// lupdate files Tr::tr() strings under the context the runtime looks them up in.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(qd::Directory)
};
} // namespace

struct Directory::Private
{
    SqlTarget target;
    QString query;
    QString display;
    QString name = QStringLiteral("qd-directory-") + QUuid::createUuid().toString(QUuid::Id128);
    SerialExecutor executor{QStringLiteral("directory")};

    /// Opens the connection on the executor's thread, read-only; empty or why not.
    QString open()
    {
        QSqlDatabase db = QSqlDatabase::contains(name) ? QSqlDatabase::database(name, false)
                                                       : QSqlDatabase::addDatabase(target.driver, name);
        if (db.isOpen()) {
            return {};
        }
        db.setDatabaseName(target.database);
        if (target.driver == u"QSQLITE") {
            if (!QFileInfo(target.database).isFile()) {
                return Tr::tr("The SQLite database %1 does not exist.").arg(target.database);
            }
            db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"));
        } else {
            db.setHostName(target.host);
            db.setPort(target.port);
            db.setUserName(target.user);
            db.setPassword(target.password.isEmpty() ? qEnvironmentVariable("PGPASSWORD") : target.password);
            db.setConnectOptions(QStringLiteral("connect_timeout=5;application_name=queuedeck-directory"));
        }
        if (!db.open()) {
            return Tr::tr("Cannot open %1: %2").arg(display, db.lastError().text());
        }
        if (target.driver != u"QSQLITE") {
            QSqlQuery ro(db);
            if (!ro.exec(QStringLiteral("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"))) {
                db.close();
                return Tr::tr("Cannot make the session read-only: %1").arg(ro.lastError().text());
            }
        }
        return {};
    }
};

Directory::Directory() : d(std::make_unique<Private>()) {}

Directory::~Directory()
{
    closeDatabaseOn(d->executor, d->name);
}

Result<std::shared_ptr<Directory>> Directory::create(const QString &url, const QString &query)
{
    using R = Result<std::shared_ptr<Directory>>;
    const auto spec = ChannelSpec::parse(QStringLiteral("sql:") + url.trimmed());
    if (!spec) {
        return R::failure(Tr::tr("The directory URL: %1").arg(spec.error()));
    }
    static const QRegularExpression select(QStringLiteral("^\\s*SELECT\\s"), QRegularExpression::CaseInsensitiveOption);
    const QString q = query.trimmed();
    if (!select.match(q).hasMatch() || q.contains(u';')) {
        return R::failure(Tr::tr("The lookup must be one SELECT statement, e.g. SELECT name, email FROM users WHERE id = :user"));
    }
    if (!q.contains(QStringLiteral(":user"))) {
        return R::failure(Tr::tr("The lookup needs the :user placeholder for the user id, e.g. … WHERE id = :user"));
    }
    std::shared_ptr<Directory> dir(new Directory());
    dir->d->target = spec->sql;
    dir->d->query = q;
    dir->d->display = spec->displayString().mid(4);
    return dir;
}

QString Directory::displayString() const
{
    return d->display;
}

QFuture<Result<QHash<QString, Contact>>> Directory::lookup(const QStringList &users)
{
    Private *p = d.get();
    return p->executor.run([p, users]() -> Result<QHash<QString, Contact>> {
        using R = Result<QHash<QString, Contact>>;
        if (const QString e = p->open(); !e.isEmpty()) {
            return R::failure(e);
        }
        QSqlQuery q(QSqlDatabase::database(p->name, false));
        q.setForwardOnly(true);
        if (!q.prepare(p->query)) {
            return R::failure(Tr::tr("The lookup query failed: %1").arg(q.lastError().text()));
        }
        QHash<QString, Contact> found;
        for (const QString &user : users) {
            q.bindValue(QStringLiteral(":user"), user);
            if (!q.exec()) {
                return R::failure(Tr::tr("The lookup query failed for %1: %2").arg(user.left(80), q.lastError().text()));
            }
            if (q.next()) {
                found.insert(user, Contact{q.value(0).toString(), q.record().count() > 1 ? q.value(1).toString() : QString()});
            }
            q.finish();
        }
        return found;
    });
}

} // namespace qd
