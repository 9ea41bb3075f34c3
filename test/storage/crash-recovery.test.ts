import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import t from 'tap';
import { LevelDurableLog } from '../../src/storage/level-durable-log.js';
import { crashEntry } from './fixtures/crash-entry.js';
import { tempDir } from './fixtures/test-data.js';

const writerPath = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
// The same TypeScript loader tap runs this file with, so the child runs src/ directly.
const tsLoader = import.meta.resolve('@tapjs/typescript/import');

interface CrashRun {
  readonly startIndex: number;
  readonly ackedIndex: number;
}

/** Runs the writer until it has acknowledged `acksBeforeKill` saves, then SIGKILLs it. */
function runWriterUntilKilled(location: string, acksBeforeKill: number): Promise<CrashRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsLoader, writerPath, location], {
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
      if (word !== 'ack') return;
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
