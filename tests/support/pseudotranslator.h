// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QString>
#include <QTranslator>

namespace qd::test {

/// A translation of every string of every context into "⟦source⟧", so a test sees which texts follow a change
/// of language without depending on a real translation's progress.
class PseudoTranslator final : public QTranslator
{
public:
    using QTranslator::QTranslator;

    // Not empty, or QCoreApplication would install it without telling anyone (no LanguageChange).
    bool isEmpty() const override { return false; }

    QString translate(const char *, const char *source, const char *, int) const override
    {
        if (!source || !*source) {
            return {};
        }
        return QStringLiteral("⟦") + QString::fromUtf8(source) + QStringLiteral("⟧");
    }

    static bool isPseudo(const QString &text)
    {
        return text.startsWith(QStringLiteral("⟦")) && text.endsWith(QStringLiteral("⟧"));
    }
};

} // namespace qd::test
