// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/jobs.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace qd {

/// What the job list shows: the state and the backend's search on the first row; below, the filters Queuedeck
/// applies on top (class, a payload field and its value, "stuck") and the server's order where the backend sorts by
/// attempts. Says changed() when the operator asks for another list: Enter in a box, another state or order, Stuck.
class JobFilterBar final : public QWidget
{
    Q_OBJECT
public:
    explicit JobFilterBar(QWidget *parent = nullptr);
    Q_DISABLE_COPY_MOVE(JobFilterBar)

    JobState state() const;
    /// Selects `state`; says changed() when it is another one.
    void setState(JobState state);
    QString search() const;
    /// Puts `text` in the search box without saying changed() (the caller reloads).
    void setSearchText(const QString &text);
    /// The class, field and stuck filters as set; "stuck" is the threshold of the state shown.
    JobFilter filter() const;
    /// Sets the class and field filters without saying changed() (the caller reloads).
    void setFilterFields(const QString &className, const QString &fieldPointer, const QString &fieldValue);
    /// Checks or clears Stuck, which asks for the list again (on the waiting jobs, if neither waiting nor running
    /// jobs are shown).
    void setStuck(bool stuck);
    /// "Stuck": waiting longer than the queue's latency threshold, or running longer than the max run time.
    void setStuckThresholds(qint64 waitingSeconds, qint64 runningSeconds);
    JobOrder order() const;
    /// The order box is shown only where the backend sorts on the server.
    void setOrderAvailable(bool available);

Q_SIGNALS:
    void changed();

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslate();

    QLabel *m_stateLabel;
    QComboBox *m_state;
    QLineEdit *m_search;
    QLabel *m_onlyLabel;
    QLineEdit *m_classFilter;
    QLineEdit *m_fieldPointer;
    QLineEdit *m_fieldValue;
    QComboBox *m_order;
    QPushButton *m_stuck;
    qint64 m_stuckWaitingS = 300;
    qint64 m_stuckRunningS = 3600;
};

} // namespace qd
