import net from 'node:net';
import type { BackendPool, BackendState } from './backend-pool.js';
import type { Logger } from '../util/logger.js';

export interface TcpProxyOptions {
  readonly host: string;
  readonly port: number;
  readonly connectTimeoutMs: number;
  /** Most client connections at once; beyond it new ones are closed at once. */
  readonly connectionsMax: number;
}

/**
 * A layer-4 proxy: TLS, HTTP/2 and long-lived watch streams pass through untouched,
 * so clients verify the peers' certificates themselves. A backend that refuses a
 * connection is taken out of rotation at once and the client's connection is tried
 * on the next healthy backend; nothing has been sent yet, so this is always safe.
 */
export class TcpProxy {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly pool: BackendPool,
    private readonly options: TcpProxyOptions,
    private readonly logger: Logger,
  ) {
    this.server = net.createServer((client) => this.accept(client));
  }

  listen(): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        const address = this.server.address() as net.AddressInfo;
        resolve({ host: address.address, port: address.port });
      });
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.sockets.size >= this.options.connectionsMax) {
      client.destroy();
      return;
    }
    this.track(client);
    client.pause();
    client.on('error', () => undefined);
    this.connect(client, new Set());
  }

  private connect(client: net.Socket, tried: Set<string>): void {
    const state = this.pool.pick(tried);
    if (state === undefined) {
      client.destroy();
      return;
    }
    tried.add(state.backend.id);
    const upstream = net.connect({ host: state.backend.host, port: state.backend.port });
    upstream.setTimeout(this.options.connectTimeoutMs);
    upstream.once('timeout', () => upstream.destroy(new Error(`connect timed out after ${this.options.connectTimeoutMs} ms`)));
    // Before 'connect' only: after it, splice() replaces this listener.
    upstream.once('error', (error) => {
      if (this.pool.markDown(state.backend.id, error.message)) this.logger.info({ backend: state.backend.id, error: error.message }, 'backend down');
      if (!client.destroyed) this.connect(client, tried);
    });
    upstream.once('connect', () => this.splice(client, upstream, state));
  }

  private splice(client: net.Socket, upstream: net.Socket, state: BackendState): void {
    upstream.setTimeout(0);
    upstream.removeAllListeners('error');
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    this.track(upstream);
    state.activeConnections++;
    state.totalConnections++;
    upstream.once('close', () => state.activeConnections--);
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}
