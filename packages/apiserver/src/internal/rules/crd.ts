// CustomResourceDefinitions (SPEC.md §13): defaults, the validation subset, name acceptance and
// the resource type an established CRD serves.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject } from '@gitops-sdk/core'
import type { Cluster } from '../state/cluster.js'
import { mapAt, text } from '../state/objects.js'
import type { ResourceType } from '../state/registry.js'
import { customVerbs, terminatingCustomVerbs } from '../state/registry.js'
import type { FieldError } from '../../status.js'
import { schemaErrors } from './crdStructural.js'
import { strings } from './strings.js'
import { cloneJson } from '../../ssa/deepJson.js'

/** Fills `singular`, `listKind` and the conversion strategy. */
export function defaultCrd(crd: KubeObject): void {
  if (!isKubeMap(crd.spec)) return
  const names = mapAt(crd.spec, 'names')
  if (typeof names.kind === 'string') {
    if (names.singular === undefined || names.singular === '') names.singular = names.kind.toLowerCase()
    if (names.listKind === undefined || names.listKind === '') names.listKind = `${names.kind}List`
  }
  const conversion = mapAt(crd.spec, 'conversion')
  if (conversion.strategy === undefined) conversion.strategy = 'None'
}

/** The validation subset of SPEC.md §13.1. */
export function validateCrd(crd: KubeObject): FieldError[] {
  const errors: FieldError[] = []
  const spec = isKubeMap(crd.spec) ? crd.spec : {}
  const names = isKubeMap(spec.names) ? spec.names : {}
  const group = typeof spec.group === 'string' ? spec.group : ''
  const plural = typeof names.plural === 'string' ? names.plural : ''
  if (group === '') errors.push({ type: 'Required', field: 'spec.group' })
  if (plural === '') errors.push({ type: 'Required', field: 'spec.names.plural' })
  if (typeof names.kind !== 'string' || names.kind === '') errors.push({ type: 'Required', field: 'spec.names.kind' })
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    errors.push({ type: 'NotSupported', field: 'spec.scope', value: spec.scope ?? '', detail: 'supported values: "Cluster", "Namespaced"' })
  }
  if (group !== '' && plural !== '' && crd.metadata.name !== `${plural}.${group}`) {
    errors.push({ type: 'Invalid', field: 'metadata.name', value: crd.metadata.name, detail: 'must be spec.names.plural+"."+spec.group' })
  }
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isKubeMap) : []
  if (versions.length === 0) errors.push({ type: 'Invalid', field: 'spec.versions', value: [], detail: 'must have exactly one version marked as storage version' })
  else if (versions.filter((v) => v.storage === true).length !== 1) {
    errors.push({ type: 'Invalid', field: 'spec.versions', value: spec.versions ?? null, detail: 'must have exactly one version marked as storage version' })
  }
  versions.forEach((v, i) => {
    const schema = isKubeMap(v.schema) ? v.schema.openAPIV3Schema : undefined
    if (!isKubeMap(schema)) errors.push({ type: 'Required', field: `spec.versions[${i}].schema.openAPIV3Schema` })
    else {
      const field = `spec.versions[${i}].schema.openAPIV3Schema`
      errors.push(...schemaErrors(schema, field))
    }
  })
  return errors
}

/** The storage version entry of a CRD. */
function storageVersion(crd: KubeObject): KubeMap | undefined {
  const spec = isKubeMap(crd.spec) ? crd.spec : {}
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isKubeMap) : []
  return versions.find((v) => v.storage === true) ?? versions[0]
}

/** The resource type a CRD serves (its storage version). */
export function customTypeOf(crd: KubeObject): ResourceType | undefined {
  const spec = isKubeMap(crd.spec) ? crd.spec : {}
  const names = isKubeMap(spec.names) ? spec.names : {}
  const version = storageVersion(crd)
  if (version === undefined || typeof spec.group !== 'string' || typeof names.plural !== 'string' || typeof names.kind !== 'string') return undefined
  const subresources = isKubeMap(version.subresources) ? version.subresources : {}
  const scale = isKubeMap(subresources.scale) ? subresources.scale : undefined
  const schema = isKubeMap(version.schema) && isKubeMap(version.schema.openAPIV3Schema) ? version.schema.openAPIV3Schema : undefined
  const selectable = Array.isArray(version.selectableFields) ? version.selectableFields.filter(isKubeMap) : []
  return {
    group: spec.group,
    version: text(version.name),
    kind: names.kind,
    listKind: typeof names.listKind === 'string' ? names.listKind : `${names.kind}List`,
    plural: names.plural,
    singular: typeof names.singular === 'string' ? names.singular : names.kind.toLowerCase(),
    namespaced: spec.scope !== 'Cluster',
    shortNames: strings(names.shortNames),
    categories: strings(names.categories),
    verbs: crd.metadata.deletionTimestamp === undefined ? customVerbs : terminatingCustomVerbs,
    status: subresources.status !== undefined,
    scale:
      scale === undefined
        ? undefined
        : { specReplicasPath: text(scale.specReplicasPath ?? '.spec.replicas'), statusReplicasPath: text(scale.statusReplicasPath ?? '.status.replicas') },
    generation: true,
    crd: {
      name: crd.metadata.name,
      schema,
      selectableFields: selectable.map((f) => text(f.jsonPath ?? '').replace(/^\./, '')),
      printerColumns: Array.isArray(version.additionalPrinterColumns) ? version.additionalPrinterColumns.filter(isKubeMap) : undefined,
      served: version.served !== false,
      storage: true,
    },
  }
}

/** Why a CRD's names clash with an established type, as `[reason, message]`, or undefined. */
export function nameConflict(cluster: Cluster, crd: KubeObject): [string, string] | undefined {
  const mine = customTypeOf(crd)
  if (mine === undefined) return undefined
  for (const other of cluster.types.values()) {
    if (other.group !== mine.group || other.crd?.name === crd.metadata.name) continue
    if (other.plural === mine.plural) return ['PluralConflict', `"${mine.plural}" is already in use`]
    if (other.singular === mine.singular) return ['SingularConflict', `"${mine.singular}" is already in use`]
    const short = mine.shortNames.find((s) => other.shortNames.includes(s))
    if (short !== undefined) return ['ShortNamesConflict', `"${short}" is already in use`]
    if (other.kind === mine.kind) return ['KindConflict', `"${mine.kind}" is already in use`]
    if (other.listKind === mine.listKind) return ['ListKindConflict', `"${mine.listKind}" is already in use`]
  }
  return undefined
}

/** The condition of a given type, if present. */
export function conditionOf(object: KubeObject, type: string): KubeMap | undefined {
  const status = isKubeMap(object.status) ? object.status : {}
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isKubeMap) : []
  return conditions.find((c) => c.type === type)
}

/** Whether a CRD's Established condition is True. */
export function isEstablished(crd: KubeObject): boolean {
  return conditionOf(crd, 'Established')?.status === 'True'
}

/** The status a CRD gets from the API server: accepted names and conditions. */
export function crdStatus(crd: KubeObject, options: { conflict: [string, string] | undefined; established: boolean; now: string }): KubeMap {
  const spec = isKubeMap(crd.spec) ? crd.spec : {}
  const names = isKubeMap(spec.names) ? spec.names : {}
  const stored = storageVersion(crd)
  const previous = isKubeMap(crd.status) ? crd.status : {}
  const conditions: KubeMap[] = []
  const keep = (c: KubeMap): KubeMap => {
    const old = conditionOf(crd, text(c.type))
    const same = old !== undefined && old.status === c.status
    return { type: c.type ?? '', status: c.status ?? '', lastTransitionTime: same ? (old.lastTransitionTime ?? options.now) : options.now, reason: c.reason ?? '', message: c.message ?? '' }
  }
  if (options.conflict !== undefined) {
    conditions.push(keep({ type: 'NamesAccepted', status: 'False', reason: options.conflict[0], message: options.conflict[1] }))
    conditions.push(keep({ type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' }))
  } else {
    conditions.push(keep({ type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' }))
    conditions.push(
      keep(
        options.established
          ? { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }
          : { type: 'Established', status: 'False', reason: 'Installing', message: 'the initial names have been accepted' },
      ),
    )
  }
  const terminating = conditionOf(crd, 'Terminating')
  if (terminating !== undefined) conditions.push(terminating)
  const storedVersions = strings(previous.storedVersions)
  const name = text(stored?.name ?? '')
  return {
    conditions,
    acceptedNames: options.conflict === undefined ? cloneJson(names) : isKubeMap(previous.acceptedNames) ? previous.acceptedNames : { plural: '', kind: '' },
    storedVersions: storedVersions.includes(name) ? storedVersions : [...storedVersions, name],
  }
}
