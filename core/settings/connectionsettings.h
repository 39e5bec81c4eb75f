// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QList>
#include <QString>

#include <chrono>

namespace qd {

struct SavedConnection
{
    QString id;   ///< stable, used by history and settings
    QString name; ///< what the operator calls it
    QString url;  ///< ConnectionUrl::toDisplayString(): never a password
};

/// Everything Queuedeck persists between runs, in one place (QSettings). Passwords are never written here:
/// URLs are stored through ConnectionUrl::toDisplayString(), which drops them.
class ConnectionSettings final
{
public:
    ConnectionSettings() = default;

    QList<SavedConnection> connections() const;
    /// The settings file the GUI and queuedeckctl share.
    static QString fileName();
    void setConnections(const QList<SavedConnection> &connections);
    /// Adds (or replaces by id) one connection; the URL is stripped of any password. Returns its id.
    QString addConnection(const QString &name, const QString &url);
    void removeConnection(const QString &id);

    std::chrono::milliseconds pollInterval() const; ///< default 5 s
    void setPollInterval(std::chrono::milliseconds interval);

    QString operatorName() const; ///< default: the OS user
    void setOperatorName(const QString &name);
};

} // namespace qd
