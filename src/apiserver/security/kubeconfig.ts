import { writeFile, rename } from 'node:fs/promises';
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  /** https://host:port of one peer or of the load balancer. */
  readonly serverUrl: string;
  readonly caCertificatePem: string;
  readonly token: string;
  readonly clusterName?: string;
  readonly userName?: string;
  readonly namespace?: string;
}

/** A kubeconfig (clientcmd v1) that kubectl and client libraries read as it is. */
export function renderKubeconfig(options: KubeconfigOptions): string {
  const cluster = options.clusterName ?? 'raftplane';
  const user = options.userName ?? 'admin';
  const context = `${user}@${cluster}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: cluster,
        cluster: {
          server: options.serverUrl,
          'certificate-authority-data': Buffer.from(options.caCertificatePem, 'utf8').toString('base64'),
        },
      },
    ],
    users: [{ name: user, user: { token: options.token } }],
    contexts: [
      { name: context, context: { cluster, user, ...(options.namespace === undefined ? {} : { namespace: options.namespace }) } },
    ],
    'current-context': context,
    preferences: {},
  });
}

/** Writes the kubeconfig with mode 0600: it holds a bearer token. */
export async function writeKubeconfig(path: string, options: KubeconfigOptions): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, renderKubeconfig(options), { mode: 0o600 });
  await rename(temporary, path);
}
