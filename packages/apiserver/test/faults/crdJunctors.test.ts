// CRD schemas with value validations under allOf, anyOf, oneOf and not: a pattern Go rejects there
// refuses the CRD (422, kube-apiserver's words, nothing stored), and a custom resource whose value
// misses a pattern there is refused (422 naming the field, nothing stored).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '../../src/index.js'
import type { ApiServer } from '../../src/index.js'
import { raw } from '../helpers/kube.js'
import { assertNoPollution } from '../../../../testing/pollution.js'

let server: ApiServer
beforeAll(async () => {
  server = await startApiServer()
})
afterAll(async () => {
  await server.stop()
})
afterEach(() => {
  assertNoPollution()
})

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
    const answer = await raw(server, { method: 'POST', path: crds, body: JSON.stringify(crd('widgets', spec)), contentType: 'application/json' })
    expect(answer.status).toBe(422)
    const at = 'spec.versions[0].schema.openAPIV3Schema.properties[spec]'
    expect(answer.json().message).toBe(
      `CustomResourceDefinition.apiextensions.k8s.io "widgets.example.com" is invalid: [${at}.anyOf[0].not.properties[a].pattern: Invalid value: "x{2,1}": must be a valid regular expression, but isn't: error parsing regexp: invalid repeat count: \`{2,1}\`, ${at}.anyOf[1].oneOf[0].properties[a].pattern: Invalid value: "[": must be a valid regular expression, but isn't: error parsing regexp: missing closing ]: \`[\`]`,
    )
    expect((await raw(server, { method: 'GET', path: `${crds}/widgets.example.com` })).status).toBe(404)
  })

  it('refuses a custom resource whose value misses a pattern under allOf, naming the field, and stores nothing', async () => {
    const spec = { type: 'object', properties: { a: { type: 'string', allOf: [{ pattern: '^[a-z]+$' }] } } }
    expect((await raw(server, { method: 'POST', path: crds, body: JSON.stringify(crd('gadgets', spec)), contentType: 'application/json' })).status).toBe(201)
    const path = '/apis/example.com/v1/namespaces/default/gadgets'
    for (let i = 0; i < 100 && (await raw(server, { method: 'GET', path })).status !== 200; i++) await new Promise((r) => setTimeout(r, 50))
    const gadget = (name: string, a: string): string => JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name }, spec: { a } })
    const refused = await raw(server, { method: 'POST', path, body: gadget('bad', 'NOT-OK'), contentType: 'application/json' })
    expect(refused.status).toBe(422)
    expect(refused.json().message).toBe(
      'Gadget.example.com "bad" is invalid: [spec.a: Invalid value: "NOT-OK": spec.a in body should match \'^[a-z]+$\', <nil>: Invalid value: "": "spec.a" must validate all the schemas (allOf). None validated]',
    )
    expect((await raw(server, { method: 'GET', path: `${path}/bad` })).status).toBe(404)
    expect((await raw(server, { method: 'POST', path, body: gadget('good', 'ok'), contentType: 'application/json' })).status).toBe(201)
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
