// Validation of the L1 subset and the per-type essentials (SPEC.md §9.7). Every failure is a
// field error; the caller answers 422 Invalid listing all of them.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import { deepEqual, finalizersOf, ownerReferencesOf, stringMap, text } from '../state/objects.js'
import type { ResourceType } from '../state/registry.js'
import type { FieldError } from '../../status.js'
import { getOwn, hasOwn } from '../../ssa/ownKeys.js'
import { validateConfigMapData, validateSecretData } from './dataKeys.js'

const dns1123Label = '[a-z0-9]([-a-z0-9]*[a-z0-9])?'
const dns1123Subdomain = `${dns1123Label}(\\.${dns1123Label})*`
const dns1035Label = '[a-z]([-a-z0-9]*[a-z0-9])?'
const qualifiedName = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'
const labelValue = '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?'

const full = (re: string): RegExp => new RegExp(`^${re}$`)

function subdomainErrors(value: string): string[] {
  const out: string[] = []
  if (value.length > 253) out.push('must be no more than 253 characters')
  if (!full(dns1123Subdomain).test(value)) {
    out.push(
      `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${dns1123Subdomain}')`,
    )
  }
  return out
}

function labelErrors(value: string): string[] {
  const out: string[] = []
  if (value.length > 63) out.push('must be no more than 63 characters')
  if (!full(dns1123Label).test(value)) {
    out.push(
      `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '${dns1123Label}')`,
    )
  }
  return out
}

function dns1035Errors(value: string): string[] {
  const out: string[] = []
  if (value.length > 63) out.push('must be no more than 63 characters')
  if (!full(dns1035Label).test(value)) {
    out.push(
      `a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '${dns1035Label}')`,
    )
  }
  return out
}

function qualifiedNameErrors(key: string): string[] {
  const slash = key.indexOf('/')
  const prefix = slash < 0 ? undefined : key.slice(0, slash)
  const name = slash < 0 ? key : key.slice(slash + 1)
  const out: string[] = []
  if (prefix !== undefined) {
    if (prefix === '') out.push('prefix part must be non-empty')
    else out.push(...subdomainErrors(prefix).map((e) => `prefix part ${e}`))
  }
  if (name === '') out.push('name part must be non-empty')
  else if (name.length > 63) out.push('name part must be no more than 63 characters')
  else if (!full(qualifiedName).test(name)) {
    out.push(
      `name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${qualifiedName}')`,
    )
  }
  return out
}

function labelValueErrors(value: string): string[] {
  const out: string[] = []
  if (value.length > 63) out.push('must be no more than 63 characters')
  if (!full(labelValue).test(value)) {
    out.push(
      `a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '${labelValue}')`,
    )
  }
  return out
}

/** The name rule of a type: label for Namespace, DNS-1035 for Service, subdomain otherwise. */
export function nameErrors(type: ResourceType, name: string): string[] {
  if (type.group === '' && type.plural === 'namespaces') return labelErrors(name)
  if (type.group === '' && type.plural === 'services') return dns1035Errors(name)
  return subdomainErrors(name)
}

/** Errors of the metadata every object has. */
export function validateMetadata(type: ResourceType, object: KubeObject): FieldError[] {
  const errors: FieldError[] = []
  const meta = object.metadata
  const name = typeof meta.name === 'string' ? meta.name : ''
  if (name === '') {
    errors.push({ type: 'Required', field: 'metadata.name', detail: 'name or generateName is required' })
  } else {
    for (const detail of nameErrors(type, name)) errors.push({ type: 'Invalid', field: 'metadata.name', value: name, detail })
  }
  if (type.namespaced && (meta.namespace ?? '') === '') {
    errors.push({ type: 'Required', field: 'metadata.namespace' })
  }
  for (const [key, value] of Object.entries(stringMap(meta.labels))) {
    for (const detail of qualifiedNameErrors(key)) errors.push({ type: 'Invalid', field: 'metadata.labels', value: key, detail })
    for (const detail of labelValueErrors(value)) errors.push({ type: 'Invalid', field: `metadata.labels`, value, detail })
  }
  for (const key of Object.keys(stringMap(meta.annotations))) {
    for (const detail of qualifiedNameErrors(key.toLowerCase())) {
      errors.push({ type: 'Invalid', field: 'metadata.annotations', value: key, detail })
    }
  }
  const refs = ownerReferencesOf(object)
  refs.forEach((ref) => {
    for (const key of ['apiVersion', 'kind', 'name', 'uid']) {
      if (typeof ref[key] !== 'string' || ref[key] === '') {
        errors.push({ type: key === 'uid' || key === 'name' ? 'Invalid' : 'Invalid', field: `metadata.ownerReferences.${key}`, value: ref[key] ?? '', detail: `${key} must not be empty` })
      }
    }
  })
  const controllers = refs.filter((r) => r.controller === true)
  if (controllers.length > 1) {
    errors.push({
      type: 'Invalid',
      field: 'metadata.ownerReferences',
      value: refs,
      detail: `Only one reference can have Controller set to true. Found "true" in references for ${controllers.map((r) => `${text(r.kind)}/${text(r.name)}`).join(' and ')}`,
    })
  }
  return errors
}

const immutableMeta = ['name', 'namespace', 'uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const

/** Errors of an update against the live object: immutable metadata and the finalizer rule. */
export function validateMetadataUpdate(live: KubeObject, next: KubeObject): FieldError[] {
  const errors: FieldError[] = []
  for (const key of immutableMeta) {
    const before = live.metadata[key]
    const after = next.metadata[key]
    if (key === 'deletionTimestamp' || key === 'deletionGracePeriodSeconds') {
      if (before !== undefined && !deepEqual(before, after)) {
        errors.push({ type: 'Invalid', field: `metadata.${key}`, value: after ?? null, detail: 'field is immutable' })
      }
      continue
    }
    if (!deepEqual(before ?? '', after ?? '')) {
      errors.push({ type: 'Invalid', field: `metadata.${key}`, value: after ?? '', detail: 'field is immutable' })
    }
  }
  const gBefore = live.metadata.generation
  const gAfter = next.metadata.generation
  if (typeof gBefore === 'number' && typeof gAfter === 'number' && gAfter < gBefore) {
    errors.push({ type: 'Invalid', field: 'metadata.generation', value: gAfter, detail: 'must not be decremented' })
  }
  if (live.metadata.deletionTimestamp !== undefined) {
    const old = new Set(finalizersOf(live))
    const added = finalizersOf(next).filter((f) => !old.has(f))
    if (added.length > 0) {
      errors.push({
        type: 'Forbidden',
        field: 'metadata.finalizers',
        detail: `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
      })
    }
  }
  return errors
}

function labelsMatch(selector: KubeValue | undefined, labels: Record<string, string>): boolean {
  if (!isKubeMap(selector)) return false
  const matchLabels = stringMap(selector.matchLabels)
  for (const [k, v] of Object.entries(matchLabels)) if (getOwn(labels, k) !== v) return false
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.filter(isKubeMap) : []
  for (const e of expressions) {
    const key = text(e.key)
    const values = Array.isArray(e.values) ? e.values.map(String) : []
    const has = hasOwn(labels, key)
    switch (text(e.operator)) {
      case 'In':
        if (!has || !values.includes(labels[key] ?? '')) return false
        break
      case 'NotIn':
        if (has && values.includes(labels[key] ?? '')) return false
        break
      case 'Exists':
        if (!has) return false
        break
      case 'DoesNotExist':
        if (has) return false
        break
      default:
        return false
    }
  }
  return Object.keys(matchLabels).length > 0 || expressions.length > 0
}

function validateContainers(podSpec: KubeValue | undefined, field: string, errors: FieldError[]): void {
  const spec = isKubeMap(podSpec) ? podSpec : {}
  const containers = Array.isArray(spec.containers) ? spec.containers : []
  if (containers.length === 0) errors.push({ type: 'Required', field: `${field}.containers` })
  containers.forEach((c, i) => {
    const container: KubeMap = isKubeMap(c) ? c : {}
    if (typeof container.name !== 'string' || container.name === '') errors.push({ type: 'Required', field: `${field}.containers[${i}].name` })
    if (typeof container.image !== 'string' || container.image === '') errors.push({ type: 'Required', field: `${field}.containers[${i}].image` })
  })
}

function validateWorkload(spec: KubeMap, errors: FieldError[], needsSelector: boolean): void {
  const template = isKubeMap(spec.template) ? spec.template : {}
  const templateMeta = isKubeMap(template.metadata) ? template.metadata : {}
  const labels = stringMap(templateMeta.labels)
  if (needsSelector) {
    if (!isKubeMap(spec.selector)) errors.push({ type: 'Required', field: 'spec.selector' })
    else if (!labelsMatch(spec.selector, labels)) {
      errors.push({ type: 'Invalid', field: 'spec.template.metadata.labels', value: labels, detail: '`selector` does not match template `labels`' })
    }
  }
  validateContainers(template.spec, 'spec.template.spec', errors)
}

/** Per-type essentials of Tier-1 kinds; `live` is set on updates. */
export function validateKind(object: KubeObject, live: KubeObject | undefined): FieldError[] {
  const errors: FieldError[] = []
  const spec = isKubeMap(object.spec) ? object.spec : {}
  switch (`${object.apiVersion}/${object.kind}`) {
    case 'apps/v1/Deployment':
      validateWorkload(spec, errors, true)
      if (live !== undefined && isKubeMap(live.spec) && !deepEqual(live.spec.selector, spec.selector)) {
        errors.push({ type: 'Invalid', field: 'spec.selector', value: spec.selector ?? null, detail: 'field is immutable' })
      }
      break
    case 'apps/v1/StatefulSet':
      validateWorkload(spec, errors, true)
      if (live !== undefined && isKubeMap(live.spec) && !statefulSetUpdateAllowed(live.spec, spec)) {
        errors.push({
          type: 'Forbidden',
          field: 'spec',
          detail:
            "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        })
      }
      break
    case 'apps/v1/DaemonSet':
    case 'apps/v1/ReplicaSet':
      validateWorkload(spec, errors, true)
      if (live !== undefined && isKubeMap(live.spec) && !deepEqual(live.spec.selector, spec.selector)) {
        errors.push({ type: 'Invalid', field: 'spec.selector', value: spec.selector ?? null, detail: 'field is immutable' })
      }
      break
    case 'batch/v1/Job':
      validateWorkload(spec, errors, false)
      if (live !== undefined && isKubeMap(live.spec)) {
        // A Job's pod template and selector are fixed once created (apart from scheduling hints
        // of a suspended Job, which this server does not model).
        for (const field of ['template', 'selector'] as const) {
          if (!deepEqual(live.spec[field], spec[field])) {
            errors.push({ type: 'Invalid', field: `spec.${field}`, value: spec[field] ?? null, detail: 'field is immutable' })
          }
        }
      }
      break
    case 'v1/Pod':
      validateContainers(spec, 'spec', errors)
      break
    case 'v1/Service': {
      const ports = Array.isArray(spec.ports) ? spec.ports : []
      ports.forEach((p, i) => {
        if (!isKubeMap(p) || typeof p.port !== 'number') errors.push({ type: 'Required', field: `spec.ports[${i}].port` })
      })
      const liveIP = live !== undefined && isKubeMap(live.spec) ? live.spec.clusterIP : undefined
      // An allocated clusterIP may not change; leaving it out of an update keeps it.
      if (typeof liveIP === 'string' && liveIP !== '' && spec.clusterIP !== undefined && spec.clusterIP !== liveIP) {
        errors.push({ type: 'Invalid', field: 'spec.clusterIPs[0]', value: [spec.clusterIP], detail: 'may not change once set' })
      }
      break
    }
    case 'v1/Secret':
      if (live !== undefined && (live.type ?? 'Opaque') !== (object.type ?? 'Opaque')) {
        errors.push({ type: 'Invalid', field: 'type', value: (object.type ?? '') as KubeValue, detail: 'field is immutable' })
      }
      errors.push(...validateSecretData(object))
      errors.push(...immutableData(object, live, ['data', 'stringData']))
      break
    case 'v1/ConfigMap':
      errors.push(...validateConfigMapData(object))
      errors.push(...immutableData(object, live, ['data', 'binaryData']))
      break
    default:
      break
  }
  return errors
}

function immutableData(object: KubeObject, live: KubeObject | undefined, keys: string[]): FieldError[] {
  const errors: FieldError[] = []
  if (live?.immutable !== true) return errors
  for (const key of keys) {
    if (!deepEqual(live[key], object[key])) errors.push({ type: 'Forbidden', field: key, detail: 'field is immutable when `immutable` is set' })
  }
  if (object.immutable !== true) errors.push({ type: 'Forbidden', field: 'immutable', detail: 'field is immutable when `immutable` is set' })
  return errors
}

/** StatefulSet updates may change only these spec fields (apps/validation, ValidateStatefulSetUpdate). */
const STATEFULSET_MUTABLE = new Set(['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'])

function statefulSetUpdateAllowed(live: KubeMap, next: KubeMap): boolean {
  const keys = new Set([...Object.keys(live), ...Object.keys(next)])
  for (const key of keys) if (!STATEFULSET_MUTABLE.has(key) && !deepEqual(live[key], next[key])) return false
  return true
}
