import t from 'tap';
import { runSimCommand } from '../../src/cli/sim-command.js';
import { PLANT_NAMES } from '../../src/sim/plants/plant-registry.js';
import { parseSimArgs } from '../../src/sim/sim-args.js';

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSimCommand(argv, { out: (l) => out.push(...l.split('\n')), err: (l) => err.push(l) });
  return { code, out, err };
}

function lastJson(out: string[]): Record<string, unknown> {
  return JSON.parse(out[out.length - 1] ?? '') as Record<string, unknown>;
}

t.test('sim --seeds N: the last stdout line is the JSON summary; exit 0 when clean', async (t) => {
  const { code, out } = await run(['--seeds', '5', '--peers', '3', '--json']);
  t.equal(code, 0);
  const summary = lastJson(out);
  t.match(summary, { seeds: 5, peers: 3, violations: 0, faults: 'all' });
  t.type(summary['ticks'], 'number');
  t.match(summary['digest'], /^[0-9a-f]{64}$/);
  t.type(summary['seedsPerSecond'], 'number');
  t.type(summary['maxLivenessTicks'], 'number');
});

t.test('sim --seed S replays one seed with the same digest every time', async (t) => {
  const a = lastJson((await run(['--seed', '9', '--peers', '5', '--json'])).out);
  const b = lastJson((await run(['--seed', '9', '--peers', '5', '--json'])).out);
  t.equal(a['seeds'], 1);
  t.equal(a['digest'], b['digest']);
});

t.test('sim --faults none', async (t) => {
  const { code, out } = await run(['--seeds', '3', '--faults', 'none']);
  t.equal(code, 0);
  t.match(lastJson(out), { faults: 'none', violations: 0 });
});

t.test('sim --plants lists one plant per line', async (t) => {
  const { code, out } = await run(['--plants']);
  t.equal(code, 0);
  t.same(out, PLANT_NAMES);
});

t.test('sim --plant reports the violation, the first failing seed and how to replay it', async (t) => {
  const { code, out } = await run(['--plant', 'vote-without-log-check', '--seeds', '50', '--json']);
  t.equal(code, 1);
  const summary = lastJson(out);
  t.ok((summary['violations'] as number) > 0);
  t.type(summary['firstFailingSeed'], 'number');
  const seed = String(summary['firstFailingSeed']);
  t.ok(out.some((l) => l.includes(`npx raftplane sim --seed ${seed} --peers 3 --plant vote-without-log-check --json`)));
  t.ok(out.some((l) => l.startsWith('VIOLATION of ')));
  const replay = lastJson((await run(['--seed', seed, '--plant', 'vote-without-log-check', '--json'])).out);
  t.equal(replay['violations'], 1, 'the replay fails the same way');
  t.equal(replay['invariant'], summary['invariant']);
});

t.test('bad arguments exit 2 with usage', async (t) => {
  for (const argv of [['--peers', '4'], ['--faults', 'some'], ['--plant', 'nope'], ['--seed', '1', '--seeds', '2'], ['--x']]) {
    const { code, err } = await run(argv);
    t.equal(code, 2, argv.join(' '));
    t.ok(err.some((l) => l.startsWith('usage:')));
  }
  t.match(parseSimArgs([]), { kind: 'run', firstSeed: 1, seedCount: 100, peers: undefined, faults: 'all', json: false });
  t.match(parseSimArgs(['--seeds=7', '--peers=7']), { seedCount: 7, peers: 7 });
});
