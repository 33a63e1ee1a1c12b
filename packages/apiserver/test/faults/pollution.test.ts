// Prototype pollution through every entry point that walks keys of a request: JSON, merge and
// strategic merge patches, server-side apply, create, update (with managedFields), and label and
// field selectors. Keys such as `__proto__` are data to kube-apiserver (Go maps have no prototype):
// each payload is refused as kube-apiserver refuses it or kept as plain data, and no built-in
// prototype may change. The first case is the exploit of issue 12: a patch that would plant
// `authorization` on Object.prototype and let anonymous requests in.
import { describe, expect, it } from 'vitest'
import { raw } from '../helpers/kube.js'
import { faultServer } from '../helpers/faultServer.js'
import type { RawResponse } from '../helpers/kube.js'
import { plantedProperty, pollutingJson, pollutingPointers, pollutingYaml } from '../../../../testing/pollution.js'

const { server } = faultServer()

const base = '/api/v1/namespaces/default/configmaps'
let counter = 0
const fresh = (): string => `cm-${++counter}`

const send = (method: string, path: string, body: string, contentType = 'application/json'): Promise<RawResponse> => raw(server(), { method, path, body, contentType })

async function makeConfigMap(name: string): Promise<Record<string, unknown>> {
  const made = await send('POST', base, JSON.stringify({ metadata: { name, labels: { team: 'blue' } }, data: { a: '1' } }))
  expect(made.status).toBe(201)
  return made.json()
}

async function live(name: string): Promise<Record<string, unknown>> {
  return (await raw(server(), { method: 'GET', path: `${base}/${name}` })).json()
}

/** A JSON document (parsed so `__proto__` stays an own key) with `name` set at metadata.name. */
function withName(payload: string, name: string): string {
  const doc = JSON.parse(payload) as Record<string, unknown>
  const meta = Object.hasOwn(doc, 'metadata') ? (doc.metadata as Record<string, unknown>) : undefined
  if (meta === undefined) Object.defineProperty(doc, 'metadata', { value: { name }, enumerable: true })
  else meta.name = name
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', ...doc })
}

/** An anonymous request must still be refused after every payload. */
async function anonymousRefused(): Promise<void> {
  const answer = await raw(server(), { method: 'GET', path: base, token: '' })
  expect(answer.status).toBe(401)
}

describe('the exploit of issue 12', () => {
  it('an authenticated JSON patch adding /__proto__/authorization does not let anonymous requests in', async () => {
    const name = fresh()
    await makeConfigMap(name)
    const before = await live(name)
    const patch = JSON.stringify([{ op: 'add', path: '/__proto__/authorization', value: `Bearer ${server().token ?? ''}` }])
    const answer = await send('PATCH', `${base}/${name}`, patch, 'application/json-patch+json')
    expect(answer.status).toBe(422)
    expect(answer.json()).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422 })
    expect(({} as Record<string, unknown>).authorization).toBeUndefined()
    const anonymousGet = await raw(server(), { method: 'GET', path: `${base}/${name}`, token: '' })
    expect(anonymousGet.status).toBe(401)
    const anonymousDelete = await raw(server(), { method: 'DELETE', path: `${base}/${name}`, token: '' })
    expect(anonymousDelete.status).toBe(401)
    expect(await live(name)).toEqual(before)
  })
})

describe('JSON patch', () => {
  const rejected = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server rejected our request due to an error in our request', reason: 'Invalid', details: {}, code: 422 }

  it.for(pollutingPointers.map((pointer) => ({ pointer })))('refuses add at $pointer as a missing path (422)', async ({ pointer }) => {
    const name = fresh()
    await makeConfigMap(name)
    const before = await live(name)
    for (const op of ['add', 'replace', 'remove', 'test']) {
      const answer = await send('PATCH', `${base}/${name}`, JSON.stringify([{ op, path: pointer, value: 'yes' }]), 'application/json-patch+json')
      // kube answers any error of jsonpatch's Apply with NewGenericServerResponse(422): fixed words.
      expect([op, answer.status, answer.json()]).toEqual([op, 422, rejected])
    }
    const moved = await send('PATCH', `${base}/${name}`, JSON.stringify([{ op: 'copy', from: '/data', path: pointer }]), 'application/json-patch+json')
    expect([moved.status, moved.json()]).toEqual([422, rejected])
    expect(await live(name)).toEqual(before)
    await anonymousRefused()
  })

  it("refuses copies past kube's 3 MiB JSON patch copy limit with kube's generic 422, and stores nothing", async () => {
    const name = fresh()
    await makeConfigMap(name)
    const before = await live(name)
    const ops: unknown[] = [{ op: 'add', path: '/data/a', value: 'x'.repeat(100_000) }]
    for (let i = 0; i < 40; i++) ops.push({ op: 'copy', from: '/data/a', path: `/data/b${i}` })
    const answer = await send('PATCH', `${base}/${name}`, JSON.stringify(ops), 'application/json-patch+json')
    expect([answer.status, answer.json()]).toEqual([422, rejected])
    expect(await live(name)).toEqual(before)
  })

  it("answers a body that does not decode as JSON patch operations 400 in the words of the decoder fieldValidation picks, and null as an empty patch", async () => {
    const name = fresh()
    await makeConfigMap(name)
    const before = await live(name)
    const bad = (message: string): unknown => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'BadRequest', code: 400 })
    const strict = 'error decoding patch: json: cannot unmarshal'
    const cases: [string, string, number, unknown][] = [
      // Strict and Warn (kubectl's and the server's default) decode into kube's own operation structs first.
      ['{"op":"add"}', '', 400, bad(`${strict} object into Go value of type []handlers.jsonPatchOp`)],
      ['[1]', '', 400, bad(`${strict} number into Go value of type handlers.jsonPatchOp`)],
      ['"x"', '?fieldValidation=Strict', 400, bad(`${strict} string into Go value of type []handlers.jsonPatchOp`)],
      ['[{"op":"add","path":1}]', '?fieldValidation=Warn', 400, bad(`${strict} number into Go struct field jsonPatchOp.path of type string`)],
      // Ignore leaves the decoding to json-patch's DecodePatch.
      ['{"op":"add"}', '?fieldValidation=Ignore', 400, bad('json: cannot unmarshal object into Go value of type jsonpatch.Patch')],
      ['[1]', '?fieldValidation=Ignore', 400, bad('json: cannot unmarshal number into Go value of type jsonpatch.Operation')],
      // A field of the wrong type decodes there; the operation then fails to apply.
      ['[{"op":"add","path":1}]', '?fieldValidation=Ignore', 422, rejected],
      ['[null]', '', 422, rejected],
    ]
    for (const [body, query, status, expected] of cases) {
      const answer = await send('PATCH', `${base}/${name}${query}`, body, 'application/json-patch+json')
      expect([body, query, answer.status, answer.json()]).toEqual([body, query, status, expected])
    }
    expect(await live(name)).toEqual(before)
    // Go decodes null into a list as no operations: 200, the object as it was.
    for (const query of ['', '?fieldValidation=Ignore']) {
      const answer = await send('PATCH', `${base}/${name}${query}`, 'null', 'application/json-patch+json')
      expect([answer.status, answer.json()]).toEqual([200, before])
    }
    expect(await live(name)).toEqual(before)
  })

  it('keeps a ConfigMap key named __proto__ or constructor as plain data', async () => {
    const name = fresh()
    await makeConfigMap(name)
    const patch = [
      { op: 'add', path: '/data/__proto__', value: 'p' },
      { op: 'add', path: '/data/constructor', value: 'c' },
    ]
    const answer = await send('PATCH', `${base}/${name}`, JSON.stringify(patch), 'application/json-patch+json')
    expect(answer.status).toBe(200)
    const data = (await live(name)).data as Record<string, unknown>
    expect(Object.keys(data).sort()).toEqual(['__proto__', 'a', 'constructor'])
    expect(Object.getOwnPropertyDescriptor(data, '__proto__')?.value).toBe('p')
    const removed = await send('PATCH', `${base}/${name}`, JSON.stringify([{ op: 'remove', path: '/data/__proto__' }, { op: 'test', path: '/data/constructor', value: 'c' }]), 'application/json-patch+json')
    expect(removed.status).toBe(200)
    expect(Object.keys((await live(name)).data as object).sort()).toEqual(['a', 'constructor'])
  })

  it('refuses a label named __proto__ as an invalid label key (422)', async () => {
    const name = fresh()
    await makeConfigMap(name)
    const answer = await send('PATCH', `${base}/${name}`, JSON.stringify([{ op: 'add', path: '/metadata/labels/__proto__', value: 'x' }]), 'application/json-patch+json')
    expect(answer.status).toBe(422)
    expect(answer.json()).toMatchObject({ reason: 'Invalid', details: { causes: [{ field: 'metadata.labels' }] } })
  })
})

describe.each(['application/merge-patch+json', 'application/strategic-merge-patch+json'])('%s', (contentType) => {
  it.for(pollutingJson.map((payload) => ({ payload })))('keeps $payload as data, never on a prototype', async ({ payload }) => {
    const name = fresh()
    await makeConfigMap(name)
    const before = await live(name)
    const answer = await send('PATCH', `${base}/${name}`, payload, contentType)
    // Unknown top-level and metadata fields are dropped (with a warning); a label whose value is a
    // map does not decode into the Go type: Invalid on field "patch", as kube-apiserver's patcher says.
    if (payload.includes('labels')) {
      expect(answer.status).toBe(422)
      expect(String(answer.json().message)).toContain('json: cannot unmarshal object into Go struct field ObjectMeta.metadata.labels of type string')
    } else {
      expect(answer.status).toBe(200)
      expect(answer.headers.warning).toBeDefined()
    }
    const after = await live(name)
    expect(after.metadata).toEqual(before.metadata)
    expect(after.data).toEqual(before.data)
    await anonymousRefused()
  })

  it('merges a data key named __proto__ as plain data', async () => {
    const name = fresh()
    await makeConfigMap(name)
    const answer = await send('PATCH', `${base}/${name}`, '{"data":{"__proto__":"p","constructor":"c"}}', contentType)
    expect(answer.status).toBe(200)
    const data = (await live(name)).data as Record<string, unknown>
    expect(Object.keys(data).sort()).toEqual(['__proto__', 'a', 'constructor'])
    const cleared = await send('PATCH', `${base}/${name}`, '{"data":{"__proto__":null,"constructor":null}}', contentType)
    expect(cleared.status).toBe(200)
    expect((await live(name)).data).toEqual({ a: '1' })
  })
})

describe('server-side apply', () => {
  const apply = (name: string, body: string): Promise<RawResponse> =>
    send('PATCH', `${base}/${name}?fieldManager=pollution`, body, 'application/apply-patch+yaml')

  // An applied configuration is converted to a typed value before merging; fields outside the schema
  // fail that conversion with kube-apiserver's 500 "failed to create typed patch object".
  it.for(pollutingJson.map((payload) => ({ payload })))('refuses to apply $payload and stores nothing', async ({ payload }) => {
    const name = fresh()
    const answer = await apply(name, withName(payload, name))
    expect(answer.status).toBe(500)
    expect(String(answer.json().message)).toMatch(/^failed to create typed patch object \(\/cm-\d+; \/v1, Kind=ConfigMap\): \./)
    expect((await raw(server(), { method: 'GET', path: `${base}/${name}` })).status).toBe(404)
    await anonymousRefused()
  })

  it.for(pollutingYaml.map((payload) => ({ payload })))('refuses to apply YAML $payload and stores nothing', async ({ payload }) => {
    const name = fresh()
    const doc = payload.startsWith('metadata:') ? payload.replace('metadata:\n', `metadata:\n  name: ${name}\n`) : `metadata:\n  name: ${name}\n${payload}`
    const answer = await apply(name, `apiVersion: v1\nkind: ConfigMap\n${doc}`)
    expect(answer.status).toBe(500)
    expect(String(answer.json().message)).toContain('field not declared in schema')
    expect((await raw(server(), { method: 'GET', path: `${base}/${name}` })).status).toBe(404)
    await anonymousRefused()
  })

  it('owns a data key named __proto__ as the field f:__proto__', async () => {
    const name = fresh()
    const answer = await apply(name, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: JSON.parse('{"__proto__":"p","constructor":"c"}') as unknown }))
    expect(answer.status).toBe(201)
    const stored = answer.json() as { data: object; metadata: { managedFields: { fieldsV1: { 'f:data': object } }[] } }
    expect(Object.keys(stored.data).sort()).toEqual(['__proto__', 'constructor'])
    expect(Object.keys(stored.metadata.managedFields[0]?.fieldsV1['f:data'] ?? {}).sort()).toEqual(['f:__proto__', 'f:constructor'])
    const dropped = await apply(name, JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { constructor: 'c' } }))
    expect(dropped.status).toBe(200)
    expect(Object.keys((await live(name)).data as object)).toEqual(['constructor'])
  })
})

describe('create and update', () => {
  it.for(pollutingJson.map((payload) => ({ payload })))('creates and updates from $payload without reaching a prototype', async ({ payload }) => {
    const name = fresh()
    const created = await send('POST', base, withName(payload, name))
    if (payload.includes('labels')) {
      expect(created.status).toBe(400)
      expect(created.json().message).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal object into Go struct field ObjectMeta.metadata.labels of type string')
      return
    }
    expect(created.status).toBe(201)
    const updated = await send('PUT', `${base}/${name}`, withName(payload, name))
    expect(updated.status).toBe(200)
    await anonymousRefused()
  })

  it('refuses managedFields whose fieldsV1 walk a prototype key, or keeps them as data', async () => {
    const name = fresh()
    const made = await makeConfigMap(name)
    const meta = made.metadata as Record<string, unknown>
    for (const fieldsV1 of ['{"__proto__":{"f:x":{}}}', `{"f:__proto__":{"f:${plantedProperty}":{}}}`, '{"f:constructor":{"f:prototype":{}}}']) {
      const body = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${name}","resourceVersion":"${String(meta.resourceVersion)}","managedFields":[{"manager":"m","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":${fieldsV1}}]},"data":{"a":"1"}}`
      const answer = await send('PUT', `${base}/${name}`, body)
      expect([200, 422]).toContain(answer.status)
      meta.resourceVersion = ((await live(name)).metadata as Record<string, unknown>).resourceVersion
    }
    await anonymousRefused()
  })
})

describe('selectors', () => {
  it.for([
    { selector: 'constructor', items: 0 },
    { selector: 'toString', items: 0 },
    { selector: 'constructor=Object', items: 0 },
    { selector: 'hasOwnProperty in (a,b)', items: 0 },
    { selector: '!constructor', items: -1 },
    { selector: 'constructor!=x', items: -1 },
  ])('label selector $selector matches own labels only', async ({ selector, items }) => {
    await makeConfigMap(fresh())
    const all = (await raw(server(), { method: 'GET', path: base })).json().items as unknown[]
    const answer = await raw(server(), { method: 'GET', path: `${base}?labelSelector=${encodeURIComponent(selector)}` })
    expect(answer.status).toBe(200)
    expect((answer.json().items as unknown[]).length).toBe(items < 0 ? all.length : items)
  })

  it.for(['__proto__', '__proto__=x', 'metadata.__proto__=x'])('refuses the label selector %s (400)', async (selector) => {
    const answer = await raw(server(), { method: 'GET', path: `${base}?labelSelector=${encodeURIComponent(selector)}` })
    expect(answer.status).toBe(400)
  })

  it.for(['metadata.__proto__=x', 'constructor.prototype=x', 'metadata.constructor=x'])('refuses the field selector %s (400)', async (selector) => {
    const answer = await raw(server(), { method: 'GET', path: `${base}?fieldSelector=${encodeURIComponent(selector)}` })
    expect(answer.status).toBe(400)
    expect(answer.json()).toMatchObject({ reason: 'BadRequest' })
  })
})
