// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// The peer side of bench_servercost for BullMQ: what BullMQ's own API costs for the picture bull-board shows per
// refresh — every queue's Queue.getJobCounts() (all states) and Queue.getWorkers(). Runs on the npm bullmq that
// tests/backends/fixtures/redis pins (its node_modules, found from there).
//   node bullmq_api.mjs redis://127.0.0.1:PORT/DB ITERATIONS QUEUE...
// Prints one JSON line: median and p95 milliseconds per refresh, round trips (commands sent: each is awaited).
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../tests/backends/fixtures/redis/package.json', import.meta.url));
const { Queue } = require('bullmq');

const [url, iterationsArg, ...names] = process.argv.slice(2);
const u = new URL(url);
const connection = { host: u.hostname, port: Number(u.port), db: Number(u.pathname.slice(1) || 0) };
const iterations = Number(iterationsArg);

async function main() {
  const queues = names.map((n) => new Queue(n, { connection }));
  let commands = 0;
  for (const q of queues) {
    const client = await q.client;
    const send = client.sendCommand.bind(client);
    client.sendCommand = (...a) => { commands++; return send(...a); };
  }
  const refresh = () => Promise.all(queues.map(async (q) => [await q.getJobCounts(), await q.getWorkers()]));
  await refresh(); // connect, load the scripts
  const c0 = commands;
  const times = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    await refresh();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  process.stdout.write(JSON.stringify({ median_ms: times[times.length >> 1],
    p95_ms: times[Math.min(times.length - 1, Math.floor(times.length * 0.95))],
    round_trips: (commands - c0) / iterations }) + '\n');
  for (const q of queues) await q.close();
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
