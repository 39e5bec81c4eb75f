// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// The committed translations/queuedeck_<lang>.ts files must hold every string the sources pass to tr(), and every
// language but the source language (English) must translate all of them. lupdate runs over the same inputs as the
// update_translations target, into a temporary file, so the committed files are never touched; no GUI build needed.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>
#include <QXmlStreamReader>

namespace {

const QString kHowToFix = QStringLiteral(
    "Run `cmake --build build/dev --target update_translations`, then translate the new or unfinished messages in "
    "translations/queuedeck_<lang>.ts (Qt Linguist, or by hand: fill in <translation> and drop type=\"unfinished\").");

struct Message
{
    QString context;
    QString source;
    QString comment;
    bool numerus = false;
    QString type;             // "", "unfinished", "vanished" or "obsolete"
    QStringList translations; // the text, or each numerus form
};

struct TsFile
{
    QString language;
    QString sourceLanguage;
    QList<Message> messages;
    QString error;
};

TsFile readTs(const QString &path)
{
    TsFile ts;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        ts.error = file.errorString();
        return ts;
    }
    QXmlStreamReader xml(&file);
    QString context;
    Message *msg = nullptr;
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement) {
            continue;
        }
        const auto name = xml.name();
        if (name == u"TS") {
            ts.language = xml.attributes().value(QLatin1String("language")).toString();
            ts.sourceLanguage = xml.attributes().value(QLatin1String("sourcelanguage")).toString();
        } else if (name == u"context") {
            msg = nullptr;
        } else if (name == u"name" && !msg) {
            context = xml.readElementText();
        } else if (name == u"message") {
            ts.messages.append(Message{});
            msg = &ts.messages.last();
            msg->context = context;
            msg->numerus = xml.attributes().value(QLatin1String("numerus")) == u"yes";
        } else if (msg && name == u"source") {
            msg->source = xml.readElementText();
        } else if (msg && name == u"comment") {
            msg->comment = xml.readElementText();
        } else if (msg && name == u"translation") {
            msg->type = xml.attributes().value(QLatin1String("type")).toString();
            if (!msg->numerus) {
                msg->translations << xml.readElementText();
            }
        } else if (msg && name == u"numerusform") {
            msg->translations << xml.readElementText();
        }
    }
    if (xml.hasError()) {
        ts.error = QStringLiteral("%1 at line %2").arg(xml.errorString()).arg(xml.lineNumber());
    }
    return ts;
}

QString key(const Message &m)
{
    return m.context + u'\x1f' + m.source + u'\x1f' + m.comment;
}

QString describe(const Message &m)
{
    QString source = m.source;
    source.replace(u'\n', QStringLiteral("\\n"));
    return QStringLiteral("  [%1] \"%2\"%3").arg(m.context, source, m.comment.isEmpty() ? QString() : u" (" + m.comment + u')');
}

QString report(const QString &what, const QStringList &lines)
{
    const qsizetype shown = std::min<qsizetype>(lines.size(), 60);
    QString text = QStringLiteral("%1 (%2):\n%3").arg(what).arg(lines.size()).arg(lines.mid(0, shown).join(u'\n'));
    if (lines.size() > shown) {
        text += QStringLiteral("\n  … and %1 more").arg(lines.size() - shown);
    }
    return text;
}

bool isLive(const Message &m)
{
    return m.type != u"vanished" && m.type != u"obsolete";
}

bool isSourceLanguage(const TsFile &ts)
{
    return ts.language.section(u'_', 0, 0) == (ts.sourceLanguage.isEmpty() ? QStringLiteral("en") : ts.sourceLanguage);
}

QStringList placeholders(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("%L?(?:n|\\d{1,2})"));
    QStringList found;
    for (const auto &m : re.globalMatch(text)) {
        found << m.captured();
    }
    found.sort();
    found.removeDuplicates();
    return found;
}

qsizetype words(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("[[:alpha:]]{2,}"));
    qsizetype n = 0;
    for (auto it = re.globalMatch(text); it.hasNext(); it.next()) {
        ++n;
    }
    return n;
}

// Sentences that stay the same in German: product and protocol names only.
const QSet<QString> kSameInEveryLanguage = {
    QStringLiteral("PagerDuty Events v2"),
    QStringLiteral("CSV (*.csv);;JSON Lines (*.jsonl)"), // file-dialog filters: format names and globs
};

} // namespace

class TstTranslations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sourceStringsArePresent_data() { tsFilesData(false); }
    void sourceStringsArePresent();
    void translationsAreFinished_data() { tsFilesData(true); }
    void translationsAreFinished();
    void placeholdersAreKept_data() { tsFilesData(true); }
    void placeholdersAreKept();
    void sentencesAreTranslated_data() { tsFilesData(true); }
    void sentencesAreTranslated();
    void everyTsFileIsReleased();
    void germanQmTranslates();

private:
    void tsFilesData(bool translationsOnly);
    TsFile committed();

    QTemporaryDir m_tmp;
    QList<Message> m_fresh;
    QStringList m_tsFiles;
};

void TstTranslations::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    const QString lupdate = qEnvironmentVariable("QD_LUPDATE");
    const QString inputs = qEnvironmentVariable("QD_LUPDATE_INPUTS");
    QVERIFY2(QFileInfo::exists(lupdate), "QD_LUPDATE must name lupdate (set by tests/app/CMakeLists.txt)");
    QVERIFY2(QFileInfo::exists(inputs), "QD_LUPDATE_INPUTS must name the list app/gui/CMakeLists.txt generates");

    const QString fresh = m_tmp.filePath(QStringLiteral("fresh.ts"));
    QProcess p;
    p.start(lupdate, {QStringLiteral("-silent"), QStringLiteral("-locations"), QStringLiteral("none"),
                      QStringLiteral("-no-obsolete"), u'@' + inputs, QStringLiteral("-ts"), fresh});
    QVERIFY2(p.waitForFinished(60000), qPrintable(p.errorString()));
    QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0, p.readAllStandardError().constData());
    const TsFile ts = readTs(fresh);
    QVERIFY2(ts.error.isEmpty(), qPrintable(ts.error));
    m_fresh = ts.messages;
    QVERIFY2(m_fresh.size() > 100, "lupdate found suspiciously few strings; is the input list right?");

    const QDir dir(QStringLiteral(QD_SOURCE_DIR "/translations"));
    for (const QString &name : dir.entryList({QStringLiteral("queuedeck_*.ts")}, QDir::Files, QDir::Name)) {
        m_tsFiles << dir.filePath(name);
    }
    QVERIFY(!m_tsFiles.isEmpty());
}

void TstTranslations::tsFilesData(bool translationsOnly)
{
    QTest::addColumn<QString>("path");
    for (const QString &path : std::as_const(m_tsFiles)) {
        if (!translationsOnly || !isSourceLanguage(readTs(path))) {
            QTest::newRow(qPrintable(QFileInfo(path).fileName())) << path;
        }
    }
}

TsFile TstTranslations::committed()
{
    QFETCH(QString, path);
    TsFile ts = readTs(path);
    if (!ts.error.isEmpty()) {
        qWarning("%s: %s", qPrintable(path), qPrintable(ts.error));
    }
    return ts;
}

void TstTranslations::sourceStringsArePresent()
{
    const TsFile ts = committed();
    QVERIFY(ts.error.isEmpty());
    QSet<QString> present;
    for (const Message &m : ts.messages) {
        if (isLive(m)) {
            present.insert(key(m));
        }
    }
    QStringList missing;
    for (const Message &m : std::as_const(m_fresh)) {
        if (!present.contains(key(m))) {
            missing << describe(m);
        }
    }
    QVERIFY2(missing.isEmpty(), qPrintable(report(QStringLiteral("Strings in the sources but not in this file"), missing)
                                           + u'\n' + kHowToFix));
}

void TstTranslations::translationsAreFinished()
{
    const TsFile ts = committed();
    QVERIFY(ts.error.isEmpty());
    QHash<QString, const Message *> byKey;
    for (const Message &m : ts.messages) {
        byKey.insert(key(m), &m);
    }
    QStringList unfinished;
    for (const Message &fresh : std::as_const(m_fresh)) {
        const Message *m = byKey.value(key(fresh));
        const bool done = m && isLive(*m) && m->type.isEmpty() && !m->translations.isEmpty()
                          && std::none_of(m->translations.cbegin(), m->translations.cend(),
                                          [](const QString &t) { return t.isEmpty(); });
        if (!done) {
            unfinished << describe(fresh);
        }
    }
    QVERIFY2(unfinished.isEmpty(),
             qPrintable(report(QStringLiteral("Strings missing, unfinished or empty in %1").arg(ts.language), unfinished)
                        + u'\n' + kHowToFix));
}

void TstTranslations::placeholdersAreKept()
{
    const TsFile ts = committed();
    QVERIFY(ts.error.isEmpty());
    QStringList wrong;
    for (const Message &m : ts.messages) {
        if (!isLive(m) || m.type == u"unfinished") {
            continue;
        }
        const QStringList expected = placeholders(m.source);
        for (const QString &t : m.translations) {
            if (placeholders(t) != expected) {
                wrong << describe(m) + QStringLiteral(" → \"%1\" has %2, the source %3")
                                           .arg(t, placeholders(t).join(u' '), expected.join(u' '));
            }
        }
    }
    QVERIFY2(wrong.isEmpty(), qPrintable(report(QStringLiteral("Translations that lose or add placeholders"), wrong)));
}

void TstTranslations::sentencesAreTranslated()
{
    const TsFile ts = committed();
    QVERIFY(ts.error.isEmpty());
    QStringList same;
    for (const Message &m : ts.messages) {
        if (!isLive(m) || m.type == u"unfinished" || words(m.source) < 4 || kSameInEveryLanguage.contains(m.source)) {
            continue;
        }
        if (m.translations.contains(m.source)) {
            same << describe(m);
        }
    }
    QVERIFY2(same.isEmpty(),
             qPrintable(report(QStringLiteral("Sentences left in English (add proper names to kSameInEveryLanguage)"),
                               same)));
}

void TstTranslations::everyTsFileIsReleased()
{
    // app/gui/CMakeLists.txt embeds exactly the .qm files lrelease makes from QD_TS_FILES.
    QStringList qmFiles = qEnvironmentVariable("QD_QM_FILES").split(u',', Qt::SkipEmptyParts);
    QVERIFY2(!qmFiles.isEmpty(), "QD_QM_FILES must list the .qm files (set by tests/app/CMakeLists.txt)");
    for (const QString &ts : std::as_const(m_tsFiles)) {
        const QString qmName = QFileInfo(ts).completeBaseName() + QStringLiteral(".qm");
        const auto qm = std::find_if(qmFiles.cbegin(), qmFiles.cend(),
                                     [&](const QString &f) { return QFileInfo(f).fileName() == qmName; });
        QVERIFY2(qm != qmFiles.cend(), qPrintable(QStringLiteral("%1 is not in QD_TS_FILES (app/gui/CMakeLists.txt): it "
                                                                 "is neither updated nor embedded")
                                                      .arg(QFileInfo(ts).fileName())));
        QVERIFY2(QFileInfo::exists(*qm), qPrintable(*qm + QStringLiteral(" was not built")));
        if (!isSourceLanguage(readTs(ts))) {
            QTranslator translator;
            QVERIFY2(translator.load(*qm), qPrintable(*qm));
            QVERIFY2(!translator.isEmpty(), qPrintable(*qm + QStringLiteral(" holds no translation")));
        }
    }
}

void TstTranslations::germanQmTranslates()
{
    const QStringList qmFiles = qEnvironmentVariable("QD_QM_FILES").split(u',', Qt::SkipEmptyParts);
    QVERIFY(!qmFiles.isEmpty());
    QTranslator de;
    // The same lookup main.cpp makes, against the directory the resource is built from.
    QVERIFY(de.load(QLocale(QLocale::German, QLocale::Germany), QStringLiteral("queuedeck"), QStringLiteral("_"),
                    QFileInfo(qmFiles.first()).absolutePath()));
    QCOMPARE(de.language(), QStringLiteral("de_DE"));
    QCOMPARE(de.translate("qd::MainWindow", "&File"), QStringLiteral("&Datei"));
    QCOMPARE(de.translate("qd::MainWindow", "Ctrl+Shift+R"), QStringLiteral("Ctrl+Shift+R"));
    QCOMPARE(de.translate("qd::AuditModel", "%n job(s)", nullptr, 1), QStringLiteral("%n Job"));
    QCOMPARE(de.translate("qd::AuditModel", "%n job(s)", nullptr, 3), QStringLiteral("%n Jobs"));
}

QTEST_GUILESS_MAIN(TstTranslations)
#include "tst_translations.moc"
