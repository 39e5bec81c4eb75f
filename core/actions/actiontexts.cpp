// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/actions/actiontexts.h"

#include <QCoreApplication>

namespace qd {

QString pastTense(ActionKind kind)
{
    switch (kind) {
    case ActionKind::Retry: return QCoreApplication::translate("qd::ActionTexts", "retried");
    case ActionKind::Cancel: return QCoreApplication::translate("qd::ActionTexts", "cancelled");
    case ActionKind::Move: return QCoreApplication::translate("qd::ActionTexts", "moved");
    }
    return {};
}

} // namespace qd
