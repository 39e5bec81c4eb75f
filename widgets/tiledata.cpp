// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/tiledata.h"

#include "models/freshness.h"
#include "models/queueoverviewmodel.h"

#include "core/textsafety.h"

#include <QCoreApplication>

#include <algorithm>

namespace qd {

using M = QueueOverviewModel;

QString tileRates(const QString &in, const QString &out)
{
    //: jobs per minute arriving and leaving a queue
    return QCoreApplication::translate("qd::OverviewPage", "in %1 · out %2 /min").arg(in, out);
}

QList<TileData> readTiles(const QAbstractItemModel *model, qsizetype limit, int *statusCounts)
{
    // Ranked first by two numbers per row, read in full only for the tiles shown: at 5,000 queues the overview
    // shows the worst few dozen, and reading every row's twenty values every second was most of the GUI's work.
    struct Rank
    {
        int row;
        QueueStatus status;
        qint64 depth;
    };
    QList<Rank> ranks;
    ranks.reserve(model->rowCount());
    for (int row = 0; row < model->rowCount(); ++row) {
        const QVariant depth = model->index(row, M::WaitingColumn).data(M::RawValueRole);
        ranks.append({row, QueueStatus(model->index(row, M::QueueColumn).data(M::StatusRole).toInt()),
                      depth.isValid() ? depth.toLongLong() : -1});
        if (statusCounts) {
            ++statusCounts[int(ranks.last().status)];
        }
    }
    std::stable_sort(ranks.begin(), ranks.end(), [](const Rank &a, const Rank &b) {
        const int sa = statusSeverity(a.status);
        const int sb = statusSeverity(b.status);
        return sa != sb ? sa > sb : a.depth > b.depth;
    });
    if (limit >= 0 && ranks.size() > limit) {
        ranks.resize(limit);
    }
    QList<TileData> tiles;
    tiles.reserve(ranks.size());
    for (const Rank &rank : std::as_const(ranks)) {
        const int row = rank.row;
        auto at = [&](int col, int role = Qt::DisplayRole) { return model->index(row, col).data(role); };
        TileData t;
        t.connectionId = at(M::QueueColumn, M::ConnectionIdRole).toString();
        t.connection = at(M::ConnectionColumn).toString();
        t.queue = at(M::QueueColumn, M::QueueNameRole).toString();
        const QVariant depth = at(M::WaitingColumn, M::RawValueRole);
        t.depth = depth.isValid() ? depth.toLongLong() : -1;
        t.waiting = depth.isValid() ? Freshness::count(t.depth, Exactness(at(M::WaitingColumn, M::ExactnessRole).toInt()))
                                    : at(M::WaitingColumn).toString();
        t.paused = at(M::QueueColumn, M::PausedRole).toBool();
        const QStringList deadLetterOf = at(M::QueueColumn, M::DeadLetterOfRole).toStringList();
        t.deadLetters = !deadLetterOf.isEmpty();
        if (t.deadLetters) {
            //: under a tile's big number for a dead-letter queue: the queues its messages were rejected from
            t.caption = QCoreApplication::translate("qd::OverviewPage", "dead letters from %1")
                            .arg(escapeForDisplay(deadLetterOf.join(QStringLiteral(", ")), 120));
        } else {
            //: under a tile's big number (how many jobs wait), and when the backend holds the queue paused
            t.caption = t.paused ? QCoreApplication::translate("qd::OverviewPage", "waiting · paused")
                                 : QCoreApplication::translate("qd::OverviewPage", "waiting");
        }
        const QVariant consumers = at(M::ConsumersColumn, M::RawValueRole);
        //: on a queue tile: how many consumers (workers) serve the queue now
        t.consumers = consumers.isValid() ? QCoreApplication::translate("qd::OverviewPage", "consumers %1")
                                                .arg(at(M::ConsumersColumn).toString())
                                          : QString();
        t.oldest = at(M::OldestAgeColumn).toString();
        const auto rate = [&](int col) {
            const QVariant v = at(col, M::RawValueRole);
            return Freshness::rateNumber(v.isValid() ? std::optional<double>(v.toDouble()) : std::nullopt,
                                         Exactness(at(col, M::ExactnessRole).toInt()));
        };
        t.rates = tileRates(rate(M::InRateColumn), rate(M::OutRateColumn));
        t.failed = at(M::FailedColumn).toString();
        t.updated = at(M::UpdatedColumn).toString();
        t.error = at(M::QueueColumn, M::ErrorRole).toString();
        t.stale = at(M::UpdatedColumn, M::StaleRole).toBool();
        t.status = QueueStatus(at(M::QueueColumn, M::StatusRole).toInt());
        t.history = at(M::QueueColumn, M::HistoryRole).value<QList<double>>();
        tiles.append(t);
    }
    return tiles;
}

} // namespace qd
