// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/jobs.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace qd {

/// The selected job: its summary, payload and last error as plain text (payloads are hostile: control and bidi
/// characters are shown escaped, and nothing in them is ever interpreted); above it, how many jobs failed the same way
/// with Retry All Similar, and Copy as JSON.
class JobDetailPane final : public QWidget
{
    Q_OBJECT
public:
    explicit JobDetailPane(QWidget *parent = nullptr);
    Q_DISABLE_COPY_MOVE(JobDetailPane)

    /// Shows `detail` and offers to copy it.
    void showJob(const JobDetail &detail);
    /// Shows a sentence instead of a job ("3 jobs selected", why the job could not be read); empty clears.
    void showText(const QString &text);
    QString text() const;
    /// Forgets the job for the copy and the similar count (the text stays until the next one arrives).
    void forgetJob();
    void setSimilar(const QString &text);
    QString similarText() const;
    void offerRetrySimilar(bool offer);

Q_SIGNALS:
    void copyJsonRequested();
    void retrySimilarRequested();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();

    QLabel *m_similar;
    QPushButton *m_similarRetry;
    QPushButton *m_copyJson;
    QPlainTextEdit *m_text;
};

} // namespace qd
