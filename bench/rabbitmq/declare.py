#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: Queuedeck contributors
"""bench_rabbitmq's data: a fresh vhost with N queues, every tenth holding a few messages.
   /usr/bin/python3 declare.py AMQP_PORT HTTP_PORT VHOST N"""
import os
import sys

import pika

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "backends", "fixtures",
                                "rabbitmq"))
from mgmt import Api  # noqa: E402

amqp_port, http_port, vhost, n = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
Api(http_port).fresh_vhost(vhost)
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
