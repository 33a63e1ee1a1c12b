// A CRD's OpenAPI `pattern` is matched as kube-apiserver matches it, with Go's regexp (RE2): Go's
// syntax, time linear in the value (it runs on every create and update). The pathological case
// runs from the sources in a child process (testing/isolated.ts), bounded: not a timing test.
import { fileURLToPath } from 'node:url'
import type { KubeObject } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../../../testing/isolated.js'
import { validateCrd } from '../crd.js'
import { validateCustomObject } from './validate.js'

const here = fileURLToPath(new URL('.', import.meta.url))

/** A CustomResourceDefinition of one served version whose schema is `openAPIV3Schema`. */
function crdWith(openAPIV3Schema: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'xs.example.com' },
    spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'xs', kind: 'X' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema } }] },
  } as unknown as KubeObject
}

function errors(pattern: string, value: string): unknown[] {
  const object = { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'x' }, spec: { v: value } } as unknown as KubeObject
  const schema = { type: 'object', properties: { spec: { type: 'object', properties: { v: { type: 'string', pattern } } } } }
  return validateCustomObject(object, schema, undefined).errors
}

describe('CRD patterns are Go regular expressions', () => {
  it.for([
    { name: 'a named group', pattern: '^(?P<n>[a-z]+)$', value: 'web' },
    { name: 'a flag group mid-pattern', pattern: '^a(?i)B$', value: 'aB' },
    { name: 'a POSIX class and \\z', pattern: '^[[:alpha:]]+\\z', value: 'web' },
    { name: 'quoted text', pattern: '^\\Q1.0\\E$', value: '1.0' },
    { name: 'a Unicode class on non-ASCII', pattern: '^\\pL+$', value: 'héllo' },
    { name: '. as one code point', pattern: '^.$', value: '😀' },
  ])('accepts a value by $name', ({ pattern, value }) => {
    expect(errors(pattern, value)).toEqual([])
  })

  it('reports a value that does not match, in kube-apiserver\'s words', () => {
    expect(errors('^a\\z', 'a\n')).toEqual([{ type: 'Invalid', field: 'spec.v', value: 'a\n', detail: "spec.v in body should match '^a\\z'" }])
  })

  it('refuses a CRD whose pattern Go rejects, in kube-apiserver\'s words', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'xs.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'xs', kind: 'X' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { foo: { type: 'string', pattern: '+' }, ok: { type: 'string', pattern: '^a' } } } } }],
      },
    } as unknown as KubeObject
    expect(validateCrd(crd)).toEqual([
      {
        type: 'Invalid',
        field: 'spec.versions[0].schema.openAPIV3Schema.properties[foo].pattern',
        value: '+',
        detail: "must be a valid regular expression, but isn't: error parsing regexp: missing argument to repetition operator: `+`",
      },
    ])
  })

  it('refuses a pattern Go rejects at every position of the schema, sorted as kube-apiserver sorts them', () => {
    const crd = crdWith
    const schema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: { a: { type: 'string' }, m: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string', pattern: '[' } } } },
          allOf: [{ properties: { a: { pattern: '(' } } }, { anyOf: [{ pattern: '^ok$' }, { not: { pattern: '*' } }] }],
          oneOf: [{ properties: { m: { additionalProperties: { items: { pattern: 'a{2,1}' } } } } }],
          not: { pattern: '\\8' },
        },
        ['__proto__']: { type: 'string', pattern: '+' },
      },
    }
    const at = 'spec.versions[0].schema.openAPIV3Schema'
    expect(validateCrd(crd(schema)).map((e) => `${e.field}: ${typeof e.value === 'string' ? e.value : ''}`)).toEqual([
      `${at}.properties[__proto__].pattern: +`,
      `${at}.properties[spec].allOf[0].properties[a].pattern: (`,
      `${at}.properties[spec].allOf[1].anyOf[1].not.pattern: *`,
      `${at}.properties[spec].not.pattern: \\8`,
      // Under a junctor, additionalProperties is refused and not looked into (its pattern a{2,1}).
      `${at}.properties[spec].oneOf[0].properties[m].additionalProperties: `,
      `${at}.properties[spec].properties[m].additionalProperties.items.pattern: [`,
    ])
    expect(validateCrd(crd(schema))[1]).toEqual({
      type: 'Invalid',
      field: `${at}.properties[spec].allOf[0].properties[a].pattern`,
      value: '(',
      detail: "must be a valid regular expression, but isn't: error parsing regexp: missing closing ): `(`",
    })
  })

  it('refuses what a schema under a junctor may not hold, as kube-apiserver\'s structural check', () => {
    const crd = (spec: Record<string, unknown>): KubeObject => crdWith({ type: 'object', properties: { spec } })
    const texts = (spec: Record<string, unknown>): string[] => validateCrd(crd(spec)).map((e) => `${e.field}: ${e.type}: ${e.detail ?? ''}`)
    const at = 'spec.versions[0].schema.openAPIV3Schema.properties[spec]'
    expect(texts({ type: 'string', anyOf: [{ type: 'string' }] })).toEqual([`${at}.anyOf[0].type: Forbidden: must be empty to be structural`])
    expect(texts({ type: 'string', allOf: [{ description: 'x', nullable: true, default: 'a', title: 't' }] })).toEqual([
      `${at}.allOf[0].default: Forbidden: must be undefined to be structural`,
      `${at}.allOf[0].description: Forbidden: must be empty to be structural`,
      `${at}.allOf[0].nullable: Forbidden: must be false to be structural`,
      `${at}.allOf[0].title: Forbidden: must be empty to be structural`,
    ])
    expect(texts({ type: 'object', additionalProperties: { type: 'string' }, allOf: [{ additionalProperties: { pattern: '(' } }] })).toEqual([
      `${at}.allOf[0].additionalProperties: Forbidden: must be undefined to be structural`,
    ])
    expect(texts({ type: 'string', anyOf: [{ 'x-kubernetes-validations': [{ rule: 'self.size() > 1' }] }], not: { 'x-kubernetes-list-type': 'set', 'x-kubernetes-preserve-unknown-fields': true } })).toEqual([
      `${at}.anyOf[0].x-kubernetes-validations: Forbidden: must be empty to be structural`,
      `${at}.not.x-kubernetes-list-type: Forbidden: must be undefined to be structural`,
      `${at}.not.x-kubernetes-preserve-unknown-fields: Forbidden: must be false to be structural`,
    ])
    expect(texts({ type: 'object', properties: { metadata: { type: 'object' } }, allOf: [{ properties: { metadata: { minProperties: 1 } } }] })).toEqual([
      `${at}.allOf[0].properties[metadata]: Forbidden: must not be specified in a nested context`,
    ])
    // IntOrString's anyOf, alone or first in allOf, is let through.
    const intOrString = { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] }
    expect(texts(intOrString)).toEqual([])
    expect(texts({ 'x-kubernetes-int-or-string': true, allOf: [{ anyOf: [{ type: 'integer' }, { type: 'string' }] }, { pattern: '^[0-9]+%?$' }] })).toEqual([])
    expect(texts({ 'x-kubernetes-int-or-string': true, allOf: [{ pattern: '^a' }, { anyOf: [{ type: 'integer' }, { type: 'string' }] }] })).toEqual([
      `${at}.allOf[1].anyOf[0].type: Forbidden: must be empty to be structural`,
      `${at}.allOf[1].anyOf[1].type: Forbidden: must be empty to be structural`,
    ])
  })

  it('refuses properties and items the root schema\'s junctors name that its structure lacks', () => {
    const crd = crdWith
    const texts = (schema: Record<string, unknown>): string[] => validateCrd(crd(schema)).map((e) => `${e.field}: ${e.type}: ${e.detail ?? ''}`)
    const at = 'spec.versions[0].schema.openAPIV3Schema'
    const spec = { type: 'object', properties: { a: { type: 'string' }, l: { type: 'array', items: { type: 'string' } }, n: { type: 'string' } } }
    expect(
      texts({
        type: 'object',
        properties: { spec },
        allOf: [{ properties: { spec: { properties: { b: { pattern: '^a' }, l: { items: { minLength: 1 } }, n: { items: { minLength: 1 } } } } } }],
        anyOf: [{ not: { properties: { status: {} } } }],
      }),
    ).toEqual([
      `${at}.properties[spec].properties[b]: Required: because it is defined in ${at}.allOf[0].properties[spec].properties[b]`,
      `${at}.properties[spec].properties[n].items: Required: because it is defined in ${at}.allOf[0].properties[spec].properties[n].items`,
      `${at}.properties[status]: Required: because it is defined in ${at}.anyOf[0].not.properties[status]`,
    ])
    // As kube, only the root's junctors are followed: those of a property are not checked so.
    expect(texts({ type: 'object', properties: { spec: { ...spec, allOf: [{ properties: { b: { pattern: '^a' } } }] } } })).toEqual([])
  })

  it('walks a schema nested 20,000 deep under not and allOf without recursion', async () => {
    const run = await runIsolated(`
      import { validateCrd } from '../crd.js'
      let schema = { pattern: '(' }
      for (let i = 0; i < 20000; i++) schema = i % 2 === 0 ? { not: schema } : { allOf: [schema] }
      const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'xs.example.com' },
        spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'xs', kind: 'X' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', allOf: [schema] } } } } }] } }
      const errors = validateCrd(crd)
      console.log(errors.length, errors[0].field.length > 100000, errors[0].field.endsWith('.not.pattern'))`, here, 20_000)
    expect([run.status, run.signal], run.stderr).toEqual([0, null])
    expect(run.stdout.trim()).toBe('1 true true')
  })

  it('answers a nested quantifier on a long value at once', async () => {
    const run = await runIsolated(`
      import { validateCrd } from '../crd.js'
import { validateCustomObject } from './validate.js'
      const object = { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'x' }, spec: { v: 'a'.repeat(5000) + 'b', w: 'x'.repeat(5000) } }
      const schema = { type: 'object', properties: { spec: { type: 'object', properties: { v: { type: 'string', pattern: '^(a+)+$' }, w: { type: 'string', pattern: '(x+x+)+y' } } } } }
      console.log(validateCustomObject(object, schema, undefined).errors.length)`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('2')
  })
})
