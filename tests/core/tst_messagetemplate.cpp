// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// Message templates: placeholders, single-pass rendering of hostile values, template files, human delays.
#include "core/recipients/messagebuilder.h"
#include "core/recipients/messagetemplate.h"

#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace qd;

namespace {
MessageValues ada()
{
    MessageValues v;
    v.user = QStringLiteral("42");
    v.name = QStringLiteral("Ada");
    v.email = QStringLiteral("ada@example.com");
    v.jobCount = 3;
    v.delayS = 3 * 3600 + 12 * 60 + 5;
    v.queue = QStringLiteral("print");
    v.incident = QStringLiteral("INC-7");
    return v;
}
} // namespace

class TestMessageTemplate : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    /// One builder for `notify` and Tell Affected Users: the same text and the same fields sent along.
    void theBuilderRendersAndCarriesWhatSupportNeeds()
    {
        const auto t = MessageTemplate::parse(QStringLiteral("late"), QStringLiteral("Sorry, {{name}}"),
                                              QStringLiteral("{{job_count}} job(s) waited {{delay}} ({{incident}})"));
        QVERIFY(t.ok());
        Recipient known;
        known.user = QStringLiteral("u1");
        known.jobCount = 3;
        known.longestDelayS = 3600;
        known.queue = QStringLiteral("print");
        known.sampleJobIds = {QStringLiteral("j1"), QStringLiteral("j2")};
        Recipient unknown = known;
        unknown.user = QStringLiteral("u2");
        const MessageBuilder builder(*t, QStringLiteral("INC-7"),
                                     {{QStringLiteral("u1"), Contact{QStringLiteral("Ada"), QStringLiteral("ada@example.com")}}});
        const QList<OutgoingMessage> m = builder.messages({known, unknown});
        QCOMPARE(m.size(), 2);
        QCOMPARE(m.at(0).subject, QStringLiteral("Sorry, Ada"));
        QCOMPARE(m.at(0).body, QStringLiteral("3 job(s) waited 1 h (INC-7)"));
        QCOMPARE(m.at(0).extra.value(QStringLiteral("email")).toString(), QStringLiteral("ada@example.com"));
        QCOMPARE(m.at(0).extra.value(QStringLiteral("sample_job_ids")).toArray(),
                 QJsonArray::fromStringList({QStringLiteral("j1"), QStringLiteral("j2")}));
        QCOMPARE(m.at(0).extra.value(QStringLiteral("queue")).toString(), QStringLiteral("print"));
        QVERIFY(!m.at(1).extra.contains(QStringLiteral("name"))); // nothing known: no empty name sent along
        QCOMPARE(m.at(1).subject, QStringLiteral("Sorry, "));
    }

    void humanDelays_data()
    {
        QTest::addColumn<qint64>("seconds");
        QTest::addColumn<QString>("text");
        QTest::newRow("negative") << qint64(-5) << QStringLiteral("0 s");
        QTest::newRow("0") << qint64(0) << QStringLiteral("0 s");
        QTest::newRow("45 s") << qint64(45) << QStringLiteral("45 s");
        QTest::newRow("1 min") << qint64(60) << QStringLiteral("1 min");
        QTest::newRow("59 min") << qint64(59 * 60 + 59) << QStringLiteral("59 min");
        QTest::newRow("1 h") << qint64(3600) << QStringLiteral("1 h");
        QTest::newRow("3 h 12 min") << qint64(3 * 3600 + 12 * 60 + 5) << QStringLiteral("3 h 12 min");
        QTest::newRow("1 d") << qint64(86400) << QStringLiteral("1 d");
        QTest::newRow("2 d 5 h") << qint64(2 * 86400 + 5 * 3600 + 59) << QStringLiteral("2 d 5 h");
    }
    void humanDelays()
    {
        QFETCH(qint64, seconds);
        QFETCH(QString, text);
        QCOMPARE(humanDelay(seconds), text);
    }

    void rendersEveryPlaceholder()
    {
        const auto t = MessageTemplate::parse(
            QStringLiteral("delay"), QStringLiteral("{{incident}}: your {{job_count}} jobs in {{queue}}"),
            QStringLiteral("Hi {{name}} ({{ user }}, {{email}}),\nyour jobs waited {{delay}}.\n"));
        QVERIFY2(t.ok(), qPrintable(t.error()));
        QCOMPARE(t->name(), QStringLiteral("delay"));
        const auto r = t->render(ada());
        QCOMPARE(r.subject, QStringLiteral("INC-7: your 3 jobs in print"));
        QCOMPARE(r.body, QStringLiteral("Hi Ada (42, ada@example.com),\nyour jobs waited 3 h 12 min.\n"));
        QCOMPARE(r.subjectChars, r.subject.size());
        QCOMPARE(r.bodyChars, r.body.size());
    }

    void valuesAreNeverRescanned()
    {
        const auto t = MessageTemplate::parse(QStringLiteral("t"), QStringLiteral("Hello {{name}}"),
                                              QStringLiteral("{{name}} / {{user}} / {{email}}"));
        QVERIFY(t.ok());
        MessageValues v = ada();
        v.name = QStringLiteral("{{email}}");          // a placeholder as a name stays that text
        v.user = QStringLiteral("{{user}}{{");         // so does a half one
        v.email = QStringLiteral("}}{{job_count}}{{"); // and one made of the neighbours' braces
        const auto r = t->render(v);
        QCOMPARE(r.subject, QStringLiteral("Hello {{email}}"));
        QCOMPARE(r.body, QStringLiteral("{{email}} / {{user}}{{ / }}{{job_count}}{{"));
    }

    void hostileValuesCannotBreakLines()
    {
        const auto t = MessageTemplate::parse(QStringLiteral("t"), QStringLiteral("About {{name}}"),
                                              QStringLiteral("Dear {{name}}\nbye"));
        QVERIFY(t.ok());
        MessageValues v = ada();
        v.name = QStringLiteral("Eve\r\nBcc: all@example.com\x1b[2J\u2028x");
        const auto r = t->render(v);
        QVERIFY2(!r.subject.contains(u'\n') && !r.subject.contains(u'\r') && !r.subject.contains(QChar(0x1b)),
                 qPrintable(r.subject));
        QCOMPARE(r.subject, QStringLiteral("About Eve  Bcc: all@example.com [2J x"));
        QCOMPARE(r.body.count(u'\n'), 1); // only the template's own newline
    }

    void unknownPlaceholdersAreListed()
    {
        const auto t = MessageTemplate::parse(QStringLiteral("oops"), QStringLiteral("{{usr}} {{user}}"),
                                              QStringLiteral("{{ delay_s }} and {{usr}} and {{Name}}"));
        QVERIFY(!t.ok());
        QVERIFY2(t.error().contains(QStringLiteral("{{usr}}, {{delay_s}}, {{Name}}")), qPrintable(t.error()));
        QVERIFY2(t.error().contains(QStringLiteral("{{job_count}}")), qPrintable(t.error())); // lists the known ones
        QVERIFY(t.error().contains(QStringLiteral("oops")));
    }

    void bracesThatAreNotPlaceholdersStayLiteral()
    {
        const auto t = MessageTemplate::parse(QStringLiteral("t"), QStringLiteral("{{ not a placeholder }} {{"),
                                              QStringLiteral("JSON: {{\"a\": 1}} and {{}} and {{user}} and {single}"));
        QVERIFY2(t.ok(), qPrintable(t.error()));
        const auto r = t->render(ada());
        QCOMPARE(r.subject, QStringLiteral("{{ not a placeholder }} {{"));
        QCOMPARE(r.body, QStringLiteral("JSON: {{\"a\": 1}} and {{}} and 42 and {single}"));
    }

    void subjectMustBeOneLine()
    {
        QVERIFY(!MessageTemplate::parse(QStringLiteral("t"), QStringLiteral("a\nb"), QString()).ok());
        QVERIFY(!MessageTemplate::parse(QStringLiteral("t"), QStringLiteral("  "), QStringLiteral("body")).ok());
    }

    void fromTextAndFile()
    {
        const auto t = MessageTemplate::fromText(
            QStringLiteral("t"), QStringLiteral("Subject:  Your print jobs are delayed ({{delay}})\r\n\r\nHi {{name}},\r\n\r\nsorry.\r\n"));
        QVERIFY2(t.ok(), qPrintable(t.error()));
        QCOMPARE(t->subjectTemplate(), QStringLiteral("Your print jobs are delayed ({{delay}})"));
        QCOMPARE(t->bodyTemplate(), QStringLiteral("Hi {{name}},\n\nsorry.\n"));

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("print-delay.txt"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("\xef\xbb\xbfSubject: Druckauftr\xc3\xa4ge f\xc3\xbcr {{name}}\n\nDein Job in {{queue}} wartet seit {{delay}}.\n");
        f.close();
        const auto loaded = MessageTemplate::load(path);
        QVERIFY2(loaded.ok(), qPrintable(loaded.error()));
        QCOMPARE(loaded->name(), QStringLiteral("print-delay"));
        const auto r = loaded->render(ada());
        QCOMPARE(r.subject, QStringLiteral("Druckaufträge für Ada"));
        QCOMPARE(r.body, QStringLiteral("Dein Job in print wartet seit 3 h 12 min.\n"));
    }

    void badTemplateFiles_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("no subject") << QByteArray("Hello {{name}}\n\nbody") << QStringLiteral("Subject:");
        QTest::newRow("no blank line") << QByteArray("Subject: hi\nbody") << QStringLiteral("blank line");
        QTest::newRow("unknown") << QByteArray("Subject: hi {{nmae}}\n\nbody") << QStringLiteral("{{nmae}}");
        QTest::newRow("empty subject") << QByteArray("Subject:\n\nbody") << QStringLiteral("no subject");
    }
    void badTemplateFiles()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, mentions);
        QTemporaryDir dir;
        QFile f(dir.filePath(QStringLiteral("t.txt")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        const auto t = MessageTemplate::load(f.fileName());
        QVERIFY(!t.ok());
        QVERIFY2(t.error().contains(mentions), qPrintable(t.error()));
        QVERIFY(!MessageTemplate::load(dir.filePath(QStringLiteral("missing.txt"))).ok());
    }

    void charactersAreWhatAReaderCounts()
    {
        QCOMPARE(MessageTemplate::characterCount(QString()), 0);
        QCOMPARE(MessageTemplate::characterCount(QStringLiteral("abc")), 3);
        QCOMPARE(MessageTemplate::characterCount(QStringLiteral("e\u0301")), 1);             // e + combining acute
        QCOMPARE(MessageTemplate::characterCount(QStringLiteral("\U0001F44D\U0001F3FD")), 1); // thumbs up, skin tone
        const auto t = MessageTemplate::parse(QStringLiteral("t"), QStringLiteral("Hi {{name}}"), QStringLiteral("\U0001F680"));
        QVERIFY(t.ok());
        QCOMPARE(t->subjectChars(), 11);
        QCOMPARE(t->bodyChars(), 1);
        MessageValues v = ada();
        v.name = QStringLiteral("Zo\u00eb \U0001F600");
        QCOMPARE(t->render(v).subjectChars, 8);
    }
};

QTEST_GUILESS_MAIN(TestMessageTemplate)
#include "tst_messagetemplate.moc"
