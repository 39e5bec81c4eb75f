// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace qd {

/// A value or a human-readable error. Errors are values in Queuedeck: they cross threads and reach the
/// status strip and the CLI unchanged, so the message must say what failed and, where possible, what to do.
template<typename T>
class Result final
{
public:
    Result(T value) : m_value(std::move(value)) {} // NOLINT(google-explicit-constructor)
    static Result failure(QString error)
    {
        Result r;
        r.m_error = std::move(error);
        return r;
    }

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const T &value() const & { return *m_value; }
    T &value() & { return *m_value; }
    T &&value() && { return std::move(*m_value); }
    const T *operator->() const { return &*m_value; }
    const T &operator*() const { return *m_value; }
    const QString &error() const { return m_error; }

private:
    Result() = default;
    std::optional<T> m_value;
    QString m_error;
};

} // namespace qd
