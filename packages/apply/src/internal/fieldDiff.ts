// Field-level differences between a live object and what applying would make of it (the dry-run
// answer), the way `flux diff` and `kubectl diff` compare: labels, annotations, and everything but
// the rest of metadata and status. Lists with keys (containers by name, ports by port and
// protocol) are matched by key, so one changed image is one change, not a shifted list.
import { deepEqual, isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import { omit } from './omit.js'
import type { PathSegment } from './managedFields.js'
import type { SchemaCursor } from './schema.js'
import { fieldSchema, itemSchema, listKeys, rootSchema } from './schema.js'

/** One changed field. */
export interface FieldChange {
  /** Display path, e.g. `.spec.template.spec.containers[name="web"].image`. */
  readonly path: string
  /** Steps into the live object, when the field exists there (for ownership look-ups). */
  readonly liveSegments: readonly PathSegment[] | undefined
  /** The live value; undefined when the field is absent in the cluster. */
  readonly live: KubeValue | undefined
  /** The value after applying; undefined when applying removes it. */
  readonly desired: KubeValue | undefined
}

/** The compared part of an object: labels, annotations, and all but metadata and status. */
export function comparable(object: KubeObject): KubeMap {
  const { metadata } = object
  const view = omit(object, ['apiVersion', 'kind', 'status', 'metadata']) as KubeMap
  const meta: KubeMap = {}
  if (metadata.labels !== undefined && Object.keys(metadata.labels).length > 0) meta.labels = metadata.labels
  if (metadata.annotations !== undefined && Object.keys(metadata.annotations).length > 0) meta.annotations = metadata.annotations
  if (Object.keys(meta).length > 0) view.metadata = meta
  return view
}

/** Whether applying changes nothing that is compared (Flux's `hasDrifted`, negated). */
export function sameObject(live: KubeObject, applied: KubeObject): boolean {
  return deepEqual(comparable(live), comparable(applied))
}

/** Every changed leaf between `live` and `applied`, in path order. */
export function diffObjects(live: KubeObject, applied: KubeObject): FieldChange[] {
  const changes: FieldChange[] = []
  walk(comparable(live), comparable(applied), {
    path: '',
    liveSegments: [],
    schema: rootSchema(applied.apiVersion, applied.kind),
    out: changes,
  })
  return changes
}

interface Cursor {
  readonly path: string
  readonly liveSegments: readonly PathSegment[] | undefined
  readonly schema: SchemaCursor
  readonly out: FieldChange[]
}

function walk(live: KubeValue | undefined, desired: KubeValue | undefined, at: Cursor): void {
  if (live === undefined && desired === undefined) return
  if (isKubeMap(live) && isKubeMap(desired)) {
    const keys = [...new Set([...Object.keys(live), ...Object.keys(desired)])].sort()
    for (const key of keys) {
      walk(live[key], desired[key], {
        path: `${at.path}${fieldStep(key)}`,
        liveSegments: key in live ? at.liveSegments && [...at.liveSegments, key] : undefined,
        schema: fieldSchema(at.schema, key),
        out: at.out,
      })
    }
    return
  }
  if (Array.isArray(live) && Array.isArray(desired)) {
    walkList(live, desired, at)
    return
  }
  if (!deepEqual(live, desired)) at.out.push({ path: at.path || '.', liveSegments: live === undefined ? undefined : at.liveSegments, live, desired })
}

function walkList(live: KubeValue[], desired: KubeValue[], at: Cursor): void {
  const keys = listKeys(at.schema)
  const items = itemSchema(at.schema)
  const keyed = keys !== undefined && [...live, ...desired].every((item) => isKubeMap(item) && keys.every((k) => item[k] !== undefined))
  if (!keyed) {
    if (live.length !== desired.length) {
      if (!deepEqual(live, desired)) at.out.push({ path: at.path, liveSegments: at.liveSegments, live, desired })
      return
    }
    live.forEach((item, i) => {
      walk(item, desired[i], { path: `${at.path}[${i}]`, liveSegments: at.liveSegments && [...at.liveSegments, i], schema: items, out: at.out })
    })
    return
  }
  const keyOf = (item: KubeValue): string => JSON.stringify(keys.map((k) => (item as KubeMap)[k]))
  const liveIndex = new Map(live.map((item, i) => [keyOf(item), i]))
  const seen = new Set<string>()
  const step = (item: KubeValue): string => `[${keys.map((k) => `${k}=${JSON.stringify((item as KubeMap)[k])}`).join(',')}]`
  for (const item of desired) {
    const key = keyOf(item)
    seen.add(key)
    const i = liveIndex.get(key)
    walk(i === undefined ? undefined : live[i], item, {
      path: `${at.path}${step(item)}`,
      liveSegments: i === undefined ? undefined : at.liveSegments && [...at.liveSegments, i],
      schema: items,
      out: at.out,
    })
  }
  live.forEach((item, i) => {
    if (!seen.has(keyOf(item))) {
      at.out.push({ path: `${at.path}${step(item)}`, liveSegments: at.liveSegments && [...at.liveSegments, i], live: item, desired: undefined })
    }
  })
}

function fieldStep(key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`
}
