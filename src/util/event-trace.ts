import { writeFile } from 'node:fs/promises';
import { PerformanceObserver, constants, performance } from 'node:perf_hooks';

/**
 * A timeline of what one process did, for latency study: each event is its wall-clock
 * time in milliseconds (fractional, comparable between processes on one host), a short
 * code and an optional detail. Switched off, `mark` does nothing and callers build no
 * detail (they check `enabled` first).
 */
export interface EventTrace {
  readonly enabled: boolean;
  mark(code: string, detail?: string): void;
}

export const NO_TRACE: EventTrace = Object.freeze({ enabled: false, mark: () => undefined });

/** One recorded event: [time ms since the epoch, code, detail]. */
export type TraceEvent = readonly [number, string, string];

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/**
 * Records events in memory, at most `eventsMax` (later ones are counted, not kept), and
 * every garbage collection as a `gc` event whose detail is `kind:durationMs`.
 */
export class RecordingTrace implements EventTrace {
  readonly enabled = true;
  private readonly events: TraceEvent[] = [];
  private dropped = 0;
  private readonly origin = performance.timeOrigin;
  private readonly gcObserver: PerformanceObserver;

  constructor(private readonly eventsMax = 2_000_000) {
    this.gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const kind = (entry as { detail?: { kind?: number } }).detail?.kind ?? 0;
        this.push([this.origin + entry.startTime, 'gc', `${GC_KINDS[kind] ?? kind}:${entry.duration.toFixed(3)}`]);
      }
    });
    this.gcObserver.observe({ entryTypes: ['gc'] });
  }

  mark(code: string, detail = ''): void {
    this.push([this.origin + performance.now(), code, detail]);
  }

  get length(): number {
    return this.events.length;
  }

  /** Stops recording GCs and writes `{ dropped, events }` as JSON. */
  async writeTo(file: string): Promise<void> {
    this.gcObserver.disconnect();
    await writeFile(file, JSON.stringify({ dropped: this.dropped, events: this.events }));
  }

  private push(event: TraceEvent): void {
    if (this.events.length < this.eventsMax) this.events.push(event);
    else this.dropped++;
  }
}
