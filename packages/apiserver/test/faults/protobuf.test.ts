// Bad protobuf bodies (Kubernetes' envelope, as kubectl's typed clients send it): each is a 400 with
// the message kube-apiserver's decoder gives, names the kind it was meant to be, and stores nothing;
// map keys such as `__proto__` stay data; a custom resource in protobuf is a 415 as in kube-apiserver.
import { describe, expect, it } from 'vitest'
import { raw } from '../helpers/kube.js'
import { faultServer } from '../helpers/faultServer.js'
import { envelope, field, fieldsOf, Message, unwrap } from '../helpers/protobuf.js'
import { plantedProperty } from '../../../../testing/pollution.js'
import { request as httpsRequest } from 'node:https'

const { server } = faultServer()

const PROTOBUF = 'application/vnd.kubernetes.protobuf'
const base = '/api/v1/namespaces/default/configmaps'

/** A ConfigMap message: metadata {name}, data entries. */
function configMap(name: string, data: readonly [string, string][] = []): Uint8Array {
  const w = new Message().put(1, new Message().put(1, name))
  for (const [k, v] of data) w.put(2, new Message().put(1, k).put(2, v))
  return w.finish()
}

const post = (body: Uint8Array, path = base): ReturnType<typeof raw> => raw(server(), { method: 'POST', path, body: Buffer.from(body), contentType: PROTOBUF })

async function nothingStored(name: string): Promise<void> {
  expect((await raw(server(), { method: 'GET', path: `${base}/${name}` })).status).toBe(404)
}

describe('malformed protobuf bodies', () => {
  it('a body without the k8s\\0 prefix is unrecognized, with its first bytes', async () => {
    const answer = await post(Buffer.from('{"metadata":{"name":"json-in-disguise"}}'))
    expect(answer.status).toBe(400)
    expect(answer.json()).toMatchObject({
      reason: 'BadRequest',
      message:
        'the object provided is unrecognized (must be of type ConfigMap): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({"metadata":{"name":"json-in-d ...)',
    })
    await nothingStored('json-in-disguise')
  })

  it('a truncated message is an unexpected EOF for the kind it names', async () => {
    const message = configMap('cut', [['a', 'b']])
    const answer = await post(envelope('v1', 'ConfigMap', message.subarray(0, message.length - 3)))
    expect(answer.status).toBe(400)
    expect(answer.json().message).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: unexpected EOF')
    await nothingStored('cut')
  })

  it('a truncated envelope names no kind: unrecognized, with the first bytes in hex', async () => {
    const whole = envelope('v1', 'ConfigMap', configMap('cut2'))
    const answer = await post(whole.subarray(0, 12))
    expect(answer.status).toBe(400)
    expect(answer.json().message).toBe('the object provided is unrecognized (must be of type ConfigMap): unexpected EOF (6b3873000a0f0a0276311209)')
    await nothingStored('cut2')
  })

  it('a field of the wrong wire type is refused', async () => {
    // metadata (field 1) as a varint instead of a message.
    const answer = await post(envelope('v1', 'ConfigMap', new Message().int(1, 7)))
    expect(answer.status).toBe(400)
    expect(answer.json().message).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: proto: wrong wireType = 0 for field of type meta.v1.ObjectMeta')
  })

  it('a kind the scheme does not have is refused by name', async () => {
    const answer = await post(envelope('v1', 'Bogus', configMap('bogus')))
    expect(answer.status).toBe(400)
    expect(answer.json().message).toBe('Bogus in version "v1" cannot be handled as a ConfigMap: no kind "Bogus" is registered for version "v1" in scheme "pkg/api/legacyscheme/scheme.go:30"')
    await nothingStored('bogus')
  })

  it('another kind in a valid envelope is refused as a JSON body of that kind is', async () => {
    const secret = envelope('v1', 'Secret', configMap('not-a-cm'))
    const answer = await post(secret)
    expect(answer.status).toBe(400)
    expect(answer.json().message).toBe('Secret in version "v1" cannot be handled as a ConfigMap: the kind does not match')
    await nothingStored('not-a-cm')
  })

  it('an empty body and a content encoding are refused', async () => {
    expect((await post(new Uint8Array(0))).json().message).toBe('the object provided is unrecognized (must be of type ConfigMap): empty data (<empty>)')
    expect((await post(Uint8Array.from([0x6b, 0x38, 0x73, 0]))).json().message).toBe('the object provided is unrecognized (must be of type ConfigMap): empty body (6b387300)')
    const answer = await post(envelope('v1', 'ConfigMap', configMap('zipped'), { contentEncoding: 'gzip' }))
    expect(answer.json().message).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: unsupported content encoding "gzip"')
    await nothingStored('zipped')
  })

  it('keys that name prototypes stay data', async () => {
    const meta = new Message().put(1, 'polluting')
    for (const k of ['__proto__', 'constructor', 'prototype']) meta.put(11, new Message().put(1, k).put(2, plantedProperty))
    const body = new Message().put(1, meta).put(2, new Message().put(1, '__proto__').put(2, 'x'))
    const answer = await post(envelope('v1', 'ConfigMap', body))
    // `__proto__` is not a label key kube-apiserver accepts (no DNS-1123 name): refused by validation as for JSON.
    expect(answer.status).toBe(422)
    await nothingStored('polluting')
    const kept = await post(envelope('v1', 'ConfigMap', configMap('kept', [['__proto__', plantedProperty], ['constructor', 'c']])))
    expect(kept.status).toBe(201)
    const data = kept.json().data as Record<string, unknown>
    expect(Object.keys(data)).toEqual(['__proto__', 'constructor'])
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype)
  })
})

describe('protobuf for custom resources', () => {
  it('is a 415 that lists only JSON and YAML, as for any custom resource', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        scope: 'Namespaced',
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    }
    expect((await raw(server(), { method: 'POST', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', body: JSON.stringify(crd), contentType: 'application/json' })).status).toBe(201)
    const answer = await post(envelope('example.com/v1', 'Widget', configMap('w')), '/apis/example.com/v1/namespaces/default/widgets')
    expect(answer.status).toBe(415)
    expect(answer.json().message).toBe('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml')
  })

  it('CBOR is a 415 for built-in kinds, listing protobuf among the accepted types', async () => {
    const answer = await raw(server(), { method: 'POST', path: base, body: Buffer.from([0xd9, 0xd9, 0xf7]), contentType: 'application/cbor' })
    expect(answer.status).toBe(415)
    expect(answer.json().message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    )
  })
})

describe('protobuf bodies at the edges of the wire format', () => {
  it('unknown field numbers are skipped, as Go unmarshallers skip them, and the object is stored without them', async () => {
    const body = new Message()
      .put(1, new Message().put(1, 'extra-fields').put(99, 'ignored'))
      .put(2, new Message().put(1, 'a').put(2, 'b'))
      .put(77, 'unknown')
      .int(78, 5)
    const answer = await post(envelope('v1', 'ConfigMap', body))
    expect(answer.status).toBe(201)
    expect(answer.json()).toMatchObject({ metadata: { name: 'extra-fields' }, data: { a: 'b' } })
    expect(Object.keys(answer.json()).sort()).toEqual(['apiVersion', 'data', 'kind', 'metadata'])
  })

  it('a length beyond the body, or beyond any buffer, is an unexpected EOF and stores nothing', async () => {
    // metadata (field 1, wire type 2) claims 100 bytes and carries 3.
    const short = Uint8Array.from([0x0a, 100, 0x0a, 1, 0x78])
    let answer = await post(envelope('v1', 'ConfigMap', short))
    expect(answer.status).toBe(400)
    expect(answer.json().message).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: unexpected EOF')
    // A length varint of 2^63: no allocation, no wrap-around.
    const huge = Uint8Array.from([0x0a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x0a])
    answer = await post(envelope('v1', 'ConfigMap', huge))
    expect(answer.status).toBe(400)
    expect(answer.json().message).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: unexpected EOF')
    // A varint that never ends within ten bytes overflows.
    const endless = Uint8Array.from([0x08, ...new Array<number>(11).fill(0xff), 0x01])
    answer = await post(envelope('v1', 'ConfigMap', endless))
    expect(answer.status).toBe(400)
    expect(answer.json().message).toBe('ConfigMap in version "v1" cannot be handled as a ConfigMap: proto: integer overflow')
    expect((await raw(server(), { method: 'GET', path: base })).json().items).toEqual([expect.objectContaining({ metadata: expect.objectContaining({ name: 'extra-fields' }) }), expect.anything()])
  })

  it('a wrong envelope (JSON magic, a bare message, a YAML body in protobuf clothing) is unrecognized', async () => {
    for (const body of [Buffer.from('k8s{"kind":"ConfigMap"}'), configMap('bare'), Buffer.from('k8s\0')]) {
      const answer = await post(body)
      expect(answer.status).toBe(400)
      expect(answer.json().message).toMatch(/^the object provided is unrecognized \(must be of type ConfigMap\): /)
    }
    await nothingStored('bare')
  })

  it('a body over the 3 MiB limit is a 413 before it is decoded', async () => {
    const big = Buffer.concat([Buffer.from(envelope('v1', 'ConfigMap', configMap('big'))), Buffer.alloc(3 * 1024 * 1024)])
    const answer = await post(big)
    expect(answer.status).toBe(413)
    expect(answer.json()).toMatchObject({ reason: 'RequestEntityTooLarge', message: 'Request entity too large: limit is 3145728' })
    await nothingStored('big')
  })
})

describe('answers in protobuf', () => {
  const accept = (value: string): { headers: Record<string, string> } => ({ headers: { accept: value } })

  it('are sent for built-in kinds when the Accept header prefers protobuf, errors included', async () => {
    const got = await raw(server(), { method: 'GET', path: `${base}/extra-fields`, ...accept(`${PROTOBUF}, */*`) })
    expect(got.headers['content-type']).toBe(PROTOBUF)
    const cm = unwrap(got.bytes)
    expect([cm.apiVersion, cm.kind, field(cm.raw, 1, 1), field(cm.raw, 2, 1), field(cm.raw, 2, 2)]).toEqual(['v1', 'ConfigMap', 'extra-fields', 'a', 'b'])
    const missing = await raw(server(), { method: 'GET', path: `${base}/nothing`, ...accept(`${PROTOBUF},application/json`) })
    expect(missing.status).toBe(404)
    expect(missing.headers['content-type']).toBe(PROTOBUF)
    // meta.v1.Status: status 2, message 3, reason 4, details 5 {name 1, kind 3}, code 6.
    const status = unwrap(missing.bytes)
    expect([status.apiVersion, status.kind]).toEqual(['v1', 'Status'])
    expect([2, 3, 4, 6].map((n) => field(status.raw, n))).toEqual(['Failure', 'configmaps "nothing" not found', 'NotFound', 404])
    expect([field(status.raw, 5, 1), field(status.raw, 5, 3)]).toEqual(['nothing', 'configmaps'])
    // JSON first, or a Table, stays JSON.
    expect((await raw(server(), { method: 'GET', path: base, ...accept(`application/json, ${PROTOBUF}`) })).headers['content-type']).toBe('application/json')
    const table = await raw(server(), { method: 'GET', path: base, ...accept(`${PROTOBUF};as=Table;v=v1;g=meta.k8s.io, application/json;as=Table;v=v1;g=meta.k8s.io`) })
    expect(table.json().kind).toBe('Table')
  })

  it('are refused with 406 only when the client accepts nothing the server can send', async () => {
    const widgets = '/apis/example.com/v1/namespaces/default/widgets'
    // A custom resource is never protobuf: with */* it is JSON, with protobuf alone it is a 406.
    expect((await raw(server(), { method: 'GET', path: widgets, ...accept(`${PROTOBUF}, */*`) })).headers['content-type']).toBe('application/json')
    const refused = await raw(server(), { method: 'GET', path: widgets, ...accept(PROTOBUF) })
    expect(refused.status).toBe(406)
    expect(refused.headers['content-type']).toBe('application/json')
    expect(refused.json()).toMatchObject({ reason: 'NotAcceptable', message: 'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf' })
    const text = await raw(server(), { method: 'GET', path: base, ...accept('text/html') })
    expect(text.status).toBe(406)
    // A watch needs a streaming serializer: YAML has none.
    const yamlWatch = await raw(server(), { method: 'GET', path: `${base}?watch=true`, ...accept('application/yaml') })
    expect(yamlWatch.status).toBe(406)
    expect(yamlWatch.json().message).toBe('only the following media types are accepted: application/json;stream=watch, application/vnd.kubernetes.protobuf;stream=watch')
  })

  it('stream watch events as length-prefixed WatchEvent frames whose objects are envelopes', async () => {
    const url = new URL(`${base}?watch=true&fieldSelector=metadata.name%3Dextra-fields`, server().url)
    const { headers, frame } = await new Promise<{ headers: Record<string, unknown>; frame: Buffer }>((resolve, reject) => {
      const req = httpsRequest(url, { headers: { authorization: `Bearer ${server().token ?? ''}`, accept: `${PROTOBUF}, */*` }, ca: server().caCertPem, agent: false }, (res) => {
        let got = Buffer.alloc(0)
        res.on('data', (c: Buffer) => {
          got = Buffer.concat([got, c])
          // The first frame is complete once its 4-byte length and that many bytes arrived.
          if (got.length >= 4 && got.length >= 4 + got.readUInt32BE(0)) {
            resolve({ headers: res.headers, frame: got.subarray(0, 4 + got.readUInt32BE(0)) })
            req.destroy()
          }
        })
      })
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)))
      req.end()
    })
    expect(headers['content-type']).toBe(`${PROTOBUF};stream=watch`)
    // meta.v1.WatchEvent {type 1, object 2: RawExtension {raw 1}}, written without an envelope.
    const event = frame.subarray(4)
    expect([...fieldsOf(event).keys()]).toEqual([1, 2])
    expect(field(event, 1)).toBe('ADDED')
    const object = fieldsOf(fieldsOf(event).get(2)?.[0] as Uint8Array).get(1)?.[0] as Uint8Array
    const cm = unwrap(object)
    expect([cm.apiVersion, cm.kind, field(cm.raw, 1, 1)]).toEqual(['v1', 'ConfigMap', 'extra-fields'])
  })
})
