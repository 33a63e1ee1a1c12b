// A minimal stand-in for the server around the engine, for the engine's own tests: one stored
// object, a resourceVersion counter, and the write paths (apply, merge patch, update) that call the
// engine the way the server does. Not part of the package's API.
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import { cloneValue, splitApiVersion } from '@gitops-sdk/core'
import type { ApplyOutcome } from './applyObject.js'
import { applyObject } from './applyObject.js'
import { recordUpdate } from './recordUpdate.js'
import type { ResetPaths } from './resetPaths.js'
import { resetPathsFor } from './resetPaths.js'
import type { TypeSchema } from './typeSchema.js'
import { builtinTypeSchema } from './typeSchema.js'
import { isMap, withoutKey } from '../structured-merge-diff/value.js'

/** RFC 7386 merge patch. */
export function mergePatch(target: KubeValue | undefined, patch: KubeValue): KubeValue {
  if (!isMap(patch)) return patch
  const out: KubeMap = isMap(target) ? { ...target } : {}
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) Reflect.deleteProperty(out, key)
    else out[key] = mergePatch(out[key], value)
  }
  return out
}

/** What a write did to the store. */
export interface WriteResult {
  readonly outcome: ApplyOutcome['kind'] | 'updated'
  readonly stored: boolean
}

/** One object under test, written through the engine. */
export class ObjectStore {
  live: KubeObject | undefined
  resourceVersion = 0
  events = 0
  clock: number = Date.parse('2024-05-01T10:00:00Z')
  readonly schema: TypeSchema
  readonly apiVersion: string

  constructor(
    apiVersion: string,
    kind: string,
    private readonly options: { schema?: TypeSchema; hasStatusSubresource?: boolean } = {},
  ) {
    this.apiVersion = apiVersion
    const schema = options.schema ?? builtinTypeSchema(apiVersion, kind)
    if (schema === undefined) throw new Error(`no schema for ${apiVersion}/${kind}`)
    this.schema = schema
    this.kind = kind
  }

  private readonly kind: string

  reset(subresource?: 'status'): ResetPaths {
    return resetPathsFor({
      group: splitApiVersion(this.apiVersion).group,
      kind: this.kind,
      subresource,
      hasStatusSubresource: this.options.hasStatusSubresource ?? false,
    })
  }

  /** Advances the clock by `seconds` and returns the new time. */
  tick(seconds = 1): string {
    this.clock += seconds * 1000
    return new Date(this.clock).toISOString()
  }

  private store(object: KubeObject): void {
    this.resourceVersion++
    this.events++
    const metadata: KubeObject['metadata'] = { ...object.metadata, resourceVersion: String(this.resourceVersion) }
    if (this.live === undefined) metadata.uid = 'uid-1'
    this.live = { ...object, metadata }
  }

  /** Server-side apply of `body` (the object's name and namespace are filled in). */
  apply(manager: string, body: KubeMap, options: { force?: boolean; subresource?: 'status' } = {}): ApplyOutcome {
    const config = { apiVersion: this.apiVersion, kind: this.kind, ...cloneValue(body) } as KubeObject
    config.metadata = { name: 'app', namespace: 'default', ...(isMap(body.metadata) ? body.metadata : {}) }
    const outcome = applyObject({
      live: this.live === undefined ? undefined : cloneValue(this.live as KubeMap) as KubeObject,
      config,
      manager,
      apiVersion: this.apiVersion,
      force: options.force ?? false,
      schema: this.schema,
      reset: this.reset(options.subresource),
      subresource: options.subresource,
      now: this.tick(),
    })
    if (outcome.kind === 'changed') this.store(outcome.object)
    return outcome
  }

  /** A JSON merge patch by `manager` (an Update for managedFields). */
  patch(manager: string, patch: KubeMap, options: { subresource?: 'status' } = {}): KubeObject {
    if (this.live === undefined) throw new Error('nothing to patch')
    const updated = mergePatch(cloneValue(this.live as KubeMap), patch) as KubeObject
    return this.update(manager, updated, options)
  }

  /** An update (PUT) of the whole object by `manager`; `undefined` live means a create (POST). */
  update(manager: string, updated: KubeObject, options: { subresource?: 'status' } = {}): KubeObject {
    const object = recordUpdate({
      live: this.live,
      updated,
      manager,
      apiVersion: this.apiVersion,
      schema: this.schema,
      reset: this.reset(options.subresource),
      subresource: options.subresource,
      now: this.tick(),
    })
    this.store(object)
    return object
  }

  /** A create (POST) of `body` by `manager`. */
  create(manager: string, body: KubeMap): KubeObject {
    const object = { apiVersion: this.apiVersion, kind: this.kind, ...cloneValue(body) } as KubeObject
    object.metadata = { name: 'app', namespace: 'default', ...(isMap(body.metadata) ? body.metadata : {}) }
    return this.update(manager, object)
  }

  /** The stored managedFields entries, without times (which tests check separately). */
  entries(): KubeMap[] {
    const entries = this.live?.metadata.managedFields
    return Array.isArray(entries) ? (entries as KubeMap[]).map((entry) => withoutKey(entry, 'time')) : []
  }
}

/** A Deployment configuration of these containers (selector and labels `app: web`), `extra` merged into its spec. */
export const deployment = (containers: KubeMap[], extra: KubeMap = {}): KubeMap => ({
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers } },
    ...extra,
  },
})
