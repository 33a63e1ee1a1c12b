// Webhook `matchConditions` (admissionregistration.k8s.io/v1), evaluated as kube-apiserver 1.32's
// matchconditions matcher does: CEL expressions over `object`, `oldObject` (null when absent),
// `request` (the AdmissionRequest) and `authorizer`, in order. Any condition false skips the webhook,
// whatever errors others gave; otherwise errors follow the webhook's failurePolicy (Fail: the request
// is refused with 403 Forbidden, the matcher "failing closed"; Ignore: the webhook is skipped); all
// true calls it. Expressions run on the CEL library the CRD rules use.
import { Environment } from '@marcbachmann/cel-js'
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import type { Attributes } from '../auth/rbac.js'

/** Answers an authorization question for the requesting user. */
export type Authorize = (attributes: Attributes) => boolean

class Authorizer {
  constructor(readonly authorize: Authorize) {}
}
class GroupCheck {
  constructor(
    readonly authorize: Authorize,
    readonly group: string,
  ) {}
}
class ResourceCheck {
  constructor(
    readonly authorize: Authorize,
    readonly attributes: { group: string; resource: string; subresource: string; namespace: string; name: string },
  ) {}
}
class PathCheck {
  constructor(
    readonly authorize: Authorize,
    readonly path: string,
  ) {}
}
class Decision {
  constructor(readonly allowedValue: boolean) {}
}

const env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false, enableOptionalTypes: true })
  .registerType('Authorizer', Authorizer)
  .registerType('GroupCheck', GroupCheck)
  .registerType('ResourceCheck', ResourceCheck)
  .registerType('PathCheck', PathCheck)
  .registerType('Decision', Decision)
  .registerVariable('authorizer', 'Authorizer')
  .registerFunction('Authorizer.group(string): GroupCheck', (a: Authorizer, group: string) => new GroupCheck(a.authorize, group))
  .registerFunction('Authorizer.path(string): PathCheck', (a: Authorizer, path: string) => new PathCheck(a.authorize, path))
  .registerFunction(
    'GroupCheck.resource(string): ResourceCheck',
    (g: GroupCheck, resource: string) => new ResourceCheck(g.authorize, { group: g.group, resource, subresource: '', namespace: '', name: '' }),
  )
  .registerFunction('ResourceCheck.subresource(string): ResourceCheck', (r: ResourceCheck, subresource: string) => new ResourceCheck(r.authorize, { ...r.attributes, subresource }))
  .registerFunction('ResourceCheck.namespace(string): ResourceCheck', (r: ResourceCheck, namespace: string) => new ResourceCheck(r.authorize, { ...r.attributes, namespace }))
  .registerFunction('ResourceCheck.name(string): ResourceCheck', (r: ResourceCheck, name: string) => new ResourceCheck(r.authorize, { ...r.attributes, name }))
  .registerFunction('ResourceCheck.check(string): Decision', (r: ResourceCheck, verb: string) => new Decision(r.authorize({ resourceRequest: true, verb, ...r.attributes })))
  .registerFunction('PathCheck.check(string): Decision', (p: PathCheck, verb: string) => new Decision(p.authorize({ resourceRequest: false, verb, path: p.path })))
  .registerFunction('Decision.allowed(): bool', (d: Decision) => d.allowedValue)
  .registerFunction('Decision.errored(): bool', () => false)
  .registerFunction('Decision.error(): string', () => '')
  .registerFunction('Decision.reason(): string', () => '')

type Program = (context: Record<string, unknown>) => unknown
const programs = new Map<string, Program | Error>()

function compile(expression: string): Program | Error {
  let program = programs.get(expression)
  if (program === undefined) {
    try {
      program = env.parse(expression)
    } catch (err) {
      program = err instanceof Error ? err : new Error(String(err))
    }
    programs.set(expression, program)
  }
  return program
}

/**
 * A JSON value as Kubernetes' CEL sees an object: integers are CEL ints, maps have no prototype.
 * Built on an explicit work list, not by recursion: a body may nest 10,000 levels (kube's bound),
 * past Node's native stack, and this runs before the conditions' own error handling.
 */
function toCel(value: KubeValue | undefined): unknown {
  const scalar = (v: KubeValue | undefined): unknown =>
    v === undefined ? null : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v
  if (!Array.isArray(value) && (value === undefined || !isKubeMap(value))) return scalar(value)
  const root: { value: unknown } = { value: undefined }
  const work: { readonly from: KubeValue; readonly put: (converted: unknown) => void }[] = [{ from: value, put: (c) => (root.value = c) }]
  for (let item = work.pop(); item !== undefined; item = work.pop()) {
    const { from } = item
    if (Array.isArray(from)) {
      const out: unknown[] = new Array<unknown>(from.length)
      item.put(out)
      from.forEach((v: KubeValue, i: number) => {
        if (Array.isArray(v) || isKubeMap(v)) work.push({ from: v, put: (c) => (out[i] = c) })
        else out[i] = scalar(v)
      })
    } else if (isKubeMap(from)) {
      const out = Object.create(null) as Record<string, unknown>
      item.put(out)
      for (const [k, v] of Object.entries(from)) {
        if (Array.isArray(v) || isKubeMap(v)) work.push({ from: v, put: (c) => (out[k] = c) })
        else out[k] = scalar(v)
      }
    } else item.put(scalar(from))
  }
  return root.value
}

/** One webhook's conditions and failure policy. */
export interface MatchConditions {
  readonly conditions: readonly { readonly name: string; readonly expression: string }[]
  readonly failurePolicy: 'Fail' | 'Ignore'
}

/** What the conditions decided: call, skip, or refuse the request with this error text. */
export type MatchOutcome = { readonly matches: boolean } | { readonly error: string }

/** Evaluates a webhook's matchConditions against one admission request. */
export function evaluateMatchConditions(
  hook: MatchConditions,
  input: { readonly object: KubeMap | null; readonly oldObject: KubeMap | null; readonly request: KubeMap; readonly authorize: Authorize },
): MatchOutcome {
  if (hook.conditions.length === 0) return { matches: true }
  const context = { object: toCel(input.object), oldObject: toCel(input.oldObject), request: toCel(input.request), authorizer: new Authorizer(input.authorize) }
  const errors: string[] = []
  for (const condition of hook.conditions) {
    const program = compile(condition.expression)
    if (program instanceof Error) {
      errors.push(`compilation failed: ${program.message.split('\n')[0] ?? ''}`)
      continue
    }
    let value: unknown
    try {
      value = program(context)
    } catch (err) {
      const why = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? ''
      errors.push(`expression '${condition.expression}' resulted in error: ${why.replace(/^No such key/, 'no such key')}`)
      continue
    }
    if (value === false) return { matches: false }
    if (value !== true) errors.push(`expression '${condition.expression}' resulted in error: cel expression must evaluate to a bool`)
  }
  if (errors.length === 0) return { matches: true }
  if (hook.failurePolicy === 'Ignore') return { matches: false }
  // utilerrors.NewAggregate: one error is its own message, several are listed in brackets.
  return { error: errors.length === 1 ? (errors[0] ?? '') : `[${errors.join(', ')}]` }
}

/** The matchConditions of a webhook as stored: name and expression of each well-formed entry. */
export function conditionsOf(hook: KubeMap): MatchConditions['conditions'] {
  const list = Array.isArray(hook.matchConditions) ? hook.matchConditions.filter(isKubeMap) : []
  return list.map((c) => ({ name: typeof c.name === 'string' ? c.name : '', expression: typeof c.expression === 'string' ? c.expression : '' }))
}
