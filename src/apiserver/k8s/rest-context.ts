import type { KindRegistry } from '../../api/registry.js';
import type { ResourceStore } from './resource-store.js';
import type { ServiceAllocator } from './service-allocator.js';

/** What every REST handler needs: the store, the kinds, the clock and the allocators. */
export interface RestContext {
  readonly store: ResourceStore;
  readonly registry: KindRegistry;
  readonly nowMs: () => number;
  readonly services: ServiceAllocator;
}

/** A handler's answer: status code, body and headers (warnings). */
export interface RestResult {
  readonly status: number;
  readonly body: unknown;
  readonly warnings?: readonly string[];
}
