// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QByteArray>
#include <QByteArrayList>
#include <QList>
#include <QString>

#include <optional>

struct redisReader;

namespace qd::redis {

/// One RESP2 reply as a value. Strings are raw bytes: Redis keys and values are binary.
struct Reply
{
    enum class Type : quint8 { Nil, Status, Error, Integer, String, Array };
    Type type = Type::Nil;
    qint64 integer = 0;
    QByteArray str;        ///< String, Status and Error payloads
    QList<Reply> elements; ///< Array

    bool isNil() const { return type == Type::Nil; }
    bool isError() const { return type == Type::Error; }
    bool isArray() const { return type == Type::Array; }
    bool isString() const { return type == Type::String || type == Type::Status; }
    /// An Integer reply, or a String holding a base-10 integer (GET of a counter); empty otherwise.
    std::optional<qint64> toInteger() const;
    /// A String or Status holding a number (integer or float text, e.g. a heartbeat "1732520000.12").
    std::optional<double> toDouble() const;
    /// The error text of an Error reply as a QString.
    QString errorText() const { return isError() ? QString::fromUtf8(str) : QString(); }
    /// Array elements as byte strings (non-strings become empty).
    QByteArrayList toByteArrayList() const;
    /// Bytes this reply occupies in memory, roughly; used for caps and benchmarks.
    qsizetype approximateSize() const;
};

/// Incremental RESP parser over hiredis' redisReader (the reader only: no hiredis networking or TLS).
/// Feed bytes as they arrive, then take complete replies with next(). Limits guard against a hostile or
/// broken server: a reply larger than maxReplyBytes as a whole (its elements' strings and slots plus what waits
/// in the buffer), or an array with more than maxElements elements in
/// total, is a protocol error, after which the reader is unusable and the connection must be dropped.
class RespReader
{
public:
    struct Limits
    {
        qint64 maxReplyBytes = 64LL * 1024 * 1024;
        qint64 maxElements = 16LL * 1024 * 1024;
    };
    RespReader();
    explicit RespReader(Limits limits);
    ~RespReader();
    RespReader(const RespReader &) = delete;
    RespReader &operator=(const RespReader &) = delete;

    /// Appends received bytes. Returns false (and sets error()) when the stream is already broken.
    bool feed(const char *data, qsizetype size);
    bool feed(const QByteArray &bytes) { return feed(bytes.constData(), bytes.size()); }
    /// The next complete reply, or nullopt if more bytes are needed or the stream is broken (see error()).
    std::optional<Reply> next();

    bool hasError() const { return !m_error.isEmpty(); }
    QString error() const { return m_error; }
    /// Bytes fed since the last complete reply (what a reply in progress has cost so far).
    qint64 pendingBytes() const { return m_pending; }
    const Limits &limits() const { return m_limits; }

    struct Counters
    {
        qint64 elements = 0;
        qint64 maxElements = 0;
        qint64 bytes = 0;     ///< memory the reply in progress holds so far: its strings and element slots
        qint64 maxBytes = 0;
    };

private:
    void fail(const QString &message);

    Limits m_limits;
    redisReader *m_reader = nullptr;
    Counters m_counters;
    qint64 m_pending = 0;
    QString m_error;
};

/// Encodes one command as a RESP array of bulk strings.
QByteArray encodeCommand(const QByteArrayList &args);

} // namespace qd::redis
