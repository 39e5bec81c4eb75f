// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/result.h"

#include <QFuture>
#include <QHash>
#include <QString>
#include <QStringList>

#include <memory>

namespace qd {

struct Contact
{
    QString name;
    QString email;
};

/// Names and emails for user ids, looked up in the application's own database — read-only: SQLite is opened
/// read-only, a PostgreSQL session is set to read-only transactions, and the query must be one SELECT with a
/// `:user` placeholder returning (name, email). For the `{{name}}` and `{{email}}` placeholders.
class Directory final
{
public:
    /// `url`: sqlite:///abs/app.db or postgresql://user@host:5432/db; `query` e.g.
    /// "SELECT name, email FROM users WHERE id = :user". Errors say what is wrong.
    static Result<std::shared_ptr<Directory>> create(const QString &url, const QString &query);
    ~Directory();
    Q_DISABLE_COPY_MOVE(Directory)

    /// Looks every user up on the directory's own thread. Users not found are absent from the result.
    QFuture<Result<QHash<QString, Contact>>> lookup(const QStringList &users);
    QString displayString() const; ///< the URL without password

private:
    Directory();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace qd
