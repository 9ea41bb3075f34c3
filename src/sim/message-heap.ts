import type { Message } from '../raft/types.js';

export interface InFlight {
  readonly message: Message;
  readonly deliverAtTick: number;
  /** Send order; breaks ties so that equal delivery ticks keep a deterministic order. */
  readonly seq: number;
}

function before(a: InFlight, b: InFlight): boolean {
  return a.deliverAtTick < b.deliverAtTick || (a.deliverAtTick === b.deliverAtTick && a.seq < b.seq);
}

/** A binary min-heap of messages in flight, ordered by delivery tick then send order. */
export class MessageHeap {
  private readonly items: InFlight[] = [];

  get size(): number {
    return this.items.length;
  }

  push(item: InFlight): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as InFlight;
      if (!before(item, p)) break;
      items[i] = p;
      i = parent;
    }
    items[i] = item;
  }

  peek(): InFlight | undefined {
    return this.items[0];
  }

  pop(): InFlight | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    const n = items.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      let child = left;
      if (right < n && before(items[right] as InFlight, items[left] as InFlight)) child = right;
      if (!before(items[child] as InFlight, last)) break;
      items[i] = items[child] as InFlight;
      i = child;
    }
    items[i] = last;
    return top;
  }

  clear(): void {
    this.items.length = 0;
  }
}
