// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "models/queuestatus.h"

#include <QList>
#include <QString>

class QAbstractItemModel;

namespace qd {

/// What one queue tile shows (the overview's and the war-room wall's); read from a QueueOverviewModel row.
/// All text is already formatted ("—" for unknown) and plain.
struct TileData
{
    QString connectionId;
    QString connection;
    QString queue;
    QString waiting;
    QString oldest;
    QString rates;
    QString failed;
    QString consumers;   ///< "consumers 3"; empty when the backend cannot tell
    QString caption;     ///< what the big number counts: "waiting", "waiting · paused", "dead letters from orders"
    bool paused = false;
    bool deadLetters = false; ///< a dead-letter queue: the number is letters kept, not jobs waiting
    QString updated;
    QString error;
    bool stale = false;
    QueueStatus status = QueueStatus::Unknown;
    QList<double> history;
    qint64 depth = -1; ///< the raw waiting count, -1 when unknown (sorts last among equals)

    /// Identifies the queue across polls: connection id and queue name.
    QString key() const { return keyOf(connectionId, queue); }
    static QString keyOf(const QString &connectionId, const QString &queue) { return connectionId + QChar(0x1f) + queue; }
};

/// Every row of a QueueOverviewModel as tiles, worst first: critical, warning, unknown, ok; then deepest. With
/// `limit` >= 0 only the first `limit` of that order are read in full (the rest are ranked by two numbers each);
/// `statusCounts`, if given, gets how many rows have each QueueStatus (indexed by its value), over all rows.
QList<TileData> readTiles(const QAbstractItemModel *overviewModel, qsizetype limit = -1, int *statusCounts = nullptr);

/// "in 12 · out 3 /min" for a tile.
QString tileRates(const QString &in, const QString &out);

} // namespace qd
