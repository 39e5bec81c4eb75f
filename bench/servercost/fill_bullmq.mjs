// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: Queuedeck contributors
//
// bench_servercost's BullMQ data, on a private redis-server (FLUSHDB first), with the npm bullmq that
// tests/backends/fixtures/redis pins (its node_modules: `npm ci` there, scripts/setup does).
//   node fill_bullmq.mjs REDIS_URL WAITING FINISHED
// BullMQ itself writes one job of every kind (Queue.add; a real Worker completing one job and failing another);
// the many copies are then written server-side, field for field what BullMQ wrote, only the id differing:
//   big      : WAITING waiting jobs ("send", {user_id: 1}) in bull:big:wait
//   payloads : 200 waiting jobs whose data is 64 KB (added by BullMQ one by one)
//   done     : FINISHED completed and FINISHED failed jobs (bull:done:completed / :failed, scored finishedOn)
// Prints one JSON line: BullMQ's own getJobCounts per queue and the fill's seconds.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../tests/backends/fixtures/redis/package.json', import.meta.url));
const { Queue, Worker } = require('bullmq');
const IORedis = require('ioredis');

export function connOpts(url) {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port), db: Number(u.pathname.slice(1) || 0), maxRetriesPerRequest: null };
}

// Clones hash KEYS[1] as <ARGV[1]><i> for i in ARGV[2]..ARGV[3]: LPUSHed on KEYS[2] (a list, as BullMQ adds to
// wait) or, with ARGV[4] set, added to the zset KEYS[2] scored ARGV[4] + i.
const CLONE = `
local fields = redis.call('HGETALL', KEYS[1])
for i = tonumber(ARGV[2]), tonumber(ARGV[3]) do
  redis.call('HSET', ARGV[1] .. i, unpack(fields))
  if ARGV[4] then redis.call('ZADD', KEYS[2], tonumber(ARGV[4]) + i, tostring(i)) else redis.call('LPUSH', KEYS[2], tostring(i)) end
end
return 1`;

async function clone(admin, template, target, prefix, from, to, score) {
  for (let start = from; start <= to; start += 20000) {
    const args = [prefix, start, Math.min(to, start + 19999)];
    if (score !== undefined) args.push(score);
    await admin.eval(CLONE, 2, template, target, ...args);
  }
}

async function main() {
  const t0 = Date.now();
  const [url, waitingArg, finishedArg] = process.argv.slice(2);
  const waiting = Number(waitingArg);
  const finished = Number(finishedArg);
  const connection = connOpts(url);
  const admin = new IORedis(connection);
  await admin.flushdb();
  const queues = { big: new Queue('big', { connection }), payloads: new Queue('payloads', { connection }),
                   done: new Queue('done', { connection }) };

  await queues.big.add('send', { user_id: 1 }); // id 1, the template
  await clone(admin, 'bull:big:1', 'bull:big:wait', 'bull:big:', 2, waiting);
  await admin.set('bull:big:id', String(waiting));

  const payload = 'x'.repeat(64 * 1024);
  for (let i = 0; i < 200; i++) await queues.payloads.add('render', { user_id: i, payload });

  await queues.done.add('encode', { user_id: 1 }, { attempts: 1 });
  await queues.done.add('encode', { user_id: 2, fail: true }, { attempts: 1 });
  let left = 2;
  let resolveDone;
  const done = new Promise((res) => { resolveDone = res; });
  const worker = new Worker('done', async (job) => {
    if (job.data.fail) throw new Error(`boom for user ${job.data.user_id}`);
    return `encoded ${job.data.user_id}`;
  }, { connection, concurrency: 1 });
  const bump = () => { if (--left === 0) resolveDone(); };
  worker.on('completed', bump);
  worker.on('failed', bump);
  await done;
  await worker.close();
  const completedOn = Number(await admin.hget('bull:done:1', 'finishedOn'));
  const failedOn = Number(await admin.hget('bull:done:2', 'finishedOn'));
  await clone(admin, 'bull:done:1', 'bull:done:completed', 'bull:done:', 3, finished + 1, completedOn);
  await clone(admin, 'bull:done:2', 'bull:done:failed', 'bull:done:', finished + 2, 2 * finished, failedOn);
  await admin.set('bull:done:id', String(2 * finished));

  const out = { seconds: (Date.now() - t0) / 1000 };
  for (const [name, q] of Object.entries(queues)) {
    out[name] = await q.getJobCounts('wait', 'completed', 'failed');
    await q.close();
  }
  await admin.quit();
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
