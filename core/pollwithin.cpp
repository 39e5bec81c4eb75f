// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/pollwithin.h"

#include "core/backend.h"
#include "core/futurewatch.h"

#include <QCoreApplication>
#include <QTimer>

namespace qd {

QString abandonedPollError(std::chrono::milliseconds deadline)
{
    return QCoreApplication::translate("qd::Collector",
                                       "No complete answer within %1 s: the poll was abandoned (the server hangs or "
                                       "answers too slowly).")
        .arg(double(deadline.count()) / 1000.0);
}

void pollWithin(const std::shared_ptr<Backend> &backend, std::chrono::milliseconds deadline, QObject *context,
                std::function<void(Snapshot)> onAnswer, std::function<void()> onSettled)
{
    Q_ASSERT(backend && context);
    auto answered = std::make_shared<bool>(false);
    auto *timer = new QTimer(context);
    timer->setSingleShot(true);
    const QString kind = backend->kind();
    QObject::connect(timer, &QTimer::timeout, context, [timer, answered, onAnswer, deadline, kind] {
        timer->deleteLater();
        if (*answered) {
            return;
        }
        *answered = true;
        Snapshot failed;
        failed.backend = kind; // takenAt stays for the caller's clock to stamp
        failed.error = abandonedPollError(deadline);
        onAnswer(std::move(failed));
    });
    // The continuation holds the backend: an abandoned poll keeps it alive until the poll really ends.
    whenFinished(backend->snapshot(), context,
                 [timer, answered, onAnswer, onSettled, keepAlive = backend](Snapshot s) {
                     if (!*answered) {
                         *answered = true;
                         timer->stop();
                         timer->deleteLater();
                         onAnswer(std::move(s));
                     }
                     if (onSettled) {
                         onSettled();
                     }
                 });
    timer->start(deadline);
}

} // namespace qd
