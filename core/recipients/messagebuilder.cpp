// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/recipients/messagebuilder.h"

#include <QJsonArray>

namespace qd {

MessageBuilder::MessageBuilder(MessageTemplate messageTemplate, QString incident, QHash<QString, Contact> contacts)
    : m_template(std::move(messageTemplate)), m_incident(std::move(incident)), m_contacts(std::move(contacts))
{
}

MessageValues MessageBuilder::values(const Recipient &r) const
{
    const Contact c = m_contacts.value(r.user);
    return {r.user, c.name, c.email, r.jobCount, r.longestDelayS, r.queue, m_incident};
}

OutgoingMessage MessageBuilder::message(const Recipient &r) const
{
    const MessageValues v = values(r);
    const MessageTemplate::Rendered text = m_template.render(v);
    OutgoingMessage m;
    m.user = r.user;
    m.subject = text.subject;
    m.body = text.body;
    m.extra.insert(QStringLiteral("job_count"), r.jobCount);
    m.extra.insert(QStringLiteral("delay_s"), r.longestDelayS);
    m.extra.insert(QStringLiteral("queue"), r.queue);
    if (!v.name.isEmpty() || !v.email.isEmpty()) {
        m.extra.insert(QStringLiteral("name"), v.name);
        m.extra.insert(QStringLiteral("email"), v.email);
    }
    m.extra.insert(QStringLiteral("sample_job_ids"), QJsonArray::fromStringList(r.sampleJobIds));
    return m;
}

QList<OutgoingMessage> MessageBuilder::messages(const QList<Recipient> &recipients) const
{
    QList<OutgoingMessage> out;
    out.reserve(recipients.size());
    for (const Recipient &r : recipients) {
        out.append(message(r));
    }
    return out;
}

} // namespace qd
