// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/result.h"

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QStringList>

namespace qd {

/// What one recipient's message is filled with.
struct MessageValues
{
    QString user;
    QString name;
    QString email;
    qint64 jobCount = 0;
    qint64 delayS = 0;
    QString queue;
    QString incident;
};

/// "45 s", "12 min", "3 h 12 min", "2 d 5 h": how long someone waited, as a person says it.
QString humanDelay(qint64 seconds);

/// Plain-text subject and body with placeholders: {{user}}, {{name}}, {{email}}, {{job_count}}, {{delay}},
/// {{queue}}, {{incident}} (spaces inside the braces are allowed). An unknown placeholder is an error when the
/// template is parsed, not a blank in a message already sent. Rendering is a single pass over the parsed template:
/// substituted values are never scanned again, so "{{" in a user's name stays literal text.
class MessageTemplate final
{
    Q_DECLARE_TR_FUNCTIONS(qd::MessageTemplate)

public:
    struct Rendered
    {
        QString subject;
        QString body;
        qsizetype subjectChars = 0; ///< user-perceived characters (grapheme clusters)
        qsizetype bodyChars = 0;
    };

    static Result<MessageTemplate> parse(const QString &name, const QString &subject, const QString &body);
    /// "Subject: …", a blank line, then the body (CRLF or LF).
    static Result<MessageTemplate> fromText(const QString &name, const QString &text);
    /// fromText() of a UTF-8 file; the template's name is the file's base name.
    static Result<MessageTemplate> load(const QString &path);

    static QStringList placeholderNames();
    static qsizetype characterCount(const QString &text);

    QString name() const { return m_name; }
    QString subjectTemplate() const { return m_subjectText; }
    QString bodyTemplate() const { return m_bodyText; }
    qsizetype subjectChars() const { return characterCount(m_subjectText); }
    qsizetype bodyChars() const { return characterCount(m_bodyText); }

    Rendered render(const MessageValues &values) const;

private:
    enum class Field : quint8 { Literal, User, Name, Email, JobCount, Delay, Queue, Incident };
    struct Segment
    {
        Field field = Field::Literal;
        QString text;
    };
    static QList<Segment> tokenize(const QString &text, QStringList &unknown);
    static QString renderSegments(const QList<Segment> &segments, const MessageValues &values);

    QString m_name;
    QString m_subjectText;
    QString m_bodyText;
    QList<Segment> m_subject;
    QList<Segment> m_body;
};

} // namespace qd
