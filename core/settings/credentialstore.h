// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QCoreApplication>
#include <QFuture>
#include <QString>

namespace qd {

struct CredentialResult
{
    QString secret;
    bool found = false; ///< read: the keyring had an entry for the key
    QString error;      ///< the keyring could not be used at all (none running, access denied)
    bool ok() const { return error.isEmpty(); }
};

/// Secrets (connection passwords, webhook URLs and routing keys) in the desktop's keyring through QtKeychain
/// (Secret Service: GNOME Keyring, KWallet; Keychain on macOS; Credential Manager on Windows). Never a
/// plaintext fallback: where no keyring runs, the operation fails with an error that says so, and the caller
/// tells the operator rather than writing the secret anywhere else. Asynchronous (the keyring may prompt);
/// call from a thread with an event loop, normally the GUI thread.
class CredentialStore final
{
    Q_DECLARE_TR_FUNCTIONS(qd::CredentialStore)

public:
    /// `service` names the entries' owner in the keyring; tests use their own.
    explicit CredentialStore(QString service = QStringLiteral("Queuedeck"));

    QFuture<CredentialResult> read(const QString &key) const;
    QFuture<CredentialResult> write(const QString &key, const QString &secret) const;
    /// Removing an entry that is not there succeeds.
    QFuture<CredentialResult> remove(const QString &key) const;

    static QString connectionKey(const QString &connectionId) { return QStringLiteral("connection/") + connectionId; }
    static QString webhookKey(const QString &connectionId) { return QStringLiteral("webhook/") + connectionId; }

private:
    QString m_service;
};

} // namespace qd
