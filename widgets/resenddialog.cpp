// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "widgets/resenddialog.h"
#include "core/timeline/incidenttimeline.h"

#include "core/actions/operatoractions.h"
#include "core/audit/auditlog.h"
#include "core/backend.h"
#include "core/futurewatch.h"
#include "core/textsafety.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSplitter>
#include <QTextBlock>
#include <QVBoxLayout>

namespace qd {

namespace {

bool invisibleFormatChar(char16_t c)
{
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F || c == 0x061C
           || c == 0x200B || c == 0xFEFF;
}

} // namespace

QString ResendDialog::editableJson(const QString &payload)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(payload.toUtf8(), &error);
    const QString text = error.error == QJsonParseError::NoError ? QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed()
                                                                  : payload;
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        if (invisibleFormatChar(c.unicode())) {
            out += QStringLiteral("\\u%1").arg(int(c.unicode()), 4, 16, QLatin1Char('0'));
        } else {
            out += c;
        }
    }
    return out;
}

QString ResendDialog::lineDiff(const QString &before, const QString &after, int maxLines)
{
    const QStringList a = before.split(u'\n');
    const QStringList b = after.split(u'\n');
    if (a.size() > maxLines || b.size() > maxLines) {
        return tr("(too long to compare line by line: %1 and %2 lines)").arg(a.size()).arg(b.size());
    }
    // Longest common subsequence of lines, then walked from the start.
    const qsizetype n = a.size();
    const qsizetype m = b.size();
    QList<int> lcs((n + 1) * (m + 1), 0);
    const auto at = [m](qsizetype i, qsizetype j) { return i * (m + 1) + j; };
    for (qsizetype i = n - 1; i >= 0; --i) {
        for (qsizetype j = m - 1; j >= 0; --j) {
            lcs[at(i, j)] = a.at(i) == b.at(j) ? lcs[at(i + 1, j + 1)] + 1 : std::max(lcs[at(i + 1, j)], lcs[at(i, j + 1)]);
        }
    }
    QStringList out;
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a.at(i) == b.at(j)) {
            out << QStringLiteral("  ") + a.at(i);
            ++i;
            ++j;
        } else if (i < n && (j == m || lcs[at(i + 1, j)] >= lcs[at(i, j + 1)])) {
            out << QStringLiteral("- ") + a.at(i++); // removed lines first, as diff(1) shows them
        } else {
            out << QStringLiteral("+ ") + b.at(j++);
        }
    }
    return out.join(u'\n');
}

ResendDialog::ResendDialog(Backend *backend, AuditLog *audit, const QString &operatorName, const QString &jobId,
                           JobState expected, QWidget *parent)
    : QDialog(parent), m_backend(backend), m_audit(audit), m_operator(operatorName), m_jobId(jobId), m_expected(expected),
      m_what(new QLabel(this)), m_editor(new QPlainTextEdit(this)), m_validation(new QLabel(this)),
      m_diff(new QPlainTextEdit(this)), m_asNew(new QRadioButton(this)), m_inPlace(new QRadioButton(this)),
      m_status(new QLabel(this)), m_resend(new QPushButton(this))
{
    setWindowTitle(tr("Edit and Resend — %1").arg(escapeForDisplay(jobId, 80)));
    auto *layout = new QVBoxLayout(this);
    m_what->setTextFormat(Qt::PlainText);
    m_what->setWordWrap(true);
    m_what->setText(tr("Loading %1…").arg(escapeForDisplay(jobId, 120)));
    layout->addWidget(m_what);
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_editor->setFont(fixed);
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_editor->setAccessibleName(tr("Edited payload (JSON)"));
    m_editor->setEnabled(false);
    m_diff->setFont(fixed);
    m_diff->setReadOnly(true);
    m_diff->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_diff->setAccessibleName(tr("Changes against the original"));
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_editor);
    split->addWidget(m_diff);
    layout->addWidget(split, 1);
    m_validation->setTextFormat(Qt::PlainText);
    m_validation->setWordWrap(true);
    layout->addWidget(m_validation);
    m_asNew->setText(tr("Resend as a &new job (the original stays where it is)"));
    m_inPlace->setText(tr("Replace the original with the edit and &retry it (same id)"));
    m_asNew->setChecked(true);
    if (!m_backend->capabilities().resendCopy) {
        // RabbitMQ: a got message is either acknowledged or given back, never both; the edit replaces it.
        m_asNew->setEnabled(false);
        m_asNew->setToolTip(tr("The %1 backend can only resend in place.").arg(m_backend->kind()));
        m_inPlace->setChecked(true);
    }
    layout->addWidget(m_asNew);
    layout->addWidget(m_inPlace);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_resend->setText(tr("Re&send"));
    m_resend->setEnabled(false);
    buttons->addButton(m_resend, QDialogButtonBox::AcceptRole);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_resend, &QPushButton::clicked, this, &ResendDialog::resend);
    connect(m_editor, &QPlainTextEdit::textChanged, this, &ResendDialog::validate);
    resize(1000, 600);

    if (!m_audit) {
        setStatus(tr("The audit log could not be opened: nothing is resent without it."), true);
    }
    whenFinished(m_backend->job(jobId), this, [this](const JobDetail &detail) {
        if (!detail.failure.isEmpty()) {
            m_what->setText(tr("Cannot load %1: %2").arg(escapeForDisplay(m_jobId, 120), escapeForDisplay(detail.failure, 300)));
            return;
        }
        m_what->setText(tr("%1 — %2, %3. Edit the job below; the right side shows what changed.")
                            .arg(escapeForDisplay(detail.summary.className, 80), jobStateText(detail.summary.state),
                                 escapeForDisplay(detail.summary.errorLine, 200)));
        m_original = editableJson(detail.editablePayload.isEmpty() ? detail.payload : detail.editablePayload);
        m_loaded = true;
        m_editor->setEnabled(true);
        m_editor->setPlainText(m_original);
    });
}

ResendDialog::~ResendDialog() = default;

void ResendDialog::setInPlace(bool inPlace)
{
    (inPlace ? m_inPlace : m_asNew)->setChecked(true);
}

QString ResendDialog::validationText() const
{
    return m_validation->text();
}

QString ResendDialog::diffText() const
{
    return m_diff->toPlainText();
}

QString ResendDialog::statusText() const
{
    return m_status->text();
}

void ResendDialog::validate()
{
    const QString text = m_editor->toPlainText();
    QJsonParseError error;
    QJsonDocument::fromJson(text.toUtf8(), &error);
    QString problem;
    if (error.error != QJsonParseError::NoError) {
        // The parser counts UTF-8 bytes: say where in lines and columns, as the editor shows them.
        const QString before = QString::fromUtf8(text.toUtf8().left(error.offset));
        const qsizetype line = before.count(u'\n') + 1;
        const qsizetype column = before.size() - before.lastIndexOf(u'\n');
        problem = tr("Not valid JSON at line %1, column %2: %3").arg(line).arg(column).arg(error.errorString());
    } else {
        problem = m_backend->validatePayload(text);
    }
    m_valid = problem.isEmpty();
    m_validation->setText(m_valid ? tr("✔ Valid: ready to resend.") : QStringLiteral("✖ ") + escapeForDisplay(problem, 400));
    m_diff->setPlainText(text == m_original ? tr("(no changes yet)") : lineDiff(m_original, text));
    // Removed and added lines tinted (and marked "- " / "+ ": not colour alone), readable in both themes.
    QList<QTextEdit::ExtraSelection> marks;
    const bool dark = palette().color(QPalette::Base).lightness() < 128;
    for (QTextBlock block = m_diff->document()->begin(); block.isValid(); block = block.next()) {
        const QString line = block.text();
        if (!line.startsWith(u'-') && !line.startsWith(u'+')) {
            continue;
        }
        QTextEdit::ExtraSelection mark;
        mark.cursor = QTextCursor(block);
        mark.format.setProperty(QTextFormat::FullWidthSelection, true);
        const bool removed = line.startsWith(u'-');
        mark.format.setBackground(dark ? (removed ? QColor(0x5c, 0x1e, 0x1e) : QColor(0x1e, 0x4d, 0x2b))
                                       : (removed ? QColor(0xfd, 0xe2, 0xe2) : QColor(0xdc, 0xf5, 0xe3)));
        marks << mark;
    }
    m_diff->setExtraSelections(marks);
    m_resend->setEnabled(m_valid && m_loaded && m_audit);
}

void ResendDialog::setStatus(const QString &text, bool bad)
{
    m_status->setText(text);
    QPalette pal = m_status->palette();
    pal.setColor(QPalette::WindowText, bad ? QColor(0xc6, 0x28, 0x28) : palette().color(QPalette::WindowText));
    m_status->setPalette(pal);
}

void ResendDialog::resend()
{
    if (!m_valid || !m_loaded || !m_audit) {
        return;
    }
    ResendRequest request;
    request.jobId = m_jobId;
    request.expected = m_expected;
    request.payload = m_editor->toPlainText();
    request.inPlace = m_inPlace->isChecked();
    m_resend->setEnabled(false);
    setStatus(tr("Resending…"), false);
    const ActionContext context{m_operator, true, {}, m_timeline, m_timelineConnection};
    whenFinished(OperatorActions(m_audit).resend(*m_backend, request, context), this,
                 [this](const ActionOutcome<ResendResult> &done) {
                     setStatus(done.summary, !done.ok);
                     m_resend->setEnabled(!done.ok && m_valid);
                     Q_EMIT finished(done.ok, done.summary);
                 });
}

void ResendDialog::setTimeline(IncidentTimeline *timeline, const QString &connectionId)
{
    m_timeline = timeline;
    m_timelineConnection = connectionId;
}

} // namespace qd
