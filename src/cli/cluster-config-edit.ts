import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';
import { CliError } from './cli-error.js';
import { validateClusterConfig, type PeerSpec } from './cluster-config.js';

/**
 * Edits the peers list of a cluster config file in place, keeping its comments and
 * layout (a new entry copies the flow style of the existing ones). The result is
 * validated before it replaces the file, and written atomically (tmp + rename).
 */
/** With `dryRun`, only checks that the edit would give a valid file. */
export function editConfigPeers(file: string, edit: { add?: PeerSpec; removeId?: string; dryRun?: boolean }): void {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const peers = doc.get('peers', true);
  if (!isSeq(peers)) throw new CliError('CLI_USAGE', `${file}: peers is not a list`);
  if (edit.add !== undefined) {
    const addId = edit.add.id;
    if (!peers.items.some((item) => isMap(item) && item.get('id') === addId)) {
      const node = doc.createNode({ id: edit.add.id, host: edit.add.host, peerPort: edit.add.peerPort, apiPort: edit.add.apiPort }) as YAMLMap;
      const first = peers.items[0];
      node.flow = isMap(first) ? first.flow === true : true;
      peers.items.push(node);
    }
  }
  if (edit.removeId !== undefined) {
    const removeId = edit.removeId;
    peers.items = peers.items.filter((item) => !(isMap(item) && item.get('id') === removeId));
  }
  const text = doc.toString();
  validateClusterConfig(parseDocument(text).toJS(), file);
  if (edit.dryRun === true) return;
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}
