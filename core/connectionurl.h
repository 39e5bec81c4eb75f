// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/result.h"

#include <QCoreApplication>
#include <QString>
#include <QUrlQuery>

namespace qd {

/// A parsed connection URL such as `delayedjob+sqlite:///var/app/db.sqlite3` or
/// `sidekiq+redis://user@host:6379/0?namespace=app`. The scheme is `<family>+<transport>`.
/// The password may be parsed from a URL given on the command line but is never written back by
/// toDisplayString(), and settings store only toDisplayString().
struct ConnectionUrl
{
    Q_DECLARE_TR_FUNCTIONS(qd::ConnectionUrl)

public:
    QString family;    ///< "delayedjob", "sidekiq", "rq", "bullmq", "celery", "rabbitmq"
    QString transport; ///< "sqlite", "postgresql", "redis", "rediss", "http", "https", "amqp", "amqps"
    QString host;
    int port = -1;     ///< -1: the transport's default
    QString user;
    QString password;
    QString path;      ///< file path (sqlite), database name (postgresql), db number (redis), vhost (rabbitmq)
    QUrlQuery query;

    QString scheme() const { return family + u'+' + transport; }
    QString option(const QString &key, const QString &fallback = {}) const;
    /// A boolean option (readonly, results, peek_quorum). parse() accepts only 1/true/yes/on and 0/false/no/off
    /// (any case) for them, so this never reads a misspelt "on" as off.
    bool flag(const QString &key) const;
    /// Empty, or why the options are not acceptable: an unknown key (with the valid ones), a key given twice, a
    /// boolean or number that is not one. parse() refuses such URLs.
    QString checkOptions() const;
    bool usesTls() const { return transport == u"rediss" || transport == u"https" || transport == u"amqps"; }

    /// The URL without its password, safe for settings, logs and window titles.
    QString toDisplayString() const;

    /// Parses and validates; the error names the part that is wrong and shows a correct example, and never
    /// contains the URL's password.
    static Result<ConnectionUrl> parse(const QString &text);
    /// Every scheme this build understands, with an example each (for help texts and the Add dialog).
    static QList<QPair<QString, QString>> examples();

private:
    static Result<ConnectionUrl> parseUnredacted(const QString &text);
};

} // namespace qd
