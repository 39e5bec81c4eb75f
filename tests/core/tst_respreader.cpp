// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// The RESP reply path: every reply type, replies split at every byte, the size and element caps, protocol
// errors, and a randomized fuzz (random replies split at random points must round-trip; random and mutated
// bytes must never crash, hang or leak — run it under the asan preset). The libFuzzer target is
// tests/fuzz/fuzz_respreader.cpp.
#include "core/backends/redis/respreader.h"

#include <QRandomGenerator>
#include <QTest>

using qd::redis::Reply;
using qd::redis::RespReader;

namespace {

QByteArray encode(const Reply &r)
{
    switch (r.type) {
    case Reply::Type::Nil: return QByteArrayLiteral("$-1\r\n");
    case Reply::Type::Status: return '+' + r.str + "\r\n";
    case Reply::Type::Error: return '-' + r.str + "\r\n";
    case Reply::Type::Integer: return ':' + QByteArray::number(r.integer) + "\r\n";
    case Reply::Type::String: return '$' + QByteArray::number(r.str.size()) + "\r\n" + r.str + "\r\n";
    case Reply::Type::Array: {
        QByteArray out = '*' + QByteArray::number(r.elements.size()) + "\r\n";
        for (const Reply &e : r.elements) {
            out += encode(e);
        }
        return out;
    }
    }
    return {};
}

bool same(const Reply &a, const Reply &b)
{
    if (a.type != b.type || a.integer != b.integer || a.str != b.str || a.elements.size() != b.elements.size()) {
        return false;
    }
    for (qsizetype i = 0; i < a.elements.size(); ++i) {
        if (!same(a.elements.at(i), b.elements.at(i))) {
            return false;
        }
    }
    return true;
}

Reply randomReply(QRandomGenerator &rng, int depth)
{
    Reply r;
    const int kind = int(rng.bounded(depth < 5 ? 6 : 5));
    switch (kind) {
    case 0: r.type = Reply::Type::Nil; break;
    case 1: r.type = Reply::Type::Status; r.str = QByteArray("OK").repeated(int(rng.bounded(3)) + 1); break;
    case 2: r.type = Reply::Type::Error; r.str = QByteArrayLiteral("WRONGTYPE Operation against a key"); break;
    case 3: r.type = Reply::Type::Integer; r.integer = qint64(rng.generate64()); break;
    case 4: {
        r.type = Reply::Type::String;
        const int n = int(rng.bounded(rng.bounded(10) == 0 ? 5000 : 40));
        r.str.resize(n);
        for (int i = 0; i < n; ++i) {
            r.str[i] = char(rng.bounded(256)); // binary, CR/LF included
        }
        break;
    }
    default: {
        r.type = Reply::Type::Array;
        const int n = int(rng.bounded(8));
        for (int i = 0; i < n; ++i) {
            r.elements.append(randomReply(rng, depth + 1));
        }
    }
    }
    return r;
}

} // namespace

class TestRespReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyType()
    {
        RespReader reader;
        QVERIFY(reader.feed(QByteArrayLiteral("+OK\r\n-ERR nope\r\n:42\r\n$5\r\nhe\r\nl\r\n$-1\r\n*2\r\n$1\r\na\r\n*0\r\n")));
        auto r = reader.next();
        QVERIFY(r && r->type == Reply::Type::Status && r->str == "OK");
        r = reader.next();
        QVERIFY(r && r->isError() && r->errorText() == u"ERR nope");
        r = reader.next();
        QVERIFY(r && r->toInteger() == 42);
        r = reader.next();
        QVERIFY(r && r->type == Reply::Type::String);
        QCOMPARE(r->str, QByteArray("he\r\nl")); // bulk strings are binary-safe
        r = reader.next();
        QVERIFY(r && r->isNil());
        r = reader.next();
        QVERIFY(r && r->isArray());
        QCOMPARE(r->elements.size(), 2);
        QCOMPARE(r->elements.at(0).str, QByteArray("a"));
        QVERIFY(r->elements.at(1).isArray() && r->elements.at(1).elements.isEmpty());
        QVERIFY(!reader.next());
        QVERIFY(!reader.hasError());
        QCOMPARE(reader.pendingBytes(), 0);
    }

    void numbersFromStrings()
    {
        Reply r;
        r.type = Reply::Type::String;
        r.str = "1732520000.125";
        QCOMPARE(r.toDouble().value(), 1732520000.125);
        QVERIFY(!r.toInteger());
        r.str = "17";
        QCOMPARE(r.toInteger().value(), 17);
        r.str = "nan";
        QVERIFY(!r.toDouble());
        r.type = Reply::Type::Nil;
        QVERIFY(!r.toInteger());
    }

    void splitAtEveryByte()
    {
        const QByteArray wire = QByteArrayLiteral("*3\r\n$3\r\nfoo\r\n*2\r\n:1\r\n$-1\r\n+PONG\r\n:7\r\n");
        RespReader reader;
        int replies = 0;
        for (const char ch : wire) {
            QVERIFY(reader.feed(&ch, 1));
            while (auto r = reader.next()) {
                ++replies;
            }
        }
        QCOMPARE(replies, 2);
        QVERIFY(!reader.hasError());
    }

    void replyOverTheSizeCapBreaksTheStream()
    {
        RespReader reader(RespReader::Limits{1024, 1000});
        QVERIFY(reader.feed(QByteArrayLiteral("$5000\r\n")));
        QVERIFY(!reader.next());
        QVERIFY(!reader.hasError());
        QVERIFY(reader.feed(QByteArray(2000, 'x')));
        QVERIFY(!reader.next());
        QVERIFY(reader.hasError());
        QVERIFY2(reader.error().contains(u"larger than"), qPrintable(reader.error()));
        QVERIFY(!reader.feed(QByteArrayLiteral("+OK\r\n"))); // stays broken: the connection must be dropped
    }

    void manyStringsEachUnderTheCapAreCappedTogether()
    {
        // 40 strings of 50 KB, each far under a 1 MiB cap, add up to 2 MB: the reply as a whole is refused.
        RespReader reader(RespReader::Limits{1 << 20, 1000});
        const QByteArray one = "$50000\r\n" + QByteArray(50000, 'x') + "\r\n";
        QVERIFY(reader.feed(QByteArrayLiteral("*40\r\n")));
        int fed = 0;
        while (fed < 40 && !reader.hasError()) {
            reader.feed(one); // fed as a server streams it, one string at a time
            ++fed;
            QVERIFY(!reader.next());
        }
        QVERIFY(reader.hasError());
        QVERIFY2(reader.error().contains(u"larger than"), qPrintable(reader.error()));
        QVERIFY2(fed <= 22, qPrintable(QString::number(fed))); // refused once the cap is passed, not at the end
    }

    void manySmallIntegersCountTheirMemory()
    {
        // 100,000 integers are 400 KB on the wire but several MB as replies: their slots count towards the cap.
        RespReader reader(RespReader::Limits{1 << 20, 10'000'000});
        QVERIFY(reader.feed("*100000\r\n" + QByteArray(":1\r\n").repeated(100000)));
        QVERIFY(!reader.next());
        QVERIFY(reader.hasError());
        QVERIFY2(reader.error().contains(u"larger than"), qPrintable(reader.error()));
        // the same reply fits a cap that has room for it
        RespReader roomy(RespReader::Limits{64 << 20, 10'000'000});
        QVERIFY(roomy.feed("*100000\r\n" + QByteArray(":1\r\n").repeated(100000)));
        const auto r = roomy.next();
        QVERIFY(r);
        QCOMPARE(r->elements.size(), 100000);
    }

    void hugeArrayHeaderIsRefusedBeforeAllocating()
    {
        RespReader reader(RespReader::Limits{1 << 20, 1000});
        QVERIFY(reader.feed(QByteArrayLiteral("*2000000000\r\n")));
        QVERIFY(!reader.next());
        QVERIFY(reader.hasError());
        QVERIFY2(reader.error().contains(u"elements"), qPrintable(reader.error()));
    }

    void manySmallArraysCountTowardsTheElementCap()
    {
        RespReader reader(RespReader::Limits{1 << 20, 50});
        QByteArray wire = "*10\r\n";
        for (int i = 0; i < 10; ++i) {
            wire += "*10\r\n" + QByteArray(":1\r\n").repeated(10);
        }
        QVERIFY(reader.feed(wire));
        QVERIFY(!reader.next());
        QVERIFY(reader.hasError());
        // a fresh reader with room parses it, and the count resets between replies
        RespReader roomy(RespReader::Limits{1 << 20, 200});
        QVERIFY(roomy.feed(wire + wire));
        QVERIFY(roomy.next());
        QVERIFY(roomy.next());
        QVERIFY(!roomy.hasError());
    }

    void protocolErrors_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::newRow("unknown type byte") << QByteArray("?what\r\n");
        QTest::newRow("html from a proxy") << QByteArray("HTTP/1.1 400 Bad Request\r\n\r\n<html>");
        QTest::newRow("nested too deep") << QByteArray("*1\r\n").repeated(12) + ":1\r\n";
    }
    void protocolErrors()
    {
        QFETCH(QByteArray, wire);
        RespReader reader;
        reader.feed(wire);
        QVERIFY(!reader.next());
        QVERIFY(reader.hasError());
        QVERIFY2(reader.error().contains(u"cannot parse"), qPrintable(reader.error()));
    }

    void randomRepliesRoundTrip()
    {
        QRandomGenerator rng(20261125);
        for (int round = 0; round < 300; ++round) {
            QList<Reply> sent;
            QByteArray wire;
            const int n = int(rng.bounded(1, 20));
            for (int i = 0; i < n; ++i) {
                sent.append(randomReply(rng, 0));
                wire += encode(sent.last());
            }
            RespReader reader;
            QList<Reply> got;
            qsizetype at = 0;
            while (at < wire.size()) {
                const qsizetype chunk = std::min<qsizetype>(wire.size() - at, qsizetype(rng.bounded(1, 300)));
                QVERIFY(reader.feed(wire.constData() + at, chunk));
                at += chunk;
                while (auto r = reader.next()) {
                    got.append(*r);
                }
            }
            QVERIFY2(!reader.hasError(), qPrintable(reader.error()));
            QCOMPARE(got.size(), sent.size());
            for (qsizetype i = 0; i < got.size(); ++i) {
                QVERIFY(same(got.at(i), sent.at(i)));
            }
        }
    }

    void garbageNeverCrashes()
    {
        QRandomGenerator rng(4242);
        const QByteArray seed = encode(randomReply(rng, 0)) + QByteArrayLiteral("*2\r\n$3\r\nabc\r\n:12\r\n");
        for (int round = 0; round < 3000; ++round) {
            QByteArray wire = seed;
            const int edits = int(rng.bounded(1, 6));
            for (int e = 0; e < edits && !wire.isEmpty(); ++e) {
                const qsizetype pos = qsizetype(rng.bounded(int(wire.size())));
                switch (rng.bounded(3)) {
                case 0: wire[pos] = char(rng.bounded(256)); break;
                case 1: wire.remove(pos, 1); break;
                default: wire.insert(pos, "*$:-+0123456789\r\n"[rng.bounded(17)]); break;
                }
            }
            RespReader reader(RespReader::Limits{1 << 16, 10000});
            reader.feed(wire);
            for (int i = 0; i < 100 && reader.next(); ++i) {
            }
        }
        QVERIFY(true); // surviving (and a clean ASan run) is the assertion
    }

    void encodesCommands()
    {
        QCOMPARE(qd::redis::encodeCommand({"SET", "k", QByteArray("a\r\nb")}),
                 QByteArray("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\na\r\nb\r\n"));
    }
};

QTEST_GUILESS_MAIN(TestRespReader)
#include "tst_respreader.moc"
