// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/auditview.h"

#include "core/audit/auditlog.h"
#include "models/auditmodel.h"
#include "core/futurewatch.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QTableView>
#include <QVBoxLayout>

namespace qd {

namespace {
constexpr int kRows = 5000;
}

AuditView::AuditView(AuditLog *audit, QWidget *parent)
    : QDialog(parent), m_audit(audit), m_model(new AuditModel(this)), m_filter(new AuditFilterModel(this))
{
    m_filter->setSourceModel(m_model);
    m_filter->setSortRole(AuditModel::SortRole);
    auto *root = new QVBoxLayout(this);
    auto *bar = new QHBoxLayout();
    m_text = new QLineEdit(this);
    m_text->setClearButtonEnabled(true);
    m_action = new QComboBox(this);
    m_action->addItem(QString(), QString()); // "All actions"
    for (const char *a : {"retry", "cancel", "move", "purge", "notify"}) {
        m_action->addItem(QString::fromLatin1(a), QString::fromLatin1(a));
    }
    bar->addWidget(m_text, 1);
    bar->addWidget(m_action);
    root->addLayout(bar);
    m_table = new QTableView(this);
    m_table->setModel(m_filter);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(AuditModel::Time, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    root->addWidget(m_table, 1);
    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText);
    root->addWidget(m_status);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_export = buttons->addButton(QString(), QDialogButtonBox::ActionRole);
    m_refresh = buttons->addButton(QString(), QDialogButtonBox::ActionRole);
    root->addWidget(buttons);

    connect(m_text, &QLineEdit::textChanged, this, [this](const QString &t) {
        m_filter->setText(t);
        updateStatus();
    });
    connect(m_action, &QComboBox::currentIndexChanged, this, [this] {
        m_filter->setAction(m_action->currentData().toString());
        updateStatus();
    });
    connect(m_refresh, &QPushButton::clicked, this, &AuditView::refresh);
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(this, tr("Export Audit Log"), tr("queuedeck-audit.csv"), tr("CSV (*.csv)"));
        if (file.isEmpty()) {
            return;
        }
        if (const QString e = exportCsv(file); !e.isEmpty()) {
            QMessageBox::warning(this, tr("Export Audit Log"), e);
        }
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    resize(1000, 520);
    retranslate();
    refresh();
}

void AuditView::retranslate()
{
    setWindowTitle(tr("Audit Log"));
    m_text->setPlaceholderText(tr("Filter: operator, connection, job id, result…"));
    m_text->setAccessibleName(tr("Audit filter"));
    m_action->setItemText(0, tr("All actions")); // the others are the log's own action names
    m_action->setAccessibleName(tr("Action"));
    m_table->setAccessibleName(tr("Audit log entries"));
    m_export->setText(tr("Export CSV…"));
    m_refresh->setText(tr("Refresh"));
    updateStatus();
}

void AuditView::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        retranslate();
    }
    QDialog::changeEvent(event);
}

void AuditView::refresh()
{
    if (!m_audit) {
        updateStatus();
        return;
    }
    whenFinished(m_audit->recent(kRows), this, [this](const QList<AuditRecord> &records) {
        m_model->setRecords(records);
        m_table->resizeColumnsToContents();
        for (int c = 0; c < AuditModel::ColumnCount; ++c) {
            m_table->setColumnWidth(c, std::min(m_table->columnWidth(c), 320)); // the tooltip has the rest
        }
        updateStatus();
        Q_EMIT refreshed();
    });
}

void AuditView::setFilterText(const QString &text)
{
    m_text->setText(text);
}

void AuditView::setActionFilter(const QString &action)
{
    m_action->setCurrentIndex(std::max(0, m_action->findData(action)));
}

QString AuditView::exportCsv(const QString &file) const
{
    QSaveFile out(file); // all or nothing: a half-written export is worse than none
    // Job payloads before and after edits: the owner's only, as the audit log itself.
    if (!out.open(QIODevice::WriteOnly) || !out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || !m_filter->writeCsv(out) || !out.commit()) {
        return tr("Cannot write %1: %2").arg(file, out.errorString());
    }
    return {};
}

QString AuditView::statusText() const
{
    return m_status->text();
}

void AuditView::updateStatus()
{
    if (!m_audit) {
        m_status->setText(tr("There is no audit log: actions are disabled."));
        return;
    }
    m_status->setText(tr("%1 of %2 entries shown (the newest %3) · %4")
                          .arg(m_filter->rowCount())
                          .arg(m_model->rowCount())
                          .arg(kRows)
                          .arg(m_audit->path()));
}

} // namespace qd
