import { describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import { validateCustomObject } from './validate.js'
import { goJsonObjectError } from '../validation/secrets.js'
import { assertNoPollution } from '../../../../../../testing/pollution.js'

const object = (spec: unknown): KubeObject => ({ apiVersion: 'x/v1', kind: 'X', metadata: { name: 'x' }, spec }) as unknown as KubeObject
const schema = (spec: Record<string, unknown>): Record<string, unknown> => ({ type: 'object', properties: { spec } })

describe('validateCustomObject', () => {
  it('accepts an integer where a number is declared, and an int-or-string', () => {
    const s = schema({ type: 'object', properties: { n: { type: 'number' }, p: { 'x-kubernetes-int-or-string': true } } })
    expect(validateCustomObject(object({ n: 3, p: 'http' }), s as never, undefined).errors).toEqual([])
    expect(validateCustomObject(object({ n: 3, p: true }), s as never, undefined).errors[0]).toMatchObject({ type: 'TypeInvalid', field: 'spec.p' })
  })

  it('names list items by index in schema messages, as kube-openapi does', () => {
    const s = schema({ type: 'object', properties: { l: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string', pattern: '^a' } } } } } })
    const errors = validateCustomObject(object({ l: [{ name: 'a' }, {}, { name: 'b' }] }), s as never, undefined).errors
    expect(errors).toEqual([
      { type: 'Required', field: 'spec.l.1.name' },
      { type: 'Invalid', field: 'spec.l.2.name', value: 'b', detail: "spec.l.2.name in body should match '^a'" },
    ])
  })

  it('walks keys named like prototypes as plain data', () => {
    const s = schema({ type: 'object', additionalProperties: { type: 'string', maxLength: 1 }, 'x-kubernetes-validations': [{ rule: "!('__proto__' in self)" }] })
    const spec = JSON.parse('{"__proto__": {"gitopsPolluted": 1}, "constructor": "xx"}') as unknown
    const result = validateCustomObject(object(spec), s as never, undefined)
    expect(result.errors.map((e) => e.field)).toEqual(['spec.__proto__', 'spec.constructor', '<nil>'])
    assertNoPollution()
  })

  it('says a rule it cannot run was not evaluated instead of refusing', () => {
    const s = schema({ type: 'string', 'x-kubernetes-validations': [{ rule: 'quantity(self).isGreaterThan(quantity("1"))' }] })
    const result = validateCustomObject(object('2'), s as never, undefined)
    expect(result.errors).toEqual([])
    expect(result.warnings).toEqual([`spec: x-kubernetes-validations rule ${JSON.stringify('quantity(self).isGreaterThan(quantity("1"))')} was not evaluated: found no matching overload for 'quantity(dyn)'`])
  })
})

describe('ratcheting on update', () => {
  const s = schema({
    type: 'object',
    'x-kubernetes-validations': [{ rule: 'self.size >= self.min', fieldPath: '.size' }],
    properties: { a: { type: 'string', pattern: '^a' }, b: { type: 'string' }, size: { type: 'integer' }, min: { type: 'integer' } },
  })
  const old = object({ a: 'bad', b: '1', size: 2, min: 1 })

  it('keeps accepting a value the update did not touch', () => {
    expect(validateCustomObject(object({ a: 'bad', b: '2', size: 2, min: 1 }), s as never, old).errors).toEqual([])
  })

  it('refuses a changed value, and a rule whose node changed even where its fieldPath did not', () => {
    expect(validateCustomObject(object({ a: 'worse', b: '1', size: 2, min: 1 }), s as never, old).errors.map((e) => e.field)).toEqual(['spec.a'])
    expect(validateCustomObject(object({ a: 'bad', b: '1', size: 2, min: 5 }), s as never, old).errors.map((e) => e.field)).toEqual(['spec.size'])
  })
})

describe("Go's json errors for docker config Secrets", () => {
  it.for([
    ['{}', undefined],
    ['', 'unexpected end of JSON input'],
    ['{"a":', 'unexpected end of JSON input'],
    ['[]', 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
    ['"s"', 'json: cannot unmarshal string into Go value of type map[string]interface {}'],
    ['x', "invalid character 'x' looking for beginning of value"],
  ] as const)('%j', ([text, error]) => {
    expect(goJsonObjectError(text)).toBe(error)
  })
})
