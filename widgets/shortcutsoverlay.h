// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include <QList>
#include <QWidget>

class QGridLayout;
class QMenuBar;

namespace qd {

struct ShortcutEntry
{
    QString group; ///< "File", "War room wall", …
    QString what;  ///< plain text, no mnemonic ampersands
    QString keys;  ///< native text, e.g. "Ctrl+Shift+R"
};

/// Help → Keyboard Shortcuts (F1): every shortcut of the window over a dimmed window, grouped as the menus
/// are. Built from the menus themselves, so it cannot fall behind them. Esc, F1 or a click closes it.
class ShortcutsOverlay final : public QWidget
{
    Q_OBJECT
public:
    explicit ShortcutsOverlay(QWidget *window);
    Q_DISABLE_COPY_MOVE(ShortcutsOverlay)

    /// Every action with a shortcut in the menu bar's menus (and their submenus), in menu order.
    static QList<ShortcutEntry> fromMenus(const QMenuBar *bar);
    void setEntries(const QList<ShortcutEntry> &entries);
    QList<ShortcutEntry> entries() const { return m_entries; }
    void popup();

protected:
    void paintEvent(QPaintEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QList<ShortcutEntry> m_entries;
    QWidget *m_panel;
    QGridLayout *m_grid;
};

} // namespace qd
