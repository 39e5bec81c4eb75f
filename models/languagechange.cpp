// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "models/languagechange.h"

#include <QAbstractItemModel>
#include <QCoreApplication>
#include <QEvent>
#include <QPointer>

namespace qd {

namespace {

void announceRows(QAbstractItemModel *model, const QModelIndex &parent)
{
    const int rows = model->rowCount(parent);
    const int columns = model->columnCount(parent);
    if (rows <= 0 || columns <= 0) {
        return;
    }
    Q_EMIT model->dataChanged(model->index(0, 0, parent), model->index(rows - 1, columns - 1, parent));
    for (int row = 0; row < rows; ++row) {
        const QModelIndex child = model->index(row, 0, parent);
        if (!(model->flags(child) & Qt::ItemNeverHasChildren) && model->hasChildren(child)) {
            announceRows(model, child);
        }
    }
}

} // namespace

LanguageChangeNotifier::LanguageChangeNotifier(QObject *app) : QObject(app)
{
    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(0);
    connect(&m_coalesce, &QTimer::timeout, this, &LanguageChangeNotifier::languageChanged);
    app->installEventFilter(this);
}

LanguageChangeNotifier *LanguageChangeNotifier::instance()
{
    // A QPointer, not a plain static: tests may create more than one application in a process.
    static QPointer<LanguageChangeNotifier> notifier;
    if (!notifier && QCoreApplication::instance()) {
        notifier = new LanguageChangeNotifier(QCoreApplication::instance());
    }
    return notifier;
}

bool LanguageChangeNotifier::eventFilter(QObject *watched, QEvent *event)
{
    // A filter on the application sees every event of every object: keep the test cheap.
    if (event->type() == QEvent::LanguageChange && watched == parent()) {
        m_coalesce.start();
    }
    return false;
}

void retranslateOnLanguageChange(QAbstractItemModel *model)
{
    if (LanguageChangeNotifier *notifier = LanguageChangeNotifier::instance()) {
        QObject::connect(notifier, &LanguageChangeNotifier::languageChanged, model, [model] {
            if (const int columns = model->columnCount(); columns > 0) {
                Q_EMIT model->headerDataChanged(Qt::Horizontal, 0, columns - 1);
            }
            announceRows(model, {});
        });
    }
}

} // namespace qd
