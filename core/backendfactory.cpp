// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/backendfactory.h"

#include "core/backends/delayedjob/delayedjobbackend.h"
#include "core/team/teammirror.h"
#include "core/backends/sidekiq/sidekiqbackend.h"
#include "core/backends/bullmq/bullmqbackend.h"
#include "core/backends/rq/rqbackend.h"
#include "core/backends/celery/celerybackend.h"
#include "core/backends/rabbitmq/rabbitmqbackend.h"

#include <QCoreApplication>

namespace qd {

Result<std::shared_ptr<Backend>> createBackend(const ConnectionUrl &url, Clock *clock)
{
    using R = Result<std::shared_ptr<Backend>>;
    if (url.family == u"team") {
        return R(std::make_shared<TeamMirrorBackend>(url, clock));
    }
    if (url.family == u"delayedjob") {
        return R(std::make_shared<delayedjob::DelayedJobBackend>(url, clock));
    }
    if (url.family == u"bullmq") {
        return R(std::make_shared<bullmq::BullMqBackend>(url, clock));
    }
    if (url.family == u"celery" && (url.transport == u"redis" || url.transport == u"rediss")) {
        return R(std::make_shared<celery::CeleryBackend>(url, clock));
    }
    if (url.family == u"rabbitmq" || (url.family == u"celery" && (url.transport == u"amqp" || url.transport == u"amqps"))) {
        return R(std::make_shared<rabbitmq::RabbitMqBackend>(url, clock));
    }
    if (url.family == u"rq") {
        return R(std::make_shared<rq::RqBackend>(url, clock));
    }
    if (url.family == u"sidekiq") {
        return R(std::make_shared<sidekiq::SidekiqBackend>(url, clock));
    }
    return R::failure(QCoreApplication::translate("qd::BackendFactory",
                                                  "The %1 backend is not available in this build yet.")
                          .arg(url.scheme()));
}

Result<std::shared_ptr<Backend>> createBackend(const QString &url, Clock *clock)
{
    auto parsed = ConnectionUrl::parse(url);
    if (!parsed) {
        return Result<std::shared_ptr<Backend>>::failure(parsed.error());
    }
    return createBackend(parsed.value(), clock);
}

} // namespace qd
