// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "models/unknownlastsortproxy.h"

namespace qd {

UnknownLastSortProxy::UnknownLastSortProxy(int sortRole, QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(sortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

bool UnknownLastSortProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const bool leftKnown = left.data(sortRole()).isValid();
    const bool rightKnown = right.data(sortRole()).isValid();
    if (leftKnown && rightKnown) {
        return QSortFilterProxyModel::lessThan(left, right);
    }
    if (leftKnown == rightKnown) {
        return false; // both unknown: equal, the stable sort keeps the source order
    }
    // Descending order places a before b when lessThan(b, a): an unknown side must then count as smaller.
    const bool descending = sortOrder() == Qt::DescendingOrder;
    return descending ? !leftKnown : leftKnown;
}

} // namespace qd
