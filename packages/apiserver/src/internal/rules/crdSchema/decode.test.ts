import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { KubeMap } from '@gitops-sdk/core'
import { parseAllDocuments } from 'yaml'
import { sharedPath } from '../../../../../../testing/sharedDir.js'
import { crdSchemaDecodeError } from './decode.js'
import { parseOrdered } from './orderedJson.js'

const crd = (...schemas: unknown[]): KubeMap => ({ spec: { versions: schemas.map((openAPIV3Schema) => ({ name: 'v1', schema: { openAPIV3Schema } })) } }) as KubeMap
const at = (value: string, field: string, type: string, struct = 'JSONSchemaProps'): string =>
  `json: cannot unmarshal ${value} into Go struct field ${struct}.spec.versions.schema.openAPIV3Schema${field} of type ${type}`

describe('crdSchemaDecodeError', () => {
  it.for([
    { name: 'a schema that decodes', schemas: [{ type: 'object', allOf: [{}], anyOf: null, not: {}, items: 5 }], error: undefined },
    { name: 'a root that is no object', schemas: ['x'], error: at('string', '', 'v1.JSONSchemaProps', 'CustomResourceValidation') },
    { name: 'allOf given as an object', schemas: [{ allOf: {} }], error: at('object', '.allOf', '[]v1.JSONSchemaProps') },
    { name: 'not given as a list', schemas: [{ not: [] }], error: at('array', '.not', 'v1.JSONSchemaProps') },
    { name: 'properties given as a list', schemas: [{ properties: [] }], error: at('array', '.properties', 'map[string]v1.JSONSchemaProps') },
    { name: 'the first error of the document, across versions', schemas: [{ properties: { a: { oneOf: 1 } } }, { allOf: {} }], error: at('number', '.properties.oneOf', '[]v1.JSONSchemaProps') },
    {
      name: 'a later error under items, which ends the decode and wins over an earlier one',
      schemas: [{ anyOf: 'x', items: { allOf: [{}, { not: 1 }] } }],
      error: at('number', '.items', 'v1.JSONSchemaProps'),
    },
    {
      name: 'an error under items nested in additionalProperties, named at the outer field',
      schemas: [{ additionalProperties: { items: [{ anyOf: {} }] } }],
      error: at('object', '.additionalProperties', '[]v1.JSONSchemaProps'),
    },
  ])('answers $name', ({ schemas, error }) => {
    expect(crdSchemaDecodeError(crd(...schemas))).toBe(error)
  })

  it('walks a schema nested 50,000 deep without recursion', () => {
    let schema: Record<string, unknown> = { allOf: 7 }
    for (let i = 0; i < 50_000; i++) schema = i % 2 === 0 ? { properties: { a: schema } } : { items: schema }
    expect(crdSchemaDecodeError(crd(schema))).toBe(at('number', '.items', '[]v1.JSONSchemaProps'))
  })

  it('reads a key __proto__ as data', () => {
    const schema = JSON.parse('{"properties":{"__proto__":{"allOf":{}}}}') as unknown
    expect(crdSchemaDecodeError(crd(schema))).toBe(at('object', '.properties.allOf', '[]v1.JSONSchemaProps'))
  })
})

describe('crdSchemaDecodeError on the other fields of JSONSchemaProps', () => {
  const expected = 'boolean or JSON schema expected'
  it.for([
    { name: 'enum given as a string', schema: { enum: 'a' }, error: at('string', '.enum', '[]v1.JSON') },
    { name: 'enum holding anything', schema: { enum: [1, 'a', {}, [], null] }, error: undefined },
    { name: 'required given as a string', schema: { required: 'a' }, error: at('string', '.required', '[]string') },
    { name: 'required holding a number', schema: { required: ['a', 1] }, error: at('number', '.required', 'string') },
    { name: 'type given as a number', schema: { type: 5 }, error: at('number', '.type', 'string') },
    { name: 'minimum given as a string', schema: { minimum: '1' }, error: at('string', '.minimum', 'float64') },
    { name: 'maximum given as a boolean', schema: { maximum: true }, error: at('bool', '.maximum', 'float64') },
    { name: 'multipleOf given as an object', schema: { multipleOf: {} }, error: at('object', '.multipleOf', 'float64') },
    { name: 'maxLength given as a fraction', schema: { maxLength: 1.5 }, error: at('number 1.5', '.maxLength', 'int64') },
    { name: 'nullable given as a string', schema: { nullable: 'true' }, error: at('string', '.nullable', 'bool') },
    { name: 'x-kubernetes-list-map-keys holding a number', schema: { 'x-kubernetes-list-map-keys': [1] }, error: at('number', '.x-kubernetes-list-map-keys', 'string') },
    { name: 'x-kubernetes-list-map-keys given as a string', schema: { 'x-kubernetes-list-map-keys': 'a' }, error: at('string', '.x-kubernetes-list-map-keys', '[]string') },
    { name: 'additionalProperties given as a number', schema: { additionalProperties: 5 }, error: expected },
    { name: 'additionalItems given as a list', schema: { additionalItems: [] }, error: expected },
    { name: 'additionalProperties given as a boolean or null', schema: { additionalProperties: false, additionalItems: null }, error: undefined },
    { name: 'a bad additionalProperties after an earlier error (it ends the decode)', schema: { type: 5, additionalProperties: 'x' }, error: expected },
    { name: 'a dependencies entry holding a number', schema: { dependencies: { a: ['b', 1] } }, error: at('number', '.dependencies', 'string') },
    { name: 'a dependencies entry given as a string (ignored)', schema: { dependencies: { a: 'b' } }, error: undefined },
    { name: 'a dependencies entry whose schema does not decode', schema: { dependencies: { a: { type: 1 } } }, error: at('number', '.dependencies', 'string') },
    { name: 'externalDocs with a url that is a number', schema: { externalDocs: { url: 1 } }, error: at('number', '.externalDocs.url', 'string', 'ExternalDocumentation') },
    { name: 'a validation rule that is a number', schema: { 'x-kubernetes-validations': [{ rule: 1 }] }, error: at('number', '.x-kubernetes-validations.rule', 'string', 'ValidationRule') },
    { name: 'a property of the wrong type under properties', schema: { properties: { a: { minimum: 'x' } } }, error: at('string', '.properties.minimum', 'float64') },
  ])('answers $name', ({ schema, error }) => {
    expect(crdSchemaDecodeError(crd(schema))).toBe(error)
  })

  it('names the first error in the text, where Object.keys puts integer-like keys first', () => {
    const text = '{"spec":{"versions":[{"schema":{"openAPIV3Schema":{"properties":{"b":{"type":1},"10":{"not":[]}}}}}]}}'
    const parsed = JSON.parse(text) as KubeMap
    expect(crdSchemaDecodeError(parsed, text)).toBe(at('number', '.properties.type', 'string'))
    expect(crdSchemaDecodeError(parsed)).toBe(at('array', '.properties.not', 'v1.JSONSchemaProps'))
  })

  const fluxCrds = sharedPath('conformance/flux/crds')
  it.skipIf(fluxCrds === undefined)("accepts Flux's CRDs (needs the shared conformance CRDs)", () => {
    for (const file of readdirSync(fluxCrds ?? '').filter((f) => f.endsWith('.yaml'))) {
      for (const doc of parseAllDocuments(readFileSync(join(fluxCrds ?? '', file), 'utf8'))) {
        const object = doc.toJS() as KubeMap
        expect([file, crdSchemaDecodeError(object, JSON.stringify(object))]).toEqual([file, undefined])
      }
    }
  })
})

describe('parseOrdered', () => {
  it('keeps every key in the order of the text, escapes and all', () => {
    const value = parseOrdered(' {"b": [1, -2.5e3, true, null, "x\\"]}"], "10": {}, "a\\u0041": "s"} ')
    expect(value instanceof Map ? [...value.keys()] : value).toEqual(['b', '10', 'aA'])
    expect(value instanceof Map ? value.get('b') : undefined).toEqual([1, -2500, true, null, 'x"]}'])
  })
})
