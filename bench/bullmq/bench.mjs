// BullMQ reference for bench/redis-jobs.sh (installed there with npm into bench/bullmq/node_modules, not committed).
//   node bench.mjs produce <redisPort> <jobs> <clients> <queue>: add `jobs` 1-stage no-op jobs, `clients` adds in
//     flight, then poll the completed count every 2 ms; prints RESULT like RedisJobsBench (wall to the last completion).
//   node bench.mjs work <redisPort> <concurrency> <queue>: one worker process running no-op jobs, until killed.
// BullMQ defaults otherwise: jobs are kept once completed (no removeOnComplete), one attempt, no rate limit.
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

const [mode, port, ...rest] = process.argv.slice(2);
// BullMQ 6 takes its ioredis client ready-made in ESM; workers need maxRetriesPerRequest null (its docs).
const connection = () => new Redis({ host: '127.0.0.1', port: Number(port), maxRetriesPerRequest: null });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

if (mode === 'produce') {
  const [jobs, clients, name] = [Number(rest[0]), Number(rest[1]), rest[2]];
  const queue = new Queue(name, { connection: connection() });
  await queue.waitUntilReady();
  const start = process.hrtime.bigint();
  let next = 0;
  const client = async () => {
    while (next < jobs) {
      const i = next++;
      await queue.add('noop', { i });
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  const submitted = process.hrtime.bigint();
  const deadline = Date.now() + 300_000;
  while ((await queue.getCompletedCount()) < jobs) {
    if (Date.now() > deadline) throw new Error(`not all jobs completed: ${await queue.getCompletedCount()} of ${jobs}`);
    await sleep(2);
  }
  const end = process.hrtime.bigint();
  const wall = Number(end - start) / 1e9;
  console.log(`RESULT kind=bullmq jobs=${jobs} wall=${wall.toFixed(3)} rate=${(jobs / wall).toFixed(1)}`
    + ` submit=${(Number(submitted - start) / 1e9).toFixed(3)}`);
  await queue.close();
  process.exit(0);
} else if (mode === 'work') {
  const [concurrency, name] = [Number(rest[0]), rest[1]];
  const worker = new Worker(name, async () => {}, { connection: connection(), concurrency });
  await worker.waitUntilReady();
  console.log('ready');
  // Stopped between runs: no-op jobs leave nothing to finish, and Redis may already be gone.
  process.on('SIGTERM', () => process.exit(0));
} else {
  throw new Error(`unknown mode ${mode}`);
}
