#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: Queuedeck contributors
"""bench_servercost's RQ data, on a private redis-server (FLUSHDB first).

    /usr/bin/python3 fill_rq.py REDIS_URL WAITING

RQ 1.13 itself writes one job of every kind (Queue.enqueue; a SimpleWorker running a failing job); the many copies
are then written server-side, field for field what RQ wrote, only the job id differing (RQ's own enqueue of the
same call would write the same hash):
  big      : WAITING jobs rqjobs.send_email(user_id=1) (rq:job:<id> hashes, ids in rq:queue:big)
  payloads : 200 jobs whose argument is 64 KB of random bytes (enqueued by RQ one by one)
  failing  : 10,000 failed jobs (hash with RQ's 1-year TTL, rq:results:<id> stream with the traceback,
             rq:failed:failing), the template failed by a real SimpleWorker
  worker   : w1 registered on every queue (Worker.register_birth)
Prints one JSON line: the counts RQ's own API reports, and the fill's seconds."""
import os
import sys
import time
import json

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "backends", "fixtures",
                                "redis"))
from redis import Redis  # noqa: E402
from rq import Queue, SimpleWorker, Worker  # noqa: E402
from rq.registry import FailedJobRegistry  # noqa: E402

import rqjobs  # noqa: E402

# Clones the hash KEYS[1] (and its TTL) as <ARGV[1]><i> for i in ARGV[2]..ARGV[3], pushing each id on KEYS[2] (a
# list: RPUSH, as RQ enqueues) or adding it to KEYS[2] (a zset scored ARGV[4]) and cloning KEYS[3] (a stream) as
# rq:results:<id>.
CLONE = """
local fields = redis.call('HGETALL', KEYS[1])
local ttl = redis.call('TTL', KEYS[1])
local stream = {}
if KEYS[3] then
  local e = redis.call('XRANGE', KEYS[3], '-', '+')
  stream = e[1][2]
end
for i = tonumber(ARGV[2]), tonumber(ARGV[3]) do
  local id = ARGV[1] .. i
  redis.call('HSET', 'rq:job:' .. id, unpack(fields))
  if ttl > 0 then redis.call('EXPIRE', 'rq:job:' .. id, ttl) end
  if KEYS[3] then
    redis.call('ZADD', KEYS[2], ARGV[4], id)
    redis.call('XADD', 'rq:results:' .. id, '*', unpack(stream))
  else
    redis.call('RPUSH', KEYS[2], id)
  end
end
return 1
"""


def clone(r, template, target, prefix, n, stream=None, score=0):
    for start in range(1, n + 1, 20000):
        keys = [template, target] + ([stream] if stream else [])
        r.eval(CLONE, len(keys), *keys, prefix, start, min(n, start + 19999), score)


def main():
    t0 = time.monotonic()
    r = Redis.from_url(sys.argv[1])
    waiting = int(sys.argv[2])
    r.flushdb()
    big, payloads, failing = (Queue(n, connection=r) for n in ("big", "payloads", "failing"))
    w = Worker([big, payloads, failing], connection=r, name="w1")
    w.register_birth()

    big.enqueue(rqjobs.send_email, user_id=1, job_id="template")
    r.lrem("rq:queue:big", 0, "template")
    clone(r, "rq:job:template", "rq:queue:big", "big-", waiting)
    r.delete("rq:job:template")

    for i in range(200):
        payloads.enqueue(rqjobs.send_email, user_id=os.urandom(64 * 1024), job_id="payload-%d" % i)

    failing.enqueue(rqjobs.boom, user_id=1, job_id="failed-0")
    SimpleWorker([failing], connection=r, name="failing-runner").work(burst=True, logging_level="ERROR")
    score = r.zscore("rq:failed:failing", "failed-0")
    clone(r, "rq:job:failed-0", "rq:failed:failing", "failed-", 9999, "rq:results:failed-0", score)

    out = {"big": big.count, "payloads": payloads.count, "failed": FailedJobRegistry(queue=failing).count,
           "seconds": round(time.monotonic() - t0, 1)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
