/** Status of a condition, as Kubernetes spells it. */
export type ConditionStatus = 'True' | 'False' | 'Unknown'

/** The condition types a reconcile reports, with kstatus meanings. */
export type ConditionType = 'Ready' | 'Reconciling' | 'Stalled'

/**
 * A status condition in the shape of `metav1.Condition`, so that it can be written to a custom
 * resource as it is and read by kstatus.
 */
export interface Condition {
  /** The condition type: `Ready`, `Reconciling`, `Stalled` or a kind's own. */
  readonly type: ConditionType | (string & {})
  /** `True`, `False` or `Unknown`. */
  readonly status: ConditionStatus
  /** CamelCase reason such as `ReconciliationSucceeded` or `BuildFailed`. */
  readonly reason: string
  /** One line for humans, e.g. `Applied revision: main@sha1:…`. */
  readonly message: string
  /** RFC 3339 time the status last changed. */
  readonly lastTransitionTime: string
  /** The `metadata.generation` the condition was computed from. */
  readonly observedGeneration?: number | undefined
}

/** The fields a caller sets; {@link setCondition} fills in the transition time. */
export type ConditionInit = Omit<Condition, 'lastTransitionTime'>

/** Why a condition has its status: a CamelCase reason and a one-line message. */
export interface ConditionReason {
  /** CamelCase reason, e.g. `BuildFailed`. */
  readonly reason: string
  /** One line for humans. */
  readonly message: string
}

/** The condition of the given type, if present. */
export function getCondition(conditions: readonly Condition[], type: string): Condition | undefined {
  return conditions.find((c) => c.type === type)
}

/** Tells whether the condition of the given type is present with status `True`. */
export function isConditionTrue(conditions: readonly Condition[], type: string): boolean {
  return getCondition(conditions, type)?.status === 'True'
}

/**
 * Returns a new list with `condition` set: it replaces the one of the same type, keeping the old
 * `lastTransitionTime` when the status did not change (as `meta.SetStatusCondition` does).
 *
 * @example
 * ```ts
 * conditions = setCondition(conditions, { type: 'Ready', status: 'True', reason: 'Applied', message: '12 objects' }, clock.now())
 * ```
 */
export function setCondition(conditions: readonly Condition[], condition: ConditionInit, now: Date): Condition[] {
  const previous = getCondition(conditions, condition.type)
  const lastTransitionTime =
    previous !== undefined && previous.status === condition.status ? previous.lastTransitionTime : now.toISOString()
  const next: Condition = { ...condition, lastTransitionTime }
  return previous === undefined
    ? [...conditions, next]
    : conditions.map((c) => (c.type === condition.type ? next : c))
}

/** Returns a new list without the condition of the given type. */
export function removeCondition(conditions: readonly Condition[], type: string): Condition[] {
  return conditions.filter((c) => c.type !== type)
}

/**
 * Sets Ready=True and removes Reconciling and Stalled, the state of a successful reconcile in
 * kstatus terms (Current).
 */
export function markReady(conditions: readonly Condition[], why: ConditionReason, now: Date): Condition[] {
  const cleared = conditions.filter((c) => c.type !== 'Reconciling' && c.type !== 'Stalled')
  return setCondition(cleared, { type: 'Ready', status: 'True', reason: why.reason, message: why.message }, now)
}

/** Sets Reconciling=True and Ready=Unknown: work in progress (kstatus InProgress). */
export function markReconciling(conditions: readonly Condition[], why: ConditionReason, now: Date): Condition[] {
  const { reason, message } = why
  const withReconciling = setCondition(conditions, { type: 'Reconciling', status: 'True', reason, message }, now)
  return setCondition(withReconciling, { type: 'Ready', status: 'Unknown', reason, message }, now)
}

/**
 * Sets Ready=False with the failure, and Stalled=True when retrying cannot help (kstatus Failed),
 * removing Reconciling.
 */
export function markFailed(
  conditions: readonly Condition[],
  failure: ConditionReason & { readonly stalled?: boolean | undefined },
  now: Date,
): Condition[] {
  let next = removeCondition(conditions, 'Reconciling')
  next = setCondition(next, { type: 'Ready', status: 'False', reason: failure.reason, message: failure.message }, now)
  return failure.stalled === true
    ? setCondition(next, { type: 'Stalled', status: 'True', reason: failure.reason, message: failure.message }, now)
    : removeCondition(next, 'Stalled')
}
