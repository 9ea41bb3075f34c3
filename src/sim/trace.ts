import type { Message } from '../raft/types.js';

interface TraceEvent {
  readonly tick: number;
  /** Either a finished line or a delivered message, formatted only if the trace is printed. */
  readonly detail: string | Message;
}

export function formatMessage(m: Message): string {
  const parts = [`${m.from}→${m.to} ${m.type} term=${m.term}`];
  if (m.type === 'append' || m.type === 'snapshot') {
    parts.push(`prev=${m.index}/${m.logTerm} n=${m.entries.length} commit=${m.commit}`);
    if (m.snapshot !== undefined) parts.push(`snap=${m.snapshot.meta.index}/${m.snapshot.meta.term}`);
  } else if (m.type === 'vote' || m.type === 'pre-vote') {
    parts.push(`last=${m.index}/${m.logTerm}`);
  } else if (m.type.endsWith('-resp')) {
    parts.push(m.reject ? `reject hint=${m.rejectHint}` : `ok index=${m.index}`);
  } else if (m.type === 'heartbeat') {
    parts.push(`commit=${m.commit}`);
  }
  return parts.join(' ');
}

/**
 * The last `capacity` events of a run, kept for the violation report: message
 * deliveries, elections, crashes, partitions, membership changes.
 */
export class TraceRing {
  private readonly events: (TraceEvent | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.events = new Array<TraceEvent | undefined>(capacity);
  }

  note(tick: number, line: string): void {
    this.push({ tick, detail: line });
  }

  delivery(tick: number, message: Message): void {
    this.push({ tick, detail: message });
  }

  lines(): string[] {
    const out: string[] = [];
    const start = this.count < this.capacity ? 0 : this.next;
    for (let i = 0; i < Math.min(this.count, this.capacity); i++) {
      const event = this.events[(start + i) % this.capacity];
      if (event === undefined) continue;
      const text = typeof event.detail === 'string' ? event.detail : `deliver ${formatMessage(event.detail)}`;
      out.push(`t=${String(event.tick).padStart(5)}  ${text}`);
    }
    return out;
  }

  private push(event: TraceEvent): void {
    this.events[this.next] = event;
    this.next = (this.next + 1) % this.capacity;
    this.count++;
  }
}
