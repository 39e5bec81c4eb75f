// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#include "historyschema.h"

#include <QCoreApplication>
#include <QSqlError>
#include <QVariant>

namespace qd {

namespace {

/// A null QString binds as SQL NULL; connection-wide series use an empty (non-null) queue name.
QString nonNull(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

void bindKey(QSqlQuery &q, const SeriesKey &key)
{
    q.addBindValue(nonNull(key.connection));
    q.addBindValue(nonNull(key.queue));
    q.addBindValue(int(key.metric));
}

QString keyString(const SeriesKey &k)
{
    return k.connection + QChar(0x1f) + k.queue + QChar(0x1f) + QString::number(int(k.metric));
}

QString tr(const char *text)
{
    return QCoreApplication::translate("qd::HistoryReader", text);
}

QString openDb(QSqlDatabase &db, const QString &name, const QString &path)
{
    db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open()) {
        return tr("Cannot open the history database %1: %2").arg(path, db.lastError().text());
    }
    QSqlQuery q(db);
    // Probe first: a file that is not a database fails here with a clear message.
    if (!q.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !q.next()) {
        return tr("%1 is not a usable history database: %2").arg(path, q.lastError().text());
    }
    q.exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
    return {};
}

void closeDb(QSqlDatabase &db, const QString &name)
{
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(name);
}

} // namespace

HistoryWriter::HistoryWriter(QString connectionName) : m_name(std::move(connectionName)) {}

HistoryWriter::~HistoryWriter()
{
    m_insertSample.reset();
    m_upsertRollup.reset();
    closeDb(m_db, m_name);
}

QString HistoryWriter::open(const QString &path)
{
    if (QString err = openDb(m_db, m_name, path); !err.isEmpty()) {
        return err;
    }
    QSqlQuery q(m_db);
    const char *schema[] = {
        "CREATE TABLE IF NOT EXISTS series (id INTEGER PRIMARY KEY, connection TEXT NOT NULL, queue TEXT NOT NULL,"
        " metric INTEGER NOT NULL, UNIQUE (connection, queue, metric))",
        "CREATE TABLE IF NOT EXISTS samples (series INTEGER NOT NULL, t INTEGER NOT NULL, v REAL NOT NULL,"
        " PRIMARY KEY (series, t)) WITHOUT ROWID",
        "CREATE TABLE IF NOT EXISTS rollups (series INTEGER NOT NULL, minute INTEGER NOT NULL, min REAL NOT NULL,"
        " max REAL NOT NULL, sum REAL NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (series, minute)) WITHOUT ROWID",
        "CREATE INDEX IF NOT EXISTS samples_t ON samples (t)",
        "CREATE INDEX IF NOT EXISTS rollups_minute ON rollups (minute)",
    };
    for (const char *sql : schema) {
        if (!q.exec(QString::fromLatin1(sql))) {
            return tr("Cannot create the history schema: %1").arg(q.lastError().text());
        }
    }
    m_insertSample.emplace(m_db);
    m_insertSample->prepare(QStringLiteral("INSERT OR REPLACE INTO samples (series, t, v) VALUES (?, ?, ?)"));
    m_upsertRollup.emplace(m_db);
    m_upsertRollup->prepare(QStringLiteral(
        "INSERT INTO rollups (series, minute, min, max, sum, n) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (series, minute) DO UPDATE SET min = MIN(min, excluded.min), max = MAX(max, excluded.max),"
        " sum = sum + excluded.sum, n = n + excluded.n"));
    return {};
}

std::optional<qint64> HistoryWriter::seriesId(const SeriesKey &key)
{
    const QString k = keyString(key);
    if (auto it = m_ids.constFind(k); it != m_ids.cend()) {
        return *it;
    }
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("INSERT OR IGNORE INTO series (connection, queue, metric) VALUES (?, ?, ?)"));
    bindKey(q, key);
    if (!q.exec()) {
        return std::nullopt;
    }
    q.prepare(QStringLiteral("SELECT id FROM series WHERE connection = ? AND queue = ? AND metric = ?"));
    bindKey(q, key);
    if (!q.exec() || !q.next()) {
        return std::nullopt;
    }
    const qint64 id = q.value(0).toLongLong();
    m_ids.insert(k, id);
    return id;
}

QString HistoryWriter::write(const QList<PendingSample> &batch)
{
    if (!m_db.transaction()) {
        return m_db.lastError().text();
    }
    struct Agg
    {
        double min, max, sum;
        qint64 n;
    };
    QHash<QPair<qint64, qint64>, Agg> rollups;
    for (const PendingSample &s : batch) {
        const auto id = seriesId(s.key);
        if (!id) {
            m_db.rollback();
            return tr("cannot register a series");
        }
        m_insertSample->bindValue(0, *id);
        m_insertSample->bindValue(1, s.tMs);
        m_insertSample->bindValue(2, s.value);
        if (!m_insertSample->exec()) {
            const QString err = m_insertSample->lastError().text();
            m_db.rollback();
            return err;
        }
        const qint64 minute = s.tMs - (s.tMs % 60000);
        auto it = rollups.find({*id, minute});
        if (it == rollups.end()) {
            rollups.insert({*id, minute}, Agg{s.value, s.value, s.value, 1});
        } else {
            it->min = std::min(it->min, s.value);
            it->max = std::max(it->max, s.value);
            it->sum += s.value;
            ++it->n;
        }
    }
    for (auto it = rollups.cbegin(); it != rollups.cend(); ++it) {
        m_upsertRollup->bindValue(0, it.key().first);
        m_upsertRollup->bindValue(1, it.key().second);
        m_upsertRollup->bindValue(2, it->min);
        m_upsertRollup->bindValue(3, it->max);
        m_upsertRollup->bindValue(4, it->sum);
        m_upsertRollup->bindValue(5, it->n);
        if (!m_upsertRollup->exec()) {
            const QString err = m_upsertRollup->lastError().text();
            m_db.rollback();
            return err;
        }
    }
    if (!m_db.commit()) {
        const QString err = m_db.lastError().text();
        m_db.rollback();
        return err;
    }
    return {};
}

void HistoryWriter::enforceRetention(qint64 nowMs, const HistoryRetention &retention)
{
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("DELETE FROM samples WHERE t < ?"));
    q.addBindValue(nowMs - duration_cast<milliseconds>(retention.raw).count());
    q.exec();
    q.prepare(QStringLiteral("DELETE FROM rollups WHERE minute < ?"));
    q.addBindValue(nowMs - duration_cast<milliseconds>(retention.rollups).count());
    q.exec();
}

HistoryReader::HistoryReader(QString connectionName) : m_name(std::move(connectionName)) {}

HistoryReader::~HistoryReader()
{
    closeDb(m_db, m_name);
}

QString HistoryReader::open(const QString &path)
{
    return openDb(m_db, m_name, path);
}

QList<QPointF> HistoryReader::raw(const SeriesKey &key, qint64 fromMs, qint64 toMs)
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT s.t, s.v FROM samples s JOIN series r ON r.id = s.series"
                             " WHERE r.connection = ? AND r.queue = ? AND r.metric = ? AND s.t BETWEEN ? AND ?"
                             " ORDER BY s.t"));
    bindKey(q, key);
    q.addBindValue(fromMs);
    q.addBindValue(toMs);
    QList<QPointF> out;
    if (q.exec()) {
        while (q.next()) {
            out.append(QPointF(double(q.value(0).toLongLong()), q.value(1).toDouble()));
        }
    }
    return out;
}

QList<QPointF> HistoryReader::rollups(const SeriesKey &key, qint64 fromMs, qint64 toMs)
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT u.minute, u.min, u.max FROM rollups u JOIN series r ON r.id = u.series"
                             " WHERE r.connection = ? AND r.queue = ? AND r.metric = ? AND u.minute BETWEEN ? AND ?"
                             " ORDER BY u.minute"));
    bindKey(q, key);
    q.addBindValue(fromMs - (fromMs % 60000));
    q.addBindValue(toMs);
    QList<QPointF> out;
    if (q.exec()) {
        while (q.next()) {
            const double t = double(q.value(0).toLongLong());
            out.append(QPointF(t, q.value(1).toDouble()));
            if (q.value(2).toDouble() != q.value(1).toDouble()) {
                out.append(QPointF(t, q.value(2).toDouble()));
            }
        }
    }
    return out;
}

} // namespace qd
