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
    const crd = (openAPIV3Schema: Record<string, unknown>): KubeObject =>
      ({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'xs.example.com' },
        spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'xs', kind: 'X' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema } }] },
      }) as unknown as KubeObject
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
      `${at}.properties[spec].oneOf[0].properties[m].additionalProperties.items.pattern: a{2,1}`,
      `${at}.properties[spec].properties[m].additionalProperties.items.pattern: [`,
    ])
    expect(validateCrd(crd(schema))[1]).toEqual({
      type: 'Invalid',
      field: `${at}.properties[spec].allOf[0].properties[a].pattern`,
      value: '(',
      detail: "must be a valid regular expression, but isn't: error parsing regexp: missing closing ): `(`",
    })
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
