// Object metadata as kube-apiserver 1.32 validates it (apimachinery's ValidateObjectMeta and
// ValidateObjectMetaUpdate, core's finalizer rule), with the name rule of each type.
import type { KubeObject } from '@gitops-sdk/core'
import { deepEqual, finalizersOf, ownerReferencesOf, stringMap, text } from '../../state/objects.js'
import type { ResourceType } from '../../state/registry.js'
import type { FieldError } from '../../../status.js'
import type { NameRule } from './formats.js'
import { dns1123LabelErrors, labelValueErrors, nameRuleErrors, qualifiedNameErrors } from './formats.js'
import { goStringSlice } from './goValues.js'

/**
 * The name rule of each type, as the `Validate<Kind>Name` functions of Kubernetes 1.32 choose it:
 * Namespaces are DNS-1123 labels, Services DNS-1035 labels, RBAC objects path segments (anything but
 * `.`, `..`, `/` and `%`), every other built-in kind and every custom resource a DNS-1123 subdomain.
 */
const NAME_RULES: Readonly<Record<string, NameRule>> = {
  '/namespaces': 'label',
  '/services': 'dns1035',
  'rbac.authorization.k8s.io/roles': 'pathSegment',
  'rbac.authorization.k8s.io/clusterroles': 'pathSegment',
  'rbac.authorization.k8s.io/rolebindings': 'pathSegment',
  'rbac.authorization.k8s.io/clusterrolebindings': 'pathSegment',
}

/** The name rule of a type. */
export function nameRuleOf(type: ResourceType): NameRule {
  return NAME_RULES[`${type.group}/${type.plural}`] ?? 'subdomain'
}

/** The messages the name rule of a type gives for `name`. */
export function nameErrors(type: ResourceType, name: string): string[] {
  return nameRuleErrors(nameRuleOf(type), name, false)
}

/** Finalizer names a built-in object may carry without a `/`. */
const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion'])

/** 256 KiB, apimachinery's TotalAnnotationSizeLimitB. */
export const MAX_ANNOTATIONS_BYTES: number = 256 * 1024

/** ValidateLabels on a field path: every key a qualified name, every value a label value. */
export function labelErrors(labels: Record<string, string>, field: string): FieldError[] {
  const errors: FieldError[] = []
  for (const [key, value] of Object.entries(labels)) {
    for (const detail of qualifiedNameErrors(key)) errors.push({ type: 'Invalid', field, value: key, detail })
    for (const detail of labelValueErrors(value)) errors.push({ type: 'Invalid', field, value, detail })
  }
  return errors
}

/** Errors of the metadata every object has. */
export function validateMetadata(type: ResourceType, object: KubeObject): FieldError[] {
  const errors: FieldError[] = []
  const meta = object.metadata
  const rule = nameRuleOf(type)
  const generateName = typeof meta.generateName === 'string' ? meta.generateName : ''
  if (generateName !== '') {
    for (const detail of nameRuleErrors(rule, generateName, true)) errors.push({ type: 'Invalid', field: 'metadata.generateName', value: generateName, detail })
  }
  const name = typeof meta.name === 'string' ? meta.name : ''
  if (name === '') errors.push({ type: 'Required', field: 'metadata.name', detail: 'name or generateName is required' })
  else for (const detail of nameRuleErrors(rule, name, false)) errors.push({ type: 'Invalid', field: 'metadata.name', value: name, detail })
  if (type.namespaced) {
    const namespace = meta.namespace ?? ''
    if (namespace === '') errors.push({ type: 'Required', field: 'metadata.namespace' })
    else for (const detail of dns1123LabelErrors(namespace)) errors.push({ type: 'Invalid', field: 'metadata.namespace', value: namespace, detail })
  }
  if (typeof meta.generation === 'number' && meta.generation < 0) {
    errors.push({ type: 'Invalid', field: 'metadata.generation', value: meta.generation, detail: 'must be greater than or equal to 0' })
  }
  errors.push(...labelErrors(stringMap(meta.labels), 'metadata.labels'))
  const annotations = stringMap(meta.annotations)
  let size = 0
  for (const [key, value] of Object.entries(annotations)) {
    // Annotation keys are qualified names in any case (apimachinery lower-cases them first).
    for (const detail of qualifiedNameErrors(key.toLowerCase())) errors.push({ type: 'Invalid', field: 'metadata.annotations', value: key, detail })
    size += Buffer.byteLength(key) + Buffer.byteLength(value)
  }
  if (size > MAX_ANNOTATIONS_BYTES) errors.push({ type: 'TooLong', field: 'metadata.annotations', detail: `may not be more than ${MAX_ANNOTATIONS_BYTES} bytes` })
  errors.push(...ownerReferenceErrors(object))
  errors.push(...finalizerErrors(type, object))
  return errors
}

function ownerReferenceErrors(object: KubeObject): FieldError[] {
  const errors: FieldError[] = []
  const refs = ownerReferencesOf(object)
  let firstController = ''
  for (const ref of refs) {
    const apiVersion = text(ref.apiVersion)
    const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion
    if (version === '') errors.push({ type: 'Invalid', field: 'metadata.ownerReferences.apiVersion', value: apiVersion, detail: 'version must not be empty' })
    for (const key of ['kind', 'name', 'uid'] as const) {
      if (text(ref[key]) === '') errors.push({ type: 'Invalid', field: `metadata.ownerReferences.${key}`, value: text(ref[key]), detail: 'must not be empty' })
    }
    if (ref.controller === true) {
      const current = `${text(ref.kind)}/${text(ref.name)}`
      if (firstController === '') firstController = current
      else {
        errors.push({
          type: 'Invalid',
          field: 'metadata.ownerReferences',
          value: refs,
          detail: `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
        })
      }
    }
  }
  return errors
}

function finalizerErrors(type: ResourceType, object: KubeObject): FieldError[] {
  const errors: FieldError[] = []
  const finalizers = finalizersOf(object)
  for (const finalizer of finalizers) {
    for (const detail of qualifiedNameErrors(finalizer)) errors.push({ type: 'Invalid', field: 'metadata.finalizers', value: finalizer, detail })
  }
  if (finalizers.includes('orphan') && finalizers.includes('foregroundDeletion')) {
    errors.push({ type: 'Invalid', field: 'metadata.finalizers', shown: goStringSlice(finalizers), detail: 'finalizer orphan and foregroundDeletion cannot be both set' })
  }
  // Built-in kinds also refuse a finalizer without a domain that is not one of the standard ones.
  if (type.crd === undefined) {
    finalizers.forEach((finalizer, i) => {
      if (!finalizer.includes('/') && !STANDARD_FINALIZERS.has(finalizer)) {
        errors.push({ type: 'Invalid', field: `metadata.finalizers[${i}]`, value: finalizer, detail: 'name is neither a standard finalizer name nor is it fully qualified' })
      }
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
    const added = [...new Set(finalizersOf(next).filter((f) => !old.has(f)))].sort()
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
