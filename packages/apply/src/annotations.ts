import type { KubeObject } from '@gitops-sdk/core'

/**
 * The per-object annotations the SDK reads, under its prefix `gitops-sdk.io/`. Each has the meaning
 * of Flux's `kustomize.toolkit.fluxcd.io/*` annotation of the same name, and Flux's spelling is
 * honoured too (see {@link FLUX_ANNOTATIONS}), so repositories made for Flux work unchanged.
 *
 * - `gitops-sdk.io/ssa`: `IfNotPresent` applies the object only when it does not exist yet;
 *   `Ignore` never applies it; `Override` (the default) applies it every time.
 * - `gitops-sdk.io/prune: disabled` keeps the object in the cluster when it leaves the inventory.
 * - `gitops-sdk.io/force: enabled` deletes and re-creates the object when an immutable field changed.
 */
export const ANNOTATIONS: { readonly ssa: 'gitops-sdk.io/ssa'; readonly prune: 'gitops-sdk.io/prune'; readonly force: 'gitops-sdk.io/force' } = {
  ssa: 'gitops-sdk.io/ssa',
  prune: 'gitops-sdk.io/prune',
  force: 'gitops-sdk.io/force',
}

/** Flux's spellings of {@link ANNOTATIONS}, honoured with the same meaning. */
export const FLUX_ANNOTATIONS: {
  readonly ssa: 'kustomize.toolkit.fluxcd.io/ssa'
  readonly prune: 'kustomize.toolkit.fluxcd.io/prune'
  readonly force: 'kustomize.toolkit.fluxcd.io/force'
} = {
  ssa: 'kustomize.toolkit.fluxcd.io/ssa',
  prune: 'kustomize.toolkit.fluxcd.io/prune',
  force: 'kustomize.toolkit.fluxcd.io/force',
}

/**
 * The ownership labels `applyAll` puts on every object it applies for an inventory, and that
 * `prune` requires before it deletes anything: the inventory's name and namespace.
 */
export const LABELS: { readonly inventoryName: 'gitops-sdk.io/inventory-name'; readonly inventoryNamespace: 'gitops-sdk.io/inventory-namespace' } = {
  inventoryName: 'gitops-sdk.io/inventory-name',
  inventoryNamespace: 'gitops-sdk.io/inventory-namespace',
}

/** How an object asks to be applied, from its `ssa` annotation. */
export type SsaPolicy = 'Override' | 'Merge' | 'IfNotPresent' | 'Ignore'

function annotation(object: KubeObject | undefined, key: 'ssa' | 'prune' | 'force'): string | undefined {
  const annotations = object?.metadata.annotations
  if (annotations === undefined) return undefined
  return annotations[ANNOTATIONS[key]] ?? annotations[FLUX_ANNOTATIONS[key]]
}

/**
 * The apply policy of an object from its `ssa` annotation (either spelling); unknown values count as
 * `Override`, as in Flux.
 */
export function ssaPolicy(object: KubeObject | undefined): SsaPolicy {
  const value = annotation(object, 'ssa')?.toLowerCase()
  if (value === 'ignore') return 'Ignore'
  if (value === 'ifnotpresent') return 'IfNotPresent'
  if (value === 'merge') return 'Merge'
  return 'Override'
}

/** Tells whether the object's `prune` annotation (either spelling) is `disabled`. */
export function pruneDisabled(object: KubeObject | undefined): boolean {
  return annotation(object, 'prune')?.toLowerCase() === 'disabled'
}

/** Tells whether the object's `force` annotation (either spelling) is `enabled`. */
export function forceEnabled(object: KubeObject | undefined): boolean {
  return annotation(object, 'force')?.toLowerCase() === 'enabled'
}
