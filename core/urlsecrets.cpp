// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/urlsecrets.h"

#include <QRegularExpression>

namespace qd {

QString withoutUrlPasswords(const QString &text, const QString &mask)
{
    static const QRegularExpression passwordInUserInfo(QStringLiteral("(//[^/?#@\\s:\"]*):[^@\\s\"]*@"));
    QString out = text;
    out.replace(passwordInUserInfo, mask.isEmpty() ? QStringLiteral("\\1@") : QStringLiteral("\\1:") + mask + u'@');
    return out;
}

} // namespace qd
