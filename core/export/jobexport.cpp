// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/export/jobexport.h"

#include "core/csv.h"
#include "core/textsafety.h"

#include <QCoreApplication>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <limits>

namespace qd {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(qd::JobExportWriter)
};

QString iso(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QString compact(const QJsonValue &v)
{
    if (v.isArray()) {
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    }
    if (v.isObject()) {
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    }
    // A scalar: wrap it so it is written as JSON too, then unwrap the brackets.
    const QByteArray a = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(a.mid(1, a.size() - 2));
}

} // namespace

std::optional<ExportFormat> parseExportFormat(const QString &name)
{
    const QString n = name.trimmed().toLower();
    if (n == u"csv") {
        return ExportFormat::Csv;
    }
    if (n == u"jsonl" || n == u"jsonlines" || n == u"ndjson") {
        return ExportFormat::JsonLines;
    }
    return std::nullopt;
}

QString payloadArguments(const QString &payload)
{
    if (payload.isEmpty()) {
        return {};
    }
    const Result<QJsonValue> doc = payloadToJson(payload);
    if (!doc) {
        return {};
    }
    const QJsonValue v = doc.value();
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        // Sidekiq and RQ-as-JSON keep `args`, BullMQ `data`; a Delayed::Job ActiveJob wrapper its `job_data`.
        for (const char *key : {"args", "data"}) {
            if (o.contains(QLatin1String(key))) {
                return compact(o.value(QLatin1String(key)));
            }
        }
        if (o.value(QStringLiteral("job_data")).isObject()) {
            return compact(o.value(QStringLiteral("job_data")).toObject().value(QStringLiteral("arguments")));
        }
    }
    return compact(v); // a DJ struct's attributes, Celery's [args, kwargs, embed] body
}

JobExportWriter::JobExportWriter(QIODevice *out, ExportFormat format, std::optional<UserRule> userRule)
    : m_out(out), m_format(format), m_rule(std::move(userRule))
{
}

QStringList JobExportWriter::columns()
{
    return {QStringLiteral("id"),     QStringLiteral("queue"),   QStringLiteral("class"),     QStringLiteral("state"),
            QStringLiteral("attempts"), QStringLiteral("enqueued_at"), QStringLiteral("run_at"), QStringLiteral("failed_at"),
            QStringLiteral("worker"), QStringLiteral("error"),   QStringLiteral("user"),      QStringLiteral("args")};
}

bool JobExportWriter::put(const QByteArray &bytes)
{
    if (m_out->write(bytes) != bytes.size()) {
        m_error = Tr::tr("Cannot write the export: %1").arg(m_out->errorString());
        return false;
    }
    return true;
}

bool JobExportWriter::writeHeader()
{
    return m_format != ExportFormat::Csv || put(csvRecord(columns()).toUtf8());
}

bool JobExportWriter::write(const JobSummary &j)
{
    const std::optional<QString> user = m_rule && !j.payload.isEmpty() ? m_rule->extract(j.payload) : std::nullopt;
    const QString args = payloadArguments(j.payload);
    QByteArray line;
    if (m_format == ExportFormat::Csv) {
        QStringList fields = {j.id, j.queue, j.className, jobStateName(j.state),
                              j.attempts ? QString::number(*j.attempts) : QString(), iso(j.enqueuedAt), iso(j.runAt),
                              iso(j.failedAt), j.worker, j.errorLine, user.value_or(QString()), args};
        if (m_forTerminal) {
            for (QString &f : fields) {
                f = escapeForDisplay(f, std::numeric_limits<qsizetype>::max()); // ESC, NUL, bidi: shown, never run
            }
        }
        line = csvRecord(fields).toUtf8();
    } else {
        QJsonObject o = toJson(j);
        o.insert(QStringLiteral("user"), user ? QJsonValue(*user) : QJsonValue(QJsonValue::Null));
        QJsonValue parsedArgs(QJsonValue::Null);
        if (!args.isEmpty()) {
            const QJsonDocument d = QJsonDocument::fromJson(QStringLiteral("[%1]").arg(args).toUtf8());
            parsedArgs = d.isArray() && !d.array().isEmpty() ? d.array().at(0) : QJsonValue(args);
        }
        o.insert(QStringLiteral("args"), parsedArgs);
        line = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    }
    if (!put(line)) {
        return false;
    }
    ++m_rows;
    return true;
}

bool JobExportWriter::write(const QList<JobSummary> &jobs)
{
    for (const JobSummary &j : jobs) {
        if (!write(j)) {
            return false;
        }
    }
    return true;
}

} // namespace qd
