import type { NodeId } from '../raft/types.js';
import type { Rng } from '../util/rng.js';
import { TransportError } from './transport-error.js';

export type FaultDirection = 'outbound' | 'inbound' | 'both';

/**
 * One chaos rule, JSON-serialisable so that an admin endpoint can accept it as is.
 * `peer` is the remote peer ('*' for all). 'outbound' affects messages this peer
 * sends to `peer`; 'inbound' affects messages it receives from `peer`.
 */
export interface FaultRule {
  peer: NodeId | '*';
  direction: FaultDirection;
  /** Lose every message. */
  cut?: boolean;
  /** Lose each message with this probability, in [0, 1]. */
  dropProbability?: number;
  /** Hold each message this long before it moves on. */
  delayMs?: number;
}

export type FaultDecision = { kind: 'pass'; delayMs: number } | { kind: 'drop'; reason: 'cut' | 'random' };

export const FAULT_RULES_MAX = 256;
export const FAULT_DELAY_MS_MAX = 60_000;

const PASS: FaultDecision = Object.freeze({ kind: 'pass', delayMs: 0 });

function bad(message: string, details: Record<string, unknown>): TransportError {
  return new TransportError('TRANSPORT_BAD_FAULT_RULE', message, details);
}

function validateRule(value: unknown, position: number): FaultRule {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('a rule must be an object', { position });
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!['peer', 'direction', 'cut', 'dropProbability', 'delayMs'].includes(key)) {
      throw bad(`unknown field ${key}`, { position, key });
    }
  }
  const { peer, direction, cut, dropProbability, delayMs } = raw;
  if (typeof peer !== 'string' || peer.length === 0 || peer.length > 64) throw bad('peer must be a peer id or "*"', { position });
  if (direction !== 'outbound' && direction !== 'inbound' && direction !== 'both') {
    throw bad('direction must be outbound, inbound or both', { position, direction });
  }
  const rule: FaultRule = { peer, direction };
  if (cut !== undefined) {
    if (typeof cut !== 'boolean') throw bad('cut must be a boolean', { position });
    rule.cut = cut;
  }
  if (dropProbability !== undefined) {
    if (typeof dropProbability !== 'number' || !(dropProbability >= 0 && dropProbability <= 1)) {
      throw bad('dropProbability must be a number in [0, 1]', { position, dropProbability });
    }
    rule.dropProbability = dropProbability;
  }
  if (delayMs !== undefined) {
    if (typeof delayMs !== 'number' || !Number.isInteger(delayMs) || delayMs < 0 || delayMs > FAULT_DELAY_MS_MAX) {
      throw bad(`delayMs must be an integer in [0, ${FAULT_DELAY_MS_MAX}]`, { position, delayMs });
    }
    rule.delayMs = delayMs;
  }
  if (rule.cut === undefined && rule.dropProbability === undefined && rule.delayMs === undefined) {
    throw bad('a rule needs cut, dropProbability or delayMs', { position });
  }
  return rule;
}

/** Checks untrusted input (e.g. a parsed JSON body) and returns clean copies of the rules. */
export function validateFaultRules(value: unknown): FaultRule[] {
  if (!Array.isArray(value)) throw bad('rules must be an array', {});
  if (value.length > FAULT_RULES_MAX) throw bad(`at most ${FAULT_RULES_MAX} rules`, { count: value.length });
  return value.map((rule, position) => validateRule(rule, position));
}

function matches(rule: FaultRule, peer: NodeId, direction: 'outbound' | 'inbound'): boolean {
  return (rule.peer === '*' || rule.peer === peer) && (rule.direction === 'both' || rule.direction === direction);
}

/**
 * The rules in force. When several match, a cut wins, drop probabilities combine as
 * independent losses, and the longest delay applies.
 */
export class FaultTable {
  private active: FaultRule[] = [];

  constructor(private readonly rng: Rng) {}

  set(rules: readonly FaultRule[]): void {
    this.active = validateFaultRules(rules);
  }

  rules(): FaultRule[] {
    return this.active.map((rule) => ({ ...rule }));
  }

  /** True when a rule in force cuts every message to (outbound) or from (inbound) this peer. */
  cuts(peer: NodeId, direction: 'outbound' | 'inbound'): boolean {
    return this.active.some((rule) => rule.cut === true && matches(rule, peer, direction));
  }

  /** True when a rule in force holds messages to (outbound) or from (inbound) this peer. */
  delays(peer: NodeId, direction: 'outbound' | 'inbound'): boolean {
    return this.active.some((rule) => (rule.delayMs ?? 0) > 0 && matches(rule, peer, direction));
  }

  decide(peer: NodeId, direction: 'outbound' | 'inbound'): FaultDecision {
    if (this.active.length === 0) return PASS;
    let keep = 1;
    let delayMs = 0;
    for (const rule of this.active) {
      if (!matches(rule, peer, direction)) continue;
      if (rule.cut === true) return { kind: 'drop', reason: 'cut' };
      keep *= 1 - (rule.dropProbability ?? 0);
      delayMs = Math.max(delayMs, rule.delayMs ?? 0);
    }
    if (keep < 1 && this.rng.next() >= keep) return { kind: 'drop', reason: 'random' };
    return delayMs === 0 ? PASS : { kind: 'pass', delayMs };
  }
}
