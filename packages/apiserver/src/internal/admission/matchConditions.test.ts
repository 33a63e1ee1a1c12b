import { describe, expect, it } from 'vitest'
import type { Attributes } from '../auth/rbac.js'
import { evaluateMatchConditions } from './matchConditions.js'

const input = {
  object: { metadata: { name: 'a', labels: { env: 'prod' } }, spec: { replicas: 2 } },
  oldObject: null,
  request: { operation: 'CREATE', userInfo: { username: 'bob' } },
  authorize: (a: Attributes): boolean => a.verb === 'get',
}
const run = (expressions: string[], failurePolicy: 'Fail' | 'Ignore' = 'Fail'): ReturnType<typeof evaluateMatchConditions> =>
  evaluateMatchConditions({ conditions: expressions.map((expression, i) => ({ name: `c${i}`, expression })), failurePolicy }, input)

describe('evaluateMatchConditions', () => {
  it('matches when every condition is true, over object, oldObject, request and authorizer', () => {
    expect(run(["object.metadata.labels.env == 'prod'", 'object.spec.replicas > 1', 'oldObject == null', "request.userInfo.username != 'admin'"])).toEqual({ matches: true })
    expect(run(["authorizer.group('apps').resource('deployments').namespace('x').check('get').allowed()", "authorizer.path('/healthz').check('get').allowed()"])).toEqual({ matches: true })
    expect(run(["authorizer.group('').resource('pods').subresource('log').name('p').check('delete').allowed()"])).toEqual({ matches: false })
  })

  it('skips on any false condition, even beside errors; errors follow the failure policy', () => {
    expect(run(["object.metadata.labels.nope == 'x'", 'false'])).toEqual({ matches: false })
    expect(run(["object.metadata.labels.nope == 'x'"])).toEqual({ error: "expression 'object.metadata.labels.nope == 'x'' resulted in error: no such key: nope" })
    expect(run(["object.metadata.labels.nope == 'x'"], 'Ignore')).toEqual({ matches: false })
    // Several errors are aggregated in brackets; a non-bool result and a compile failure are errors.
    expect(run(["'x'", '1 +'])).toEqual({ error: "[expression ''x'' resulted in error: cel expression must evaluate to a bool, compilation failed: Unexpected token: EOF]" })
  })

  it('keeps map keys such as __proto__ as data', () => {
    const polluted = JSON.parse('{"metadata":{"labels":{"__proto__":"x"}}}') as Record<string, never>
    expect(evaluateMatchConditions({ conditions: [{ name: 'p', expression: "object.metadata.labels['__proto__'] == 'x'" }], failurePolicy: 'Fail' }, { ...input, object: polluted })).toEqual({ matches: true })
    expect(({} as Record<string, unknown>).x).toBeUndefined()
  })

  it('converts an object nested 9,990 levels (within kube bound of 10,000) without native recursion', () => {
    let deep: Record<string, unknown> = { leaf: 7 }
    for (let i = 0; i < 9990; i++) deep = { a: deep, n: [i, 'x', [true]] }
    const object = { metadata: { name: 'deep' }, spec: deep } as unknown as Record<string, never>
    expect(evaluateMatchConditions({ conditions: [{ name: 'd', expression: "object.metadata.name == 'deep' && object.spec.n[0] == 9989 && object.spec.a.n[2][0]" }], failurePolicy: 'Ignore' }, { ...input, object })).toEqual({ matches: true })
  })
})
