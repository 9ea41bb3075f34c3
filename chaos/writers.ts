import { put } from './etcd-client.js';

/**
 * Clients that write unique keys throughout a chaos run, each to a peer picked at
 * random, and remember which writes were acknowledged. An acknowledged write must
 * survive anything the run does to a minority of peers.
 */
export class Writers {
  readonly acked = new Map<string, string>();
  /** Writes whose outcome is unknown (failed or timed out). */
  failed = 0;
  /** Connections refused (the peer was down or still starting): retried on another peer. */
  refused = 0;
  private running = true;
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly apis: () => readonly string[],
    private readonly options: { readonly clients: number; readonly writesMax: number },
  ) {}

  start(): void {
    for (let c = 0; c < this.options.clients; c++) this.loops.push(this.loop(c));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(client: number): Promise<void> {
    for (let n = 0; this.running && n < this.options.writesMax; n++) {
      const apis = this.apis();
      const api = apis[Math.floor(Math.random() * apis.length)]!;
      const key = `chaos/${client}/${n}`;
      const value = `${client}:${n}:${Date.now()}`;
      const outcome = await put(api, key, value);
      if (outcome === 'acked') this.acked.set(key, value);
      else if (outcome === 'refused') {
        this.refused++;
        n--; // certainly not written: the same key again, to a peer picked anew
        await new Promise((r) => setTimeout(r, 10));
      } else {
        this.failed++;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
}
