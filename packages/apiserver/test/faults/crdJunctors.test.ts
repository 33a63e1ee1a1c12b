// CRD schemas with value validations under allOf, anyOf, oneOf and not: a pattern Go rejects there
// refuses the CRD (422, kube-apiserver's words, nothing stored), and a custom resource whose value
// misses a pattern there is refused (422 naming the field, nothing stored).
import { describe, expect, it } from 'vitest'
import { raw } from '../helpers/kube.js'
import { faultServer } from '../helpers/faultServer.js'

const { server } = faultServer()

const crds = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions'
const crd = (plural: string, spec: Record<string, unknown>): Record<string, unknown> => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${plural}.example.com` },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural, kind: plural === 'gadgets' ? 'Gadget' : 'Widget' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec } } } }],
  },
})

describe('CRD patterns under junctors', () => {
  it('refuses a CRD with a pattern Go rejects under anyOf, allOf, oneOf or not, and stores nothing', async () => {
    const spec = { type: 'object', properties: { a: { type: 'string' } }, anyOf: [{ not: { properties: { a: { pattern: 'x{2,1}' } } } }, { oneOf: [{ properties: { a: { pattern: '[' } } }] }] }
    const answer = await raw(server(), { method: 'POST', path: crds, body: JSON.stringify(crd('widgets', spec)), contentType: 'application/json' })
    expect(answer.status).toBe(422)
    const at = 'spec.versions[0].schema.openAPIV3Schema.properties[spec]'
    expect(answer.json().message).toBe(
      `CustomResourceDefinition.apiextensions.k8s.io "widgets.example.com" is invalid: [${at}.anyOf[0].not.properties[a].pattern: Invalid value: "x{2,1}": must be a valid regular expression, but isn't: error parsing regexp: invalid repeat count: \`{2,1}\`, ${at}.anyOf[1].oneOf[0].properties[a].pattern: Invalid value: "[": must be a valid regular expression, but isn't: error parsing regexp: missing closing ]: \`[\`]`,
    )
    expect((await raw(server(), { method: 'GET', path: `${crds}/widgets.example.com` })).status).toBe(404)
  })

  it('refuses a custom resource whose value misses a pattern under allOf, naming the field, and stores nothing', async () => {
    const spec = { type: 'object', properties: { a: { type: 'string', allOf: [{ pattern: '^[a-z]+$' }] } } }
    expect((await raw(server(), { method: 'POST', path: crds, body: JSON.stringify(crd('gadgets', spec)), contentType: 'application/json' })).status).toBe(201)
    const path = '/apis/example.com/v1/namespaces/default/gadgets'
    for (let i = 0; i < 100 && (await raw(server(), { method: 'GET', path })).status !== 200; i++) await new Promise((r) => setTimeout(r, 50))
    const gadget = (name: string, a: string): string => JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name }, spec: { a } })
    const refused = await raw(server(), { method: 'POST', path, body: gadget('bad', 'NOT-OK'), contentType: 'application/json' })
    expect(refused.status).toBe(422)
    expect(refused.json().message).toBe(
      'Gadget.example.com "bad" is invalid: [spec.a: Invalid value: "NOT-OK": spec.a in body should match \'^[a-z]+$\', <nil>: Invalid value: "": "spec.a" must validate all the schemas (allOf). None validated]',
    )
    expect((await raw(server(), { method: 'GET', path: `${path}/bad` })).status).toBe(404)
    expect((await raw(server(), { method: 'POST', path, body: gadget('good', 'ok'), contentType: 'application/json' })).status).toBe(201)
  })
})

describe('CRD schemas nested deep', () => {
  it('checks a schema nested 20,000 deep in properties without overflowing the stack', async () => {
    const { validateCrd } = await import('../../src/internal/rules/crd.js')
    let schema: Record<string, unknown> = { type: 'string' }
    for (let i = 0; i < 20_000; i++) schema = { type: 'object', properties: { a: schema, ...(i === 10 ? { b: {} } : {}) } }
    const object = crd('widgets', { type: 'object', properties: { a: schema } }) as never
    const errors = validateCrd(object)
    expect(errors).toHaveLength(1)
    expect(errors[0]?.field).toBe(`spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[a]${'.properties[a]'.repeat(19_989)}.properties[b].type`)
  })
})

describe('CRD junctors that do not decode', () => {
  // kube-apiserver decodes a CRD into its Go types first: a junctor of the wrong JSON type is a 400
  // from encoding/json (sigs.k8s.io/json), whose field path names struct fields only (no map keys, no
  // indexes) and stops at items, whose own UnmarshalJSON decodes what is below it.
  const cannot = (value: string, field: string, type: string): string =>
    `CustomResourceDefinition in version "v1" cannot be handled as a CustomResourceDefinition: json: cannot unmarshal ${value} into Go struct field JSONSchemaProps.spec.versions.schema.openAPIV3Schema.${field} of type ${type}`
  it.for([
    { name: 'allOf given as an object', spec: { type: 'object', allOf: { properties: {} } }, message: cannot('object', 'properties.allOf', '[]v1.JSONSchemaProps') },
    { name: 'anyOf given as a string', spec: { type: 'object', anyOf: 'x' }, message: cannot('string', 'properties.anyOf', '[]v1.JSONSchemaProps') },
    { name: 'not given as a list', spec: { type: 'object', not: [{}] }, message: cannot('array', 'properties.not', 'v1.JSONSchemaProps') },
    { name: 'allOf holding a number', spec: { type: 'object', allOf: [5] }, message: cannot('number', 'properties.allOf', 'v1.JSONSchemaProps') },
    { name: 'oneOf nested under allOf holding a boolean', spec: { type: 'object', allOf: [{ oneOf: [{}, true] }] }, message: cannot('bool', 'properties.allOf.oneOf', 'v1.JSONSchemaProps') },
    {
      name: 'a junctor under items (its path stops at items)',
      spec: { type: 'object', properties: { list: { type: 'array', items: { type: 'string', allOf: {} } } } },
      message: cannot('object', 'properties.properties.items', '[]v1.JSONSchemaProps'),
    },
    {
      name: 'two bad junctors (the first in the document is named)',
      spec: { type: 'object', oneOf: 1, properties: { a: { type: 'string', not: 'x' } } },
      message: cannot('number', 'properties.oneOf', '[]v1.JSONSchemaProps'),
    },
    { name: 'type given as a number', spec: { type: 5 }, message: cannot('number', 'properties.type', 'string') },
    { name: 'required given as a string', spec: { type: 'object', required: 'a' }, message: cannot('string', 'properties.required', '[]string') },
    { name: 'minimum given as a string', spec: { type: 'integer', minimum: '1' }, message: cannot('string', 'properties.minimum', 'float64') },
    {
      name: 'additionalProperties given as a number (the UnmarshalJSON ends the decode with its own words)',
      spec: { type: 'object', enum: 'x', additionalProperties: 5 },
      message: 'CustomResourceDefinition in version "v1" cannot be handled as a CustomResourceDefinition: boolean or JSON schema expected',
    },
  ])('refuses a CRD with $name (400, nothing stored)', async ({ spec, message }) => {
    const answer = await raw(server(), { method: 'POST', path: crds, body: JSON.stringify(crd('widgets', spec)), contentType: 'application/json' })
    expect([answer.status, answer.json().reason, answer.json().message]).toEqual([400, 'BadRequest', message])
    expect((await raw(server(), { method: 'GET', path: `${crds}/widgets.example.com` })).status).toBe(404)
  })

  it('names the first error in the body as written, an integer-like property name after another', async () => {
    const spec = { type: 'object', properties: { b: { type: 1 }, z: { not: [] } } }
    const body = JSON.stringify(crd('widgets', spec)).replace('"z":', '"10":')
    const answer = await raw(server(), { method: 'POST', path: crds, body, contentType: 'application/json' })
    expect([answer.status, answer.json().message]).toEqual([400, cannot('number', 'properties.properties.type', 'string')])
    expect((await raw(server(), { method: 'GET', path: `${crds}/widgets.example.com` })).status).toBe(404)
  })

  it('names the first error in a YAML body as written too, as kube reads YAML converted to JSON in its order', async () => {
    const block = [
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata: {name: widgets.example.com}',
      'spec:',
      '  group: example.com',
      '  scope: Namespaced',
      '  names: {plural: widgets, kind: Widget}',
      '  versions:',
      '  - name: v1',
      '    served: true',
      '    storage: true',
      '    schema:',
      '      openAPIV3Schema:',
      '        type: object',
      '        properties:',
      '          spec:',
      '            type: object',
      '            properties:',
      '              b: {type: 1}',
      '              10: {not: []}',
      '',
    ].join('\n')
    const flow = JSON.stringify(crd('widgets', { type: 'object', properties: { b: { type: 1 }, z: { not: [] } } })).replace('"z":', '"10":')
    for (const body of [block, flow]) {
      const answer = await raw(server(), { method: 'POST', path: crds, body, contentType: 'application/yaml' })
      expect([answer.status, answer.json().message]).toEqual([400, cannot('number', 'properties.properties.type', 'string')])
      expect((await raw(server(), { method: 'GET', path: `${crds}/widgets.example.com` })).status).toBe(404)
    }
  })

  it('accepts null junctors and null entries, as encoding/json does', async () => {
    const spec = { type: 'object', allOf: null, anyOf: [null, { type: 'object' }], not: null }
    const answer = await raw(server(), { method: 'POST', path: crds, body: JSON.stringify(crd('nulls', spec)), contentType: 'application/json' })
    expect(answer.status).not.toBe(400)
  })
})
