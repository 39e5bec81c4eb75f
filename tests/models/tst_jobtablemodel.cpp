// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// The job table shows every identifier inert: a job id carrying terminal or bidi controls (a Sidekiq id holds the
// queue's name, a RabbitMQ id the message's own id) is escaped in the ID column, while the id the actions use
// stays exactly what the backend gave.
#include "backend.h"
#include "clock.h"
#include "jobtablemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace qd;

namespace {

const QString kHostileId = QStringLiteral("queue:evil\x1b]0;owned\x07:j\u202e1");

class OnePageBackend final : public Backend
{
public:
    OnePageBackend()
        : Backend(ConnectionUrl::parse(QStringLiteral("sidekiq+redis://127.0.0.1:1/0")).value(), Clock::system())
    {
    }
    QString kind() const override { return QStringLiteral("one-page"); }
    Capabilities capabilities() const override { return {}; }
    QFuture<Snapshot> snapshot() override { return QtFuture::makeReadyFuture(Snapshot{}); }
    QFuture<JobPage> jobs(const JobQuery &) override
    {
        JobPage page;
        JobSummary j;
        j.id = kHostileId;
        j.className = QStringLiteral("PrintJob");
        page.jobs << j;
        return QtFuture::makeReadyFuture(page);
    }
};

} // namespace

class TestJobTableModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void identifiersAreShownInert()
    {
        OnePageBackend backend;
        JobTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&model, &JobTableModel::pageLoaded);
        QCOMPARE(model.setQuery(&backend, JobQuery{}), QString());
        QTRY_COMPARE(model.rowCount(), 1);
        const QString shown = model.data(model.index(0, JobTableModel::IdColumn)).toString();
        QVERIFY2(!shown.contains(QChar(0x1b)) && !shown.contains(QChar(0x07)) && !shown.contains(QChar(0x202e)),
                 qPrintable(shown));
        QVERIFY(shown.contains(u"evil"));
        QCOMPARE(model.data(model.index(0, 0), JobTableModel::JobIdRole).toString(), kHostileId); // for the actions
    }
};

QTEST_MAIN(TestJobTableModel)
#include "tst_jobtablemodel.moc"
