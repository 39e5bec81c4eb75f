// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "app/gui/language.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QTranslator>

#include <algorithm>

namespace qd {

namespace {
const QString kSourceLanguage = QStringLiteral("en");
const QString kSettingsKey = QStringLiteral("ui/language");
const QString kPrefix = QStringLiteral("queuedeck_");

QString nativeName(const QString &code)
{
    const QLocale locale(code);
    // Qt names the language of a territory-less code after its default territory ("American English").
    QString name = code == kSourceLanguage ? QStringLiteral("English") : locale.nativeLanguageName();
    if (name.isEmpty()) {
        name = code;
    }
    return locale.toUpper(name.left(1)) + name.mid(1); // "français" is "Français" at the start of a menu item
}

/// Installs `t` if it has something to say; an empty translator would only cost lookups.
QTranslator *installed(QTranslator *t, bool loaded)
{
    if (!loaded) {
        delete t;
        return nullptr;
    }
    QCoreApplication::installTranslator(t);
    return t;
}
} // namespace

Language::Language(QObject *parent) : QObject(parent) {}

Language::~Language()
{
    setExtraTranslator(nullptr);
    removeInstalled();
}

QList<Language::Entry> Language::available()
{
    QStringList codes = {kSourceLanguage};
    const QStringList files =
        QDir(QStringLiteral(":/i18n")).entryList({kPrefix + QStringLiteral("*.qm")}, QDir::Files, QDir::Name);
    for (const QString &file : files) {
        const QString code = file.mid(kPrefix.size(), file.size() - kPrefix.size() - 3);
        if (!code.isEmpty() && !codes.contains(code)) {
            codes << code;
        }
    }
    std::sort(codes.begin() + 1, codes.end());
    QList<Entry> out;
    for (const QString &code : std::as_const(codes)) {
        out.append({code, nativeName(code)});
    }
    return out;
}

bool Language::isAvailable(const QString &code)
{
    const QList<Entry> all = available();
    return std::any_of(all.cbegin(), all.cend(), [&code](const Entry &e) { return e.code == code; });
}

bool Language::apply(const QString &code, QString *error)
{
    if (!code.isEmpty() && !isAvailable(code)) {
        if (error) {
            *error = tr("There is no \"%1\" translation of Queuedeck.").arg(code.left(40));
        }
        return false;
    }
    QTranslator *extra = m_extra;
    setExtraTranslator(nullptr); // back on top after ours
    removeInstalled();
    const QLocale locale = code.isEmpty() ? QLocale::system() : QLocale(code);
    auto *qt = new QTranslator(this);
    m_qt = installed(qt, qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                                  QLibraryInfo::path(QLibraryInfo::TranslationsPath)));
    auto *ours = new QTranslator(this);
    // An explicit choice takes exactly that file; the system locale may fall back (de_AT → de).
    // A system language without a translation (or the C locale) gets English, whose .qm holds the plural
    // forms ("1 queue", "2 queues") the source strings only sketch ("%n queue(s)").
    const bool loaded =
        code.isEmpty() ? ours->load(locale, QStringLiteral("queuedeck"), QStringLiteral("_"), QStringLiteral(":/i18n")) ||
                             ours->load(kPrefix + QStringLiteral("en"), QStringLiteral(":/i18n"))
                       : ours->load(kPrefix + code, QStringLiteral(":/i18n"));
    m_ours = installed(ours, loaded);
    setExtraTranslator(extra);
    m_code = code;
    Q_EMIT changed(code);
    return true;
}

void Language::setExtraTranslator(QTranslator *translator)
{
    if (m_extra) {
        QCoreApplication::removeTranslator(m_extra);
    }
    m_extra = translator;
    if (m_extra) {
        QCoreApplication::installTranslator(m_extra);
    }
}

void Language::removeInstalled()
{
    for (QTranslator **t : {&m_qt, &m_ours}) {
        delete *t; // ~QTranslator removes it from the application
        *t = nullptr;
    }
}

QString Language::saved()
{
    return QSettings().value(kSettingsKey).toString();
}

void Language::save(const QString &code)
{
    QSettings().setValue(kSettingsKey, code);
}

} // namespace qd
