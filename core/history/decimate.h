// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QList>
#include <QPointF>

namespace qd {

/// Min/max decimation for plotting: splits [x0, x1] into `buckets` equal columns (one per pixel) and keeps,
/// per column, the first, min, max and last points in x order (at most 4 points, fewer when they coincide),
/// so spikes and gaps survive and the line looks identical to the full data at that width.
/// `points` must be sorted by x. Points outside [x0, x1] are dropped; x1 < x0 gives nothing; buckets <= 0
/// returns the input unchanged. O(n) (O(log n) to skip points outside the range); allocates only the result.
QList<QPointF> decimateMinMax(const QList<QPointF> &points, double x0, double x1, int buckets);

} // namespace qd
