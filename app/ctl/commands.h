// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
#pragma once

#include "core/jobs.h"

#include <QStringList>

namespace qd::ctl {

/// Exit codes: snapshot 0 ok / 1 poll failed / 2 usage; check uses the Nagios codes 0–3 (usage errors: 3).
int runSnapshot(const QStringList &arguments);
int runCheck(const QStringList &arguments);
/// Polls continuously and prints every alert state change (the GUI's rule engine, headless). Runs until
/// interrupted, or for --count polls. Exit code: 0, or 2 on usage errors.
int runWatch(const QStringList &arguments);
/// queuedeckctl serve --config FILE: the team server (teamcommands.cpp).
int runServe(const QStringList &arguments);
/// Drill-down and conditional actions (exit 0 done, 1 failed, 2 usage). Actions are written to the audit log.
int runJobs(const QStringList &arguments);
int runRetry(const QStringList &arguments);
int runCancel(const QStringList &arguments);
/// `move-jobs URL (--job ID… | --all --queue Q) --to Q2 [--state waiting]`: chosen jobs to another queue.
int runMoveJobs(const QStringList &arguments);
/// `runs [URL]`: bulk actions that did not finish; `resume URL RUN [--rate N]` finishes one.
int runRuns(const QStringList &arguments);
int runResume(const QStringList &arguments);
/// `move URL --from Q [--to Q2] [--dry-run] [--yes]`: a whole queue (a DLQ) to another, server-side, audited.
int runMove(const QStringList &arguments);
/// `purge URL --queue Q --confirm Q [--dry-run]`: deletes every message of a queue; the name typed twice.
int runPurge(const QStringList &arguments);
/// `pause|unpause URL --queue Q`: the backend's own paused state (BullMQ); audited.
int runPause(const QStringList &arguments, bool pause);
/// `resend URL --job ID --payload FILE|- [--state S] [--in-place] [--dry-run]`: edit and resend; audited with the
/// payload before and after.
int runResend(const QStringList &arguments);
/// `workers URL [--json]`: every worker, its state, whether it is quiet, its queues and job (exit 0, 1, 2).
int runWorkers(const QStringList &arguments);
/// `quiet|stop URL --worker ID`: tells one worker to take no new jobs, or to shut down cleanly; audited.
int runSignalWorker(const QStringList &arguments, WorkerSignal signal);
/// `affected URL --queue Q --state S --user-field RULE …`: the distinct users behind a selection of jobs
/// (exit 0, 1 backend error, 2 usage).
int runAffected(const QStringList &arguments);
/// `notify URL … --template FILE --channel C --incident ID`: one message per affected user through the outbox;
/// `--dry-run` shows who gets what (exit 0 nothing failed, 1 otherwise, 2 usage). Audited.
int runNotify(const QStringList &arguments);

} // namespace qd::ctl
