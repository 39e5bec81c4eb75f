// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/recipients/recipients.h"
#include "core/recipients/userrule.h"

#include <QObject>
#include <QPointer>

namespace qd {

class Backend;

/// The distinct users behind a selection (every job of a queue and state, optionally matching a text and older
/// than a threshold), collected page by page without blocking the caller's thread: the backend lists on its
/// thread, each page's payloads are parsed on a worker thread, pages are merged here. For the GUI's "Affected
/// Users" panel; the CLI pages the same way.
class RecipientCollector final : public QObject
{
    Q_OBJECT
public:
    RecipientCollector(Backend *backend, JobQuery selection, UserRule rule, qint64 olderThanS, QObject *parent = nullptr);
    Q_DISABLE_COPY_MOVE(RecipientCollector)

    /// Only jobs whose wait started in [since, until) (see jobReferenceTime); invalid ends are open.
    void setWindow(const QDateTime &since, const QDateTime &until);
    void start();
    void cancel();
    bool isRunning() const { return m_running; }
    const RecipientSet &result() const { return m_total; }
    qint64 listed() const { return m_listed; }
    /// Whether any listed job carried a payload (a backend that lists none cannot name users).
    bool sawPayload() const { return m_sawPayload; }

Q_SIGNALS:
    void progress(qint64 jobsListed);
    void finished(const qd::RecipientSet &recipients);
    void failed(const QString &error);

private:
    void walk(); ///< every page of the selection, through an AsyncPageWalker

    QPointer<Backend> m_backend;
    JobQuery m_query;
    UserRule m_rule;
    qint64 m_olderThanS;
    QDateTime m_since;
    QDateTime m_until;
    QDateTime m_now;
    RecipientSet m_total;
    qint64 m_listed = 0;
    bool m_sawPayload = false;
    bool m_running = false;
    bool m_cancelled = false;
};

} // namespace qd

Q_DECLARE_METATYPE(qd::RecipientSet)
