// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/result.h"

#include <QCoreApplication>
#include <QJsonValue>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <optional>

namespace qd {

/// Limits for turning a hostile payload into a tree: a YAML alias bomb ("billion laughs"), a self-referencing
/// anchor or a deeply nested document is refused instead of eating memory or the stack.
struct PayloadLimits
{
    static constexpr qsizetype maxBytes = 1 << 20; ///< 1 MiB of UTF-8 YAML
    static constexpr qint64 maxNodes = 100'000;    ///< nodes converted, aliases counted every time they expand
    static constexpr int maxDepth = 64;
};

/// A job payload as JSON: JSON itself when the text starts with `{` or `[` (Sidekiq, RQ, BullMQ, Celery), else a
/// Delayed::Job YAML handler. YAML is read as plain data: tags (`!ruby/object:…`) are ignored, never resolved, so
/// nothing is instantiated; scalars become numbers, booleans, null or strings (Ruby symbols like `:deliver` stay
/// strings; integers too big for 64 bits stay exact as strings).
Result<QJsonValue> payloadToJson(const QString &payload);

/// An RFC 6901 JSON pointer split into unescaped reference tokens (`~1` → `/`, `~0` → `~`).
Result<QStringList> parseJsonPointer(const QString &pointer);
/// The value at `tokens`, or QJsonValue::Undefined when the path does not exist. An object key that is missing
/// is also looked up as a Ruby symbol key (`:user_id`), as YAML handlers written by Psych often have them.
QJsonValue resolveJsonPointer(const QJsonValue &document, const QStringList &tokens);
/// A user id as text: strings as they are (empty → none), numbers without ".0"; anything else → none.
std::optional<QString> userIdText(const QJsonValue &value);

/// How a connection maps a job to the user it concerns. One spec string:
///  - a JSON pointer into the payload: `/args/0/user_id`, `/user_id` (a DJ handler's attribute);
///  - `arg:N`: the Nth argument of the job, wherever the payload format keeps its arguments (Sidekiq `/args/N`,
///    Sidekiq-wrapped ActiveJob `/args/0/arguments/N`, DJ PerformableMethod `/args/N`, DJ ActiveJob wrapper
///    `/job_data/arguments/N`, Celery protocol 2 body `/0/N`);
///  - `re:REGEX`: the first capture group (or the whole match) of a regular expression over the raw payload.
struct UserRule
{
    Q_DECLARE_TR_FUNCTIONS(qd::UserRule)

public:
    enum class Kind : quint8 { Pointer, Argument, Regex };

    Kind kind = Kind::Pointer;
    QString spec;             ///< as given (trimmed)
    QStringList tokens;       ///< Pointer: the unescaped reference tokens
    int argIndex = -1;        ///< Argument
    QRegularExpression regex; ///< Regex

    static Result<UserRule> parse(const QString &spec);

    /// The user a payload concerns, or nullopt (no match, not a scalar, unreadable or hostile payload).
    std::optional<QString> extract(const QString &payload) const;
    /// The same for an already converted payload (Pointer and Argument rules only; Regex needs the text).
    std::optional<QString> extract(const QJsonValue &document) const;

    /// Where `arg:N` points in this document, as pointer tokens.
    static QStringList argumentTokens(const QJsonValue &document, int index);
};

} // namespace qd
