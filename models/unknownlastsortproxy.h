// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QSortFilterProxyModel>

namespace qd {

/// Sorts by the source's raw values and keeps unknown ones (invalid QVariant, shown "—") at the bottom in
/// both directions. Plain QSortFilterProxyModel puts them first when sorting descending, which would bury the
/// queue that waits longest under every queue nothing is known about.
class UnknownLastSortProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit UnknownLastSortProxy(int sortRole, QObject *parent = nullptr);
    Q_DISABLE_COPY_MOVE(UnknownLastSortProxy)

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;
};

} // namespace qd
