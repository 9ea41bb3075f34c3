/**
 * The simulated clock, shared by everything in one world. Time only moves when
 * the world's step loop advances it, so a seed replays exactly.
 */
export class SimClock {
  private tickNow = 0;

  get tick(): number {
    return this.tickNow;
  }

  advance(): number {
    this.tickNow += 1;
    return this.tickNow;
  }
}
