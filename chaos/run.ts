/**
 * npm run chaos — a real 3-peer cluster under writes while the leader is cut off and
 * then killed with SIGKILL, round after round. Passes when every acknowledged write
 * is on every peer at the end and every failover elected a new leader within 2 s.
 *
 * Environment: CHAOS_ROUNDS (default 3), CHAOS_SNAPSHOT_EVERY_ENTRIES (default 2000; small values
 * make every peer snapshot all the time, so kills land in the middle of snapshot writes),
 * CHAOS_KEEP (set: keep the peers' data dirs and logs even when the run passes).
 */
import { rm } from 'node:fs/promises';
import { localPrefix, status } from './etcd-client.js';
import { Lab, type LabPeer } from './lab.js';
import { Writers } from './writers.js';
import { envNumber } from '../bench/env-number.js';

const rounds = envNumber('CHAOS_ROUNDS', 3, { min: 1, integer: true });
const FAILOVER_BUDGET_MS = 2000;

const lab = await Lab.create(3, envNumber('CHAOS_SNAPSHOT_EVERY_ENTRIES', 2000, { min: 1, integer: true }));
const log = (line: string): void => console.log(`[${new Date().toISOString().slice(11, 23)}] ${line}`);
const failovers: { fault: string; ms: number }[] = [];

async function leaderOf(peers: readonly LabPeer[], timeoutMs: number, exclude?: LabPeer): Promise<LabPeer> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const p of peers) {
      if (p === exclude || p.proc === undefined) continue;
      const s = await status(p.api);
      if (s !== undefined && s.leader === s.member) return p;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no leader within ${timeoutMs} ms`);
}

/**
 * Times a failover from the moment the fault is in force: a cut is set by a `raftplane
 * fault` process, whose own start-up (a quarter to half a second) is not the cluster's;
 * `act` returns when its fault took effect (ms since the epoch), or nothing for at once.
 */
async function timedFailover(fault: string, old: LabPeer, act: () => Promise<number> | void): Promise<LabPeer> {
  const asked = Date.now();
  const started = (await act()) ?? Date.now();
  const next = await leaderOf(lab.peers, 10_000, old);
  const ms = Date.now() - started;
  failovers.push({ fault, ms });
  const setup = started - asked;
  log(`${fault}: new leader ${next.id} after ${ms} ms${setup >= 5 ? ` (the fault took ${setup} ms to set)` : ''}`);
  return next;
}

let exitCode = 0;
try {
  for (const p of lab.peers) lab.start(p);
  let leader = await leaderOf(lab.peers, 20_000);
  log(`cluster up, leader ${leader.id}`);
  const writers = new Writers(() => lab.peers.filter((p) => p.proc !== undefined).map((p) => p.api), { clients: 4, writesMax: 100_000 });
  writers.start();
  // Writes that failed from each fault until one second after the new leader: what
  // clients saw of it (a writer sends each write to a peer picked at random).
  const failedDuring = { cuts: 0, kills: 0 };
  for (let round = 1; round <= rounds; round++) {
    await new Promise((r) => setTimeout(r, 1000));
    const isolated = leader;
    let failedBefore = writers.failed;
    leader = await timedFailover(`round ${round}: leader ${isolated.id} cut off`, isolated, () => lab.fault(['--isolate', isolated.id]));
    await new Promise((r) => setTimeout(r, 1000));
    failedDuring.cuts += writers.failed - failedBefore;
    await lab.fault(['--heal']);
    log(`healed; ${writers.acked.size} writes acknowledged so far`);
    await new Promise((r) => setTimeout(r, 1000));
    const killed = leader;
    failedBefore = writers.failed;
    leader = await timedFailover(`round ${round}: leader ${killed.id} killed (SIGKILL)`, killed, () => lab.kill9(killed));
    await new Promise((r) => setTimeout(r, 1000));
    failedDuring.kills += writers.failed - failedBefore;
    lab.start(killed);
    log(`${killed.id} restarted from its data dir`);
  }
  await writers.stop();
  log(`writers stopped: ${writers.acked.size} acknowledged, ${writers.failed} failed or ambiguous, ${writers.refused} refused connections (retried)`);
  // Let every peer catch up, then check each one's own copy.
  await new Promise((r) => setTimeout(r, 3000));
  let lost = 0;
  for (const p of lab.peers) {
    const copy = await localPrefix(p.api, 'chaos/');
    if (copy === undefined) throw new Error(`${p.id} did not answer`);
    const missing = [...writers.acked].filter(([k, v]) => copy.get(k) !== v);
    lost += missing.length;
    log(`${p.id}: ${copy.size} keys, ${missing.length} acknowledged writes missing`);
  }
  const worst = Math.max(...failovers.map((f) => f.ms));
  const summary = {
    rounds,
    acked: writers.acked.size,
    failedOrAmbiguous: writers.failed,
    failedDuringCuts: failedDuring.cuts,
    failedDuringKills: failedDuring.kills,
    refused: writers.refused,
    lost,
    failovers: failovers.length,
    worstFailoverMs: worst,
  };
  console.log(JSON.stringify(summary));
  if (lost > 0 || worst > FAILOVER_BUDGET_MS) exitCode = 1;
} catch (error) {
  console.error(`chaos run failed: ${(error as Error).message} (peer logs in ${lab.dir})`);
  exitCode = 1;
} finally {
  await lab.stop();
  if (exitCode === 0 && process.env['CHAOS_KEEP'] === undefined) await rm(lab.dir, { recursive: true, force: true });
  else log(`peer data and logs kept in ${lab.dir}`);
}
process.exit(exitCode);
