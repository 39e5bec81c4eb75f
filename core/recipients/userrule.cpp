// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/recipients/userrule.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <limits>

namespace qd {

namespace {

/// lupdate files Tr::tr() strings under the context the runtime looks them up in.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(qd::UserRule)
};

/// Converts a yaml-cpp node tree to JSON under a node and depth budget. Aliases share nodes in yaml-cpp (and an
/// anchor may even contain itself), so the budget counts every expansion: that is what makes a bomb finite.
struct YamlConverter
{
    qint64 nodes = 0;
    QString error;

    static QJsonValue scalar(const YAML::Node &node)
    {
        const QString text = QString::fromStdString(node.Scalar());
        // "?" is a plain (unquoted, untagged) scalar: resolve it like YAML's core schema. Quoted scalars ("!")
        // and scalars with any explicit tag stay strings: a tag is never acted upon.
        if (node.Tag() != "?") {
            return text;
        }
        if (text == u"true" || text == u"True" || text == u"TRUE") {
            return true;
        }
        if (text == u"false" || text == u"False" || text == u"FALSE") {
            return false;
        }
        static const QRegularExpression integer(QStringLiteral("^[-+]?(0|[1-9][0-9_]*)$"));
        if (integer.match(text).hasMatch()) {
            bool ok = false;
            const qint64 v = QString(text).remove(u'_').toLongLong(&ok);
            if (ok) {
                return QJsonValue(v);
            }
            return text; // too big for 64 bits: exact as text beats a rounded double for an id
        }
        static const QRegularExpression real(
            QStringLiteral("^[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)([eE][-+]?[0-9]+)?$"));
        if (real.match(text).hasMatch()) {
            bool ok = false;
            const double v = QString(text).remove(u'_').toDouble(&ok);
            if (ok && std::isfinite(v)) {
                return v;
            }
        }
        return text;
    }

    QJsonValue convert(const YAML::Node &node, int depth)
    {
        if (!error.isEmpty()) {
            return {};
        }
        if (depth > PayloadLimits::maxDepth) {
            error = Tr::tr("The payload is nested deeper than %1 levels.").arg(PayloadLimits::maxDepth);
            return {};
        }
        if (++nodes > PayloadLimits::maxNodes) {
            error = Tr::tr("The payload expands to more than %1 values (a YAML alias bomb?).").arg(PayloadLimits::maxNodes);
            return {};
        }
        switch (node.Type()) {
        case YAML::NodeType::Undefined:
        case YAML::NodeType::Null:
            return QJsonValue(QJsonValue::Null);
        case YAML::NodeType::Scalar:
            return scalar(node);
        case YAML::NodeType::Sequence: {
            QJsonArray array;
            for (const YAML::Node &child : node) {
                array.append(convert(child, depth + 1));
                if (!error.isEmpty()) {
                    return {};
                }
            }
            return array;
        }
        case YAML::NodeType::Map: {
            QJsonObject object;
            for (auto it = node.begin(); it != node.end(); ++it) {
                if (++nodes > PayloadLimits::maxNodes) {
                    error = Tr::tr("The payload expands to more than %1 values (a YAML alias bomb?).")
                                .arg(PayloadLimits::maxNodes);
                    return {};
                }
                // Complex keys (a map as a key) cannot be addressed by a pointer: skipped. A null key is "null",
                // as Python's json.dumps writes it.
                QString key;
                if (it->first.IsNull()) {
                    key = QStringLiteral("null");
                } else if (it->first.IsScalar()) {
                    key = QString::fromStdString(it->first.Scalar());
                } else {
                    continue;
                }
                const QJsonValue value = convert(it->second, depth + 1);
                if (!error.isEmpty()) {
                    return {};
                }
                object.insert(key, value);
            }
            return object;
        }
        }
        return {};
    }
};

Result<QJsonValue> yamlToJson(const QString &payload)
{
    const QByteArray utf8 = payload.toUtf8();
    if (utf8.size() > PayloadLimits::maxBytes) {
        return Result<QJsonValue>::failure(
            Tr::tr("The payload is %1 bytes; YAML handlers over %2 bytes are not read.").arg(utf8.size()).arg(PayloadLimits::maxBytes));
    }
    // yaml-cpp reports errors by exception; they are turned into values here and never leave this function.
    try {
        const YAML::Node root = YAML::Load(std::string(utf8.constData(), size_t(utf8.size())));
        YamlConverter converter;
        QJsonValue value = converter.convert(root, 0);
        if (!converter.error.isEmpty()) {
            return Result<QJsonValue>::failure(converter.error);
        }
        return value;
    } catch (const YAML::Exception &e) {
        return Result<QJsonValue>::failure(Tr::tr("The payload is neither JSON nor readable YAML: %1")
                                               .arg(QString::fromStdString(e.msg)));
    } catch (const std::exception &e) {
        return Result<QJsonValue>::failure(Tr::tr("The payload could not be read: %1").arg(QString::fromUtf8(e.what())));
    }
}

bool isIndex(const QString &token)
{
    if (token.isEmpty() || token.size() > 9 || (token.size() > 1 && token.front() == u'0')) {
        return false;
    }
    for (const QChar c : token) {
        if (c < u'0' || c > u'9') {
            return false;
        }
    }
    return true;
}

} // namespace

Result<QJsonValue> payloadToJson(const QString &payload)
{
    const QString trimmed = payload.trimmed();
    if (trimmed.startsWith(u'{') || trimmed.startsWith(u'[')) {
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(trimmed.toUtf8(), &error);
        if (error.error == QJsonParseError::NoError) {
            return doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
        }
        // YAML flow style ({a: 1}) is not JSON; a YAML reading may still work.
        auto yaml = yamlToJson(payload);
        if (yaml.ok()) {
            return yaml;
        }
        return Result<QJsonValue>::failure(
            Tr::tr("The payload is not valid JSON at offset %1: %2").arg(error.offset).arg(error.errorString()));
    }
    return yamlToJson(payload);
}

Result<QStringList> parseJsonPointer(const QString &pointer)
{
    if (pointer.isEmpty() || pointer.front() != u'/') {
        return Result<QStringList>::failure(
            Tr::tr("A JSON pointer starts with \"/\", e.g. /args/0/user_id (got \"%1\").").arg(pointer));
    }
    QStringList tokens;
    for (const QString &raw : pointer.mid(1).split(u'/')) {
        QString token;
        token.reserve(raw.size());
        for (qsizetype i = 0; i < raw.size(); ++i) {
            if (raw.at(i) != u'~') {
                token.append(raw.at(i));
                continue;
            }
            const QChar next = i + 1 < raw.size() ? raw.at(i + 1) : QChar();
            if (next == u'0') {
                token.append(u'~');
            } else if (next == u'1') {
                token.append(u'/');
            } else {
                return Result<QStringList>::failure(
                    Tr::tr("In the JSON pointer \"%1\", \"~\" must be written ~0 (and \"/\" inside a key ~1).").arg(pointer));
            }
            ++i;
        }
        tokens.append(token);
    }
    return tokens;
}

QJsonValue resolveJsonPointer(const QJsonValue &document, const QStringList &tokens)
{
    QJsonValue current = document;
    for (const QString &token : tokens) {
        if (current.isObject()) {
            const QJsonObject object = current.toObject();
            auto it = object.constFind(token);
            if (it == object.constEnd()) {
                it = object.constFind(u':' + token); // Psych writes symbol keys as ":user_id"
            }
            if (it == object.constEnd()) {
                return QJsonValue(QJsonValue::Undefined);
            }
            current = *it;
        } else if (current.isArray()) {
            const QJsonArray array = current.toArray();
            if (!isIndex(token) || token.toLongLong() >= array.size()) {
                return QJsonValue(QJsonValue::Undefined);
            }
            current = array.at(token.toLongLong());
        } else {
            return QJsonValue(QJsonValue::Undefined);
        }
    }
    return current;
}

std::optional<QString> userIdText(const QJsonValue &value)
{
    if (value.isString()) {
        const QString s = value.toString();
        return s.isEmpty() ? std::nullopt : std::optional<QString>(s);
    }
    if (value.isDouble()) {
        // Integers parsed from JSON keep 64 bits; print them exactly, never as 4.2e+01 or 42.0.
        const QVariant v = value.toVariant();
        if (v.typeId() == QMetaType::LongLong || v.typeId() == QMetaType::Int) {
            return QString::number(v.toLongLong());
        }
        const double d = value.toDouble();
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.0e15) {
            return QString::number(qint64(d));
        }
        return QString::number(d, 'g', 17);
    }
    return std::nullopt;
}

QStringList UserRule::argumentTokens(const QJsonValue &document, int index)
{
    const QString n = QString::number(index);
    if (document.isArray()) {
        // Celery protocol 2: the body is [args, kwargs, embed].
        return {QStringLiteral("0"), n};
    }
    const QJsonObject root = document.toObject();
    const QJsonObject jobData = root.value(QStringLiteral("job_data")).toObject();
    if (jobData.contains(QStringLiteral("arguments"))) {
        return {QStringLiteral("job_data"), QStringLiteral("arguments"), n}; // DJ ActiveJob JobWrapper
    }
    const QJsonObject first = root.value(QStringLiteral("args")).toArray().at(0).toObject();
    if (first.contains(QStringLiteral("arguments")) &&
        (root.contains(QStringLiteral("wrapped")) || first.contains(QStringLiteral("job_class")))) {
        return {QStringLiteral("args"), QStringLiteral("0"), QStringLiteral("arguments"), n}; // Sidekiq ActiveJob
    }
    return {QStringLiteral("args"), n}; // Sidekiq, RQ-ish, DJ PerformableMethod
}

Result<UserRule> UserRule::parse(const QString &specText)
{
    UserRule rule;
    rule.spec = specText.trimmed();
    const QString &spec = rule.spec;
    if (spec.isEmpty()) {
        return Result<UserRule>::failure(
            Tr::tr("The user rule is empty. Use a JSON pointer (/args/0/user_id), arg:N or re:REGEX."));
    }
    if (spec.startsWith(QStringLiteral("arg:"))) {
        bool ok = false;
        const QString n = spec.mid(4).trimmed();
        rule.argIndex = n.toInt(&ok);
        if (!ok || rule.argIndex < 0 || !isIndex(n)) {
            return Result<UserRule>::failure(
                Tr::tr("\"%1\": arg: takes the argument's position from 0, e.g. arg:0.").arg(spec));
        }
        rule.kind = Kind::Argument;
        return rule;
    }
    if (spec.startsWith(QStringLiteral("re:"))) {
        const QString pattern = spec.mid(3);
        if (pattern.isEmpty()) {
            return Result<UserRule>::failure(Tr::tr("\"re:\" needs a regular expression, e.g. re:user_id=(\\d+)."));
        }
        rule.regex = QRegularExpression(pattern);
        if (!rule.regex.isValid()) {
            return Result<UserRule>::failure(Tr::tr("The regular expression \"%1\" is invalid at offset %2: %3")
                                                 .arg(pattern)
                                                 .arg(rule.regex.patternErrorOffset())
                                                 .arg(rule.regex.errorString()));
        }
        rule.kind = Kind::Regex;
        return rule;
    }
    if (!spec.startsWith(u'/')) {
        return Result<UserRule>::failure(
            Tr::tr("\"%1\" is not a user rule. Use a JSON pointer (/args/0/user_id), arg:N or re:REGEX.").arg(spec));
    }
    auto tokens = parseJsonPointer(spec);
    if (!tokens) {
        return Result<UserRule>::failure(tokens.error());
    }
    rule.kind = Kind::Pointer;
    rule.tokens = tokens.value();
    return rule;
}

std::optional<QString> UserRule::extract(const QJsonValue &document) const
{
    switch (kind) {
    case Kind::Pointer:
        return userIdText(resolveJsonPointer(document, tokens));
    case Kind::Argument:
        return userIdText(resolveJsonPointer(document, argumentTokens(document, argIndex)));
    case Kind::Regex:
        return std::nullopt;
    }
    return std::nullopt;
}

std::optional<QString> UserRule::extract(const QString &payload) const
{
    if (kind == Kind::Regex) {
        const QRegularExpressionMatch m = regex.match(payload);
        if (!m.hasMatch()) {
            return std::nullopt;
        }
        const QString user = regex.captureCount() > 0 ? m.captured(1) : m.captured(0);
        return user.isEmpty() ? std::nullopt : std::optional<QString>(user);
    }
    const auto document = payloadToJson(payload);
    if (!document) {
        return std::nullopt;
    }
    return extract(document.value());
}

} // namespace qd
