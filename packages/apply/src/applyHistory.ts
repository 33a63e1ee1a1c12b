import { formatRef, refKey } from '@gitops-sdk/core'
import type { ObjectRef } from '@gitops-sdk/core'
import type { ReconcileLoopWarning } from './types.js'

/** A field this apply took back from another manager. */
export interface FieldOverride {
  /** The field, e.g. `.spec.replicas`. */
  readonly path: string
  /** The manager that owned the overwritten value. */
  readonly manager: string
}

/** What one apply did to one object, as {@link ApplyHistory.observe} takes it. */
export interface ObservedApply {
  /** The object applied. */
  readonly ref: ObjectRef
  /** Fields whose live value, owned by another manager, the apply replaced (empty when none). */
  readonly overrides: readonly FieldOverride[]
}

/**
 * Memory across successive `applyAll` calls that spots reconcile loops: a field whose value another
 * manager keeps changing and this field manager keeps changing back. Pass the same history to every
 * `applyAll` of one reconciler; it holds only refs, paths and manager names.
 */
export interface ApplyHistory {
  /** Applies in a row overwriting the same manager's value before a warning. */
  readonly threshold: number
  /**
   * Records one apply of `fieldManager` and answers the loops it reveals. Objects applied without
   * overrides reset their counts; objects not in `applied` keep theirs.
   */
  observe(fieldManager: string, applied: readonly ObservedApply[]): ReconcileLoopWarning[]
}

/**
 * Creates an {@link ApplyHistory}.
 *
 * @example
 * ```ts
 * const history = createApplyHistory()
 * const result = await applyAll(objects, { client, fieldManager: 'gitops', history })
 * for (const w of result.warnings) log.warn(w.message)
 * ```
 */
export function createApplyHistory(options: { readonly threshold?: number | undefined } = {}): ApplyHistory {
  const threshold = options.threshold ?? 2
  if (!Number.isInteger(threshold) || threshold < 1) throw new TypeError('createApplyHistory: threshold must be a positive integer')
  // fieldManager → refKey → "path\nmanager" → consecutive overrides
  const counts = new Map<string, Map<string, Map<string, number>>>()
  return {
    threshold,
    observe(fieldManager, applied) {
      let perRef = counts.get(fieldManager)
      if (perRef === undefined) counts.set(fieldManager, (perRef = new Map<string, Map<string, number>>()))
      const warnings: ReconcileLoopWarning[] = []
      for (const { ref, overrides } of applied) {
        const key = refKey(ref)
        const before = perRef.get(key) ?? new Map<string, number>()
        const after = new Map<string, number>()
        for (const o of overrides) {
          const field = `${o.path}\n${o.manager}`
          const count = (before.get(field) ?? 0) + 1
          after.set(field, count)
          if (count >= threshold) {
            warnings.push({
              type: 'reconcile-loop',
              ref,
              path: o.path,
              manager: o.manager,
              count,
              message: `${formatRef(ref)}: reconcile loop: ${o.path} keeps flipping between the value of "${fieldManager}" and the value of "${o.manager}" (overwritten ${count} applies in a row)`,
            })
          }
        }
        if (after.size === 0) perRef.delete(key)
        else perRef.set(key, after)
      }
      return warnings
    },
  }
}
