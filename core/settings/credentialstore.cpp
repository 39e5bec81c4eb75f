// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/settings/credentialstore.h"

#include <QPromise>

#include <qt6keychain/keychain.h>

#include <memory>

namespace qd {

namespace {

/// Runs one keychain job and resolves the future with what it found; the job deletes itself afterwards.
template <typename Job, typename Setup> QFuture<CredentialResult> run(Job *job, Setup setup, bool isRead, bool isRemove)
{
    auto promise = std::make_shared<QPromise<CredentialResult>>();
    QFuture<CredentialResult> future = promise->future();
    promise->start();
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // a secret goes to the keyring or nowhere
    setup(job);
    QObject::connect(job, &QKeychain::Job::finished, job, [promise, isRead, isRemove](QKeychain::Job *j) {
        CredentialResult r;
        switch (j->error()) {
        case QKeychain::NoError:
            r.found = true;
            if (isRead) {
                r.secret = static_cast<QKeychain::ReadPasswordJob *>(j)->textData();
            }
            break;
        case QKeychain::EntryNotFound:
            if (!isRead && !isRemove) {
                r.error = j->errorString();
            }
            break; // reading or removing what is not there: found = false, no error
        case QKeychain::AccessDeniedByUser:
        case QKeychain::AccessDenied:
            r.error = CredentialStore::tr("The keyring refused access: %1").arg(j->errorString());
            break;
        default:
            r.error = CredentialStore::tr("No keyring is available (%1). Queuedeck keeps passwords and webhook "
                                          "secrets only in the desktop keyring (GNOME Keyring, KWallet), never in "
                                          "its settings file: start one, or type the secret each time.")
                          .arg(j->errorString());
            break;
        }
        promise->addResult(r);
        promise->finish();
    });
    job->start();
    return future;
}

} // namespace

CredentialStore::CredentialStore(QString service) : m_service(std::move(service)) {}

QFuture<CredentialResult> CredentialStore::read(const QString &key) const
{
    return run(
        new QKeychain::ReadPasswordJob(m_service), [&](QKeychain::ReadPasswordJob *j) { j->setKey(key); }, true, false);
}

QFuture<CredentialResult> CredentialStore::write(const QString &key, const QString &secret) const
{
    return run(
        new QKeychain::WritePasswordJob(m_service),
        [&](QKeychain::WritePasswordJob *j) {
            j->setKey(key);
            j->setTextData(secret);
        },
        false, false);
}

QFuture<CredentialResult> CredentialStore::remove(const QString &key) const
{
    return run(
        new QKeychain::DeletePasswordJob(m_service), [&](QKeychain::DeletePasswordJob *j) { j->setKey(key); }, false,
        true);
}

} // namespace qd
