import { describe, expect, it } from 'vitest'
import type { KubeMap } from '@gitops-sdk/core'
import { crdSchemaDecodeError } from './decode.js'

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
