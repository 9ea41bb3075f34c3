/**
 * `npm run bench:wal`: synced saves of one LevelDurableLog, with LevelDB's log preallocated
 * (the default) and without, alternating in the same run. One save is one entry of
 * WAL_VALUE_BYTES plus the hard state, as a follower writes at one client.
 *
 *   WAL_SAVES=3000 WAL_ROUNDS=3 WAL_VALUE_BYTES=400 npm run bench:wal
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { LevelDurableLog } from '../src/storage/level-durable-log.js';
import { envNumber } from './env-number.js';

const saves = envNumber('WAL_SAVES', 3000, { min: 100, integer: true });
const rounds = envNumber('WAL_ROUNDS', 3, { min: 1, integer: true });
const valueBytes = envNumber('WAL_VALUE_BYTES', 400, { integer: true });

async function run(preallocate: boolean): Promise<number[]> {
  const dir = await mkdtemp(join(tmpdir(), 'raftplane-wal-bench-'));
  const log = new LevelDurableLog({ location: join(dir, 'log'), ...(preallocate ? {} : { walPreallocation: false }) });
  try {
    await log.open();
    const data = randomBytes(valueBytes);
    const latencies: number[] = [];
    for (let index = 1; index <= saves; index += 1) {
      const started = process.hrtime.bigint();
      await log.save({ entries: [{ index, term: 1, type: 'normal', data }], hardState: { term: 1, vote: 'p1', commit: index } });
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return latencies;
  } finally {
    await log.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

console.log(`${saves} synced saves of ${valueBytes}-byte entries per run, ${rounds} round(s), the two modes alternating\n`);
console.log('| round | log | p50 ms | p90 ms | p99 ms | mean ms |');
console.log('|---|---|---|---|---|---|');
for (let round = 1; round <= rounds; round += 1) {
  for (const preallocate of round % 2 === 1 ? [false, true] : [true, false]) {
    const sorted = (await run(preallocate)).sort((a, b) => a - b);
    const mean = sorted.reduce((sum, ms) => sum + ms, 0) / sorted.length;
    const cells = [percentile(sorted, 0.5), percentile(sorted, 0.9), percentile(sorted, 0.99), mean].map((ms) => ms.toFixed(3));
    console.log(`| ${round} | ${preallocate ? 'preallocated' : 'appended'} | ${cells.join(' | ')} |`);
  }
}
