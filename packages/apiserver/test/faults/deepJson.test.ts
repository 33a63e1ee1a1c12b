// JSON request bodies nested deep. kube-apiserver's JSON decoder refuses a document nested more than
// 10,000 levels with "exceeded max depth" (a 400: the object provided is unrecognized …); what runs after JSON.parse here (structuredClone,
// JSON.stringify, the schema walks, server-side apply) recurses per level, so the bound here is 1,000
// (MAX_JSON_DEPTH) and every body past it gets the same typed 400 instead of the untyped 500 a stack
// overflow gave. A JSON patch that moves subtrees below each other to build a deeper document is
// refused the same way (422 naming the patch). Bodies run against a server in a child process, so a
// regression fails this test instead of the runner.
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'

interface Answer {
  readonly levels: number
  readonly kind: string
  readonly verb: string
  readonly status: number
  readonly body: Record<string, unknown>
}

const script = `
import { startApiServer } from './src/index.ts'
import { raw } from './test/helpers/kube.ts'
const server = await startApiServer()
const crds = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions'
const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
  spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' },
    versions: [{ name: 'v1', served: true, storage: true, subresources: { scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
      schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } } }] } }
await raw(server, { method: 'POST', path: crds, body: JSON.stringify(crd), contentType: 'application/json' })
const widgets = '/apis/example.com/v1/namespaces/default/widgets'
for (let i = 0; i < 200 && (await raw(server, { method: 'GET', path: widgets })).status !== 200; i++) await new Promise((r) => setTimeout(r, 25))
const configMaps = '/api/v1/namespaces/default/configmaps'
const kinds = [[widgets, 'Widget', 'example.com/v1', 'spec'], [configMaps, 'ConfigMap', 'v1', 'data']]
const answers = []
const stored = {}
for (const [path, kind, apiVersion] of kinds) {
  const made = await raw(server, { method: 'POST', path, body: JSON.stringify({ apiVersion, kind, metadata: { name: 'kept' } }), contentType: 'application/json' })
  stored[kind] = made.json().metadata.resourceVersion
}
// A body nested \`levels\` deep in all: the top-level object, the field, its key "a", then arrays.
const nested = (levels) => '['.repeat(levels - 2) + ']'.repeat(levels - 2)
for (const levels of [1000, 6000, 10000, 10001, 100000]) {
  for (const [path, kind, apiVersion, field] of kinds) {
    const body = (name) => '{"apiVersion":"' + apiVersion + '","kind":"' + kind + '","metadata":{"name":"' + name + '"},"' + field + '":{"a":' + nested(levels) + '}}'
    const record = (verb, answer) => answers.push({ levels, kind, verb, status: answer.status, body: answer.json() })
    record('create', await raw(server, { method: 'POST', path, body: body('deep'), contentType: 'application/json' }))
    record('update', await raw(server, { method: 'PUT', path: path + '/kept', body: body('kept'), contentType: 'application/json' }))
    const patches = kind === 'Widget' ? ['merge-patch+json', 'apply-patch+yaml'] : ['merge-patch+json', 'strategic-merge-patch+json', 'apply-patch+yaml']
    for (const type of patches) record(type, await raw(server, { method: 'PATCH', path: path + '/kept?fieldManager=t', body: body('kept'), contentType: 'application/' + type }))
    const ops = '[{"op":"add","path":"/' + field + '","value":' + nested(levels - 2) + '}]'
    record('json-patch+json', await raw(server, { method: 'PATCH', path: path + '/kept', body: ops, contentType: 'application/json-patch+json' }))
    if (kind === 'Widget') {
      const scale = '{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"kept"},"spec":{"a":' + nested(levels) + '}}'
      record('scale update', await raw(server, { method: 'PUT', path: path + '/kept/scale', body: scale, contentType: 'application/json' }))
    }
    if (levels === 1000 && kind === 'Widget') {
      await raw(server, { method: 'DELETE', path: path + '/deep' })
      stored[kind] = (await raw(server, { method: 'GET', path: path + '/kept' })).json().metadata.resourceVersion
    }
  }
}
// DeleteOptions bodies are read for a few fields, never cloned or walked: not bounded (kube reads up
// to 10,000 levels).
const deletes = []
for (const levels of [5000, 10000]) {
  for (const [path, kind, apiVersion] of kinds) {
    await raw(server, { method: 'POST', path, body: JSON.stringify({ apiVersion, kind, metadata: { name: 'gone' } }), contentType: 'application/json' })
    const options = '{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background","x":' + nested(levels - 1) + '}'
    const answer = await raw(server, { method: 'DELETE', path: path + '/gone', body: options, contentType: 'application/json', headers: { 'content-length': String(options.length) } })
    deletes.push({ levels, kind, status: answer.status, after: (await raw(server, { method: 'GET', path: path + '/gone' })).status })
  }
}
// A JSON patch whose operations stay under the bound but move chains below each other to build a
// document 5,400 deep.
const chain = (n) => '{"x":'.repeat(n) + '{}' + '}'.repeat(n)
const ops = []
for (let i = 0; i < 6; i++) ops.push('{"op":"add","path":"/spec/c' + i + '","value":' + chain(900) + '}')
for (let i = 0; i < 5; i++) ops.push('{"op":"move","from":"/spec/c' + i + '","path":"/spec/c' + (i + 1) + '/x' + '/x'.repeat(899) + '/c"}')
const moved = await raw(server, { method: 'PATCH', path: widgets + '/kept', body: '[' + ops.join(',') + ']', contentType: 'application/json-patch+json' })
answers.push({ levels: 5400, kind: 'Widget', verb: 'json-patch moves', status: moved.status, body: moved.json() })
const after = {}
for (const [path, kind] of kinds) {
  after[kind] = { kept: (await raw(server, { method: 'GET', path: path + '/kept' })).json().metadata.resourceVersion, deep: (await raw(server, { method: 'GET', path: path + '/deep' })).status }
}
await server.stop()
console.log(JSON.stringify({ answers, stored, after, deletes }))
`

describe('JSON bodies nested deep', () => {
  it('answers every body past the bound 400 (a patch that builds one 422) and stores nothing, in a child process', async () => {
    const run = await runIsolated(script, fileURLToPath(new URL('../..', import.meta.url)), 120_000)
    expect(run.stderr).not.toMatch(/FATAL|RangeError/u)
    expect([run.status, run.signal]).toEqual([0, null])
    const { answers, stored, after, deletes } = JSON.parse(run.stdout) as {
      answers: Answer[]
      stored: Record<string, string>
      after: Record<string, { kept: string; deep: number }>
      deletes: { levels: number; kind: string; status: number; after: number }[]
    }
    // Go's scanner names the bracket that opens the first level past the bound: here an array.
    const tooDeep = "invalid character '[' exceeded max depth"
    for (const a of answers) {
      const label = `${a.levels} ${a.kind} ${a.verb}`
      if (a.levels === 1000) {
        // At the bound: the custom resource is created and merge-patched; the rest are refused for
        // what they hold (a ConfigMap's data is no string map, an update has no resourceVersion).
        if (a.verb === 'scale update') {
          // Whatever the scale update answers at the bound, it is a typed answer, not a depth refusal.
          expect([label, a.status < 500, String(a.body.message).includes('exceeded max depth')]).toEqual([label, true, false])
          continue
        }
        const expected = a.kind === 'Widget' && (a.verb === 'create' || a.verb === 'merge-patch+json') ? [201, 200] : [400, 422]
        expect([label, expected.includes(a.status)]).toEqual([label, true])
        continue
      }
      if (a.verb === 'json-patch moves') {
        expect([label, a.status, a.body.reason]).toEqual([label, 422, 'Invalid'])
        expect(a.body.message).toMatch(/^ "" is invalid: patch: Invalid value: ".*": couldn't get version\/kind; json parse error: invalid character '\{' exceeded max depth$/su)
        expect(a.body.details).toMatchObject({ causes: [{ reason: 'FieldValueInvalid', field: 'patch' }] })
        continue
      }
      expect([label, a.status]).toEqual([label, 400])
      expect(a.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400 })
      const message =
        a.verb === 'create' || a.verb === 'update'
          ? `the object provided is unrecognized (must be of type ${a.kind}): couldn't get version/kind; json parse error: ${tooDeep} ({"apiVersion":"${a.kind === 'Widget' ? 'example.com/v1"' : 'v1","kind":"Con'} ...)`
          : a.verb === 'scale update'
            ? `the object provided is unrecognized (must be of type Scale): couldn't get version/kind; json parse error: ${tooDeep} ({"apiVersion":"autoscaling/v1" ...)`
            : a.verb === 'apply-patch+yaml'
              ? 'error decoding patch: line 1: nested more than 1000 levels deep'
              : a.verb === 'strategic-merge-patch+json'
                ? tooDeep
                : `error decoding patch: ${tooDeep}`
      expect([label, a.body.message]).toEqual([label, message])
    }
    // The kept objects were changed only by the 1,000-deep patches that were allowed; nothing deeper was stored.
    expect(after).toEqual({ ConfigMap: { kept: stored.ConfigMap, deep: 404 }, Widget: { kept: stored.Widget, deep: 404 } })
    // Deep DeleteOptions bodies are read like any other: the object is deleted.
    expect(deletes.map((d) => [d.levels, d.kind, d.status, d.after])).toEqual(
      [5000, 10000].flatMap((levels) => [[levels, 'Widget', 200, 404], [levels, 'ConfigMap', 200, 404]]),
    )
  })

  it("answers a mutating webhook's JSON patch nested past the bound with a typed 500 before applying it", async () => {
    const { patchOf } = await import('../../src/internal/admission/admit.js')
    const deep = `[{"op":"add","path":"/data","value":${'['.repeat(100_000)}${']'.repeat(100_000)}}]`
    const webhook = { name: 'deep.example.com' } as Parameters<typeof patchOf>[0]
    expect(() => patchOf(webhook, { patch: Buffer.from(deep).toString('base64') })).toThrow(
      expect.objectContaining({ code: 500, reason: 'InternalError', message: `Internal error occurred: admission webhook "deep.example.com" returned an undecodable patch: invalid character '[' exceeded max depth` }),
    )
  })
})

// Protobuf bodies carry JSON inside FieldsV1 (managedFields) and RawExtension (a ControllerRevision's
// data): it counts to the same bound, with the levels holding it, and a body past it is a typed 400
// naming the field.
const protobufScript = `
import { startApiServer } from './src/index.ts'
import { raw } from './test/helpers/kube.ts'
import { encodeProtobufObject } from './src/internal/protobuf/envelope.ts'
const server = await startApiServer()
// The embedded JSON, nested \`levels\` deep by itself, as the encoder's JSON.stringify of a marker.
const encode = (object, marker, text) => {
  const stringify = JSON.stringify
  JSON.stringify = (v, ...rest) => (v === marker ? text : stringify(v, ...rest))
  try { return encodeProtobufObject(object) } finally { JSON.stringify = stringify }
}
const answers = []
for (const levels of [996, 997, 5000, 100000]) {
  const fields = {}
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' + levels, namespace: 'default', managedFields: [{ manager: 'm', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: fields }] }, data: { x: 'y' } }
  const data = {}
  const cr = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'cr' + levels, namespace: 'default' }, revision: 1, data }
  const sends = [
    ['ConfigMap', '/api/v1/namespaces/default/configmaps', encode(cm, fields, '{"f:a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1))],
    ['ControllerRevision', '/apis/apps/v1/namespaces/default/controllerrevisions', encode(cr, data, '['.repeat(levels + 3) + ']'.repeat(levels + 3))],
  ]
  for (const [kind, path, body] of sends) {
    const answer = await raw(server, { method: 'POST', path, body: Buffer.from(body), contentType: 'application/vnd.kubernetes.protobuf', headers: { accept: 'application/json' } })
    const name = kind === 'ConfigMap' ? 'cm' + levels : 'cr' + levels
    const stored = (await raw(server, { method: 'GET', path: path + '/' + name })).status
    answers.push({ levels, kind, status: answer.status, message: answer.json().message, stored })
  }
}
await server.stop()
console.log(JSON.stringify(answers))
`

describe('protobuf bodies with deep embedded JSON', () => {
  it('answers FieldsV1 or RawExtension JSON past the bound with a typed 400 naming the field, and stores nothing', async () => {
    const run = await runIsolated(protobufScript, fileURLToPath(new URL('../..', import.meta.url)), 120_000)
    expect(run.stderr).not.toMatch(/FATAL|RangeError/u)
    expect([run.status, run.signal]).toEqual([0, null])
    const answers = JSON.parse(run.stdout) as { levels: number; kind: string; status: number; message?: string; stored: number }[]
    const refused = (kind: string, field: string, opener: string): Record<string, unknown> => ({
      status: 400,
      message: `${kind} in version "v1" cannot be handled as a ${kind}: ${field}: invalid character '${opener}' exceeded max depth`,
      stored: 404,
    })
    for (const a of answers) {
      const label = `${a.levels} ${a.kind}`
      // The whole object: the top level, metadata, managedFields and its entry, then the fields
      // (levels deep); or the top level and data, levels + 3 deep.
      const total = a.levels + 4
      const expected =
        total <= 1000
          ? { status: 201, stored: 200 }
          : a.kind === 'ConfigMap'
            ? refused('ConfigMap', 'metadata.managedFields[0].fieldsV1', '{')
            : refused('ControllerRevision', 'data', '[')
      expect([label, { status: a.status, stored: a.stored, ...(total <= 1000 ? {} : { message: a.message }) }]).toEqual([label, expected])
    }
  })
})
