import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderHaproxyConfig } from '../../src/loadbalancer/haproxy-config.js';
import { TestBackend, freePort, get, within } from './fixtures/backends.js';

const haproxy = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
if (haproxy.error !== undefined) {
  console.error('\n*** SKIPPING the HAProxy test: the haproxy binary is not installed (apt-get install haproxy) ***\n');
  t.pass('haproxy test skipped: haproxy is not installed');
} else {
  t.test('the generated HAProxy configuration is valid and balances over ready peers only', async (t) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'raftplane-haproxy-'));
    const backends = ['p1', 'p2', 'p3'].map((id) => new TestBackend(id));
    for (const b of backends) await b.start();
    const port = await freePort();
    const file = path.join(dir, 'haproxy.cfg');
    writeFileSync(file, renderHaproxyConfig({ name: 'lab', bind: { host: '127.0.0.1', port }, backends: backends.map((b) => b.backend()) }));
    const check = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8' });
    t.equal(check.status, 0, `haproxy -c accepts the file ${check.stderr}`);
    const proc = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    t.teardown(async () => {
      proc.kill('SIGKILL');
      for (const b of backends) await b.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    const seen = new Set<string>();
    await within(5000, async () => {
      seen.add(await get(port).catch(() => ''));
      return seen.has('p1') && seen.has('p2') && seen.has('p3');
    });
    t.pass('every ready peer receives connections');
    backends[1]!.ready = false;
    await new Promise((r) => setTimeout(r, 1000));
    const after = new Set<string>();
    for (let i = 0; i < 12; i++) after.add(await get(port));
    t.notOk(after.has('p2'), 'a peer whose /readyz fails leaves rotation within a second');
    t.ok(after.has('p1') && after.has('p3'), 'the others still serve');
    // An election: no peer is ready, one is dead. Connections still reach the live peers.
    await backends[2]!.stop();
    backends[0]!.ready = false;
    await new Promise((r) => setTimeout(r, 1000));
    const electing = new Set<string>();
    for (let i = 0; i < 12; i++) electing.add(await get(port));
    t.same([...electing].sort(), ['p1', 'p2'], 'with no peer ready, the live peers take connections through the backup entries');
  });
}
