/**
 * The status/spec split of kube-apiserver's registry strategies, for kinds with a status:
 * create drops client-set status (or sets the initial one) and starts generation at 1;
 * update keeps the stored status and bumps generation only when the spec changed; an update
 * through /status keeps everything but status from the stored object.
 */
import type { PrepareRules } from '../../kind.js';
import { deepCopy, jsonEqual, type KubeObject } from '../../object.js';

export interface PrepareOptions<T extends KubeObject> {
  /** Kinds with metadata.generation (workloads) bump it on spec change. */
  readonly generation: boolean;
  /** Initial status on create; undefined drops it. */
  readonly initialStatus?: (obj: T) => Record<string, unknown> | undefined;
  /** Kinds whose create accepts status as sent (Node: the kubelet registers with status). */
  readonly keepStatusOnCreate?: boolean;
}

/** The fields a spec change is measured over: everything but metadata and status. */
function specPart(obj: KubeObject): Record<string, unknown> {
  const { metadata: _metadata, status: _status, apiVersion: _apiVersion, kind: _kind, ...rest } = obj;
  return rest;
}

export function statusPrepareRules<T extends KubeObject>(options: PrepareOptions<T>): PrepareRules<T> {
  return {
    prepareForCreate(created: T): void {
      const obj: KubeObject = created;
      if (!options.keepStatusOnCreate) {
        const initial = options.initialStatus?.(created);
        if (initial === undefined) delete obj['status'];
        else obj['status'] = initial;
      }
      if (options.generation) obj.metadata.generation = 1;
    },
    prepareForUpdate(updated: T, old: T): void {
      const obj: KubeObject = updated;
      if (old['status'] === undefined) delete obj['status'];
      else obj['status'] = deepCopy(old['status']);
      if (options.generation) {
        const oldGeneration = old.metadata.generation ?? 0;
        obj.metadata.generation = jsonEqual(specPart(obj), specPart(old)) ? oldGeneration : oldGeneration + 1;
      }
    },
    prepareForStatusUpdate(updated: T, old: T): void {
      const obj: KubeObject = updated;
      const status = obj['status'];
      for (const field of Object.keys(obj)) if (field !== 'metadata' && field !== 'status') delete obj[field];
      for (const [field, value] of Object.entries(old)) if (field !== 'metadata' && field !== 'status') obj[field] = deepCopy(value);
      if (status === undefined) delete obj['status'];
      // A status write never moves the generation: only spec changes do.
      obj.metadata = { ...obj.metadata, generation: old.metadata.generation ?? 0 };
      if (old.metadata.generation === undefined) delete obj.metadata.generation;
    },
  };
}

/** Kinds without status (ConfigMap, Secret, ...): nothing to split. */
export function plainPrepareRules<T extends KubeObject>(): PrepareRules<T> {
  return {
    prepareForCreate(): void {},
    prepareForUpdate(): void {},
    prepareForStatusUpdate(): void {},
  };
}
