// Bad protobuf bodies (Kubernetes' envelope, as kubectl's typed clients send it): each is a 400 with
// the message kube-apiserver's decoder gives, names the kind it was meant to be, and stores nothing;
// map keys such as `__proto__` stay data; a custom resource in protobuf is a 415 as in kube-apiserver.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '../../src/index.js'
import type { ApiServer } from '../../src/index.js'
import { raw } from '../helpers/kube.js'
import { envelope, Message } from '../helpers/protobuf.js'
import { assertNoPollution, plantedProperty } from '../../../../testing/pollution.js'

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

const PROTOBUF = 'application/vnd.kubernetes.protobuf'
const base = '/api/v1/namespaces/default/configmaps'

/** A ConfigMap message: metadata {name}, data entries. */
function configMap(name: string, data: readonly [string, string][] = []): Uint8Array {
  const w = new Message().put(1, new Message().put(1, name))
  for (const [k, v] of data) w.put(2, new Message().put(1, k).put(2, v))
  return w.finish()
}

const post = (body: Uint8Array, path = base): ReturnType<typeof raw> => raw(server, { method: 'POST', path, body: Buffer.from(body), contentType: PROTOBUF })

async function nothingStored(name: string): Promise<void> {
  expect((await raw(server, { method: 'GET', path: `${base}/${name}` })).status).toBe(404)
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
    expect((await raw(server, { method: 'POST', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', body: JSON.stringify(crd), contentType: 'application/json' })).status).toBe(201)
    const answer = await post(envelope('example.com/v1', 'Widget', configMap('w')), '/apis/example.com/v1/namespaces/default/widgets')
    expect(answer.status).toBe(415)
    expect(answer.json().message).toBe('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml')
  })

  it('CBOR is a 415 for built-in kinds, listing protobuf among the accepted types', async () => {
    const answer = await raw(server, { method: 'POST', path: base, body: Buffer.from([0xd9, 0xd9, 0xf7]), contentType: 'application/cbor' })
    expect(answer.status).toBe(415)
    expect(answer.json().message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    )
  })
})
