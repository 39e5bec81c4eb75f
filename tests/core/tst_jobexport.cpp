// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/csv.h"
#include "core/export/jobexport.h"

#include <QBuffer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace qd;

namespace {

JobSummary hostile()
{
    JobSummary j;
    j.id = QStringLiteral("42");
    j.queue = QStringLiteral("print");
    j.className = QStringLiteral("=HYPERLINK(\"http://evil\")"); // a spreadsheet would run it
    j.state = JobState::Failed;
    j.attempts = 25;
    j.failedAt = QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC);
    j.errorLine = QStringLiteral("boom, \"quoted\"\nsecond line \u202Eevil");
    j.payload = QStringLiteral(R"({"class":"PrintJob","args":[{"user_id":1001,"card":"<script>"}],"jid":"abc"})");
    return j;
}

} // namespace

class TestJobExport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void formats()
    {
        QCOMPARE(parseExportFormat(QStringLiteral("CSV")), ExportFormat::Csv);
        QCOMPARE(parseExportFormat(QStringLiteral("jsonl")), ExportFormat::JsonLines);
        QCOMPARE(parseExportFormat(QStringLiteral("ndjson")), ExportFormat::JsonLines);
        QVERIFY(!parseExportFormat(QStringLiteral("xlsx")));
    }

    void csvKeepsHostileTextAsData()
    {
        QBuffer buffer;
        QVERIFY(buffer.open(QIODevice::WriteOnly));
        JobExportWriter w(&buffer, ExportFormat::Csv, UserRule::parse(QStringLiteral("/args/0/user_id")).value());
        QVERIFY(w.writeHeader());
        QVERIFY(w.write(hostile()));
        QCOMPARE(w.rows(), 1);
        const QList<QStringList> rows = parseCsv(QString::fromUtf8(buffer.data()));
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[0], JobExportWriter::columns());
        const QStringList r = rows[1];
        QCOMPARE(r[0], QStringLiteral("42"));
        QVERIFY2(r[2].startsWith(u'\''), qPrintable(r[2])); // shown as text, not run as a formula
        QCOMPARE(r[3], QStringLiteral("failed"));
        QCOMPARE(r[4], QStringLiteral("25"));
        QCOMPARE(r[7], QStringLiteral("2023-11-14T22:13:20.000Z"));
        QCOMPARE(r[9], hostile().errorLine); // commas, quotes and newlines survive the round trip
        QCOMPARE(r[10], QStringLiteral("1001"));
        QCOMPARE(r[11], QStringLiteral(R"([{"card":"<script>","user_id":1001}])"));
    }

    void csvForATerminalShowsControlCharactersInert()
    {
        JobSummary j;
        j.id = QStringLiteral("id\x1b]0;owned\x07");
        j.queue = QStringLiteral("q\x1b[2J");
        j.className = QStringLiteral("Nul") + QChar(0) + QStringLiteral("Class\u202Etxt");
        j.state = JobState::Failed;
        QBuffer terminal;
        QVERIFY(terminal.open(QIODevice::WriteOnly));
        JobExportWriter w(&terminal, ExportFormat::Csv);
        w.setForTerminal(true);
        QVERIFY(w.write(j));
        const QByteArray shown = terminal.data();
        for (const char c : {'\x1b', '\x07', '\0'}) {
            QVERIFY2(!shown.contains(c), shown.toHex().constData());
        }
        QVERIFY2(!shown.contains("\u202E"), shown.constData());
        QVERIFY2(shown.contains("owned"), shown.constData()); // escaped, not dropped
        // A file keeps the exact data.
        QBuffer file;
        QVERIFY(file.open(QIODevice::WriteOnly));
        JobExportWriter f(&file, ExportFormat::Csv);
        QVERIFY(f.write(j));
        QVERIFY(file.data().contains('\x1b'));
    }

    void jsonLinesOneObjectPerLine()
    {
        QBuffer buffer;
        QVERIFY(buffer.open(QIODevice::WriteOnly));
        JobExportWriter w(&buffer, ExportFormat::JsonLines, UserRule::parse(QStringLiteral("/args/0/user_id")).value());
        QVERIFY(w.writeHeader()); // nothing for JSON Lines
        JobSummary plain;
        plain.id = QStringLiteral("7");
        plain.queue = QStringLiteral("default");
        QVERIFY(w.write(QList<JobSummary>{hostile(), plain}));
        const QList<QByteArray> lines = buffer.data().split('\n');
        QCOMPARE(lines.size(), 3);
        QVERIFY(lines[2].isEmpty());
        const QJsonObject o = QJsonDocument::fromJson(lines[0]).object();
        QCOMPARE(o.value(QStringLiteral("error")).toString(), hostile().errorLine); // the newline is escaped, not a new line
        QCOMPARE(o.value(QStringLiteral("user")).toString(), QStringLiteral("1001"));
        QVERIFY(o.value(QStringLiteral("args")).isArray());
        const QJsonObject p = QJsonDocument::fromJson(lines[1]).object();
        QVERIFY(p.value(QStringLiteral("user")).isNull()); // no payload: unknown, not ""
        QVERIFY(p.value(QStringLiteral("args")).isNull());
        QVERIFY(p.value(QStringLiteral("attempts")).isNull());
    }

    void argumentsOfEveryPayloadFormat()
    {
        QCOMPARE(payloadArguments(QStringLiteral(R"({"class":"X","args":[1,"a"]})")), QStringLiteral(R"([1,"a"])")); // Sidekiq
        QCOMPARE(payloadArguments(QStringLiteral(R"({"name":"send","data":{"to":3}})")), QStringLiteral(R"({"to":3})")); // BullMQ
        QCOMPARE(payloadArguments(QStringLiteral(R"([[1,2],{"k":1},{"callbacks":null}])")),
                 QStringLiteral(R"([[1,2],{"k":1},{"callbacks":null}])")); // Celery protocol 2 body
        // A Delayed::Job handler: its attributes, from YAML that is read, never run.
        QCOMPARE(payloadArguments(QStringLiteral("--- !ruby/struct:PrintJob\nuser_id: 1001\ncard_id: 7\n")),
                 QStringLiteral(R"({"card_id":7,"user_id":1001})"));
        QCOMPARE(payloadArguments(QStringLiteral(
                     "--- !ruby/object:ActiveJob::QueueAdapters::DelayedJobAdapter::JobWrapper\njob_data:\n  job_class: A\n  arguments:\n  - 5\n")),
                 QStringLiteral("[5]"));
        QCOMPARE(payloadArguments(QString()), QString());
        QCOMPARE(payloadArguments(QStringLiteral("{not json")), QString());
    }

    void aFailingDeviceIsReported()
    {
        QBuffer closed; // never opened: every write fails, as on a full disk or a closed pipe
        JobExportWriter w(&closed, ExportFormat::Csv);
        QVERIFY(!w.writeHeader());
        QVERIFY(!w.error().isEmpty());
        QCOMPARE(w.rows(), 0);
    }
};

QTEST_MAIN(TestJobExport)
#include "tst_jobexport.moc"
