import type { KubeMap } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { evaluateRules } from './cel.js'

describe('evaluateRules', () => {
  it('refuses a value too deep for the evaluator (422 Invalid naming the rule), never admits it with a warning', () => {
    // Bodies are bounded well short of this (MAX_JSON_DEPTH); the guard stays for any value that is not.
    let a: KubeMap = {}
    let b: KubeMap = {}
    for (let i = 0; i < 100_000; i++) {
      a = { a }
      b = { a: b }
    }
    const result = evaluateRules({ rules: [{ rule: '!has(self.b) || self.a != self.b' }], self: { a, b }, oldSelf: undefined, path: 'spec', schemaType: 'object' })
    expect(result).toEqual({
      errors: [{ type: 'Invalid', field: 'spec', value: 'object', detail: 'exceeded max depth evaluating rule: !has(self.b) || self.a != self.b' }],
      warnings: [],
    })
  })

  it('still fails a shallow rule by its message and evaluates the rest', () => {
    const result = evaluateRules({ rules: [{ rule: 'self.a != self.b', message: 'a and b differ' }, { rule: 'has(self.a)' }], self: { a: { x: 1 }, b: { x: 1 } }, oldSelf: undefined, path: 'spec', schemaType: 'object' })
    expect(result).toEqual({ errors: [{ type: 'Invalid', field: 'spec', value: 'object', detail: 'a and b differ' }], warnings: [] })
  })
})
