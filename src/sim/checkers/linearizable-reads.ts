import type { NodeId } from '../../raft/types.js';
import type { SimClock } from '../sim-clock.js';
import type { ViolationSink } from '../violation.js';

interface PendingRead {
  readonly key: string;
  readonly startTick: number;
  /** The highest index acknowledged to any client before the read began. */
  readonly mustSeeIndex: number;
}

interface KeyWrite {
  readonly index: number;
  readonly value: string;
}

/**
 * Linearizable reads (thesis §6.4): a read returns a state at least as new as
 * every write acknowledged before the read began, and that state is exactly
 * the canonical state at the index it was served from.
 */
export class LinearizableReadsChecker {
  private readonly pending = new Map<string, PendingRead>();
  private readonly historyByKey = new Map<string, KeyWrite[]>();
  private highestAckedIndex = 0;
  private readsCompleted = 0;

  constructor(
    private readonly clock: SimClock,
    private readonly sink: ViolationSink,
  ) {}

  observeAck(index: number): void {
    if (index > this.highestAckedIndex) this.highestAckedIndex = index;
  }

  /** The first apply of a write at an index, in index order. */
  observeCanonicalWrite(index: number, key: string, value: string): void {
    let history = this.historyByKey.get(key);
    if (history === undefined) {
      history = [];
      this.historyByKey.set(key, history);
    }
    const last = history[history.length - 1];
    if (last !== undefined && last.index >= index) return;
    history.push({ index, value });
  }

  beginRead(readId: string, key: string): void {
    this.pending.set(readId, { key, startTick: this.clock.tick, mustSeeIndex: this.highestAckedIndex });
  }

  abandonRead(readId: string): void {
    this.pending.delete(readId);
  }

  completeRead(readId: string, nodeId: NodeId, servedIndex: number, value: string | undefined): void {
    const read = this.pending.get(readId);
    if (read === undefined) return;
    this.pending.delete(readId);
    this.readsCompleted++;
    if (servedIndex < read.mustSeeIndex) {
      this.report(
        `read ${readId} of "${read.key}" began at tick ${read.startTick} after index ${read.mustSeeIndex} was ` +
          `acknowledged, but ${nodeId} served it from index ${servedIndex} (value ${String(value)})`,
      );
      return;
    }
    const expected = this.valueAt(read.key, servedIndex);
    if (expected === value) return;
    this.report(
      `read ${readId} of "${read.key}" on ${nodeId} at index ${servedIndex} returned ${String(value)}, ` +
        `but the value at that index is ${String(expected)}`,
    );
  }

  get completed(): number {
    return this.readsCompleted;
  }

  private valueAt(key: string, index: number): string | undefined {
    const history = this.historyByKey.get(key);
    if (history === undefined) return undefined;
    let lo = 0;
    let hi = history.length - 1;
    let found: string | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const write = history[mid] as KeyWrite;
      if (write.index <= index) {
        found = write.value;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  private report(message: string): void {
    this.sink.report({ invariant: 'linearizable-read', tick: this.clock.tick, message });
  }
}
