// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/history/decimate.h"

#include <algorithm>
#include <array>

namespace qd {

QList<QPointF> decimateMinMax(const QList<QPointF> &points, double x0, double x1, int buckets)
{
    if (buckets <= 0) {
        return points;
    }
    if (!(x1 >= x0)) { // an inverted (or NaN) range holds nothing
        return {};
    }
    // Sorted input: binary search the range, so points far outside it cost nothing.
    const auto byX = [](const QPointF &p, double x) { return p.x() < x; };
    qsizetype i = std::lower_bound(points.cbegin(), points.cend(), x0, byX) - points.cbegin();
    const qsizetype end = std::upper_bound(points.cbegin(), points.cend(), x1,
                                           [](double x, const QPointF &p) { return x < p.x(); })
                          - points.cbegin();

    QList<QPointF> out;
    out.reserve(std::min<qsizetype>(end - i, qsizetype(buckets) * 4));
    const double scale = x1 > x0 ? buckets / (x1 - x0) : 0.0;
    // One formula decides every point's column, so a point never lands in two columns through rounding and
    // a column never emits more than 4 points.
    const auto column = [&](double x) { return std::min(buckets - 1, int((x - x0) * scale)); };
    while (i < end) {
        const int bucket = column(points[i].x());
        qsizetype first = i, last = i, lo = i, hi = i;
        for (++i; i < end && column(points[i].x()) == bucket; ++i) {
            last = i;
            if (points[i].y() < points[lo].y()) {
                lo = i;
            }
            if (points[i].y() > points[hi].y()) {
                hi = i;
            }
        }
        // First, min, max, last in x order (index order, as the input is sorted), each index once.
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
