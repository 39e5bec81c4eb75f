// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/jobfilter.h"
#include "core/jobs.h"
#include "core/jobs/pagewalker.h"

#include <QDialog>
#include <QPointer>

#include <memory>

class QComboBox;
class QFile;
class QLabel;
class QLineEdit;
class QPushButton;

namespace qd {

class Backend;
class JobExportWriter;

/// All Matching → Export…: every job the browser's query and narrowing match, written to CSV or JSON Lines
/// page by page as the backend returns them (one page in memory, however many jobs), with the user each job
/// concerns when a user rule is given. Stop keeps what was written and says how many.
class JobExportDialog final : public QDialog
{
    Q_OBJECT
public:
    JobExportDialog(Backend *backend, const JobQuery &query, const JobFilter &narrow, QWidget *parent = nullptr);
    ~JobExportDialog() override;
    Q_DISABLE_COPY_MOVE(JobExportDialog)

    void setFileName(const QString &path);
    void setUserRule(const QString &rule);
    /// Starts the export (the Export button); false, with the reason in statusText(), when it cannot start.
    bool start();
    void stop();
    bool isRunning() const { return m_running; }
    qint64 written() const;
    QString statusText() const;

Q_SIGNALS:
    void exportFinished(bool ok, qint64 rows);

private:
    void onPage(const JobPage &page);
    void onWalked(const PageWalk &walk);
    void finish(bool ok, const QString &text);

    Backend *m_backend;
    JobQuery m_query;
    JobFilter m_narrow;
    std::unique_ptr<JobMatcher> m_matcher;
    std::unique_ptr<QFile> m_file;
    std::unique_ptr<JobExportWriter> m_writer;
    bool m_running = false;
    QPointer<AsyncPageWalker> m_walker;
    QString m_writeError;
    qint64 m_scanned = 0;

    QLineEdit *m_path;
    QComboBox *m_format;
    QLineEdit *m_rule;
    QLabel *m_status;
    QPushButton *m_export;
    QPushButton *m_stopButton;
};

} // namespace qd
