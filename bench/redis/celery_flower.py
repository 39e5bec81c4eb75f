#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: Queuedeck contributors
"""The peer side of bench_servercost for Celery on Redis: what Flower's broker view asks a Redis broker per refresh
(flower/utils/broker.py, RedisBase.queues): for every queue, one LLEN per priority step (the app's
broker_transport_options priority_steps, here 0..9 as tests/backends/fixtures/redis/tasks.py sets them), summed.
The queue names are those the app knows (Flower takes them from its workers' active queues); given here.
    /usr/bin/python3 celery_flower.py redis://127.0.0.1:PORT/DB ITERATIONS QUEUE...
Prints one JSON line: median and p95 milliseconds per refresh, round trips."""
import json
import sys
import time

import redis

SEP = "\x06\x16"
STEPS = list(range(10))

r = redis.Redis.from_url(sys.argv[1])
iterations = int(sys.argv[2])
names = sys.argv[3:]


def q_for_pri(queue, pri):
    return "%s%s%s" % (queue, SEP, pri) if pri else queue


def refresh():
    return [{"name": n, "messages": sum(r.llen(q_for_pri(n, p)) for p in STEPS)} for n in names]


refresh()  # connect
times = []
for _ in range(iterations):
    t0 = time.monotonic()
    refresh()
    times.append((time.monotonic() - t0) * 1000.0)
times.sort()
print(json.dumps({"median_ms": times[len(times) // 2], "p95_ms": times[min(len(times) - 1, int(len(times) * 0.95))],
                  "round_trips": len(names) * len(STEPS)}))
