import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import t from 'tap';
import { LevelDurableLog } from '../../src/storage/level-durable-log.js';
import { Level } from 'level';
import { CHUNK_RANGE } from '../../src/storage/level-keys.js';
import { crashEntry, snapshotImage } from './fixtures/crash-entry.js';
import { tempDir } from './fixtures/test-data.js';

const writerPath = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
const snapshotterPath = fileURLToPath(new URL('./fixtures/crash-snapshotter.ts', import.meta.url));
// The same TypeScript loader tap runs this file with, so the child runs src/ directly.
const tsLoader = import.meta.resolve('@tapjs/typescript/import');

interface CrashRun {
  readonly startIndex: number;
  readonly ackedIndex: number;
}

/** Runs the writer until it has acknowledged `acksBeforeKill` saves, then SIGKILLs it. */
function runWriterUntilKilled(location: string, acksBeforeKill: number, script = writerPath, ackWord = 'ack'): Promise<CrashRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsLoader, script, location], {
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let startIndex = -1;
    let ackedIndex = -1;
    let acks = 0;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const [word, value] = line.split(' ');
      if (word === 'start') startIndex = Number(value);
      if (word !== ackWord) return;
      ackedIndex = Math.max(ackedIndex, Number(value));
      acks += 1;
      if (acks === acksBeforeKill) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' && startIndex >= 0) resolve({ startIndex, ackedIndex });
      else reject(new Error(`writer exited with ${String(code)}/${String(signal)}: ${stderr}`));
    });
  });
}

t.test('SIGKILL mid-stream loses no acknowledged save and leaves a contiguous log', async (t) => {
  const location = join(await tempDir(t), 'log');
  let previousLast = 0;
  for (const acksBeforeKill of [40, 137, 301]) {
    const run = await runWriterUntilKilled(location, acksBeforeKill);
    t.equal(run.startIndex, previousLast, 'the restarted writer resumed from the recovered log');

    const log = new LevelDurableLog({ location });
    const state = await log.open();
    await log.close();
    const lastIndex = state.entries.at(-1)?.index ?? 0;
    t.ok(lastIndex >= run.ackedIndex, `recovered through ${lastIndex}, acknowledged through ${run.ackedIndex}`);
    const broken = state.entries.findIndex((entry, i) => {
      const expected = crashEntry(i + 1);
      return entry.index !== i + 1 || !Buffer.from(entry.data).equals(expected.data);
    });
    t.equal(broken, -1, 'every entry from 1 is present and intact');
    t.ok(state.hardState.commit >= run.ackedIndex && state.hardState.commit <= lastIndex, 'hard state went down with its entries');
    previousLast = lastIndex;
  }
});

t.test('SIGKILL while snapshots are written (chunks shared between images) loses no committed snapshot', async (t) => {
  const location = join(await tempDir(t), 'log');
  let previous = 0;
  for (const acksBeforeKill of [3, 17, 41]) {
    const run = await runWriterUntilKilled(location, acksBeforeKill, snapshotterPath, 'snap');
    t.equal(run.startIndex, previous, 'the restarted snapshotter resumed from the recovered snapshot');
    const log = new LevelDurableLog({ location, snapshotChunkBytes: 4096 });
    const state = await log.open();
    await log.close();
    const index = state.snapshot?.meta.index ?? 0;
    t.ok(index >= run.ackedIndex, `recovered snapshot ${index}, acknowledged through ${run.ackedIndex}`);
    t.ok(Buffer.from(state.snapshot?.data ?? []).equals(snapshotImage(index)), 'its image is whole and is the one for its index');
    const raw = new Level<Uint8Array, Uint8Array>(location, { keyEncoding: 'view', valueEncoding: 'view' });
    await raw.open();
    let chunks = 0;
    for await (const _ of raw.keys(CHUNK_RANGE)) chunks += 1;
    await raw.close();
    t.equal(chunks, Math.ceil(snapshotImage(index).byteLength / 4096), 'after open, only the records the manifest names are left');
    previous = index;
  }
});
