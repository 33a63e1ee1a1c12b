// Bodies kube-apiserver refuses while decoding (400) or validating (422) the core kinds: Secret data
// that is not base64, stringData and ConfigMap values that are not strings, ConfigMap and Secret keys
// that are not valid keys, labels that are not strings. Each case checks the status, the exact message
// and that nothing was stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '../../src/index.js'
import type { ApiServer } from '../../src/index.js'
import { raw } from '../helpers/kube.js'

let server: ApiServer
beforeAll(async () => {
  server = await startApiServer()
})
afterAll(async () => {
  await server.stop()
})

const post = async (plural: string, body: Record<string, unknown>): Promise<{ status: number; message: string; causes: unknown }> => {
  const answer = await raw(server, { method: 'POST', path: `/api/v1/namespaces/default/${plural}`, body: JSON.stringify(body), contentType: 'application/json' })
  const json = answer.json()
  const name = (body.metadata as { name: string }).name
  const stored = await raw(server, { method: 'GET', path: `/api/v1/namespaces/default/${plural}/${name}` })
  expect(stored.status).toBe(404)
  return { status: answer.status, message: String(json.message), causes: (json.details as { causes?: unknown } | undefined)?.causes }
}

describe('decoding (400)', () => {
  it.for([
    { name: 'secret data that is not base64', plural: 'secrets', body: { data: { key: 'not base64' } }, message: 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3' },
    { name: 'secret data without padding', plural: 'secrets', body: { data: { key: 'abcde' } }, message: 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 4' },
    { name: 'secret stringData that is a number', plural: 'secrets', body: { stringData: { pin: 1234 } }, message: 'Secret in version "v1" cannot be handled as a Secret: json: cannot unmarshal number into Go struct field Secret.stringData of type string' },
    { name: 'secret stringData that is a boolean', plural: 'secrets', body: { stringData: { flag: true } }, message: 'Secret in version "v1" cannot be handled as a Secret: json: cannot unmarshal bool into Go struct field Secret.stringData of type string' },
    { name: 'configmap data that is a number', plural: 'configmaps', body: { data: { a: 1 } }, message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string' },
    { name: 'configmap data that is a list', plural: 'configmaps', body: { data: ['a'] }, message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal array into Go struct field ConfigMap.data of type map[string]string' },
    { name: 'a label that is a number', plural: 'configmaps', body: { metadata: { labels: { a: 1 } } }, message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string' },
    { name: 'an annotation that is a map', plural: 'configmaps', body: { metadata: { annotations: { a: { b: 'c' } } } }, message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal object into Go struct field ObjectMeta.metadata.annotations of type string' },
  ])('refuses $name', async ({ plural, body, message }, { task }) => {
    const name = `decode-${task.id.slice(-6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`
    const metadata = { ...((body as { metadata?: object }).metadata ?? {}), name }
    const answer = await post(plural, { ...body, metadata })
    expect(answer.status).toBe(400)
    expect(answer.message).toBe(message)
  })

  it('refuses a merge patch that makes stringData a number, as 422 on field patch', async () => {
    const created = await raw(server, { method: 'POST', path: '/api/v1/namespaces/default/secrets', body: JSON.stringify({ metadata: { name: 'patched' }, stringData: { pin: '1' } }), contentType: 'application/json' })
    expect(created.status).toBe(201)
    const answer = await raw(server, { method: 'PATCH', path: '/api/v1/namespaces/default/secrets/patched', body: JSON.stringify({ data: { pin: '%%%' } }), contentType: 'application/merge-patch+json' })
    expect(answer.status).toBe(422)
    expect(answer.json()).toMatchObject({ reason: 'Invalid', details: { causes: [{ reason: 'FieldValueInvalid', field: 'patch' }] } })
    expect(String(answer.json().message)).toMatch(/: illegal base64 data at input byte 0$/)
  })
})

describe('validation (422)', () => {
  const keyFormat = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
  it.for([
    { name: 'a configmap key with a space', plural: 'configmaps', body: { data: { 'bad key': 'x' } }, text: `data[bad key]: Invalid value: "bad key": ${keyFormat}` },
    { name: 'a configmap key starting with ..', plural: 'configmaps', body: { data: { '..x': 'x' } }, text: `data[..x]: Invalid value: "..x": must not start with '..'` },
    { name: 'a key in data and binaryData', plural: 'configmaps', body: { data: { k: 'x' }, binaryData: { k: 'eA==' } }, text: 'data[k]: Invalid value: "k": duplicate of key present in binaryData' },
    { name: 'a secret key with a slash', plural: 'secrets', body: { data: { 'a/b': 'eA==' } }, text: `data[a/b]: Invalid value: "a/b": ${keyFormat}` },
    { name: 'a secret stringData key with a colon', plural: 'secrets', body: { stringData: { 'a:b': 'x' } }, text: `data[a:b]: Invalid value: "a:b": ${keyFormat}` },
  ])('refuses $name', async ({ plural, body, text }, { task }) => {
    const name = `valid-${task.id.slice(-6).toLowerCase().replace(/[^a-z0-9]/g, 'x')}`
    const answer = await post(plural, { ...body, metadata: { name } })
    expect(answer.status).toBe(422)
    expect(answer.message).toContain(`${plural === 'secrets' ? 'Secret' : 'ConfigMap'} "${name}" is invalid: `)
    expect(answer.message).toContain(text)
    expect(answer.causes).toEqual(expect.arrayContaining([expect.objectContaining({ reason: 'FieldValueInvalid' })]))
  })

  it('accepts the keys kube-apiserver accepts', async () => {
    const answer = await raw(server, { method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: JSON.stringify({ metadata: { name: 'good-keys' }, data: { 'key.name': '1', KEY_NAME: '2', 'key-name': '3', '.hidden': '4' } }), contentType: 'application/json' })
    expect(answer.status).toBe(201)
  })
})
