import type { KubeObject } from '../../api/object.js';
import type { KeyValue } from '../../store/index.js';
import { assert } from '../../util/assert.js';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * Objects are stored as JSON without metadata.resourceVersion: the version is the key's
 * mod revision, filled in on every read, so it can never disagree with the store.
 */
export function encodeObject(obj: KubeObject): Uint8Array {
  const { resourceVersion: _dropped, ...metadata } = obj.metadata;
  return encoder.encode(JSON.stringify({ ...obj, metadata }));
}

export function decodeObject(kv: Pick<KeyValue, 'value' | 'modRevision'>, revision = kv.modRevision): KubeObject {
  const parsed = JSON.parse(decoder.decode(kv.value)) as KubeObject;
  assert(typeof parsed === 'object' && parsed !== null && typeof parsed.metadata === 'object', 'stored object without metadata');
  parsed.metadata.resourceVersion = String(revision);
  return parsed;
}
