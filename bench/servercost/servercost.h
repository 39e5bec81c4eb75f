// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// bench_servercost's shared pieces: one figure per row, measured the same way for every family, printed the same
// way (every figure beside its target, PASS or MISS), and one function per family (bench_servercost.cpp: Sidekiq;
// redisfamilies.cpp: RQ, BullMQ, Celery; rabbitmq.cpp: RabbitMQ).
#pragma once

#include "core/backends/redis/redisbackend.h"

#include <QJsonObject>
#include <QStringList>

#include <memory>

namespace qd::servercost {

/// One row: the longest single server call (Redis: SLOWLOG; RabbitMQ: an HTTP request) and the server's CPU time,
/// wall time and round trips, per poll (or for a whole search).
struct Figure
{
    double longestMs = 0;
    double cpuMs = 0;
    double wallMs = 0;
    double roundTrips = 0;
    /// Of cpuMs, the execution time (SLOWLOG) of queue-discovery calls: finding queues nobody registered or
    /// named, which no peer does (their dashboards need each queue named or registered).
    double discoveryMs = 0;
};

/// The bound a row's longest call is held to: Redis calls < 5 ms (the do-no-harm issue); a RabbitMQ request no
/// longer than the management UI's own.
struct Limit
{
    const char *noun = "call";
    double ms = 5.0;
    bool orEqual = false;
    bool pass(double longestMs) const { return orEqual ? longestMs <= ms : longestMs < ms; }
};

/// "  what   longest call 1.23 ms (< 5: PASS)  server CPU …  wall …  … round trips<extra>".
void line(const char *what, const Figure &f, const char *extra = "", const Limit &limit = {});
/// "  what   PASS (Queuedeck x ms vs peer y ms per poll<note>)": server CPU per poll against the peer's.
void cpuVerdict(const char *what, double ours, double peer, const char *peerName, const char *note = "");
/// cpuVerdict() of a steady poll without its queue discovery (no peer discovers queues), with discovery's share.
void pollVerdict(const Figure &steady, const Figure &peer, const char *peerName, const char *note = "");

/// CPU time (user + system) redis-server has used, in milliseconds, from its own INFO cpu (getrusage: finer than
/// /proc's 10 ms ticks).
double redisCpuMs(redis::Client &admin);
/// An admin connection (client name bench-admin: its own commands are left out of every figure).
std::unique_ptr<redis::Client> adminClient(int port);
/// A Queuedeck backend for `url` (any Redis family), ending the benchmark if it cannot be made.
std::shared_ptr<redis::RedisBackend> redisBackend(const QString &url);
/// Polls `b` until its first work is done — no set still being read in short steps, queue discovery's first pass
/// complete — (at most 50 polls), so that the polls measured next are steady ones.
void warmUp(redis::RedisBackend &b);
/// `n` polls by `b`: wall, server CPU and round trips per poll, the longest call of any of them.
Figure polls(redis::Client &admin, redis::RedisBackend &b, int n);
/// The mean of `n` first polls, each by a new backend (a new connection: nothing known yet, every set read),
/// after one warm-up poll that has the server compile the scripts (once per server).
Figure firstPolls(redis::Client &admin, const QString &url, int n);
/// Lists the server calls of one more poll by `b`, as SLOWLOG saw them (µs, command, first argument): where a
/// poll's server time goes.
void printPollCalls(redis::Client &admin, redis::RedisBackend &b);
/// A search through `q` (page by page, every page one budgeted call) until a job matches or the pages end.
Figure search(redis::Client &admin, Backend &b, JobQuery q, bool *found);
/// Runs a peer or fill script and returns the JSON object of its last stdout line; ends the benchmark when it
/// fails (its figures would mean nothing).
QJsonObject runJson(const QString &program, const QStringList &args, int timeoutMs = 600'000);
/// A peer script that prints {median_ms, round_trips} after `iterations` + `extraSnapshots` snapshots: its
/// redis-server CPU per snapshot and the longest call of any client but the admin.
Figure redisPeer(redis::Client &admin, const QString &program, const QStringList &args, int iterations,
                 int extraSnapshots = 1);

void sidekiq();
void rq();
void bullmq();
void celery();
void rabbitmq();

} // namespace qd::servercost
