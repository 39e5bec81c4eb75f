// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace qd {

/// One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF; a cell starting with = + - @ (or a
/// tab or CR) gets a leading single quote so a spreadsheet shows it as text instead of running it as a formula
/// (job data and user ids are hostile; CSV exports are opened in spreadsheets).
QString csvField(const QString &value);
/// One record: fields joined by commas, ended by CRLF.
QString csvRecord(const QStringList &fields);
/// Parses RFC 4180 text back into records (for reading a file's keys, and tests).
QList<QStringList> parseCsv(const QString &text);

} // namespace qd
