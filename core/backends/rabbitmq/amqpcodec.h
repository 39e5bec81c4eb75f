// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QByteArray>
#include <QList>

#include <optional>
#include <utility>

namespace qd::amqp {

/// One value of an AMQP 0-9-1 field table, with the type octet it came with, so that a table decoded from the
/// broker encodes back to the very same bytes (RabbitMQ's type set: t b B s u I i l f d D S A T F V x).
/// Integers of every width and timestamps live in `integer`, floats and doubles in `real`, decimals in
/// `integer` + `decimalScale`, long strings and byte arrays in `bytes`.
struct FieldValue
{
    char type = 'V';
    qint64 integer = 0;
    double real = 0.0;
    quint8 decimalScale = 0;
    QByteArray bytes;
    QList<FieldValue> array;                        ///< type 'A'
    QList<std::pair<QByteArray, FieldValue>> table; ///< type 'F'

    static FieldValue string(const QByteArray &text); ///< 'S'
    static FieldValue boolean(bool value);            ///< 't'
    static FieldValue longInt(qint64 value);          ///< 'l'
    bool operator==(const FieldValue &other) const;
};

/// A field table in wire order (duplicate keys are kept as they came).
using FieldTable = QList<std::pair<QByteArray, FieldValue>>;

/// The value under `key`, or null.
const FieldValue *findField(const FieldTable &table, const QByteArray &key);

/// Basic content properties; a property is present on the wire exactly when it is set here.
struct Properties
{
    std::optional<QByteArray> contentType;
    std::optional<QByteArray> contentEncoding;
    std::optional<FieldTable> headers;
    std::optional<quint8> deliveryMode;
    std::optional<quint8> priority;
    std::optional<QByteArray> correlationId;
    std::optional<QByteArray> replyTo;
    std::optional<QByteArray> expiration;
    std::optional<QByteArray> messageId;
    std::optional<quint64> timestamp;
    std::optional<QByteArray> type;
    std::optional<QByteArray> userId;
    std::optional<QByteArray> appId;
    std::optional<QByteArray> clusterId;

    bool operator==(const Properties &other) const = default;
};

/// Big-endian writer for method arguments, tables and properties.
class Writer
{
public:
    void octet(quint8 v) { m_out.append(char(v)); }
    void shortUint(quint16 v);
    void longUint(quint32 v);
    void longLong(quint64 v);
    /// At most 255 bytes; longer text is cut (only our own names and queue names go here: RabbitMQ caps those too).
    void shortString(const QByteArray &s);
    void longString(const QByteArray &s);
    void table(const FieldTable &t);
    void value(const FieldValue &v);
    void properties(const Properties &p);
    const QByteArray &data() const { return m_out; }

private:
    QByteArray m_out;
};

/// Bounds-checked big-endian reader: reading past the end (or a malformed table) sets failed() and yields zeros.
class Reader
{
public:
    explicit Reader(QByteArray data, qsizetype offset = 0) : m_data(std::move(data)), m_pos(offset) {}
    quint8 octet();
    quint16 shortUint();
    quint32 longUint();
    quint64 longLong();
    QByteArray shortString();
    QByteArray longString();
    FieldTable table();
    FieldValue value(int depth = 0);
    Properties properties();
    bool failed() const { return m_failed; }
    bool atEnd() const { return m_pos >= m_data.size(); }
    qsizetype position() const { return m_pos; }

private:
    bool need(qsizetype n);
    FieldTable table(int depth);

    QByteArray m_data; ///< shared, not copied
    qsizetype m_pos = 0;
    bool m_failed = false;
};

} // namespace qd::amqp
