// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/addconnectiondialog.h"
#include "core/futurewatch.h"

#include "core/backendfactory.h"
#include "core/connectionurl.h"
#include "core/textsafety.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace qd {

AddConnectionDialog::AddConnectionDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Add Connection"));
    auto *form = new QFormLayout(this);
    m_name = new QLineEdit(this);
    m_name->setPlaceholderText(tr("e.g. Production jobs"));
    form->addRow(tr("&Name:"), m_name);
    m_examples = new QComboBox(this);
    m_examples->addItem(tr("Choose an example…"));
    for (const auto &[scheme, example] : ConnectionUrl::examples()) {
        m_examples->addItem(scheme, example);
    }
    form->addRow(tr("&Example:"), m_examples);
    m_url = new QLineEdit(this);
    m_url->setPlaceholderText(QStringLiteral("delayedjob+sqlite:///var/lib/app/production.sqlite3"));
    m_url->setMinimumWidth(fontMetrics().averageCharWidth() * 70);
    m_url->setAccessibleName(tr("Connection URL"));
    form->addRow(tr("&URL:"), m_url);
    m_test = new QPushButton(tr("&Test"), this);
    m_test->setToolTip(tr("Connect once and read a snapshot, without saving anything"));
    form->addRow(QString(), m_test);
    m_result = new QLabel(this);
    m_result->setTextFormat(Qt::PlainText);
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(QString(), m_result);
    auto *hint = new QLabel(tr("Passwords are never stored in the settings file."), this);
    hint->setTextFormat(Qt::PlainText);
    hint->setEnabled(false);
    form->addRow(QString(), hint);
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    form->addRow(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_url, &QLineEdit::textChanged, this, &AddConnectionDialog::validate);
    connect(m_test, &QPushButton::clicked, this, &AddConnectionDialog::test);
    connect(m_examples, &QComboBox::activated, this, [this](int i) {
        if (i > 0) {
            m_url->setText(m_examples->itemData(i).toString());
            m_url->setFocus();
        }
    });
    validate();
}

AddConnectionDialog::~AddConnectionDialog() = default;

QString AddConnectionDialog::name() const
{
    if (!m_name->text().trimmed().isEmpty()) {
        return m_name->text().trimmed();
    }
    const auto parsed = ConnectionUrl::parse(url());
    return parsed ? parsed->toDisplayString() : url();
}

QString AddConnectionDialog::url() const
{
    return m_url->text().trimmed();
}

void AddConnectionDialog::setUrl(const QString &url)
{
    m_url->setText(url);
}

QString AddConnectionDialog::resultText() const
{
    return m_result->text();
}

void AddConnectionDialog::validate()
{
    const auto parsed = ConnectionUrl::parse(url());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(parsed.ok());
    m_test->setEnabled(parsed.ok());
    m_result->setText(url().isEmpty() || parsed.ok() ? QString() : parsed.error());
}

void AddConnectionDialog::test()
{
    auto backend = createBackend(url());
    if (!backend) {
        m_result->setText(backend.error());
        Q_EMIT testFinished(false);
        return;
    }
    m_testing = backend.value();
    const quint64 generation = ++m_testGeneration;
    m_result->setText(tr("Testing…"));
    m_test->setEnabled(false);
    whenFinished(m_testing->snapshot(), this, [this, generation](const Snapshot &s) {
        if (generation != m_testGeneration) {
            return;
        }
        m_test->setEnabled(true);
        if (s.ok()) {
            m_result->setText(tr("OK: %n queue(s) found.", nullptr, int(s.queues.size())));
        } else {
            m_result->setText(tr("Failed: %1").arg(escapeForDisplay(s.error, 600)));
        }
        Q_EMIT testFinished(s.ok());
    });
}

} // namespace qd
