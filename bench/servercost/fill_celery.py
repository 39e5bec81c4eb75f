#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: Queuedeck contributors
"""bench_servercost's Celery-on-Redis data, on a private redis-server (FLUSHDB first).

    /usr/bin/python3 fill_celery.py REDIS_URL WAITING UNACKED

Celery 5.2 / kombu 5.2 itself writes one message of every kind (apply_async; a kombu channel's basic_get without
ack, which moves the message to the `unacked` hash as a worker's prefetch does); the many copies are then written
server-side, byte for byte what kombu wrote, only the task id (and the delivery tag) differing:
  celery   : WAITING tasks.send_email(1) messages in the list "celery" (the default queue)
  payloads : 200 messages whose argument is 48 KB of text (a 64 KB base64 body), sent by Celery one by one
  unacked  : UNACKED messages taken but not acknowledged (hash "unacked", zset "unacked_index")
Prints one JSON line: kombu's own queue sizes, the unacked count and the fill's seconds."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "backends", "fixtures",
                                "redis"))
import redis  # noqa: E402

import tasks  # noqa: E402

TEMPLATE = "qdtemplateid"
TAG = "qdtemplatetag"
# Copies the list element ARGV[1] (LPUSH, as kombu publishes) or the unacked hash entry ARGV[4] for i in
# ARGV[2]..ARGV[3], the template id (and tag) replaced by c<i>.
CLONE = """
local message = ARGV[1]
for i = tonumber(ARGV[2]), tonumber(ARGV[3]) do
  local id = 'c' .. i
  if ARGV[4] then
    local tag = 't' .. i
    redis.call('HSET', 'unacked', tag, (string.gsub(string.gsub(message, ARGV[4], tag), '%s', id)))
    redis.call('ZADD', 'unacked_index', ARGV[5], tag)
  else
    redis.call('LPUSH', KEYS[1], (string.gsub(message, '%s', id)))
  end
end
return 1
""" % (TEMPLATE, TEMPLATE)


def main():
    t0 = time.monotonic()
    url, waiting, unacked = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    r = redis.Redis.from_url(url)
    r.flushdb()
    app = tasks.configure(url)
    with app.producer_or_acquire() as producer:
        tasks.send_email.apply_async((1,), queue="celery", task_id=TEMPLATE, producer=producer)
        message = r.lpop("celery")
        for start in range(1, waiting + 1, 20000):
            r.eval(CLONE, 1, "celery", message, start, min(waiting, start + 19999))
        payload = "x" * (48 * 1024)
        for i in range(200):
            tasks.render.apply_async((payload,), queue="payloads", task_id="payload-%d" % i, producer=producer)
        tasks.send_email.apply_async((2,), queue="taken", task_id=TEMPLATE, producer=producer)
    with app.connection_for_read() as conn:
        ch = conn.default_channel
        m = ch.basic_get("taken", no_ack=False)  # now in unacked / unacked_index, as a worker's prefetch
        tag = m.delivery_tag
        score = r.zscore("unacked_index", tag)
        entry = r.hget("unacked", tag)
        ch.basic_ack(tag)  # the template itself leaves unacked (and is not restored when the channel closes)
        for start in range(1, unacked + 1, 20000):
            r.eval(CLONE, 1, "celery", entry, start, min(unacked, start + 19999), tag, score)
        out = {name: ch._size(name) for name in ("celery", "payloads", "taken")}
    out["unacked"] = r.hlen("unacked")
    out["seconds"] = round(time.monotonic() - t0, 1)
    app.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
