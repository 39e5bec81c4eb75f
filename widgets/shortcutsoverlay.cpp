// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/shortcutsoverlay.h"

#include <QAction>
#include <QEvent>
#include <QGridLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPainter>
#include <QVBoxLayout>

namespace qd {

namespace {

QString plain(QString text)
{
    text.replace(QStringLiteral("&&"), QStringLiteral("\x01"));
    text.remove(u'&');
    text.replace(QChar(1), u'&');
    if (text.endsWith(QStringLiteral("…"))) {
        text.chop(1);
    }
    return text;
}

void collect(const QMenu *menu, const QString &group, QList<ShortcutEntry> &out)
{
    for (const QAction *a : menu->actions()) {
        if (a->menu()) {
            collect(a->menu(), group, out);
        } else if (!a->isSeparator() && !a->shortcut().isEmpty()) {
            out.append({group, plain(a->text()), a->shortcut().toString(QKeySequence::NativeText)});
        }
    }
}

} // namespace

ShortcutsOverlay::ShortcutsOverlay(QWidget *window) : QWidget(window)
{
    setAccessibleName(tr("Keyboard shortcuts"));
    setFocusPolicy(Qt::StrongFocus);
    hide();
    window->installEventFilter(this); // follows the window's size
    auto *outer = new QVBoxLayout(this);
    outer->addStretch();
    m_panel = new QWidget(this);
    m_panel->setAutoFillBackground(true);
    m_panel->setBackgroundRole(QPalette::Base);
    auto *inner = new QVBoxLayout(m_panel);
    auto *title = new QLabel(tr("Keyboard shortcuts"), m_panel);
    QFont f = title->font();
    f.setPointSizeF(f.pointSizeF() * 1.4);
    f.setBold(true);
    title->setFont(f);
    inner->addWidget(title);
    m_grid = new QGridLayout();
    m_grid->setHorizontalSpacing(18);
    inner->addLayout(m_grid);
    auto *hint = new QLabel(tr("Esc or F1 closes this. Every window's menus show their shortcuts too."), m_panel);
    hint->setEnabled(false);
    inner->addWidget(hint);
    auto *row = new QHBoxLayout();
    row->addStretch();
    row->addWidget(m_panel);
    row->addStretch();
    outer->addLayout(row);
    outer->addStretch();
}

QList<ShortcutEntry> ShortcutsOverlay::fromMenus(const QMenuBar *bar)
{
    QList<ShortcutEntry> out;
    for (const QAction *a : bar->actions()) {
        if (a->menu()) {
            collect(a->menu(), plain(a->text()), out);
        }
    }
    return out;
}

void ShortcutsOverlay::setEntries(const QList<ShortcutEntry> &entries)
{
    m_entries = entries;
    while (QLayoutItem *item = m_grid->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    // Groups in columns of up to 14 rows, so the list reads at a glance on a laptop screen.
    constexpr int rowsPerColumn = 14;
    int row = 0;
    int col = 0;
    QString group;
    auto place = [&](QLabel *label, int c) {
        label->setTextFormat(Qt::PlainText);
        m_grid->addWidget(label, row, col * 2 + c);
    };
    for (const ShortcutEntry &e : entries) {
        const bool newGroup = e.group != group;
        if (row >= rowsPerColumn - (newGroup ? 1 : 0)) {
            row = 0;
            ++col;
        }
        if (newGroup) {
            group = e.group;
            auto *heading = new QLabel(group, m_panel);
            QFont f = heading->font();
            f.setBold(true);
            heading->setFont(f);
            place(heading, 0);
            ++row;
        }
        auto *keys = new QLabel(e.keys, m_panel);
        keys->setForegroundRole(QPalette::Link);
        place(keys, 0);
        place(new QLabel(e.what, m_panel), 1);
        ++row;
    }
}

void ShortcutsOverlay::popup()
{
    setGeometry(parentWidget()->rect());
    show();
    raise();
    setFocus();
}

void ShortcutsOverlay::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), QColor(0, 0, 0, 110)); // the window dimmed behind
}

void ShortcutsOverlay::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Escape || event->key() == Qt::Key_F1 || event->key() == Qt::Key_Question) {
        hide();
        return;
    }
    QWidget::keyPressEvent(event);
}

void ShortcutsOverlay::mousePressEvent(QMouseEvent *)
{
    hide();
}

bool ShortcutsOverlay::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == parentWidget() && event->type() == QEvent::Resize && isVisible()) {
        setGeometry(parentWidget()->rect());
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace qd
