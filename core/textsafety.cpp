// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/textsafety.h"

#include <QList>
#include <QStringList>

namespace qd {

namespace {
bool isBidiControl(char32_t c)
{
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F ||
           c == 0x061C;
}
} // namespace

QString escapeForDisplay(const QString &text, qsizetype maxLength)
{
    QString out;
    out.reserve(std::min(text.size(), maxLength) + 8);
    for (char32_t c : text.toUcs4()) {
        if (out.size() >= maxLength) {
            out += QStringLiteral("…");
            break;
        }
        if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || isBidiControl(c) || c == 0xFEFF) {
            out += QStringLiteral("\\u%1").arg(uint(c), 4, 16, QLatin1Char('0'));
        } else {
            out += QString::fromUcs4(&c, 1);
        }
    }
    return out;
}

QString escapeMultiline(const QString &text, qsizetype maxLength)
{
    QStringList lines;
    qsizetype budget = maxLength;
    for (const QString &line : text.split(u'\n')) {
        if (budget <= 0) {
            lines << QStringLiteral("…");
            break;
        }
        QString l = line;
        l.replace(u'\t', QStringLiteral("    "));
        l = escapeForDisplay(l, budget);
        budget -= l.size() + 1;
        lines << l;
    }
    return lines.join(u'\n');
}

} // namespace qd
