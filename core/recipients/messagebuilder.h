// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/recipients/directory.h"
#include "core/recipients/messagetemplate.h"
#include "core/recipients/outbox.h"
#include "core/recipients/recipients.h"

#include <QHash>

namespace qd {

/// The message each affected user gets, the same from `queuedeckctl notify` and Tell Affected Users: the template
/// rendered with the user's values, and what channels that carry structure send along — job_count, delay_s,
/// queue, name and email when the directory knew them (for a receiver that sends the e-mail itself), and
/// sample_job_ids (up to five of the user's jobs, so support can look at the very jobs).
class MessageBuilder final
{
public:
    MessageBuilder(MessageTemplate messageTemplate, QString incident, QHash<QString, Contact> contacts = {});

    MessageValues values(const Recipient &recipient) const;
    OutgoingMessage message(const Recipient &recipient) const;
    QList<OutgoingMessage> messages(const QList<Recipient> &recipients) const;

private:
    MessageTemplate m_template;
    QString m_incident;
    QHash<QString, Contact> m_contacts;
};

} // namespace qd
