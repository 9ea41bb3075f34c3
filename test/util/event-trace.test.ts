import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NO_TRACE, RecordingTrace, type TraceEvent } from '../../src/util/event-trace.js';
import { TRACE_DIR_ENV, traceFromEnv } from '../../src/cli/trace-setting.js';

t.test('a recording trace keeps marks in order, up to its bound, and writes them as JSON', async (t) => {
  const trace = new RecordingTrace(3);
  const before = Date.now();
  trace.mark('turn');
  trace.mark('ready', '1/0/append>p2');
  trace.mark('write');
  trace.mark('written'); // over the bound: counted, not kept
  t.equal(trace.length, 3);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'trace-')), 'p1.trace.json');
  await trace.writeTo(file);
  const written = JSON.parse(readFileSync(file, 'utf8')) as { dropped: number; events: TraceEvent[] };
  t.equal(written.dropped, 1);
  t.same(written.events.map((e) => [e[1], e[2]]), [['turn', ''], ['ready', '1/0/append>p2'], ['write', '']]);
  const times = written.events.map((e) => e[0]);
  t.ok(times[0]! >= before - 1 && times[2]! <= Date.now() + 1, 'wall-clock times');
  t.ok(times[0]! <= times[1]! && times[1]! <= times[2]!, 'in order');
});

t.test('garbage collections are recorded with their kind and duration', async (t) => {
  const trace = new RecordingTrace();
  let keep: unknown[] = [];
  for (let i = 0; i < 200 && trace.length === 0; i++) {
    keep = Array.from({ length: 20_000 }, (_, j) => ({ j, s: `x${j}` })); // young-generation churn
    await new Promise((resolve) => setImmediate(resolve)); // observers report asynchronously
  }
  t.ok(keep.length > 0);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'trace-')), 'gc.json');
  await trace.writeTo(file);
  const { events } = JSON.parse(readFileSync(file, 'utf8')) as { events: TraceEvent[] };
  const gc = events.find((e) => e[1] === 'gc');
  t.ok(gc !== undefined, 'a GC was recorded');
  t.match(gc?.[2], /^(minor|major|incremental|weakcb):\d+\.\d{3}$/);
});

t.test('switched off, marks cost nothing and record nothing', async (t) => {
  t.equal(NO_TRACE.enabled, false);
  t.doesNotThrow(() => NO_TRACE.mark('turn', 'x'));
});

t.test('RAFTPLANE_TRACE_DIR: unset records nothing; set makes the directory and names the file', async (t) => {
  t.equal(traceFromEnv({}, 'p1'), undefined);
  t.equal(traceFromEnv({ [TRACE_DIR_ENV]: '' }, 'p1'), undefined);
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'trace-')), 'a', 'b');
  const setting = traceFromEnv({ [TRACE_DIR_ENV]: dir }, 'p2');
  t.equal(setting?.file, path.join(dir, 'p2.trace.json'));
  t.equal(setting?.trace.enabled, true);
  await setting?.trace.writeTo(setting.file);
  t.ok(readFileSync(path.join(dir, 'p2.trace.json'), 'utf8').startsWith('{"dropped":0'));
  const blocker = path.join(mkdtempSync(path.join(os.tmpdir(), 'trace-')), 'file');
  writeFileSync(blocker, 'not a directory');
  t.throws(() => traceFromEnv({ [TRACE_DIR_ENV]: path.join(blocker, 'sub') }, 'p1'), { code: 'CLI_USAGE', message: new RegExp(`${TRACE_DIR_ENV}: cannot make directory`) });
});
