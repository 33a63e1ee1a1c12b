import { isKubeMap } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'

/**
 * The per-object annotations the SDK reads, under its prefix `gitops-sdk.io/`. Each has the meaning
 * of Flux's `kustomize.toolkit.fluxcd.io/*` annotation of the same name, and Flux's spelling is
 * honoured too (see {@link FLUX_ANNOTATIONS}), so repositories made for Flux work unchanged. As in
 * Flux, each is read from the object's labels as well as its annotations, and values are compared
 * ignoring case.
 *
 * - `gitops-sdk.io/ssa`: `Override` (the default) applies the object every time and takes over the
 *   fields kubectl holds; `Merge` applies it but leaves other managers' fields alone;
 *   `IfNotPresent` applies the object only when it does not exist yet; `Ignore` never applies or
 *   prunes it.
 * - `gitops-sdk.io/prune: disabled` keeps the object in the cluster when it leaves the inventory.
 * - `gitops-sdk.io/reconcile: disabled` leaves the live object alone: not applied, not pruned, not
 *   reported as drift.
 * - `gitops-sdk.io/force: enabled` deletes and re-creates the object when an immutable field changed.
 */
export const ANNOTATIONS: {
  /** `Override` (default), `Merge`, `IfNotPresent` or `Ignore`: how the object is applied. */
  readonly ssa: 'gitops-sdk.io/ssa'
  /** `disabled`: the object stays in the cluster when it leaves the inventory. */
  readonly prune: 'gitops-sdk.io/prune'
  /** `enabled`: the object is deleted and re-created when an immutable field changed. */
  readonly force: 'gitops-sdk.io/force'
  /** `disabled`: the live object is left alone (not applied, pruned or reported as drift). */
  readonly reconcile: 'gitops-sdk.io/reconcile'
} = {
  ssa: 'gitops-sdk.io/ssa',
  prune: 'gitops-sdk.io/prune',
  force: 'gitops-sdk.io/force',
  reconcile: 'gitops-sdk.io/reconcile',
}

/** Flux's spellings of {@link ANNOTATIONS}, honoured with the same meaning. */
export const FLUX_ANNOTATIONS: {
  /** Flux's spelling of {@link ANNOTATIONS}.ssa. */
  readonly ssa: 'kustomize.toolkit.fluxcd.io/ssa'
  /** Flux's spelling of {@link ANNOTATIONS}.prune. */
  readonly prune: 'kustomize.toolkit.fluxcd.io/prune'
  /** Flux's spelling of {@link ANNOTATIONS}.force. */
  readonly force: 'kustomize.toolkit.fluxcd.io/force'
  /** Flux's spelling of {@link ANNOTATIONS}.reconcile. */
  readonly reconcile: 'kustomize.toolkit.fluxcd.io/reconcile'
} = {
  ssa: 'kustomize.toolkit.fluxcd.io/ssa',
  prune: 'kustomize.toolkit.fluxcd.io/prune',
  force: 'kustomize.toolkit.fluxcd.io/force',
  reconcile: 'kustomize.toolkit.fluxcd.io/reconcile',
}

/**
 * The ownership labels `applyAll` puts on every object it applies for an inventory, and that
 * `prune` requires before it deletes anything: the inventory's name and namespace.
 */
export const LABELS: {
  /** The inventory's name. */
  readonly inventoryName: 'gitops-sdk.io/inventory-name'
  /** The inventory's namespace. */
  readonly inventoryNamespace: 'gitops-sdk.io/inventory-namespace'
} = {
  inventoryName: 'gitops-sdk.io/inventory-name',
  inventoryNamespace: 'gitops-sdk.io/inventory-namespace',
}

/** How an object asks to be applied, from its `ssa` annotation. */
export type SsaPolicy = 'Override' | 'Merge' | 'IfNotPresent' | 'Ignore'

type AnnotationName = keyof typeof ANNOTATIONS

/** The values each annotation knows; any other value counts as none, as in Flux. */
const KNOWN_VALUES: { readonly [K in AnnotationName]: readonly string[] } = {
  ssa: ['override', 'merge', 'ifnotpresent', 'ignore'],
  prune: ['disabled', 'enabled'],
  force: ['enabled', 'disabled'],
  reconcile: ['disabled', 'enabled'],
}

/** One annotation (or label) with a value the SDK does not know. */
export interface UnknownAnnotation {
  /** The key as written, e.g. `kustomize.toolkit.fluxcd.io/ssa`. */
  readonly key: string
  /** The value as written, e.g. `merge-ish`. */
  readonly value: string
  /** Where it was found. */
  readonly in: 'annotations' | 'labels'
}

/**
 * Every value of one annotation on the object, in the order they are consulted: the SDK's
 * annotation, its label, Flux's annotation, Flux's label. Empty values are no values, as in Flux.
 */
function values(object: KubeObject | undefined, name: AnnotationName): AnnotationValue[] {
  if (object === undefined) return NO_VALUES
  const { annotations, labels } = object.metadata
  // No temporary arrays: every drift check asks this of every object, and most have none.
  let out: AnnotationValue[] | undefined
  for (const key of SPELLINGS[name]) {
    const a = valueIn(annotations, key)
    if (a !== undefined) (out ??= []).push({ key, value: a, in: 'annotations' })
    const l = valueIn(labels, key)
    if (l !== undefined) (out ??= []).push({ key, value: l, in: 'labels' })
  }
  return out ?? NO_VALUES
}

interface AnnotationValue {
  readonly key: string
  readonly value: string
  readonly in: 'annotations' | 'labels'
}

// Shared and never written: `values` hands it out when there are none.
const NO_VALUES: AnnotationValue[] = []

/** The SDK's spelling, then Flux's, of each annotation. */
const SPELLINGS: { readonly [K in AnnotationName]: readonly [string, string] } = {
  ssa: [ANNOTATIONS.ssa, FLUX_ANNOTATIONS.ssa],
  prune: [ANNOTATIONS.prune, FLUX_ANNOTATIONS.prune],
  force: [ANNOTATIONS.force, FLUX_ANNOTATIONS.force],
  reconcile: [ANNOTATIONS.reconcile, FLUX_ANNOTATIONS.reconcile],
}

/** A non-empty string value of an own key of `map`. */
function valueIn(map: unknown, key: string): string | undefined {
  if (!isKubeMap(map) || !Object.hasOwn(map, key)) return undefined
  const value = map[key]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** Whether any spelling of the annotation (or label) has `value`, ignoring case, as Flux matches. */
function has(object: KubeObject | undefined, name: AnnotationName, value: string): boolean {
  return values(object, name).some((v) => v.value.toLowerCase() === value)
}

/**
 * The apply policy of an object from its `ssa` annotation or label (either spelling, any case).
 * Values Flux does not know count as `Override`, as in Flux (see {@link unknownAnnotations} to
 * report them). When several spellings disagree, `Ignore` wins over `IfNotPresent`, which wins
 * over `Merge`: each is a match of Flux's selectors, checked in that order.
 */
export function ssaPolicy(object: KubeObject | undefined): SsaPolicy {
  if (has(object, 'ssa', 'ignore')) return 'Ignore'
  if (has(object, 'ssa', 'ifnotpresent')) return 'IfNotPresent'
  if (has(object, 'ssa', 'merge')) return 'Merge'
  return 'Override'
}

/** Tells whether the object's `prune` annotation or label (either spelling) is `disabled`. */
export function pruneDisabled(object: KubeObject | undefined): boolean {
  return has(object, 'prune', 'disabled')
}

/** Tells whether the object's `force` annotation or label (either spelling) is `enabled`. */
export function forceEnabled(object: KubeObject | undefined): boolean {
  return has(object, 'force', 'enabled')
}

/** Tells whether the object's `reconcile` annotation or label (either spelling) is `disabled`. */
export function reconcileDisabled(object: KubeObject | undefined): boolean {
  return has(object, 'reconcile', 'disabled')
}

/**
 * The object's `ssa`, `prune`, `force` and `reconcile` annotations and labels whose values the SDK
 * (like Flux) does not know, such as `ssa: merge-ish`. Flux ignores them silently (the object is
 * applied as if they were absent); `applyAll` does the same and reports each as an
 * `unknown-annotation` warning.
 */
export function unknownAnnotations(object: KubeObject | undefined): UnknownAnnotation[] {
  const out: UnknownAnnotation[] = []
  for (const name of Object.keys(KNOWN_VALUES) as AnnotationName[]) {
    for (const v of values(object, name)) if (!KNOWN_VALUES[name].includes(v.value.toLowerCase())) out.push(v)
  }
  return out
}

/**
 * Why the object is left alone by apply and drift, as Flux's exclusion selector decides: its
 * `reconcile` is `disabled` or its `ssa` is `Ignore`; `undefined` when it is not.
 */
export function exclusionReason(object: KubeObject | undefined): string | undefined {
  if (reconcileDisabled(object)) return 'its reconcile annotation is disabled'
  if (has(object, 'ssa', 'ignore')) return 'its ssa annotation is Ignore'
  return undefined
}

/** Why prune keeps an object its annotations exclude: one line and its change-set reason code. */
export interface PruneExclusion {
  /** One line, e.g. `its prune annotation is disabled`. */
  readonly reason: string
  /** The code prune records in the change set entry. */
  readonly code: 'PRUNE_DISABLED' | 'PRUNE_RECONCILE_DISABLED' | 'PRUNE_SSA_IGNORE'
}

/**
 * Why prune keeps the live object, as kustomize-controller's delete exclusions decide: `prune:
 * disabled`, `reconcile: disabled` or `ssa: Ignore`; `undefined` when it may be deleted. The one
 * rule prune and diff's orphan report share.
 */
export function pruneExclusion(live: KubeObject | undefined): PruneExclusion | undefined {
  if (pruneDisabled(live)) return { reason: 'its prune annotation is disabled', code: 'PRUNE_DISABLED' }
  if (reconcileDisabled(live)) return { reason: 'its reconcile annotation is disabled', code: 'PRUNE_RECONCILE_DISABLED' }
  if (has(live, 'ssa', 'ignore')) return { reason: 'its ssa annotation is Ignore', code: 'PRUNE_SSA_IGNORE' }
  return undefined
}

/** The values an annotation key knows, for messages: e.g. `Override, Merge, IfNotPresent or Ignore`. */
export function knownValuesOf(key: string): string {
  const name = key.slice(key.indexOf('/') + 1)
  switch (name) {
    case 'ssa':
      return 'known values: Override, Merge, IfNotPresent, Ignore'
    case 'force':
      return 'known values: enabled, disabled'
    default:
      return 'known values: disabled, enabled'
  }
}
