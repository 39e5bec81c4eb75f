// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/backends/rabbitmq/amqpcodec.h"

#include <QtEndian>

#include <cstring>

namespace qd::amqp {

namespace {

constexpr int kMaxDepth = 32; ///< nested tables/arrays deeper than this are refused (hostile input)

// Property flag bits, in wire order (the spec's Basic class).
constexpr quint16 kContentType = 0x8000, kContentEncoding = 0x4000, kHeaders = 0x2000, kDeliveryMode = 0x1000,
                  kPriority = 0x0800, kCorrelationId = 0x0400, kReplyTo = 0x0200, kExpiration = 0x0100,
                  kMessageId = 0x0080, kTimestamp = 0x0040, kType = 0x0020, kUserId = 0x0010, kAppId = 0x0008,
                  kClusterId = 0x0004;

} // namespace

FieldValue FieldValue::string(const QByteArray &text)
{
    FieldValue v;
    v.type = 'S';
    v.bytes = text;
    return v;
}

FieldValue FieldValue::boolean(bool value)
{
    FieldValue v;
    v.type = 't';
    v.integer = value ? 1 : 0;
    return v;
}

FieldValue FieldValue::longInt(qint64 value)
{
    FieldValue v;
    v.type = 'l';
    v.integer = value;
    return v;
}

bool FieldValue::operator==(const FieldValue &o) const
{
    // Bitwise for reals: a NaN header must still compare equal to itself after a round trip.
    return type == o.type && integer == o.integer && std::memcmp(&real, &o.real, sizeof real) == 0 &&
           decimalScale == o.decimalScale && bytes == o.bytes && array == o.array && table == o.table;
}

const FieldValue *findField(const FieldTable &table, const QByteArray &key)
{
    for (const auto &[k, v] : table) {
        if (k == key) {
            return &v;
        }
    }
    return nullptr;
}

void Writer::shortUint(quint16 v)
{
    char b[2];
    qToBigEndian(v, b);
    m_out.append(b, 2);
}

void Writer::longUint(quint32 v)
{
    char b[4];
    qToBigEndian(v, b);
    m_out.append(b, 4);
}

void Writer::longLong(quint64 v)
{
    char b[8];
    qToBigEndian(v, b);
    m_out.append(b, 8);
}

void Writer::shortString(const QByteArray &s)
{
    const QByteArray cut = s.left(255);
    octet(quint8(cut.size()));
    m_out.append(cut);
}

void Writer::longString(const QByteArray &s)
{
    longUint(quint32(s.size()));
    m_out.append(s);
}

void Writer::table(const FieldTable &t)
{
    Writer inner;
    for (const auto &[key, v] : t) {
        inner.shortString(key);
        inner.value(v);
    }
    longString(inner.data());
}

void Writer::value(const FieldValue &v)
{
    octet(quint8(v.type));
    switch (v.type) {
    case 't':
    case 'b':
    case 'B':
        octet(quint8(v.integer));
        break;
    case 's':
    case 'u':
        shortUint(quint16(v.integer));
        break;
    case 'I':
    case 'i':
        longUint(quint32(v.integer));
        break;
    case 'l':
    case 'T':
        longLong(quint64(v.integer));
        break;
    case 'f': {
        const float f = float(v.real);
        quint32 bits = 0;
        std::memcpy(&bits, &f, 4);
        longUint(bits);
        break;
    }
    case 'd': {
        quint64 bits = 0;
        std::memcpy(&bits, &v.real, 8);
        longLong(bits);
        break;
    }
    case 'D':
        octet(v.decimalScale);
        longUint(quint32(v.integer));
        break;
    case 'S':
    case 'x':
        longString(v.bytes);
        break;
    case 'A': {
        Writer inner;
        for (const FieldValue &e : v.array) {
            inner.value(e);
        }
        longString(inner.data());
        break;
    }
    case 'F':
        table(v.table);
        break;
    default: // 'V': no payload
        break;
    }
}

void Writer::properties(const Properties &p)
{
    quint16 flags = 0;
    flags |= p.contentType ? kContentType : 0;
    flags |= p.contentEncoding ? kContentEncoding : 0;
    flags |= p.headers ? kHeaders : 0;
    flags |= p.deliveryMode ? kDeliveryMode : 0;
    flags |= p.priority ? kPriority : 0;
    flags |= p.correlationId ? kCorrelationId : 0;
    flags |= p.replyTo ? kReplyTo : 0;
    flags |= p.expiration ? kExpiration : 0;
    flags |= p.messageId ? kMessageId : 0;
    flags |= p.timestamp ? kTimestamp : 0;
    flags |= p.type ? kType : 0;
    flags |= p.userId ? kUserId : 0;
    flags |= p.appId ? kAppId : 0;
    flags |= p.clusterId ? kClusterId : 0;
    shortUint(flags);
    auto str = [this](const std::optional<QByteArray> &s) {
        if (s) {
            shortString(*s);
        }
    };
    str(p.contentType);
    str(p.contentEncoding);
    if (p.headers) {
        table(*p.headers);
    }
    if (p.deliveryMode) {
        octet(*p.deliveryMode);
    }
    if (p.priority) {
        octet(*p.priority);
    }
    str(p.correlationId);
    str(p.replyTo);
    str(p.expiration);
    str(p.messageId);
    if (p.timestamp) {
        longLong(*p.timestamp);
    }
    str(p.type);
    str(p.userId);
    str(p.appId);
    str(p.clusterId);
}

bool Reader::need(qsizetype n)
{
    if (m_failed || n < 0 || m_data.size() - m_pos < n) {
        m_failed = true;
        return false;
    }
    return true;
}

quint8 Reader::octet()
{
    if (!need(1)) {
        return 0;
    }
    return quint8(m_data.at(m_pos++));
}

quint16 Reader::shortUint()
{
    if (!need(2)) {
        return 0;
    }
    const auto v = qFromBigEndian<quint16>(m_data.constData() + m_pos);
    m_pos += 2;
    return v;
}

quint32 Reader::longUint()
{
    if (!need(4)) {
        return 0;
    }
    const auto v = qFromBigEndian<quint32>(m_data.constData() + m_pos);
    m_pos += 4;
    return v;
}

quint64 Reader::longLong()
{
    if (!need(8)) {
        return 0;
    }
    const auto v = qFromBigEndian<quint64>(m_data.constData() + m_pos);
    m_pos += 8;
    return v;
}

QByteArray Reader::shortString()
{
    const quint8 n = octet();
    if (!need(n)) {
        return {};
    }
    const QByteArray s = m_data.mid(m_pos, n);
    m_pos += n;
    return s;
}

QByteArray Reader::longString()
{
    const quint32 n = longUint();
    if (!need(qsizetype(n))) {
        return {};
    }
    const QByteArray s = m_data.mid(m_pos, qsizetype(n));
    m_pos += qsizetype(n);
    return s;
}

FieldTable Reader::table()
{
    return table(0);
}

FieldTable Reader::table(int depth)
{
    FieldTable t;
    const quint32 n = longUint();
    if (depth > kMaxDepth || !need(qsizetype(n))) {
        m_failed = true;
        return t;
    }
    const qsizetype end = m_pos + qsizetype(n);
    while (!m_failed && m_pos < end) {
        QByteArray key = shortString();
        FieldValue v = value(depth + 1);
        t.append({std::move(key), std::move(v)});
    }
    if (m_pos != end) {
        m_failed = true; // a value ran past the table's own length
    }
    return t;
}

FieldValue Reader::value(int depth)
{
    FieldValue v;
    v.type = char(octet());
    switch (v.type) {
    case 't':
    case 'B':
        v.integer = octet();
        break;
    case 'b':
        v.integer = qint8(octet());
        break;
    case 's':
        v.integer = qint16(shortUint());
        break;
    case 'u':
        v.integer = shortUint();
        break;
    case 'I':
        v.integer = qint32(longUint());
        break;
    case 'i':
        v.integer = longUint();
        break;
    case 'l':
    case 'T':
        v.integer = qint64(longLong());
        break;
    case 'f': {
        const quint32 bits = longUint();
        float f = 0;
        std::memcpy(&f, &bits, 4);
        v.real = double(f);
        break;
    }
    case 'd': {
        const quint64 bits = longLong();
        std::memcpy(&v.real, &bits, 8);
        break;
    }
    case 'D':
        v.decimalScale = octet();
        v.integer = longUint();
        break;
    case 'S':
    case 'x':
        v.bytes = longString();
        break;
    case 'A': {
        const quint32 n = longUint();
        if (depth > kMaxDepth || !need(qsizetype(n))) {
            m_failed = true;
            break;
        }
        const qsizetype end = m_pos + qsizetype(n);
        while (!m_failed && m_pos < end) {
            v.array.append(value(depth + 1));
        }
        if (m_pos != end) {
            m_failed = true;
        }
        break;
    }
    case 'F':
        v.table = table(depth + 1);
        break;
    case 'V':
        break;
    default:
        m_failed = true; // not in RabbitMQ's type set: cannot be carried faithfully
        break;
    }
    return v;
}

Properties Reader::properties()
{
    Properties p;
    const quint16 flags = shortUint();
    if (flags & 0x0001) {
        m_failed = true; // a second flag word: no Basic property uses one
        return p;
    }
    auto str = [this, flags](quint16 bit, std::optional<QByteArray> &out) {
        if (flags & bit) {
            out = shortString();
        }
    };
    str(kContentType, p.contentType);
    str(kContentEncoding, p.contentEncoding);
    if (flags & kHeaders) {
        p.headers = table();
    }
    if (flags & kDeliveryMode) {
        p.deliveryMode = octet();
    }
    if (flags & kPriority) {
        p.priority = octet();
    }
    str(kCorrelationId, p.correlationId);
    str(kReplyTo, p.replyTo);
    str(kExpiration, p.expiration);
    str(kMessageId, p.messageId);
    if (flags & kTimestamp) {
        p.timestamp = longLong();
    }
    str(kType, p.type);
    str(kUserId, p.userId);
    str(kAppId, p.appId);
    str(kClusterId, p.clusterId);
    return p;
}

} // namespace qd::amqp
