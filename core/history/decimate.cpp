// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "decimate.h"

#include <algorithm>
#include <array>

namespace qd {

QList<QPointF> decimateMinMax(const QList<QPointF> &points, double x0, double x1, int buckets)
{
    if (buckets <= 0 || x1 <= x0) {
        return points;
    }
    QList<QPointF> out;
    out.reserve(std::min<qsizetype>(points.size(), qsizetype(buckets) * 4));
    const double width = (x1 - x0) / buckets;
    qsizetype i = 0;
    const qsizetype n = points.size();
    while (i < n && points[i].x() < x0) {
        ++i;
    }
    while (i < n && points[i].x() <= x1) {
        const int bucket = std::min(buckets - 1, int((points[i].x() - x0) / width));
        const double end = x0 + (bucket + 1) * width;
        qsizetype first = i, last = i, lo = i, hi = i;
        for (++i; i < n && (points[i].x() < end || (bucket == buckets - 1 && points[i].x() <= x1)); ++i) {
            last = i;
            if (points[i].y() < points[lo].y()) {
                lo = i;
            }
            if (points[i].y() > points[hi].y()) {
                hi = i;
            }
        }
        // Emit first, min, max, last in x order, each index once.
        std::array<qsizetype, 4> idx = {first, lo, hi, last};
        std::sort(idx.begin(), idx.end());
        qsizetype previous = -1;
        for (qsizetype k : idx) {
            if (k != previous) {
                out.append(points[k]);
                previous = k;
            }
        }
    }
    return out;
}

} // namespace qd
