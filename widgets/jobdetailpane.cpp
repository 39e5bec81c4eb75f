// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/jobdetailpane.h"

#include "core/textsafety.h"
#include "models/freshness.h"

#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace qd {

JobDetailPane::JobDetailPane(QWidget *parent)
    : QWidget(parent), m_similar(new QLabel(this)), m_similarRetry(new QPushButton(this)),
      m_copyJson(new QPushButton(this)), m_text(new QPlainTextEdit(this))
{
    auto *column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    auto *bar = new QHBoxLayout();
    m_similar->setTextFormat(Qt::PlainText);
    m_similarRetry->hide();
    m_copyJson->setEnabled(false);
    bar->addWidget(m_similar, 1);
    bar->addWidget(m_similarRetry);
    bar->addWidget(m_copyJson);
    column->addLayout(bar);
    m_text->setReadOnly(true);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    column->addWidget(m_text, 1);
    connect(m_copyJson, &QPushButton::clicked, this, &JobDetailPane::copyJsonRequested);
    connect(m_similarRetry, &QPushButton::clicked, this, &JobDetailPane::retrySimilarRequested);
    retranslate();
}

void JobDetailPane::showJob(const JobDetail &detail)
{
    const JobSummary &s = detail.summary;
    QString text = tr("Job %1 · %2 · %3 · queue %4 · attempts %5\n")
                       .arg(s.id, escapeForDisplay(s.className, 120), jobStateText(s.state), escapeForDisplay(s.queue, 120),
                            s.attempts ? QString::number(*s.attempts) : QStringLiteral("—"));
    const auto when = [](const QDateTime &t) {
        return t.isValid() ? QLocale().toString(t.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss")) : Freshness::unknown();
    };
    text += tr("Enqueued %1 · run at %2 · failed at %3\n").arg(when(s.enqueuedAt), when(s.runAt), when(s.failedAt));
    if (!s.worker.isEmpty()) {
        text += tr("Worker: %1\n").arg(escapeForDisplay(s.worker, 200));
    }
    text += tr("\nPayload:\n%1\n").arg(escapeMultiline(detail.payload));
    if (!detail.error.isEmpty()) {
        text += tr("\nLast error:\n%1\n").arg(escapeMultiline(detail.error));
    }
    m_text->setPlainText(text); // plain text: nothing in a payload is ever interpreted
    m_copyJson->setEnabled(true);
}

void JobDetailPane::showText(const QString &text)
{
    m_text->setPlainText(text);
}

QString JobDetailPane::text() const
{
    return m_text->toPlainText();
}

void JobDetailPane::forgetJob()
{
    m_copyJson->setEnabled(false);
    m_similar->clear();
    m_similarRetry->hide();
}

void JobDetailPane::setSimilar(const QString &text)
{
    m_similar->setText(text);
}

QString JobDetailPane::similarText() const
{
    return m_similar->text();
}

void JobDetailPane::offerRetrySimilar(bool offer)
{
    m_similarRetry->setVisible(offer);
}

void JobDetailPane::retranslate()
{
    m_similar->setAccessibleName(tr("Similar jobs"));
    m_similarRetry->setText(tr("Retry All Similar…"));
    m_similarRetry->setToolTip(tr("Every job in this queue and state with the same error, in batches"));
    m_copyJson->setText(tr("Copy as &JSON"));
    m_copyJson->setToolTip(tr("The selected job as JSON: summary, payload and full error"));
    m_text->setAccessibleName(tr("Job payload and error"));
}

void JobDetailPane::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) {
        retranslate();
    }
    QWidget::changeEvent(event);
}

} // namespace qd
