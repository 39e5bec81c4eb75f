// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QDialog>

#include <memory>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace qd {

class Backend;

/// "Add connection": a name, a URL (with an example per scheme), and a Test button that takes one real
/// snapshot in the background and says plainly what happened. OK stays disabled until the URL parses.
class AddConnectionDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit AddConnectionDialog(QWidget *parent = nullptr);
    Q_DISABLE_COPY_MOVE(AddConnectionDialog)
    ~AddConnectionDialog() override;

    QString name() const;
    QString url() const;
    void setUrl(const QString &url);
    QString resultText() const; ///< the parse error or the test result shown under the URL
    void test();                ///< what the Test button does

Q_SIGNALS:
    void testFinished(bool ok);

private:
    void validate();

    QLineEdit *m_name;
    QLineEdit *m_url;
    QComboBox *m_examples;
    QPushButton *m_test;
    QLabel *m_result;
    QDialogButtonBox *m_buttons;
    std::shared_ptr<Backend> m_testing;
    quint64 m_testGeneration = 0;
};

} // namespace qd
