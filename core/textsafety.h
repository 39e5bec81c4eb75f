// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QString>

namespace qd {

/// Job payloads and queue names are hostile input. This makes text safe to show as plain text in a terminal,
/// a log line or a widget: control characters (incl. ESC, newlines) and bidi overrides/isolates become visible
/// \uXXXX escapes, so a name cannot move the cursor, fake a line or reorder what the operator reads; long text
/// is cut with "…". Callers still render with Qt::PlainText: this is not HTML escaping.
QString escapeForDisplay(const QString &text, qsizetype maxLength = 200);
/// The same for multi-line text (payloads, backtraces): newlines and tabs are kept, everything else escaped.
QString escapeMultiline(const QString &text, qsizetype maxLength = 200'000);

} // namespace qd
