// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// AMQP 0-9-1 field tables and content properties: every type RabbitMQ knows survives decode → encode byte for
// byte (a moved message keeps its headers), and hostile input fails cleanly instead of reading out of bounds.
#include "core/backends/rabbitmq/amqpcodec.h"

#include <QTest>
#include <QtEndian>

using namespace qd::amqp;

namespace {

FieldValue typed(char type, qint64 integer)
{
    FieldValue v;
    v.type = type;
    v.integer = integer;
    return v;
}

/// A table with one value of every type, nested, the way RabbitMQ's x-death looks and then some.
FieldTable everything()
{
    FieldValue real;
    real.type = 'd';
    real.real = -2.5e-300;
    FieldValue single;
    single.type = 'f';
    single.real = 0.25;
    FieldValue decimal;
    decimal.type = 'D';
    decimal.decimalScale = 2;
    decimal.integer = 1234;
    FieldValue bytes;
    bytes.type = 'x';
    bytes.bytes = QByteArray("\x00\xff\x01", 3);
    FieldValue voidValue;
    FieldValue death;
    death.type = 'F';
    death.table = {{"count", typed('l', 3)},
                   {"reason", FieldValue::string("rejected")},
                   {"queue", FieldValue::string("work")},
                   {"time", typed('T', 1700000000)},
                   {"exchange", FieldValue::string("jobs")}};
    FieldValue keys;
    keys.type = 'A';
    keys.array = {FieldValue::string("job.1"), FieldValue::string("ü")};
    death.table.append({"routing-keys", keys});
    FieldValue deaths;
    deaths.type = 'A';
    deaths.array = {death, death};
    return {{"x-death", deaths},
            {"t", FieldValue::boolean(true)},
            {"b", typed('b', -5)},
            {"B", typed('B', 250)},
            {"s", typed('s', -300)},
            {"u", typed('u', 65000)},
            {"I", typed('I', -70000)},
            {"i", typed('i', 4000000000)},
            {"l", typed('l', -(1LL << 40))},
            {"f", single},
            {"d", real},
            {"D", decimal},
            {"x", bytes},
            {"V", voidValue},
            {"dup", FieldValue::string("a")},
            {"dup", FieldValue::string("b")}};
}

} // namespace

class TestAmqpCodec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tableRoundTripsByteForByte()
    {
        Writer w;
        w.table(everything());
        Reader r(w.data());
        const FieldTable back = r.table();
        QVERIFY(!r.failed());
        QVERIFY(r.atEnd());
        QVERIFY(back == everything());
        Writer again;
        again.table(back);
        QCOMPARE(again.data(), w.data());
        const FieldValue *deaths = findField(back, "x-death");
        QVERIFY(deaths && deaths->array.size() == 2);
        QCOMPARE(findField(deaths->array.first().table, "queue")->bytes, QByteArray("work"));
    }

    void propertiesKeepPresenceAndOrder()
    {
        Properties p;
        p.contentType = "application/json";
        p.headers = everything();
        p.deliveryMode = 2;
        p.correlationId = "c-1";
        p.messageId = "m-1";
        p.timestamp = 1700000000;
        p.appId = QByteArray(); // present but empty is not absent
        Writer w;
        w.properties(p);
        Reader r(w.data());
        const Properties back = r.properties();
        QVERIFY(!r.failed());
        QVERIFY(back == p);
        QVERIFY(back.appId.has_value() && !back.priority.has_value());
        Writer again;
        again.properties(back);
        QCOMPARE(again.data(), w.data());
    }

    void hostileInputFailsCleanly()
    {
        Writer w;
        w.table(everything());
        const QByteArray good = w.data();
        for (qsizetype cut = 0; cut < good.size(); ++cut) { // every truncation
            const QByteArray part = good.left(cut);
            Reader r(part);
            r.table();
            QVERIFY2(r.failed(), qPrintable(QString::number(cut)));
        }
        QByteArray unknown = good;
        unknown[4 + 1 + 7] = 'Z'; // the type of "x-death" (after length, key length, key)
        Reader bad(unknown);
        bad.table();
        QVERIFY(bad.failed());
        // 10,000 nested tables: refused, not a stack overflow.
        QByteArray deep("\0\0\0\0", 4); // the innermost: an empty table
        for (int i = 0; i < 10'000; ++i) {
            QByteArray level = QByteArray("\x01k", 2) + 'F' + deep;
            char length[4];
            qToBigEndian(quint32(level.size()), length);
            deep = QByteArray(length, 4) + level;
        }
        Reader nested(deep);
        nested.table();
        QVERIFY(nested.failed());
        // A short string that claims more than there is.
        Reader shortString(QByteArray("\x05"
                                      "ab",
                                      3));
        shortString.shortString();
        QVERIFY(shortString.failed());
    }
};

QTEST_GUILESS_MAIN(TestAmqpCodec)
#include "tst_amqpcodec.moc"
