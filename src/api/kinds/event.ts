/** core/v1 Event: what `kubectl get events` and `kubectl describe` show. */
import { type FieldError, invalid, required } from '../field-errors.js';
import { ALL_VERBS, defineKind } from '../kind.js';
import type { KubeObject } from '../object.js';
import { ageOf } from '../duration.js';
import { definition } from '../schema/definitions.js';
import { nameIsDnsSubdomain } from '../validation/names.js';
import { column, NAME_DESCRIPTION } from './shared/columns.js';
import { metadataFields } from './shared/metadata-fields.js';
import { plainPrepareRules } from './shared/prepare.js';
import { metaErrors } from './shared/validate-meta.js';

export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface Event extends KubeObject {
  involvedObject: ObjectReference;
  reason?: string;
  message?: string;
  source?: { component?: string; host?: string };
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  count?: number;
  type?: string;
  eventTime?: string | null;
  series?: { count?: number; lastObservedTime?: string };
  reportingComponent?: string;
  reportingInstance?: string;
}

/** legacyValidateEvent: the event lives with what it is about; new-style events need a type. */
function validateEvent(event: Event): FieldError[] {
  const errors: FieldError[] = [];
  const involved = event.involvedObject;
  if (involved === undefined) return [required('involvedObject')];
  const namespace = event.metadata.namespace ?? '';
  const involvedNamespace = involved.namespace ?? '';
  // Events about cluster-scoped objects go to "default" (or nowhere), others to the object's namespace.
  const agrees = involvedNamespace === '' ? namespace === '' || namespace === 'default' : namespace === involvedNamespace;
  if (!agrees) errors.push(invalid('involvedObject.namespace', involvedNamespace, 'does not match event.namespace'));
  if (event.eventTime && event.type !== 'Normal' && event.type !== 'Warning') {
    errors.push(invalid('type', '', `has invalid value: ${event.type ?? ''}`));
  }
  return errors;
}

function lastSeen(event: Event, nowMs: number): string {
  if (event.series?.lastObservedTime) return ageOf(event.series.lastObservedTime, nowMs);
  return event.lastTimestamp ? ageOf(event.lastTimestamp, nowMs) : firstSeen(event, nowMs);
}

function firstSeen(event: Event, nowMs: number): string {
  return event.firstTimestamp ? ageOf(event.firstTimestamp, nowMs) : ageOf(event.eventTime, nowMs);
}

const involvedText = (event: Event): string => {
  const kind = (event.involvedObject?.kind ?? '').toLowerCase();
  return event.involvedObject?.name ? `${kind}/${event.involvedObject.name}` : kind;
};

const sourceText = (event: Event): string => {
  const component = event.source?.component || event.reportingComponent || '';
  const instance = event.source?.host || event.reportingInstance || '';
  return instance === '' ? component : `${component}, ${instance}`;
};

export const eventKind = defineKind<Event>({
  group: '',
  version: 'v1',
  kind: 'Event',
  resource: 'events',
  singular: 'event',
  shortNames: ['ev'],
  categories: [],
  namespaced: true,
  verbs: ALL_VERBS,
  subresources: [],
  defaults() {},
  validate(event, old) {
    return [...metaErrors(event, old, true, nameIsDnsSubdomain), ...validateEvent(event)];
  },
  ...plainPrepareRules<Event>(),
  printerColumns: [
    column({ name: 'Last Seen', description: 'The time at which the most recent occurrence of this event was recorded.', cell: (e, c) => lastSeen(e, c.nowMs) }),
    column({ name: 'Type', description: 'Type of this event (Normal, Warning), new types could be added in the future', cell: (e) => e.type ?? '' }),
    column({ name: 'Reason', description: "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.", cell: (e) => e.reason ?? '' }),
    column({ name: 'Object', description: 'The object that this event is about.', cell: involvedText }),
    column({ name: 'Subobject', priority: 1, description: 'The field of the object that this event is about.', cell: (e) => e.involvedObject?.fieldPath ?? '' }),
    column({ name: 'Source', priority: 1, description: 'The component reporting this event. Should be a short machine understandable string.', cell: sourceText }),
    column({ name: 'Message', description: 'A human-readable description of the status of this operation.', cell: (e) => (e.message ?? '').trim() }),
    column({ name: 'First Seen', priority: 1, description: 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', cell: (e, c) => firstSeen(e, c.nowMs) }),
    column({
      name: 'Count',
      priority: 1,
      description: 'The number of times this event has occurred.',
      cell: (e) => e.series?.count ?? (e.count ? e.count : 1),
    }),
    column({ name: 'Name', priority: 1, format: 'name', description: NAME_DESCRIPTION, cell: (e) => e.metadata.name ?? '' }),
  ],
  selectableFields: {
    ...metadataFields<Event>(),
    'involvedObject.kind': (e) => e.involvedObject?.kind ?? '',
    'involvedObject.namespace': (e) => e.involvedObject?.namespace ?? '',
    'involvedObject.name': (e) => e.involvedObject?.name ?? '',
    'involvedObject.uid': (e) => e.involvedObject?.uid ?? '',
    'involvedObject.apiVersion': (e) => e.involvedObject?.apiVersion ?? '',
    'involvedObject.resourceVersion': (e) => e.involvedObject?.resourceVersion ?? '',
    'involvedObject.fieldPath': (e) => e.involvedObject?.fieldPath ?? '',
    reason: (e) => e.reason ?? '',
    reportingComponent: (e) => e.reportingComponent ?? '',
    source: (e) => e.source?.component ?? '',
    type: (e) => e.type ?? '',
  },
  schema: definition('io.k8s.api.core.v1.Event'),
  definitionName: 'io.k8s.api.core.v1.Event',
});
