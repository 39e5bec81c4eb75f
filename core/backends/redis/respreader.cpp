// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/backends/redis/respreader.h"

#include <QCoreApplication>

#include <hiredis/read.h>

#include <cmath>

namespace qd::redis {

namespace {

RespReader::Counters *countersOf(const redisReadTask *task)
{
    return static_cast<RespReader::Counters *>(task->privdata);
}

// Places a new value: a root reply is heap-allocated (hiredis hands it back from redisReaderGetReply),
// a child is the pre-sized slot in its parent's element list (stable: the list is never resized again).
Reply *place(const redisReadTask *task)
{
    if (auto *c = countersOf(task)) {
        c->bytes += qint64(sizeof(Reply));
        if (++c->elements > c->maxElements || c->bytes > c->maxBytes) {
            return nullptr;
        }
    }
    if (task->parent) {
        auto *parent = static_cast<Reply *>(task->parent->obj);
        if (!parent || task->idx < 0 || task->idx >= parent->elements.size()) {
            return nullptr;
        }
        return &parent->elements[task->idx];
    }
    return new Reply;
}

void *createString(const redisReadTask *task, char *str, size_t len)
{
    if (auto *c = countersOf(task)) {
        c->bytes += qint64(len); // the reply as a whole counts, not each string on its own
    }
    Reply *r = place(task);
    if (!r) {
        return nullptr;
    }
    switch (task->type) {
    case REDIS_REPLY_ERROR: r->type = Reply::Type::Error; break;
    case REDIS_REPLY_STATUS: r->type = Reply::Type::Status; break;
    default: r->type = Reply::Type::String; break;
    }
    r->str = QByteArray(str, qsizetype(len));
    return r;
}

void *createArray(const redisReadTask *task, int elements)
{
    if (elements < 0) {
        return nullptr;
    }
    if (auto *c = countersOf(task)) {
        // Refuse before allocating: the children would each count once when placed.
        if (elements > c->maxElements - c->elements) {
            c->elements = c->maxElements + 1;
            return nullptr;
        }
        if (qint64(elements) * qint64(sizeof(Reply)) > c->maxBytes - c->bytes) {
            c->bytes = c->maxBytes + 1;
            return nullptr;
        }
    }
    Reply *r = place(task);
    if (!r) {
        return nullptr;
    }
    r->type = Reply::Type::Array;
    r->elements.resize(elements);
    return r;
}

void *createInteger(const redisReadTask *task, long long value)
{
    Reply *r = place(task);
    if (!r) {
        return nullptr;
    }
    r->type = Reply::Type::Integer;
    r->integer = value;
    return r;
}

void *createNil(const redisReadTask *task)
{
    Reply *r = place(task);
    if (!r) {
        return nullptr;
    }
    r->type = Reply::Type::Nil;
    return r;
}

void freeObject(void *obj)
{
    // Only roots are ever freed by hiredis; children live inside their root.
    delete static_cast<Reply *>(obj);
}

redisReplyObjectFunctions kFunctions = {createString, createArray, createInteger, createNil, freeObject};

/// lupdate files Tr::tr() strings under the context the runtime looks them up in.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(qd::redis::RespReader)
};

} // namespace

std::optional<qint64> Reply::toInteger() const
{
    if (type == Type::Integer) {
        return integer;
    }
    if (type == Type::String || type == Type::Status) {
        bool ok = false;
        const qint64 v = str.toLongLong(&ok);
        if (ok) {
            return v;
        }
    }
    return std::nullopt;
}

std::optional<double> Reply::toDouble() const
{
    if (type == Type::Integer) {
        return double(integer);
    }
    if (type == Type::String || type == Type::Status) {
        bool ok = false;
        const double v = str.trimmed().toDouble(&ok);
        if (ok && std::isfinite(v)) {
            return v;
        }
    }
    return std::nullopt;
}

QByteArrayList Reply::toByteArrayList() const
{
    QByteArrayList out;
    out.reserve(elements.size());
    for (const Reply &e : elements) {
        out.append(e.isString() ? e.str : QByteArray());
    }
    return out;
}

qsizetype Reply::approximateSize() const
{
    qsizetype n = qsizetype(sizeof(Reply)) + str.size();
    for (const Reply &e : elements) {
        n += e.approximateSize();
    }
    return n;
}

RespReader::RespReader() : RespReader(Limits{}) {}

RespReader::RespReader(Limits limits) : m_limits(limits), m_reader(redisReaderCreateWithFunctions(&kFunctions))
{
    if (!m_reader) {
        m_error = Tr::tr("Out of memory creating the Redis reply parser.");
        return;
    }
    m_counters.maxElements = m_limits.maxElements;
    m_counters.maxBytes = m_limits.maxReplyBytes;
    m_reader->privdata = &m_counters; // redisReaderSetPrivdata casts the pointer to int
}

RespReader::~RespReader()
{
    if (m_reader) {
        redisReaderFree(m_reader);
    }
}

void RespReader::fail(const QString &message)
{
    if (m_error.isEmpty()) {
        m_error = message;
    }
}

bool RespReader::feed(const char *data, qsizetype size)
{
    if (hasError()) {
        return false;
    }
    if (size <= 0) {
        return true;
    }
    if (redisReaderFeed(m_reader, data, size_t(size)) != REDIS_OK) {
        fail(Tr::tr("Out of memory buffering a Redis reply."));
        return false;
    }
    m_pending += size;
    return true;
}

std::optional<Reply> RespReader::next()
{
    if (hasError()) {
        return std::nullopt;
    }
    // hiredis builds a reply across calls as its bytes arrive; the element count runs until it completes.
    void *obj = nullptr;
    const int rc = redisReaderGetReply(m_reader, &obj);
    const qint64 unparsed = qint64(m_reader->len - m_reader->pos);
    if (m_counters.elements > m_limits.maxElements) {
        if (obj) {
            freeObject(obj);
        }
        fail(Tr::tr("A reply from Redis has more than %L1 elements, the limit; the connection is dropped.")
                 .arg(m_limits.maxElements));
        return std::nullopt;
    }
    // What the reply in progress holds (its parsed elements) plus what waits in the buffer: one cap for the whole
    // reply, so 40 strings of 50 MB or 16 M small integers are refused as early as one 100 MB string.
    if (m_counters.bytes + (obj ? 0 : unparsed) > m_limits.maxReplyBytes) {
        if (obj) {
            freeObject(obj);
        }
        fail(Tr::tr("A reply from Redis is larger than the %L1 MiB limit; the connection is dropped. "
                    "Raise it with the max_reply_mb URL option if this is expected.")
                 .arg(m_limits.maxReplyBytes / (1024 * 1024)));
        return std::nullopt;
    }
    if (rc != REDIS_OK) {
        fail(Tr::tr("Redis sent a reply Queuedeck cannot parse (%1); the connection is dropped.")
                 .arg(QString::fromLatin1(m_reader->errstr)));
        return std::nullopt;
    }
    if (!obj) {
        m_pending = unparsed;
        return std::nullopt;
    }
    m_pending = unparsed;
    m_counters.elements = 0;
    m_counters.bytes = 0;
    Reply out = std::move(*static_cast<Reply *>(obj));
    freeObject(obj);
    return out;
}

QByteArray encodeCommand(const QByteArrayList &args)
{
    qsizetype size = 16;
    for (const QByteArray &a : args) {
        size += a.size() + 16;
    }
    QByteArray out;
    out.reserve(size);
    out += '*';
    out += QByteArray::number(args.size());
    out += "\r\n";
    for (const QByteArray &a : args) {
        out += '$';
        out += QByteArray::number(a.size());
        out += "\r\n";
        out += a;
        out += "\r\n";
    }
    return out;
}

} // namespace qd::redis
