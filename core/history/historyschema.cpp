// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "core/history/historyschema.h"

#include <QSqlError>
#include <QSqlRecord>
#include <QVariant>

#include <chrono>

namespace qd {

namespace {

/// A null QString binds as SQL NULL; connection-wide series use an empty (non-null) queue name.
QString nonNull(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

void bindKey(QSqlQuery &q, const SeriesKey &key)
{
    q.bindValue(0, nonNull(key.connection));
    q.bindValue(1, nonNull(key.queue));
    q.bindValue(2, int(key.metric));
}

QString openDb(QSqlDatabase &db, const QString &name, const QString &path)
{
    db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(path);
    // A writer of another process (a second Queuedeck) may hold the lock during its batch.
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open()) {
        return QCoreApplication::translate("qd::HistoryStore", "Cannot open the history database %1: %2")
            .arg(path, db.lastError().text());
    }
    QSqlQuery q(db);
    // Probe first: a file that is not a database fails here with a clear message.
    if (!q.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !q.next()) {
        return QCoreApplication::translate("qd::HistoryStore", "%1 is not a usable history database: %2")
            .arg(path, q.lastError().text());
    }
    if (q.value(0).toString().compare(QStringLiteral("wal"), Qt::CaseInsensitive) != 0) {
        // Without WAL a long write batch would block every chart load.
        return QCoreApplication::translate(
                   "qd::HistoryStore", "%1 cannot use write-ahead logging (journal mode %2); is it on a network file system?")
            .arg(path, q.value(0).toString());
    }
    // NORMAL in WAL mode: a power cut may lose the last batches, never corrupt the file; history can afford it.
    q.exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
    return {};
}

void closeDb(QSqlDatabase &db, const QString &name)
{
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(name);
}

bool hasColumn(QSqlDatabase &db, const QString &table, const QString &column)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT 1 FROM pragma_table_info(?) WHERE name = ?"));
    q.addBindValue(table);
    q.addBindValue(column);
    return q.exec() && q.next();
}

std::optional<QSqlQuery> prepared(QSqlDatabase &db, const QString &sql, QString *error)
{
    std::optional<QSqlQuery> q(std::in_place, db);
    if (!q->prepare(sql)) {
        *error = q->lastError().text();
        return std::nullopt;
    }
    return q;
}

} // namespace

HistoryWriter::HistoryWriter(QString connectionName) : m_name(std::move(connectionName)) {}

HistoryWriter::~HistoryWriter()
{
    // Statements first: a connection cannot be removed while queries still refer to it.
    m_insertSample.reset();
    m_upsertRollup.reset();
    m_insertSeries.reset();
    m_selectSeries.reset();
    closeDb(m_db, m_name);
}

QString HistoryWriter::open(const QString &path)
{
    if (QString err = openDb(m_db, m_name, path); !err.isEmpty()) {
        return err;
    }
    if (QString err = createSchema(); !err.isEmpty()) {
        return tr("Cannot create the history schema in %1: %2").arg(path, err);
    }
    QString err;
    m_insertSample = prepared(
        m_db, QStringLiteral("INSERT OR IGNORE INTO samples (series_id, t_ms, value, held) VALUES (?, ?, ?, ?)"), &err);
    m_upsertRollup = prepared(
        m_db,
        QStringLiteral("INSERT INTO rollups (series_id, minute_ms, min, max, sum, count, held)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?)"
                       " ON CONFLICT (series_id, minute_ms) DO UPDATE SET min = MIN(min, excluded.min),"
                       " max = MAX(max, excluded.max), sum = sum + excluded.sum, count = count + excluded.count,"
                       " held = 0"),
        &err);
    m_insertSeries = prepared(
        m_db, QStringLiteral("INSERT OR IGNORE INTO series (connection, queue, metric) VALUES (?, ?, ?)"), &err);
    m_selectSeries = prepared(
        m_db, QStringLiteral("SELECT id FROM series WHERE connection = ? AND queue = ? AND metric = ?"), &err);
    if (!err.isEmpty()) {
        return tr("Cannot prepare the history statements for %1: %2").arg(path, err);
    }
    return {};
}

QString HistoryWriter::createSchema()
{
    if (!m_db.transaction()) {
        return m_db.lastError().text();
    }
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next()) {
        return rollback(q.lastError().text());
    }
    const int version = q.value(0).toInt();
    if (version > kHistorySchemaVersion) {
        return rollback(tr("written by a newer Queuedeck (schema version %1)").arg(version));
    }
    QStringList sql;
    if (version == 0 && hasColumn(m_db, QStringLiteral("samples"), QStringLiteral("series"))) {
        // The first layout: same tables, other column names, and time indexes that retention no longer needs
        // (it deletes per series along the primary key), which cost a third of the file and of insert time.
        sql << QStringLiteral("ALTER TABLE samples RENAME COLUMN series TO series_id")
            << QStringLiteral("ALTER TABLE samples RENAME COLUMN t TO t_ms")
            << QStringLiteral("ALTER TABLE samples RENAME COLUMN v TO value")
            << QStringLiteral("ALTER TABLE rollups RENAME COLUMN series TO series_id")
            << QStringLiteral("ALTER TABLE rollups RENAME COLUMN minute TO minute_ms")
            << QStringLiteral("ALTER TABLE rollups RENAME COLUMN n TO count")
            << QStringLiteral("DROP INDEX IF EXISTS samples_t") << QStringLiteral("DROP INDEX IF EXISTS rollups_minute");
    }
    sql << QStringLiteral("CREATE TABLE IF NOT EXISTS series (id INTEGER PRIMARY KEY, connection TEXT NOT NULL,"
                          " queue TEXT NOT NULL, metric INTEGER NOT NULL, UNIQUE (connection, queue, metric))")
        << QStringLiteral("CREATE TABLE IF NOT EXISTS samples (series_id INTEGER NOT NULL, t_ms INTEGER NOT NULL,"
                          " value REAL NOT NULL, held INTEGER NOT NULL DEFAULT 0,"
                          " PRIMARY KEY (series_id, t_ms)) WITHOUT ROWID")
        << QStringLiteral("CREATE TABLE IF NOT EXISTS rollups (series_id INTEGER NOT NULL, minute_ms INTEGER NOT NULL,"
                          " min REAL NOT NULL, max REAL NOT NULL, sum REAL NOT NULL, count INTEGER NOT NULL,"
                          " held INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (series_id, minute_ms)) WITHOUT ROWID");
    for (const QString &statement : std::as_const(sql)) {
        if (!q.exec(statement)) {
            return rollback(q.lastError().text());
        }
    }
    // Version 1 stored every sample: its rows keep held = 0, which is what they are (each a poll of its own).
    for (const QString &table : {QStringLiteral("samples"), QStringLiteral("rollups")}) {
        if (!hasColumn(m_db, table, QStringLiteral("held"))
            && !q.exec(QStringLiteral("ALTER TABLE %1 ADD COLUMN held INTEGER NOT NULL DEFAULT 0").arg(table))) {
            return rollback(q.lastError().text());
        }
    }
    if (!q.exec(QStringLiteral("PRAGMA user_version = %1").arg(kHistorySchemaVersion))) {
        return rollback(q.lastError().text());
    }
    if (!m_db.commit()) {
        return rollback(m_db.lastError().text());
    }
    return {};
}

QString HistoryWriter::rollback(const QString &error)
{
    m_db.rollback();
    // Series rows inserted by the failed transaction are gone; their ids may be handed out again.
    for (const SeriesKey &key : std::as_const(m_newIds)) {
        m_runs.forget(m_ids.value(key));
        m_ids.remove(key);
    }
    m_runs.takeRaw(); // rows of the failed transaction: dropped, and said so by the caller
    m_runs.takeRollups();
    m_newIds.clear();
    return error;
}

std::optional<qint64> HistoryWriter::seriesId(const SeriesKey &key)
{
    if (auto it = m_ids.constFind(key); it != m_ids.cend()) {
        return *it;
    }
    bindKey(*m_insertSeries, key);
    if (!m_insertSeries->exec()) {
        return std::nullopt;
    }
    bindKey(*m_selectSeries, key);
    if (!m_selectSeries->exec() || !m_selectSeries->next()) {
        return std::nullopt;
    }
    const qint64 id = m_selectSeries->value(0).toLongLong();
    m_selectSeries->finish();
    m_ids.insert(key, id);
    m_newIds.append(key);
    return id;
}

QString HistoryWriter::write(const QList<PendingSample> &batch)
{
    if (!m_db.transaction()) {
        return m_db.lastError().text();
    }
    m_newIds.clear();
    for (const PendingSample &s : batch) {
        switch (s.kind) {
        case PendingKind::Sample: {
            const auto id = seriesId(s.key);
            if (!id) {
                return rollback(tr("cannot register a series: %1").arg(m_insertSeries->lastError().text()));
            }
            m_runs.sample(*id, s.key.connection, s.tMs, s.value);
            break;
        }
        case PendingKind::EndOfSnapshot: m_runs.endOfSnapshot(s.key.connection, s.tMs); break;
        case PendingKind::PollFailed: m_runs.interrupt(s.key.connection); break;
        }
    }
    if (QString err = insertRows(); !err.isEmpty()) {
        return rollback(err);
    }
    if (!m_db.commit()) {
        return rollback(m_db.lastError().text());
    }
    m_newIds.clear();
    return {};
}

QString HistoryWriter::insertRows()
{
    for (const RawRow &r : m_runs.takeRaw()) {
        m_insertSample->bindValue(0, r.seriesId);
        m_insertSample->bindValue(1, r.tMs);
        m_insertSample->bindValue(2, r.value);
        m_insertSample->bindValue(3, int(r.held));
        if (!m_insertSample->exec()) {
            return m_insertSample->lastError().text();
        }
    }
    for (const RollupRow &r : m_runs.takeRollups()) {
        m_upsertRollup->bindValue(0, r.seriesId);
        m_upsertRollup->bindValue(1, r.minuteMs);
        m_upsertRollup->bindValue(2, r.min);
        m_upsertRollup->bindValue(3, r.max);
        m_upsertRollup->bindValue(4, r.sum);
        m_upsertRollup->bindValue(5, r.count);
        m_upsertRollup->bindValue(6, int(r.held));
        if (!m_upsertRollup->exec()) {
            return m_upsertRollup->lastError().text();
        }
    }
    return {};
}

QString HistoryWriter::commitRows()
{
    if (!m_db.transaction()) {
        return m_db.lastError().text();
    }
    if (QString err = insertRows(); !err.isEmpty()) {
        return rollback(err);
    }
    if (!m_db.commit()) {
        return rollback(m_db.lastError().text());
    }
    return {};
}

QString HistoryWriter::settle(const SeriesKey &key)
{
    const auto it = m_ids.constFind(key);
    if (it == m_ids.cend()) {
        return {}; // nothing recorded for it by this writer
    }
    m_runs.settle(*it);
    return commitRows();
}

QString HistoryWriter::closeAll()
{
    m_runs.closeAll();
    return commitRows();
}

QString HistoryWriter::enforceRetention(qint64 nowMs, const HistoryRetention &retention)
{
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    // "series_id IN (SELECT id FROM series)" lets SQLite walk the primary key once per series instead of
    // scanning the table, so no index on time is needed (see docs/performance.md).
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("DELETE FROM samples WHERE series_id IN (SELECT id FROM series) AND t_ms < ?"));
    q.addBindValue(nowMs - duration_cast<milliseconds>(retention.raw).count());
    if (!q.exec()) {
        return q.lastError().text();
    }
    q.prepare(QStringLiteral("DELETE FROM rollups WHERE series_id IN (SELECT id FROM series) AND minute_ms < ?"));
    q.addBindValue(minuteOf(nowMs - duration_cast<milliseconds>(retention.rollups).count()));
    if (!q.exec()) {
        return q.lastError().text();
    }
    return {};
}

HistoryReader::HistoryReader(QString connectionName) : m_name(std::move(connectionName)) {}

HistoryReader::~HistoryReader()
{
    m_raw.reset();
    m_rollups.reset();
    m_rawNext.reset();
    m_rollupsNext.reset();
    closeDb(m_db, m_name);
}

QString HistoryReader::open(const QString &path)
{
    if (QString err = openDb(m_db, m_name, path); !err.isEmpty()) {
        return err;
    }
    QSqlQuery(m_db).exec(QStringLiteral("PRAGMA query_only=1")); // this connection never writes, by design
    QString err;
    m_raw = prepared(m_db,
                     QStringLiteral("SELECT s.t_ms, s.value, s.held FROM samples s JOIN series r ON r.id = s.series_id"
                                    " WHERE r.connection = ? AND r.queue = ? AND r.metric = ?"
                                    " AND s.t_ms BETWEEN ? AND ? ORDER BY s.t_ms"),
                     &err);
    m_rollups = prepared(m_db,
                         QStringLiteral("SELECT u.minute_ms, u.min, u.max, u.held FROM rollups u JOIN series r"
                                        " ON r.id = u.series_id WHERE r.connection = ? AND r.queue = ?"
                                        " AND r.metric = ? AND u.minute_ms BETWEEN ? AND ? ORDER BY u.minute_ms"),
                         &err);
    m_rawNext = prepared(m_db,
                         QStringLiteral("SELECT s.t_ms, s.value, s.held FROM samples s JOIN series r ON r.id = s.series_id"
                                        " WHERE r.connection = ? AND r.queue = ? AND r.metric = ? AND s.t_ms > ?"
                                        " ORDER BY s.t_ms LIMIT 1"),
                         &err);
    m_rollupsNext = prepared(m_db,
                             QStringLiteral("SELECT u.minute_ms, u.min, u.max, u.held FROM rollups u JOIN series r"
                                            " ON r.id = u.series_id WHERE r.connection = ? AND r.queue = ?"
                                            " AND r.metric = ? AND u.minute_ms > ? ORDER BY u.minute_ms LIMIT 1"),
                             &err);
    if (!err.isEmpty()) {
        return tr("Cannot prepare the history statements for %1: %2").arg(path, err);
    }
    return {};
}

namespace {

/// Points every `stepMs` strictly between `afterMs` and `beforeMs` at `value`: a stretch the writer did not store
/// because nothing changed.
void fill(QList<QPointF> &out, qint64 afterMs, qint64 beforeMs, double value, qint64 stepMs)
{
    if (stepMs <= 0) {
        return;
    }
    for (qint64 t = afterMs + stepMs; t < beforeMs; t += stepMs) {
        out.append(QPointF(double(t), value));
    }
}

/// The first row after `afterMs` of a (t, low, high, held) query, when it is held and flat: its value, which then
/// also held from the range's last point up to its end.
std::optional<double> heldAfter(QSqlQuery &q, const SeriesKey &key, qint64 afterMs)
{
    q.setForwardOnly(true);
    bindKey(q, key);
    q.bindValue(3, afterMs);
    std::optional<double> v;
    if (q.exec() && q.next() && q.value(q.record().count() - 1).toInt() != 0
        && q.value(1).toDouble() == q.value(q.record().count() - 2).toDouble()) {
        v = q.value(1).toDouble();
    }
    q.finish();
    return v;
}

} // namespace

QList<QPointF> HistoryReader::raw(const SeriesKey &key, qint64 fromMs, qint64 toMs, qint64 fillStepMs)
{
    QSqlQuery &q = *m_raw;
    q.setForwardOnly(true);
    bindKey(q, key);
    q.bindValue(3, fromMs);
    q.bindValue(4, toMs);
    QList<QPointF> out;
    if (q.exec()) {
        while (q.next()) {
            const qint64 t = q.value(0).toLongLong();
            const double v = q.value(1).toDouble();
            if (q.value(2).toInt() != 0) {
                // Held since the previous row (or since before the range): the value did not change in between.
                const qint64 since = out.isEmpty() ? fromMs - fillStepMs : qint64(out.last().x());
                fill(out, since, t, v, fillStepMs);
            }
            out.append(QPointF(double(t), v));
        }
    }
    q.finish(); // ends the read transaction, so the writer's checkpoints are not held back
    if (fillStepMs > 0) {
        // The range ends (or lies wholly) inside a stretch the next stored row says was flat.
        if (const auto v = heldAfter(*m_rawNext, key, toMs)) {
            fill(out, out.isEmpty() ? fromMs - fillStepMs : qint64(out.last().x()), toMs + 1, *v, fillStepMs);
        }
    }
    return out;
}

QList<QPointF> HistoryReader::rollups(const SeriesKey &key, qint64 fromMs, qint64 toMs, qint64 fillStepMs)
{
    QSqlQuery &q = *m_rollups;
    q.setForwardOnly(true);
    bindKey(q, key);
    q.bindValue(3, minuteOf(fromMs)); // the minute holding `from` overlaps the range
    q.bindValue(4, toMs);
    QList<QPointF> out;
    if (q.exec()) {
        while (q.next()) {
            const qint64 t = q.value(0).toLongLong();
            const double lo = q.value(1).toDouble();
            const double hi = q.value(2).toDouble();
            if (q.value(3).toInt() != 0 && lo == hi && fillStepMs > 0) {
                const qint64 since = out.isEmpty() ? minuteOf(fromMs) - kMinuteMs : qint64(out.last().x());
                fill(out, since, t, lo, kMinuteMs); // flat minutes, one point each
            }
            out.append(QPointF(double(t), lo));
            if (hi != lo) {
                out.append(QPointF(double(t), hi));
            }
        }
    }
    q.finish();
    if (fillStepMs > 0) {
        if (const auto v = heldAfter(*m_rollupsNext, key, toMs)) {
            fill(out, out.isEmpty() ? minuteOf(fromMs) - kMinuteMs : qint64(out.last().x()), toMs + 1, *v, kMinuteMs);
        }
    }
    return out;
}

} // namespace qd
