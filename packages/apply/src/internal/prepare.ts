// Turns the objects given to applyAll (and diff and detectDrift) into what is applied: the kind
// looked up (or found among the CRDs of the same set), the namespace settled, the ownership labels
// added, duplicates refused. Everything here is checked before anything is written.
import { cloneValue, formatRef, isKubeMap, isKubeObject, refKey, splitApiVersion } from '@gitops-sdk/core'
import type { KubeObject, ObjectRef } from '@gitops-sdk/core'
import { APPLYSET, applySetId } from '../applySet.js'
import { LABELS } from '../annotations.js'
import type { ApplyFailure } from '../errors.js'
import type { KubeClient } from '../kubeClient.js'
import type { InventoryRef, PlacementOptions } from '../types.js'
import { mapAll } from './pool.js'
import type { Stage } from './stages.js'
import { isCrd, stageOf } from './stages.js'

/** One object ready to apply. */
export interface PreparedObject {
  /** The object as it is applied: namespace settled, ownership labels added. */
  readonly object: KubeObject
  readonly ref: ObjectRef
  readonly version: string
  readonly stage: Stage
  /** Whether its kind is served yet (false for custom resources of a CRD in the same set). */
  readonly served: boolean
}

/** How objects are prepared. */
export interface PrepareSettings {
  readonly client: KubeClient
  readonly targetNamespace?: string | undefined
  readonly allowClusterScoped: boolean
  readonly defaultNamespace: string
  readonly inventory?: InventoryRef | undefined
  readonly applySet: boolean
  readonly concurrency: number
  readonly signal?: AbortSignal | undefined
  /**
   * The prepared objects are only read (detectDrift): an object that preparing would leave as it
   * is (namespace settled, ownership labels there, not a Secret) is used as given, and any other
   * is copied only as deep as preparing writes (top level, metadata, labels), sharing the rest.
   */
  readonly readOnly?: boolean | undefined
}

/** The settings of prepareObjects for a verb's options. */
export function prepareSettings(
  options: PlacementOptions & { readonly client: KubeClient; readonly signal?: AbortSignal | undefined },
  concurrency: number,
): PrepareSettings {
  return {
    client: options.client,
    targetNamespace: options.targetNamespace,
    allowClusterScoped: options.allowClusterScoped ?? false,
    defaultNamespace: options.defaultNamespace ?? options.client.namespace,
    inventory: options.inventory,
    applySet: options.applySet ?? false,
    concurrency,
    signal: options.signal,
  }
}

/** The labels applyAll adds for an inventory. */
export function ownershipLabels(inventory: InventoryRef | undefined, applySet: boolean): Record<string, string> {
  if (inventory === undefined) return {}
  const labels: Record<string, string> = { [LABELS.inventoryName]: inventory.name, [LABELS.inventoryNamespace]: inventory.namespace }
  if (applySet) labels[APPLYSET.partOf] = applySetId(inventory)
  return labels
}

/** The label selector matching objects of an inventory. */
export function ownershipSelector(inventory: InventoryRef): string {
  return `${LABELS.inventoryName}=${inventory.name},${LABELS.inventoryNamespace}=${inventory.namespace}`
}

/** Whether a live object carries the ownership labels of `inventory`. */
export function ownedBy(object: KubeObject, inventory: InventoryRef): boolean {
  const labels = object.metadata.labels ?? {}
  return labels[LABELS.inventoryName] === inventory.name && labels[LABELS.inventoryNamespace] === inventory.namespace
}

interface Scope {
  readonly namespaced: boolean
  readonly served: boolean
}

/** Prepares `objects`; failures name every object that cannot be applied as given. */
export async function prepareObjects(
  objects: readonly KubeObject[],
  settings: PrepareSettings,
): Promise<{ prepared: PreparedObject[]; failures: ApplyFailure[] }> {
  objects.forEach((o, i) => {
    if (!isKubeObject(o)) throw new TypeError(`objects[${i}] is not a Kubernetes object (apiVersion, kind and metadata.name are required)`)
  })
  const scopes = await resolveScopes(objects, settings)
  const labels = ownershipLabels(settings.inventory, settings.applySet)
  const prepared: PreparedObject[] = []
  const failures: ApplyFailure[] = []
  const seen = new Map<string, number>()
  for (const original of objects) {
    const { group, version } = splitApiVersion(original.apiVersion)
    const scope = scopes.get(`${original.apiVersion}|${original.kind}`)
    const given: ObjectRef = { group, kind: original.kind, namespace: original.metadata.namespace ?? '', name: original.metadata.name }
    if (scope === undefined) {
      const apiVersion = original.apiVersion
      failures.push({
        ref: given,
        code: 'APPLY_UNKNOWN_KIND',
        message: `${formatRef(given)}: the server serves no kind ${original.kind} in ${apiVersion} and no CustomResourceDefinition in the set defines it`,
      })
      continue
    }
    // Objects as last applied (a drift check's) are prepared already: reading them needs no copy.
    // Where preparing puts it: a namespace, none (cluster-scoped), or null when it is refused.
    const settled = scope.namespaced ? (settings.targetNamespace ?? (given.namespace === '' ? settings.defaultNamespace : given.namespace)) : settings.targetNamespace === undefined ? undefined : null
    const reused = settings.readOnly === true && preparedAlready(original, settled, labels)
    // A reader's copy needs only what preparing writes: the top level (a Secret's data), metadata
    // and its labels. The rest is shared with the caller's object and only read: a deep copy of
    // every object at every drift check was most of a no-change interval's garbage.
    const object = reused ? original : settings.readOnly === true ? { ...original, metadata: { ...original.metadata } } : cloneValue(original)
    if (reused) {
      // Nothing to settle, and nothing may be written into the caller's object.
    } else if (scope.namespaced) {
      object.metadata.namespace = settings.targetNamespace ?? (given.namespace === '' ? settings.defaultNamespace : given.namespace)
    } else {
      delete object.metadata.namespace
      if (settings.targetNamespace !== undefined && !settings.allowClusterScoped) {
        const ref = { ...given, namespace: '' }
        failures.push({
          ref,
          code: 'APPLY_CLUSTER_SCOPED_FORBIDDEN',
          message: `${formatRef(ref)}: cluster-scoped objects are refused when a target namespace (${settings.targetNamespace}) is set`,
        })
        continue
      }
    }
    if (group === '' && original.kind === 'Secret') {
      // The API server refuses a stringData value that is not a string; folding it would drop it
      // silently and report the Secret as applied without the key. The value itself stays out of
      // the message: it is the plaintext.
      const odd = nonStringData(object)
      if (odd !== undefined) {
        failures.push({ ref: given, code: 'APPLY_INVALID', message: `${formatRef(given)}: stringData.${odd.key}: Invalid value: must be a string, not ${odd.type} (quote it in YAML)`, fields: [`stringData.${odd.key}`] })
        continue
      }
      foldStringData(object)
    }
    if (!reused && Object.keys(labels).length > 0) object.metadata.labels = { ...(object.metadata.labels ?? {}), ...labels }
    const ref: ObjectRef = { group, kind: object.kind, namespace: object.metadata.namespace ?? '', name: object.metadata.name }
    const key = refKey(ref)
    const earlier = seen.get(key)
    if (earlier !== undefined) {
      failures.push({ ref, code: 'APPLY_DUPLICATE_OBJECT', message: `${formatRef(ref)}: given twice (objects ${earlier} and ${prepared.length + failures.length})` })
      continue
    }
    seen.set(key, prepared.length + failures.length)
    if (ref.namespace === '' && scope.namespaced) {
      failures.push({ ref, code: 'APPLY_NAMESPACE_MISSING', message: `${formatRef(ref)}: namespaced, but no namespace is given or defaulted` })
      continue
    }
    prepared.push({ object, ref, version, stage: stageOf(ref), served: scope.served })
  }
  return { prepared, failures }
}

/** Whether preparing `object` would change nothing: its namespace is the settled one (`undefined`: none), it carries the ownership labels, and it is no Secret (whose stringData is folded). */
function preparedAlready(object: KubeObject, namespace: string | undefined | null, labels: Readonly<Record<string, string>>): boolean {
  if (namespace === null || (object.apiVersion === 'v1' && object.kind === 'Secret')) return false
  const metadata = object.metadata
  if (namespace === undefined ? Object.hasOwn(metadata, 'namespace') : metadata.namespace !== namespace) return false
  const present = metadata.labels
  for (const [key, value] of Object.entries(labels)) {
    if (present === undefined || !Object.hasOwn(present, key) || present[key] !== value) return false
  }
  return true
}

/** Scope of every distinct kind: from discovery, else from a CRD in the same set. */
async function resolveScopes(objects: readonly KubeObject[], settings: PrepareSettings): Promise<Map<string, Scope>> {
  const kinds = new Map<string, KubeObject>()
  for (const o of objects) kinds.set(`${o.apiVersion}|${o.kind}`, o)
  const defined = crdKinds(objects)
  const scopes = new Map<string, Scope>()
  await mapAll(
    [...kinds],
    async ([key, o]) => {
      const { group, version } = splitApiVersion(o.apiVersion)
      const resource = await settings.client.resource({ group, version, kind: o.kind }, { signal: settings.signal })
      if (resource !== undefined) {
        scopes.set(key, { namespaced: resource.namespaced, served: true })
        return
      }
      const fromCrd = defined.get(`${o.apiVersion}|${o.kind}`)
      if (fromCrd !== undefined) scopes.set(key, { namespaced: fromCrd, served: false })
    },
    { limit: settings.concurrency, signal: settings.signal },
  )
  return scopes
}

/** apiVersion|kind → namespaced, for each served version of each CRD in the set. */
function crdKinds(objects: readonly KubeObject[]): Map<string, boolean> {
  const out = new Map<string, boolean>()
  for (const o of objects) {
    if (!isCrd({ group: splitApiVersion(o.apiVersion).group, kind: o.kind })) continue
    const spec = o.spec
    if (!isKubeMap(spec) || typeof spec.group !== 'string' || !isKubeMap(spec.names) || typeof spec.names.kind !== 'string') continue
    const namespaced = spec.scope !== 'Cluster'
    for (const v of Array.isArray(spec.versions) ? spec.versions : []) {
      if (isKubeMap(v) && typeof v.name === 'string' && v.served !== false) out.set(`${spec.group}/${v.name}|${spec.names.kind}`, namespaced)
    }
  }
  return out
}

/** The first stringData entry whose value is not a string, with the value's type only. */
function nonStringData(secret: KubeObject): { key: string; type: string } | undefined {
  const values = secret.stringData
  if (!isKubeMap(values)) return undefined
  for (const [key, value] of Object.entries(values)) {
    if (typeof value !== 'string') return { key, type: value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a map' : `a ${typeof value}` }
  }
  return undefined
}

/**
 * Moves a Secret's `stringData` into `data` (base64), as the API server does on every write and as
 * Flux normalises Secrets before applying: applying `stringData` would otherwise differ from the
 * stored object forever and show up as drift on every reconcile.
 */
export function foldStringData(secret: KubeObject): void {
  const stringData = secret.stringData
  if (!isKubeMap(stringData)) return
  const data = isKubeMap(secret.data) ? { ...secret.data } : {}
  for (const [key, value] of Object.entries(stringData)) {
    if (typeof value === 'string') data[key] = Buffer.from(value, 'utf8').toString('base64')
  }
  secret.data = data
  delete secret.stringData
}
