// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "widgets/theme.h"

#include <QDialog>
#include <QList>
#include <QPair>

class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace qd {

/// What the settings dialog edits; the window reads it from and writes it to the settings and applies it.
struct AppPreferences
{
    double pollSeconds = 5;
    int rawHours = 48;      ///< history: raw samples
    int rollupDays = 30;    ///< history: 1-minute rollups
    QString operatorName;   ///< named in the audit log and on the timeline
    Theme::Mode theme = Theme::Mode::System;
    QString language;       ///< a language code, empty to follow the system
};

/// File → Settings (Ctrl+,): poll interval, history retention, operator name, theme and language. OK is
/// refused, with the reason next to it, while something cannot work (no operator name, rollups kept
/// shorter than raw samples).
class SettingsDialog final : public QDialog
{
    Q_OBJECT
public:
    /// `languages`: code and native name of each language the GUI has.
    SettingsDialog(const AppPreferences &current, const QList<QPair<QString, QString>> &languages, QWidget *parent = nullptr);
    Q_DISABLE_COPY_MOVE(SettingsDialog)
    AppPreferences preferences() const;
    QString problem() const; ///< why OK is off, or empty

private:
    void validate();

    QDoubleSpinBox *m_poll;
    QSpinBox *m_raw;
    QSpinBox *m_rollups;
    QLineEdit *m_operator;
    QComboBox *m_theme;
    QComboBox *m_language;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
};

} // namespace qd
