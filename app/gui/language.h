// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

class QTranslator;

namespace qd {

/// The language of the GUI, switchable at runtime. apply() swaps the translators it installed for new ones —
/// Qt's own strings (qtbase_<code>.qm from Qt's translations folder) and ours (:/i18n/queuedeck_<code>.qm) —
/// and QApplication then sends QEvent::LanguageChange to every widget, which retranslates itself; models
/// follow through LanguageChangeNotifier. It stores nothing: the choice lives in QSettings under
/// `ui/language` (saved()/save()), written by whoever offers the choice. Destroying it removes its
/// translators, so it lives as long as the application (parent it to the QApplication).
class Language final : public QObject
{
    Q_OBJECT
public:
    struct Entry
    {
        QString code;       ///< "en", "de", "pt_BR"
        QString nativeName; ///< in its own language: "English", "Deutsch"
    };

    explicit Language(QObject *parent = nullptr);
    ~Language() override;
    Q_DISABLE_COPY_MOVE(Language)

    /// "en" (the source language) first, then every embedded translation, by code.
    static QList<Entry> available();
    static bool isAvailable(const QString &code);

    /// Switches to `code`, or to the system locale's language for an empty code (English when there is no
    /// translation for it). An unknown code changes nothing and returns false with the reason in `error`.
    bool apply(const QString &code, QString *error = nullptr);
    /// The code last applied ("" = the system's).
    QString code() const { return m_code; }

    /// Installs `translator` above ours and keeps it installed across apply() until replaced or cleared
    /// (nullptr); not owned. For tests: a pseudo-translation shows which texts follow a change.
    void setExtraTranslator(QTranslator *translator);

    /// The choice stored in QSettings (`ui/language`); "" = follow the system.
    static QString saved();
    static void save(const QString &code);

Q_SIGNALS:
    /// After a successful apply(); widgets need not listen (they get QEvent::LanguageChange).
    void changed(const QString &code);

private:
    void removeInstalled();

    QString m_code;
    QTranslator *m_qt = nullptr;
    QTranslator *m_ours = nullptr;
    QPointer<QTranslator> m_extra;
};

} // namespace qd
