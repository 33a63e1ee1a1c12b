import type { ChangeSet, ChangeSetEntry, Inventory, ObjectRef } from '@gitops-sdk/core'

/**
 * Names an inventory: where it is stored (a ConfigMap or Secret `name` in `namespace`) and whom the
 * ownership labels on applied objects point to.
 */
export interface InventoryRef {
  /** The ConfigMap's or Secret's name. */
  readonly name: string
  /** Its namespace. */
  readonly namespace: string
  /** Where the inventory is stored. @defaultValue 'ConfigMap' */
  readonly kind?: 'ConfigMap' | 'Secret' | undefined
}

/** Where objects go and how they are labelled: the same for `applyAll`, `diff` and `detectDrift`. */
export interface PlacementOptions {
  /** Label every object as owned by this inventory (what `prune` requires before deleting). */
  readonly inventory?: InventoryRef | undefined
  /** Also label objects as members of the inventory's ApplySet (KEP-3659); needs `inventory`. @defaultValue false */
  readonly applySet?: boolean | undefined
  /** Put every namespaced object in this namespace; cluster-scoped objects are then refused unless allowed. */
  readonly targetNamespace?: string | undefined
  /** Allow cluster-scoped objects together with `targetNamespace`. @defaultValue false */
  readonly allowClusterScoped?: boolean | undefined
  /** Namespace of namespaced objects that name none. @defaultValue the client's namespace */
  readonly defaultNamespace?: string | undefined
}

/** The stages of `applyAll`, in the order they are applied. */
export type ApplyStage = 'definitions' | 'classes' | 'resources' | 'webhooks'

/**
 * A field that keeps flipping between the value this field manager applies and another manager's
 * value across successive applies: two controllers fighting over it (a reconcile loop).
 */
export interface ReconcileLoopWarning {
  /** Always `reconcile-loop`. */
  readonly type: 'reconcile-loop'
  /** The object whose field flips. */
  readonly ref: ObjectRef
  /** The field, e.g. `.spec.replicas`. */
  readonly path: string
  /** The manager whose value this apply overwrote again. */
  readonly manager: string
  /** How many applies in a row overwrote that manager's value. */
  readonly count: number
  /** One line for logs and events. */
  readonly message: string
}

/**
 * An `ssa`, `prune`, `force` or `reconcile` annotation (or label) whose value is unknown, such as
 * `ssa: merge-ish`. Flux ignores such values silently, and so does the apply (the object is
 * treated as if it were absent); the warning says so.
 */
export interface UnknownAnnotationWarning {
  /** Always `unknown-annotation`. */
  readonly type: 'unknown-annotation'
  /** The object carrying it. */
  readonly ref: ObjectRef
  /** The key as written, e.g. `kustomize.toolkit.fluxcd.io/ssa`. */
  readonly key: string
  /** The value as written. */
  readonly value: string
  /** One line for logs and events. */
  readonly message: string
}

/** Something an apply noticed that did not stop it. */
export type ApplyWarning = ReconcileLoopWarning | UnknownAnnotationWarning

/** The outcome of `applyAll`: the change set, plus what it noticed and the resulting inventory. */
export interface ApplyResult extends ChangeSet {
  /** What the apply noticed that did not stop it (reconcile loops, unknown annotation values). */
  readonly warnings: readonly ApplyWarning[]
  /** Every object of the apply (also unchanged and skipped ones), as `prune` and `saveInventory` take it. */
  readonly inventory: Inventory
}

/** What `applyAll` reports while it runs. */
export type ApplyProgress =
  | {
      /** A stage starts. */
      readonly type: 'stage'
      /** Which stage. */
      readonly stage: ApplyStage
      /** How many objects it applies. */
      readonly objects: number
    }
  | {
      /** An object was applied. */
      readonly type: 'object'
      /** What happened to it. */
      readonly entry: ChangeSetEntry
    }
  | {
      /** The apply waits for objects before the next stage. */
      readonly type: 'wait'
      /** The stage just applied. */
      readonly stage: ApplyStage
      /** The objects waited for: those written or unchanged whose state was not yet Current (a CRD not Established yet). */
      readonly refs: readonly ObjectRef[]
    }
  | {
      /** A warning. */
      readonly type: 'warning'
      /** What was noticed. */
      readonly warning: ApplyWarning
    }
