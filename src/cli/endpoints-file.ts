import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { apiUrlOf, peerUrlOf, type ClusterConfig } from './cluster-config.js';

export const ENDPOINTS_FILE = 'endpoints.json';

export interface Endpoints {
  readonly peers: ReadonlyArray<{ readonly id: string; readonly api: string; readonly peer: string }>;
  readonly loadBalancer: string;
}

export function endpointsOf(config: ClusterConfig): Endpoints {
  return {
    peers: config.peers.map((p) => ({ id: p.id, api: apiUrlOf(p), peer: peerUrlOf(p) })),
    loadBalancer: apiUrlOf({ id: 'lb', host: config.loadBalancer.host, apiPort: config.loadBalancer.port, peerPort: config.loadBalancer.port }),
  };
}

/** Writes <dataDir>/endpoints.json atomically (readers never see half a file); returns its path. */
export async function writeEndpointsFile(config: ClusterConfig): Promise<string> {
  const file = path.join(config.dataDir, ENDPOINTS_FILE);
  await writeFile(`${file}.tmp`, `${JSON.stringify(endpointsOf(config), null, 2)}\n`);
  await rename(`${file}.tmp`, file);
  return file;
}
