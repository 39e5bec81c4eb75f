#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: Queuedeck contributors
"""The peer side of bench_servercost for RQ: what RQ 1.13's own Python API costs for the picture a dashboard polls,
as `rq info` draws it — every Queue's count, its registries' counts (started, failed, deferred, scheduled,
finished: RQ's own .count, which first cleans the registry) and Worker.all().
    /usr/bin/python3 rq_api.py redis://127.0.0.1:PORT/DB ITERATIONS
Prints one JSON line: median and p95 milliseconds per snapshot, round trips (socket writes: a pipeline counts once)."""
import json
import sys
import time

import redis.connection
from redis import Redis
from rq import Queue, Worker
from rq.registry import (DeferredJobRegistry, FailedJobRegistry, FinishedJobRegistry, ScheduledJobRegistry,
                         StartedJobRegistry)

round_trips = 0
_send = redis.connection.Connection.send_packed_command


def counted(self, command, check_health=True):
    global round_trips
    round_trips += 1
    return _send(self, command, check_health)


redis.connection.Connection.send_packed_command = counted

r = Redis.from_url(sys.argv[1])
iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 20


def snapshot():
    out = {}
    for q in Queue.all(connection=r):
        out[q.name] = [q.count] + [registry(queue=q).count for registry in (
            StartedJobRegistry, FailedJobRegistry, DeferredJobRegistry, ScheduledJobRegistry, FinishedJobRegistry)]
    return out, [(w.name, w.state) for w in Worker.all(connection=r)]


snapshot()  # connect
rt0 = round_trips
times = []
for _ in range(iterations):
    t0 = time.monotonic()
    snapshot()
    times.append((time.monotonic() - t0) * 1000.0)
times.sort()
print(json.dumps({"median_ms": times[len(times) // 2], "p95_ms": times[min(len(times) - 1, int(len(times) * 0.95))],
                  "round_trips": (round_trips - rt0) / iterations}))
