import type { SimClock } from '../sim-clock.js';
import type { ViolationSink } from '../violation.js';

/**
 * Liveness after healing: once every fault is gone, a leader is elected and a
 * proposal made after the heal commits within boundTicks. This is not a safety
 * property; it guards against a core that stays safe by never making progress.
 */
export class LivenessChecker {
  private healTick: number | undefined;
  private leaderTick: number | undefined;
  private commitTick: number | undefined;
  private reported = false;

  constructor(
    private readonly clock: SimClock,
    private readonly sink: ViolationSink,
    readonly boundTicks: number,
  ) {}

  startWindow(): void {
    this.healTick = this.clock.tick;
  }

  get windowOpen(): boolean {
    return this.healTick !== undefined;
  }

  observeLeader(): void {
    if (this.healTick !== undefined && this.leaderTick === undefined) this.leaderTick = this.clock.tick;
  }

  /** A write proposed at proposedTick was acknowledged now. */
  observeAck(proposedTick: number): void {
    if (this.healTick === undefined || this.commitTick !== undefined) return;
    if (proposedTick < this.healTick) return;
    this.commitTick = this.clock.tick;
  }

  get satisfied(): boolean {
    return this.commitTick !== undefined;
  }

  /** Ticks from the heal to the first commit of a post-heal proposal. */
  get ticksToCommit(): number | undefined {
    if (this.healTick === undefined || this.commitTick === undefined) return undefined;
    return this.commitTick - this.healTick;
  }

  onTick(): void {
    if (this.healTick === undefined || this.satisfied || this.reported) return;
    if (this.clock.tick - this.healTick <= this.boundTicks) return;
    this.reported = true;
    const leader = this.leaderTick === undefined ? 'no leader was elected' : `a leader was seen at tick ${this.leaderTick}`;
    this.sink.report({
      invariant: 'liveness',
      tick: this.clock.tick,
      message: `no proposal committed within ${this.boundTicks} ticks of healing at tick ${this.healTick}; ${leader}`,
    });
  }
}
