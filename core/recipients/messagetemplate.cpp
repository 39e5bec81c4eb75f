// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/recipients/messagetemplate.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTextBoundaryFinder>

namespace qd {

namespace {

/// lupdate files Tr::tr() strings under the context the runtime looks them up in.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(qd::MessageTemplate)
};

constexpr qint64 maxTemplateBytes = 256 * 1024;

/// Values come from job payloads and directories: hostile. Control characters (a newline in a subject, an ESC)
/// become spaces; in the body newlines and tabs of the template are kept, those of values are not.
QString cleanValue(const QString &value)
{
    QString out = value;
    for (QChar &c : out) {
        if (c.category() == QChar::Other_Control || c == QChar::LineSeparator || c == QChar::ParagraphSeparator) {
            c = u' ';
        }
    }
    return out;
}

} // namespace

QString humanDelay(qint64 seconds)
{
    seconds = std::max<qint64>(0, seconds);
    if (seconds < 60) {
        return Tr::tr("%1 s").arg(seconds);
    }
    const qint64 minutes = seconds / 60;
    if (minutes < 60) {
        return Tr::tr("%1 min").arg(minutes);
    }
    const qint64 hours = minutes / 60;
    if (hours < 24) {
        return minutes % 60 ? Tr::tr("%1 h %2 min").arg(hours).arg(minutes % 60) : Tr::tr("%1 h").arg(hours);
    }
    const qint64 days = hours / 24;
    return hours % 24 ? Tr::tr("%1 d %2 h").arg(days).arg(hours % 24) : Tr::tr("%1 d").arg(days);
}

QStringList MessageTemplate::placeholderNames()
{
    return {QStringLiteral("user"),  QStringLiteral("name"),  QStringLiteral("email"),   QStringLiteral("job_count"),
            QStringLiteral("delay"), QStringLiteral("queue"), QStringLiteral("incident")};
}

qsizetype MessageTemplate::characterCount(const QString &text)
{
    qsizetype count = 0;
    QTextBoundaryFinder finder(QTextBoundaryFinder::Grapheme, text);
    while (finder.toNextBoundary() != -1) {
        ++count;
    }
    return count;
}

QList<MessageTemplate::Segment> MessageTemplate::tokenize(const QString &text, QStringList &unknown)
{
    static const QList<Field> fields = {Field::User,     Field::Name,  Field::Email,   Field::JobCount,
                                        Field::Delay,    Field::Queue, Field::Incident};
    const QStringList names = placeholderNames();
    QList<Segment> segments;
    QString literal;
    qsizetype i = 0;
    while (i < text.size()) {
        if (text.at(i) == u'{' && i + 1 < text.size() && text.at(i + 1) == u'{') {
            const qsizetype close = text.indexOf(QStringLiteral("}}"), i + 2);
            const QString inner = close < 0 ? QString() : text.mid(i + 2, close - i - 2).trimmed();
            // Only {{identifier}} is a placeholder; any other "{{" is literal text.
            static const QRegularExpression identifier(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
            if (close >= 0 && identifier.match(inner).hasMatch()) {
                const qsizetype which = names.indexOf(inner);
                if (which < 0) {
                    if (!unknown.contains(inner)) {
                        unknown.append(inner);
                    }
                } else {
                    if (!literal.isEmpty()) {
                        segments.append({Field::Literal, literal});
                        literal.clear();
                    }
                    segments.append({fields.at(which), {}});
                }
                i = close + 2;
                continue;
            }
        }
        literal.append(text.at(i));
        ++i;
    }
    if (!literal.isEmpty()) {
        segments.append({Field::Literal, literal});
    }
    return segments;
}

Result<MessageTemplate> MessageTemplate::parse(const QString &name, const QString &subject, const QString &body)
{
    if (subject.contains(u'\n') || subject.contains(u'\r')) {
        return Result<MessageTemplate>::failure(Tr::tr("The subject of template \"%1\" must be one line.").arg(name));
    }
    if (subject.trimmed().isEmpty()) {
        return Result<MessageTemplate>::failure(Tr::tr("Template \"%1\" has no subject.").arg(name));
    }
    QStringList unknown;
    MessageTemplate t;
    t.m_name = name;
    t.m_subjectText = subject;
    t.m_bodyText = body;
    t.m_subject = tokenize(subject, unknown);
    t.m_body = tokenize(body, unknown);
    if (!unknown.isEmpty()) {
        QStringList quoted;
        for (const QString &u : unknown) {
            quoted << QStringLiteral("{{%1}}").arg(u);
        }
        return Result<MessageTemplate>::failure(
            Tr::tr("Template \"%1\" uses unknown placeholder(s) %2. Known: %3.")
                .arg(name, quoted.join(QStringLiteral(", ")),
                     QStringLiteral("{{") + placeholderNames().join(QStringLiteral("}}, {{")) + QStringLiteral("}}")));
    }
    return t;
}

Result<MessageTemplate> MessageTemplate::fromText(const QString &name, const QString &textIn)
{
    QString text = textIn;
    text.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    if (text.startsWith(QChar(0xfeff))) {
        text.remove(0, 1);
    }
    const qsizetype firstEnd = text.indexOf(u'\n');
    const QString first = firstEnd < 0 ? text : text.left(firstEnd);
    static const QString prefix = QStringLiteral("Subject:");
    if (!first.startsWith(prefix, Qt::CaseInsensitive)) {
        return Result<MessageTemplate>::failure(
            Tr::tr("Template \"%1\" must start with a \"Subject: …\" line, then a blank line, then the body.").arg(name));
    }
    QString body;
    if (firstEnd >= 0) {
        const QString rest = text.mid(firstEnd + 1);
        const qsizetype secondEnd = rest.indexOf(u'\n');
        const QString second = secondEnd < 0 ? rest : rest.left(secondEnd);
        if (!second.trimmed().isEmpty()) {
            return Result<MessageTemplate>::failure(
                Tr::tr("In template \"%1\" the subject line must be followed by a blank line.").arg(name));
        }
        body = secondEnd < 0 ? QString() : rest.mid(secondEnd + 1);
    }
    return parse(name, first.mid(prefix.size()).trimmed(), body);
}

Result<MessageTemplate> MessageTemplate::load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Result<MessageTemplate>::failure(Tr::tr("Cannot read the template %1: %2").arg(path, file.errorString()));
    }
    if (file.size() > maxTemplateBytes) {
        return Result<MessageTemplate>::failure(
            Tr::tr("The template %1 is larger than %2 KiB.").arg(path).arg(maxTemplateBytes / 1024));
    }
    return fromText(QFileInfo(path).completeBaseName(), QString::fromUtf8(file.readAll()));
}

QString MessageTemplate::renderSegments(const QList<Segment> &segments, const MessageValues &v)
{
    QString out;
    for (const Segment &s : segments) {
        switch (s.field) {
        case Field::Literal:
            out += s.text;
            break;
        case Field::User:
            out += cleanValue(v.user);
            break;
        case Field::Name:
            out += cleanValue(v.name);
            break;
        case Field::Email:
            out += cleanValue(v.email);
            break;
        case Field::JobCount:
            out += QString::number(v.jobCount);
            break;
        case Field::Delay:
            out += humanDelay(v.delayS);
            break;
        case Field::Queue:
            out += cleanValue(v.queue);
            break;
        case Field::Incident:
            out += cleanValue(v.incident);
            break;
        }
    }
    return out;
}

MessageTemplate::Rendered MessageTemplate::render(const MessageValues &values) const
{
    Rendered r;
    r.subject = renderSegments(m_subject, values);
    r.body = renderSegments(m_body, values);
    r.subjectChars = characterCount(r.subject);
    r.bodyChars = characterCount(r.body);
    return r;
}

} // namespace qd
