// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/jobs.h"
#include "core/recipients/userrule.h"

#include <QStringList>

#include <optional>

class QIODevice;

namespace qd {

enum class ExportFormat : quint8 { Csv, JsonLines };

/// "csv" or "jsonl" (also "jsonlines", "ndjson").
std::optional<ExportFormat> parseExportFormat(const QString &name);

/// Writes jobs one row at a time as they arrive, so an export of a million jobs holds one page in memory,
/// never the whole set. Columns (CSV header; JSON keys): id, queue, class, state, attempts, enqueued_at, run_at,
/// failed_at, worker, error, user, args. `user` comes from the connection's user rule, when one is given; `args`
/// is the payload's arguments as compact JSON (Delayed::Job YAML read safely, never executed), when the listing
/// carried payloads (JobQuery::withPayload). Hostile text stays data: CSV cells that a spreadsheet would run as
/// a formula are quoted as text, JSON is escaped by the JSON writer.
class JobExportWriter
{
public:
    JobExportWriter(QIODevice *out, ExportFormat format, std::optional<UserRule> userRule = {});

    static QStringList columns();
    /// CSV for a person's terminal rather than a file: control and bidi characters in every field are written as
    /// visible escapes (a job id holding `ESC ] 0 ;` must not retitle the terminal). Files keep the exact data.
    void setForTerminal(bool on) { m_forTerminal = on; }
    /// The CSV header (nothing for JSON Lines); call once before the first row.
    bool writeHeader();
    bool write(const JobSummary &job);
    bool write(const QList<JobSummary> &jobs);
    qint64 rows() const { return m_rows; }
    /// Why the last write failed (disk full, closed pipe), or empty.
    QString error() const { return m_error; }

private:
    bool put(const QByteArray &bytes);

    QIODevice *m_out;
    ExportFormat m_format;
    std::optional<UserRule> m_rule;
    qint64 m_rows = 0;
    QString m_error;
    bool m_forTerminal = false;
};

/// The arguments of a job payload as compact JSON: Sidekiq/RQ/BullMQ `args`/`data`, Celery's body, a Delayed::Job
/// handler's attributes (or its ActiveJob arguments). Empty when there is no payload or it cannot be read.
QString payloadArguments(const QString &payload);

} // namespace qd
