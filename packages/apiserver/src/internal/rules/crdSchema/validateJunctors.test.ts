// A CRD's value validations under allOf, anyOf, oneOf and not are checked as kube-openapi's
// schemaPropsValidator checks them: each alternative against the value at the same path, then
// go-openapi's composite error, which kube-apiserver reports on the nil field path it validates
// custom resources with (`<nil>: Invalid value: "": "spec.v" must validate all the schemas (allOf)`).
import { fileURLToPath } from 'node:url'
import type { KubeObject } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../../../testing/isolated.js'
import { validateCustomObject } from './validate.js'

const here = fileURLToPath(new URL('.', import.meta.url))

function messages(v: Record<string, unknown>, value: unknown): string[] {
  const object = { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'x' }, spec: { v: value } } as unknown as KubeObject
  const schema = { type: 'object', properties: { spec: { type: 'object', properties: { v } } } }
  return validateCustomObject(object, schema as never, undefined).errors.map((e) => `${e.field}: ${e.type}: ${JSON.stringify(e.value)}: ${e.detail ?? ''}`)
}

describe('junctors in a CRD schema', () => {
  const allOf = { type: 'string', allOf: [{ pattern: '^a' }, { pattern: 'b$' }] }

  it('checks the patterns of every allOf alternative', () => {
    expect(messages(allOf, 'ab')).toEqual([])
    expect(messages(allOf, 'xb')).toEqual(["spec.v: Invalid: \"xb\": spec.v in body should match '^a'", '<nil>: Invalid: "": "spec.v" must validate all the schemas (allOf)'])
    expect(messages(allOf, 'xx')).toEqual([
      "spec.v: Invalid: \"xx\": spec.v in body should match '^a'",
      "spec.v: Invalid: \"xx\": spec.v in body should match 'b$'",
      '<nil>: Invalid: "": "spec.v" must validate all the schemas (allOf). None validated',
    ])
  })

  it('needs one anyOf alternative, and reports the first failing one otherwise', () => {
    const anyOf = { type: 'string', anyOf: [{ pattern: '^a' }, { pattern: '^b' }] }
    expect(messages(anyOf, 'bob')).toEqual([])
    expect(messages(anyOf, 'x')).toEqual(['<nil>: Invalid: "": "spec.v" must validate at least one schema (anyOf)', "spec.v: Invalid: \"x\": spec.v in body should match '^a'"])
  })

  it('needs exactly one oneOf alternative', () => {
    const oneOf = { type: 'string', oneOf: [{ pattern: '^a' }, { pattern: 'b$' }] }
    expect(messages(oneOf, 'ax')).toEqual([])
    expect(messages(oneOf, 'ab')).toEqual(['<nil>: Invalid: "": "spec.v" must validate one and only one schema (oneOf). Found 2 valid alternatives'])
    expect(messages(oneOf, 'xx')).toEqual(['<nil>: Invalid: "": "spec.v" must validate one and only one schema (oneOf). Found none valid', "spec.v: Invalid: \"xx\": spec.v in body should match '^a'"])
  })

  it('refuses a value the not schema accepts', () => {
    const not = { type: 'string', not: { pattern: '^admin$' } }
    expect(messages(not, 'web')).toEqual([])
    expect(messages(not, 'admin')).toEqual(['<nil>: Invalid: "": "spec.v" must not validate the schema (not)'])
  })

  it('follows properties and items inside an alternative', () => {
    const nested = { type: 'object', properties: { list: { type: 'array', items: { type: 'string' } } }, allOf: [{ properties: { list: { items: { pattern: '^[a-z]+$' } } } }] }
    expect(messages(nested, { list: ['ok', 'NO'] })).toEqual([
      "spec.v.list.1: Invalid: \"NO\": spec.v.list.1 in body should match '^[a-z]+$'",
      '<nil>: Invalid: "": "spec.v" must validate all the schemas (allOf). None validated',
    ])
  })

  it('checks no junctor on a null, as kube-openapi checks only its type and enum', () => {
    const items = { type: 'array', items: { 'x-kubernetes-preserve-unknown-fields': true, not: { pattern: '^a' } } }
    expect(messages(items, [null])).toEqual([])
    expect(messages({ type: 'array', items: { 'x-kubernetes-preserve-unknown-fields': true, anyOf: [{ required: ['a'] }] } }, [null])).toEqual([])
    expect(messages({ type: 'array', items: { type: 'string', enum: ['a'], allOf: [{ pattern: '^b' }] } }, [null])).toEqual([
      'spec.v.0: TypeInvalid: "null": spec.v.0 in body must be of type string: "null"',
      'spec.v.0: NotSupported: null: supported values: "a"',
      '<nil>: Invalid: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    ])
  })

  it('checks the junctors after a type mismatch too, as kube-openapi runs every validator', () => {
    const intOrString = { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] }
    expect(messages(intOrString, true)).toEqual([
      'spec.v: TypeInvalid: "boolean": spec.v in body must be of type integer,string: "boolean"',
      '<nil>: Invalid: "": "spec.v" must validate at least one schema (anyOf)',
      'spec.v: TypeInvalid: "boolean": spec.v in body must be of type integer: "boolean"',
      '<nil>: Invalid: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    ])
    expect(messages(intOrString, 3)).toEqual([])
    expect(messages(intOrString, '25%')).toEqual([])
  })

  it('reports the failing anyOf or oneOf alternative with the highest match count, the first of equals', () => {
    // Equal counts: the first; its string checks stop at the first that fails, as kube-openapi's.
    expect(messages({ type: 'string', anyOf: [{ pattern: '^a', minLength: 5 }, { pattern: '^b' }] }, 'x')).toEqual([
      '<nil>: Invalid: "": "spec.v" must validate at least one schema (anyOf)',
      'spec.v: Invalid: "x": spec.v in body should be at least 5 chars long',
    ])
    // The second checks a nested property too: the higher count, though no fewer errors.
    const nested = { type: 'object', properties: { b: { type: 'string' } }, anyOf: [{ required: ['a'] }, { properties: { b: { minLength: 1 } }, required: ['c'] }] }
    expect(messages(nested, { b: 's' })).toEqual(['<nil>: Invalid: "": "spec.v" must validate at least one schema (anyOf)', 'spec.v.c: Required: undefined: '])
    const oneOf = { type: 'object', properties: { b: { type: 'string' } }, oneOf: [{ required: ['a'] }, { properties: { b: { minLength: 1 } }, required: ['c'] }] }
    expect(messages(oneOf, { b: 's' })).toEqual(['<nil>: Invalid: "": "spec.v" must validate one and only one schema (oneOf). Found none valid', 'spec.v.c: Required: undefined: '])
  })

  it('reports errors of the same text once, as go-openapi merges results', () => {
    expect(messages({ type: 'string', allOf: [{ pattern: '^a' }, { pattern: '^a' }] }, 'x')).toEqual([
      "spec.v: Invalid: \"x\": spec.v in body should match '^a'",
      '<nil>: Invalid: "": "spec.v" must validate all the schemas (allOf). None validated',
    ])
    expect(messages({ type: 'string', allOf: [{ allOf: [{ pattern: '^a' }] }, { pattern: 'b$' }] }, 'x')).toEqual([
      "spec.v: Invalid: \"x\": spec.v in body should match '^a'",
      '<nil>: Invalid: "": "spec.v" must validate all the schemas (allOf). None validated',
      "spec.v: Invalid: \"x\": spec.v in body should match 'b$'",
    ])
  })

  it('stops at junctors nested past its bound with an error of the field, without exhausting the stack', async () => {
    const run = await runIsolated(`
      import { validateCustomObject } from './validate.js'
      let v = { pattern: '^a' }
      for (let i = 0; i < 20000; i++) v = i % 2 === 0 ? { not: { not: v } } : { allOf: [v] }
      const schema = { type: 'object', properties: { spec: { type: 'object', properties: { v: { type: 'string', allOf: [v] } } } } }
      const errors = validateCustomObject({ apiVersion: 'x/v1', kind: 'X', metadata: { name: 'x' }, spec: { v: 'b' } }, schema, undefined).errors
      console.log(errors.some((e) => e.type === 'Internal' && e.field === 'spec.v'))`, here, 20_000)
    expect([run.status, run.signal], run.stderr).toEqual([0, null])
    expect(run.stdout.trim()).toBe('true')
  })
})
