import type { CellValue, KindDeclaration, PrinterColumn } from '../../api/kind.js';
import type { KubeObject } from '../../api/object.js';
import { badRequest } from './api-errors.js';

/** meta.k8s.io/v1 Table, as kube-apiserver answers `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function parseIncludeObject(raw: string | null): IncludeObject {
  if (raw === null || raw === '') return 'Metadata';
  if (raw === 'None' || raw === 'Metadata' || raw === 'Object') return raw;
  throw badRequest(`includeObject: Unsupported value: ${JSON.stringify(raw)}: supported values: "None", "Metadata", "Object"`);
}

/** The default TableConvertor's columns for kinds that declare none. */
const DEFAULT_COLUMNS: readonly PrinterColumn[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0, cell: (o) => o.metadata.name ?? '' },
  {
    name: 'Created At',
    type: 'date',
    format: '',
    description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
    priority: 0,
    cell: (o) => o.metadata.creationTimestamp ?? null,
  },
];

function columnsOf(d: KindDeclaration): readonly PrinterColumn[] {
  return d.printerColumns.length > 0 ? d.printerColumns : DEFAULT_COLUMNS;
}

function rowObject(obj: KubeObject, include: IncludeObject): Record<string, unknown> | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function toTable(
  d: KindDeclaration,
  items: readonly KubeObject[],
  listMetadata: Record<string, unknown>,
  options: { readonly include: IncludeObject; readonly nowMs: number; readonly noHeaders?: boolean },
): Record<string, unknown> {
  const columns = columnsOf(d);
  const context = { nowMs: options.nowMs };
  const rows = items.map((obj) => {
    const cells: CellValue[] = columns.map((c) => {
      try {
        return c.cell(obj, context);
      } catch {
        return '<unknown>';
      }
    });
    const object = rowObject(obj, options.include);
    return object === undefined ? { cells } : { cells, object };
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMetadata,
    ...(options.noHeaders === true
      ? {}
      : {
          columnDefinitions: columns.map((c) => ({ name: c.name, type: c.type, format: c.format, description: c.description, priority: c.priority })),
        }),
    rows,
  };
}
