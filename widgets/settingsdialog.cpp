// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/settingsdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace qd {

SettingsDialog::SettingsDialog(const AppPreferences &current, const QList<QPair<QString, QString>> &languages, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Settings"));
    auto *root = new QVBoxLayout(this);
    auto *form = new QFormLayout();
    root->addLayout(form);

    m_poll = new QDoubleSpinBox(this);
    m_poll->setRange(0.5, 3600);
    m_poll->setDecimals(1);
    m_poll->setSingleStep(1);
    m_poll->setSuffix(tr(" s"));
    m_poll->setValue(current.pollSeconds);
    m_poll->setToolTip(tr("How often every connection is asked for its numbers. Each poll is a few cheap reads."));
    form->addRow(tr("&Poll every:"), m_poll);

    m_raw = new QSpinBox(this);
    m_raw->setRange(1, 24 * 365);
    m_raw->setSuffix(tr(" h"));
    m_raw->setValue(current.rawHours);
    m_raw->setToolTip(tr("Every poll's numbers are kept this long; older history is kept per minute."));
    form->addRow(tr("Keep every &sample for:"), m_raw);
    m_rollups = new QSpinBox(this);
    m_rollups->setRange(1, 3650);
    m_rollups->setSuffix(tr(" days"));
    m_rollups->setValue(current.rollupDays);
    m_rollups->setToolTip(tr("Minute averages, minima and maxima for longer charts and post-mortems."));
    form->addRow(tr("Keep &minute history for:"), m_rollups);

    m_operator = new QLineEdit(current.operatorName, this);
    m_operator->setMaxLength(120);
    m_operator->setToolTip(tr("Named in the audit log and on the incident timeline for every action you take."));
    form->addRow(tr("&Operator name:"), m_operator);

    m_theme = new QComboBox(this);
    for (Theme::Mode mode : {Theme::Mode::System, Theme::Mode::Light, Theme::Mode::Dark}) {
        m_theme->addItem(Theme::modeName(mode), int(mode));
    }
    m_theme->setCurrentIndex(m_theme->findData(int(current.theme)));
    form->addRow(tr("&Theme:"), m_theme);

    m_language = new QComboBox(this);
    m_language->addItem(tr("Follow the system"), QString());
    for (const auto &[code, name] : languages) {
        m_language->addItem(name, code);
    }
    m_language->setCurrentIndex(std::max(0, m_language->findData(current.language)));
    form->addRow(tr("&Language:"), m_language);

    m_problem = new QLabel(this);
    m_problem->setTextFormat(Qt::PlainText);
    m_problem->setWordWrap(true);
    root->addWidget(m_problem);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    root->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_operator, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    connect(m_raw, &QSpinBox::valueChanged, this, &SettingsDialog::validate);
    connect(m_rollups, &QSpinBox::valueChanged, this, &SettingsDialog::validate);
    validate();
}

AppPreferences SettingsDialog::preferences() const
{
    AppPreferences p;
    p.pollSeconds = m_poll->value();
    p.rawHours = m_raw->value();
    p.rollupDays = m_rollups->value();
    p.operatorName = m_operator->text().trimmed();
    p.theme = Theme::Mode(m_theme->currentData().toInt());
    p.language = m_language->currentData().toString();
    return p;
}

QString SettingsDialog::problem() const
{
    return m_problem->text();
}

void SettingsDialog::validate()
{
    QString problem;
    if (m_operator->text().trimmed().isEmpty()) {
        problem = tr("An operator name is needed: the audit log records who did what.");
    } else if (m_rollups->value() * 24 < m_raw->value()) {
        problem = tr("Minute history must be kept at least as long as every sample.");
    }
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

} // namespace qd
