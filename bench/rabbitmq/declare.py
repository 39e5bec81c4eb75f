#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: Queuedeck contributors
"""bench_rabbitmq's data: a fresh vhost with N queues, every tenth holding a few messages.
   /usr/bin/python3 declare.py AMQP_PORT HTTP_PORT VHOST N"""
import json
import sys
import urllib.parse
import urllib.request

import pika

amqp_port, http_port, vhost, n = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
api = "http://127.0.0.1:%d/api" % http_port


def call(method, path, body=None):
    req = urllib.request.Request(api + path, data=json.dumps(body).encode() if body is not None else None,
                                 method=method, headers={"content-type": "application/json",
                                                         "Authorization": "Basic Z3Vlc3Q6Z3Vlc3Q="})
    try:
        urllib.request.urlopen(req, timeout=120).read()
    except urllib.error.HTTPError as e:
        if not (e.code == 404 and method == "DELETE"):
            raise


v = urllib.parse.quote(vhost, safe="")
call("DELETE", "/vhosts/" + v)
call("PUT", "/vhosts/" + v, {})
call("PUT", "/permissions/%s/guest" % v, {"configure": ".*", "write": ".*", "read": ".*"})
conn = pika.BlockingConnection(pika.ConnectionParameters("127.0.0.1", amqp_port, vhost))
ch = conn.channel()
for i in range(n):
    name = "tenant-%05d.jobs" % i
    ch.queue_declare(name, durable=True, arguments={"x-dead-letter-exchange": "", "x-dead-letter-routing-key": "dlq"})
    if i % 10 == 0:
        for k in range(3):
            ch.basic_publish("", name, b'{"job": %d}' % k)
ch.queue_declare("dlq", durable=True)
conn.close()
