// The live fault rules of one server: which rule a request meets (each rule counting its `times`),
// and the requests held by `freeze` until they are released.
import type { FaultRule } from '../../faultTypes.js'
import type { RecordedRequest } from '../../types.js'

interface LiveRule {
  readonly rule: FaultRule
  left: number
}

function matches(rule: FaultRule, request: RecordedRequest): boolean {
  if (rule.verbs !== undefined && (request.verb === undefined || !rule.verbs.includes(request.verb))) return false
  if (rule.resources !== undefined && (request.resource === undefined || !rule.resources.includes(request.resource))) return false
  if (rule.namespaces !== undefined && (request.namespace === undefined || !rule.namespaces.includes(request.namespace))) return false
  if (rule.names !== undefined && (request.name === undefined || !rule.names.includes(request.name))) return false
  if (rule.pathPrefix !== undefined && !request.path.startsWith(rule.pathPrefix)) return false
  if (rule.mode === 'conflict' && !['create', 'update', 'patch', 'delete'].includes(request.verb ?? '')) return false
  if (rule.mode === 'cutWatch' && request.verb !== 'watch') return false
  return true
}

/** Fault rules and held requests. */
export class FaultState {
  #rules: LiveRule[] = []
  readonly #held = new Set<() => void>()

  /** Replaces the rules. */
  set(rules: readonly FaultRule[]): void {
    this.#rules = rules.map((rule) => ({ rule, left: rule.times ?? Number.POSITIVE_INFINITY }))
  }

  /** Adds one rule after the others. */
  add(rule: FaultRule): void {
    this.#rules.push({ rule, left: rule.times ?? Number.POSITIVE_INFINITY })
  }

  /** The first rule `request` meets, counted against its `times`; undefined for none. */
  take(request: RecordedRequest): FaultRule | undefined {
    for (const live of this.#rules) {
      if (live.left > 0 && matches(live.rule, request)) {
        live.left--
        return live.rule
      }
    }
    return undefined
  }

  /** Resolves when the held request may go on. */
  hold(): Promise<void> {
    return new Promise((resolve) => this.#held.add(resolve))
  }

  /** How many requests are held now. */
  get held(): number {
    return this.#held.size
  }

  /** Lets every held request go on. */
  release(): void {
    const held = [...this.#held]
    this.#held.clear()
    for (const go of held) go()
  }

  /** No rules, nothing held. */
  clear(): void {
    this.#rules = []
    this.release()
  }
}
