// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/jobexportdialog.h"

#include "core/backend.h"
#include "core/clock.h"
#include "core/export/jobexport.h"
#include "core/privatefiles.h"
#include "core/futurewatch.h"
#include "core/textsafety.h"

#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace qd {

namespace {
constexpr int kPageSize = 1000;
}

JobExportDialog::JobExportDialog(Backend *backend, const JobQuery &query, const JobFilter &narrow, QWidget *parent)
    : QDialog(parent), m_backend(backend), m_query(query), m_narrow(narrow)
{
    setWindowTitle(tr("Export Jobs"));
    auto *root = new QVBoxLayout(this);
    auto *what = new QLabel(tr("Every %1 job in %2 that the browser's search and filters match.")
                                .arg(jobStateText(query.state), escapeForDisplay(query.queue, 120)),
                            this);
    what->setTextFormat(Qt::PlainText);
    what->setWordWrap(true);
    root->addWidget(what);
    auto *form = new QFormLayout();
    m_path = new QLineEdit(this);
    auto *browse = new QPushButton(tr("&Browse…"), this);
    auto *fileRow = new QHBoxLayout();
    fileRow->addWidget(m_path, 1);
    fileRow->addWidget(browse);
    form->addRow(tr("&File:"), fileRow);
    m_format = new QComboBox(this);
    m_format->addItem(tr("CSV (spreadsheets)"), int(ExportFormat::Csv));
    m_format->addItem(tr("JSON Lines (one job per line)"), int(ExportFormat::JsonLines));
    form->addRow(tr("F&ormat:"), m_format);
    m_rule = new QLineEdit(this);
    m_rule->setPlaceholderText(tr("optional: /args/0/user_id, arg:0 or re:…"));
    m_rule->setToolTip(tr("Fills the user column with the user each job concerns."));
    form->addRow(tr("&User rule:"), m_rule);
    root->addLayout(form);
    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    root->addWidget(m_status);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_export = buttons->addButton(tr("&Export"), QDialogButtonBox::ActionRole);
    m_export->setDefault(true);
    m_stopButton = buttons->addButton(tr("&Stop"), QDialogButtonBox::ActionRole);
    m_stopButton->setEnabled(false);
    root->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_export, &QPushButton::clicked, this, [this] { start(); });
    connect(m_stopButton, &QPushButton::clicked, this, &JobExportDialog::stop);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export Jobs"), m_path->text(),
                                                          tr("CSV (*.csv);;JSON Lines (*.jsonl)"));
        if (!path.isEmpty()) {
            setFileName(path);
        }
    });
    connect(m_path, &QLineEdit::textEdited, this, [this](const QString &p) {
        if (p.endsWith(QStringLiteral(".jsonl"), Qt::CaseInsensitive)) {
            m_format->setCurrentIndex(m_format->findData(int(ExportFormat::JsonLines)));
        } else if (p.endsWith(QStringLiteral(".csv"), Qt::CaseInsensitive)) {
            m_format->setCurrentIndex(m_format->findData(int(ExportFormat::Csv)));
        }
    });
}

JobExportDialog::~JobExportDialog() = default;

void JobExportDialog::setFileName(const QString &path)
{
    m_path->setText(path);
    Q_EMIT m_path->textEdited(path); // the format follows the extension
}

void JobExportDialog::setUserRule(const QString &rule)
{
    m_rule->setText(rule);
}

qint64 JobExportDialog::written() const
{
    return m_writer ? m_writer->rows() : 0;
}

QString JobExportDialog::statusText() const
{
    return m_status->text();
}

bool JobExportDialog::start()
{
    if (m_running) {
        return false;
    }
    auto refuse = [this](const QString &why) {
        m_status->setText(why);
        return false;
    };
    if (!m_backend) {
        return refuse(tr("No connection."));
    }
    if (m_path->text().trimmed().isEmpty()) {
        return refuse(tr("Choose a file to write."));
    }
    std::optional<UserRule> rule;
    if (!m_rule->text().trimmed().isEmpty()) {
        auto parsed = UserRule::parse(m_rule->text().trimmed());
        if (!parsed) {
            return refuse(tr("User rule: %1").arg(parsed.error()));
        }
        rule = parsed.value();
    }
    auto matcher = JobMatcher::create(m_narrow);
    if (!matcher) {
        return refuse(tr("Filter: %1").arg(matcher.error()));
    }
    m_matcher = std::make_unique<JobMatcher>(matcher.value());
    makePrivateFile(m_path->text().trimmed()); // job payloads and user ids: created owner-only
    m_file = std::make_unique<QFile>(m_path->text().trimmed());
    if (!m_file->open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        return refuse(tr("Cannot write %1: %2").arg(m_file->fileName(), m_file->errorString()));
    }
    m_writer = std::make_unique<JobExportWriter>(m_file.get(), ExportFormat(m_format->currentData().toInt()), rule);
    if (!m_writer->writeHeader()) {
        finish(false, m_writer->error());
        return false;
    }
    m_running = true;
    m_writeError.clear();
    m_scanned = 0;
    m_query.after.clear();
    m_query.withPayload = true; // args and users, where the backend carries payloads
    m_export->setEnabled(false);
    m_stopButton->setEnabled(true);
    m_status->setText(tr("Exporting…"));
    // Through empty budgeted pages to the end of the listing: a match deep in a big live queue is exported too.
    delete m_walker;
    m_walker = new AsyncPageWalker(m_backend, m_query, -1, kPageSize, this);
    connect(m_walker, &AsyncPageWalker::page, this, &JobExportDialog::onPage);
    connect(m_walker, &AsyncPageWalker::finished, this, &JobExportDialog::onWalked);
    m_walker->start();
    return true;
}

void JobExportDialog::stop()
{
    if (m_walker) {
        m_walker->stop(); // the page in flight is dropped: what is written stays consistent
    }
}

void JobExportDialog::onPage(const JobPage &page)
{
    m_scanned += page.jobs.size();
    const QDateTime now = m_backend->clock() ? m_backend->clock()->now() : QDateTime::currentDateTimeUtc();
    for (const JobSummary &j : page.jobs) {
        if (m_matcher->matches(j, now) && !m_writer->write(j)) {
            m_writeError = m_writer->error();
            m_walker->stop();
            return;
        }
    }
    m_status->setText(tr("%Ln job(s) written, %1 looked at…", nullptr, int(written())).arg(m_scanned));
}

void JobExportDialog::onWalked(const PageWalk &walk)
{
    if (!m_writeError.isEmpty()) {
        finish(false, m_writeError);
    } else if (!walk.error.isEmpty()) {
        finish(false, tr("Stopped by an error after %Ln job(s): %1", nullptr, int(written())).arg(escapeForDisplay(walk.error, 400)));
    } else if (walk.reachedEnd) {
        finish(true, tr("%Ln job(s) written to %1.", nullptr, int(written())).arg(m_file->fileName()));
    } else {
        finish(true, tr("Stopped: %Ln job(s) written to %1; the rest were not exported.", nullptr, int(written()))
                         .arg(m_file->fileName()));
    }
}

void JobExportDialog::finish(bool ok, const QString &text)
{
    if (m_file) {
        m_file->close();
    }
    m_running = false;
    m_export->setEnabled(true);
    m_stopButton->setEnabled(false);
    m_status->setText(text);
    Q_EMIT exportFinished(ok, written());
}

} // namespace qd
