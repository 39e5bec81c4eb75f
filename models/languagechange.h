// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QObject>
#include <QTimer>

class QAbstractItemModel;

namespace qd {

/// Turns QEvent::LanguageChange on the application object into one signal, for objects that are not widgets
/// and so never receive the event themselves (item models, action holders). Installing or removing a
/// translator sends the event once each; a switch of language does several in a row, so the signal is
/// coalesced to one per pass of the event loop, like QApplication does for widgets. One instance per
/// application (a child of it), made on first use.
class LanguageChangeNotifier final : public QObject
{
    Q_OBJECT
public:
    /// Null without a QCoreApplication.
    static LanguageChangeNotifier *instance();
    Q_DISABLE_COPY_MOVE(LanguageChangeNotifier)

Q_SIGNALS:
    void languageChanged();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    explicit LanguageChangeNotifier(QObject *app);
    QTimer m_coalesce;
};

/// Models compute their texts with tr() when asked, but views ask again only when told. This makes `model`
/// tell them after a change of language: headerDataChanged over its columns and dataChanged over every row
/// (of every level of a tree). Rows, selection and sort stay as they are.
void retranslateOnLanguageChange(QAbstractItemModel *model);

} // namespace qd
