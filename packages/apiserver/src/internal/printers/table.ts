// Server-side Table output (meta.k8s.io Table), asked for with
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io` as `kubectl get` does, and the metadata-only
// forms `as=PartialObjectMetadata` / `as=PartialObjectMetadataList`. Built-in kinds use the printers
// of builtins.ts; custom resources their CRD's `additionalPrinterColumns` (an AGE column when it has
// none), evaluated as the apiextensions table convertor does.
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import type { ResourceType } from '../state/registry.js'
import type { Column, Printer } from './builtins.js'
import { builtinPrinters, defaultPrinter } from './builtins.js'
import type { Loose } from './format.js'
import { at, humanDuration, text } from './format.js'
import { evaluate, parseJsonPath } from './jsonPath.js'
import { stringifyJson } from '../../ssa/deepJson.js'

/** The metadata-only or table form a request asked for, from its Accept header. */
export type Rendering = { readonly as: 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList'; readonly version: 'v1' | 'v1beta1' }

/** The rendering of a negotiated meta.k8s.io transform (negotiation allowed only these kinds and versions). */
export function renderingFrom(convert: { readonly kind: string; readonly version: string } | undefined): Rendering | undefined {
  if (convert === undefined) return undefined
  const { kind: as, version } = convert
  if (version !== 'v1' && version !== 'v1beta1') return undefined
  if (as === 'Table' || as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return { as, version }
  return undefined
}

const nameDescription = 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names'

function columnJson(c: Column): KubeMap {
  return { name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? (c.format === 'name' ? nameDescription : c.name), priority: c.priority ?? 0 }
}

/** The cell of a CRD column, as the apiextensions table convertor's cellForJSONValue. */
function customCell(type: string, value: KubeValue, now: Date): KubeValue {
  switch (type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null
    case 'number':
      return typeof value === 'number' ? value : null
    case 'boolean':
      return typeof value === 'boolean' ? value : null
    case 'date': {
      if (typeof value !== 'string') return null
      const t = Date.parse(value)
      return Number.isNaN(t) ? '<invalid>' : humanDuration(now.getTime() - t)
    }
    default:
      return typeof value === 'string' ? value : stringifyJson(value)
  }
}

/** The printer of a custom resource type from its CRD's printer columns. */
function customPrinter(type: ResourceType): Printer {
  const declared = type.crd?.printerColumns ?? [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }]
  const columns = declared.map((c) => ({
    column: { name: text(c.name), type: text(c.type) || 'string', format: typeof c.format === 'string' ? c.format : undefined, description: typeof c.description === 'string' ? c.description : undefined, priority: typeof c.priority === 'number' ? c.priority : 0 },
    path: parseJsonPath(text(c.jsonPath)),
  }))
  return {
    columns: [{ name: 'Name', type: 'string', format: 'name' }, ...columns.map((c) => c.column)],
    row: (o, now) => [
      text(at(o, 'metadata').name),
      ...columns.map(({ column, path }) => {
        const found = path === undefined ? [] : evaluate(path, o)
        const first = found[0]
        return first === undefined ? null : customCell(column.type, first, now)
      }),
    ],
  }
}

function printerOf(type: ResourceType): Printer {
  if (type.crd !== undefined) return customPrinter(type)
  return builtinPrinters.get(`${type.group}/${type.kind}`) ?? defaultPrinter
}

function partial(object: KubeObject, version: string): KubeMap {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: object.metadata as unknown as KubeMap }
}

/** A list (or one object) in the asked-for rendering. `includeObject`: None, Metadata (default) or Object. */
export function render(
  type: ResourceType,
  content: { readonly objects: readonly KubeObject[]; readonly listMeta: KubeMap; readonly single: boolean },
  options: { readonly rendering: Rendering; readonly includeObject: string | null; readonly now: Date },
): KubeMap {
  const { rendering, now } = options
  const apiVersion = `meta.k8s.io/${rendering.version}`
  if (rendering.as === 'PartialObjectMetadata' && content.single && content.objects[0] !== undefined) return partial(content.objects[0], rendering.version)
  if (rendering.as !== 'Table') return { kind: 'PartialObjectMetadataList', apiVersion, metadata: content.listMeta, items: content.objects.map((o) => partial(o, rendering.version)) }
  const printer = printerOf(type)
  const include = options.includeObject ?? 'Metadata'
  const rows = content.objects.map((o) => {
    const row: KubeMap = { cells: printer.row(o as unknown as Loose, now) }
    if (include === 'Object') row.object = { apiVersion: type.group === '' ? type.version : `${type.group}/${type.version}`, kind: type.kind, ...(o as unknown as KubeMap) }
    else if (include !== 'None') row.object = partial(o, rendering.version)
    return row
  })
  return { kind: 'Table', apiVersion, metadata: content.listMeta, columnDefinitions: printer.columns.map(columnJson), rows }
}
