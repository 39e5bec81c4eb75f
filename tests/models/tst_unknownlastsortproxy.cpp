// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "models/unknownlastsortproxy.h"

#include <QAbstractItemModelTester>
#include <QStandardItemModel>
#include <QTest>

using namespace qd;

class TestUnknownLastSortProxy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void unknownStaysLastInBothDirections()
    {
        QStandardItemModel source;
        const QVariant values[] = {QVariant(5), QVariant(), QVariant(40), QVariant(0), QVariant()};
        for (const QVariant &v : values) {
            auto *item = new QStandardItem(v.isValid() ? v.toString() : QStringLiteral("—"));
            item->setData(v, Qt::UserRole);
            source.appendRow(item);
        }
        UnknownLastSortProxy proxy(Qt::UserRole);
        proxy.setSourceModel(&source);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::Fatal);
        auto order = [&] {
            QStringList out;
            for (int r = 0; r < proxy.rowCount(); ++r) {
                out << proxy.index(r, 0).data().toString();
            }
            return out.join(u' ');
        };
        proxy.sort(0, Qt::DescendingOrder);
        QCOMPARE(order(), QStringLiteral("40 5 0 — —"));
        proxy.sort(0, Qt::AscendingOrder);
        QCOMPARE(order(), QStringLiteral("0 5 40 — —"));
    }
};

QTEST_MAIN(TestUnknownLastSortProxy)
#include "tst_unknownlastsortproxy.moc"
