// JSON request bodies nested deep. kube-apiserver's JSON decoder refuses a document nested more than
// 10,000 levels with "exceeded max depth" (a 400: the object provided is unrecognized …) and takes any
// document up to that. Here too: every write path takes a body 10,000 deep and stores and answers it
// byte for byte (copies, JSON text and patches walk by an explicit stack past V8's own recursion), and a
// body one level deeper gets kube's typed 400. A JSON patch that moves subtrees below each other to
// build a deeper document is refused the same way (422 naming the patch). Bodies run against a server
// in a child process, so a regression (a stack overflow) fails this test instead of the runner.
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'

interface Answer {
  readonly levels: number
  readonly kind: string
  readonly verb: string
  readonly status: number
  readonly body: Record<string, unknown>
  /** For a write that succeeded: whether the object read back holds the field exactly as sent. */
  readonly holds?: boolean
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
const revisions = '/apis/apps/v1/namespaces/default/controllerrevisions'
// A ControllerRevision's data is free-form JSON (a RawExtension) in a built-in kind.
const kinds = [[widgets, 'Widget', 'example.com/v1', 'spec'], [configMaps, 'ConfigMap', 'v1', 'data'], [revisions, 'ControllerRevision', 'apps/v1', 'data']]
const extra = (kind) => (kind === 'ControllerRevision' ? '"revision":1,' : '')
const answers = []
const stored = {}
for (const [path, kind, apiVersion] of kinds) {
  const made = await raw(server, { method: 'POST', path, body: JSON.stringify({ apiVersion, kind, metadata: { name: 'kept' }, ...(kind === 'ControllerRevision' ? { revision: 1 } : {}) }), contentType: 'application/json' })
  stored[kind] = made.json().metadata.resourceVersion
}
// A body nested \`levels\` deep in all: the top-level object, the field, its key "a", then arrays.
const nested = (levels) => '['.repeat(levels - 2) + ']'.repeat(levels - 2)
const rv = async (path) => (await raw(server, { method: 'GET', path: path + '/kept' })).json().metadata.resourceVersion
for (const levels of [10000, 10001, 100000]) {
  for (const [path, kind, apiVersion, field] of kinds) {
    const value = '{"a":' + nested(levels) + '}'
    const body = (name, version) => '{"apiVersion":"' + apiVersion + '","kind":"' + kind + '","metadata":{"name":"' + name + '"' + (version === undefined ? '' : ',"resourceVersion":"' + version + '"') + '},' + extra(kind) + '"' + field + '":' + value + '}'
    // Whether what the server holds (read back as JSON) has the field exactly as it was sent.
    const holds = async (name, sent) => {
      const got = await raw(server, { method: 'GET', path: path + '/' + name })
      return got.status === 200 && got.text.includes('"' + field + '":' + sent)
    }
    const record = async (verb, answer, name, sent = value) => {
      const ok = answer.status < 300
      answers.push({ levels, kind, verb, status: answer.status, body: ok ? {} : answer.json(), holds: ok ? await holds(name, sent) : undefined })
      if (ok) stored[kind] = await rv(path)
    }
    await record('create', await raw(server, { method: 'POST', path, body: body('deep'), contentType: 'application/json' }), 'deep')
    await raw(server, { method: 'DELETE', path: path + '/deep' })
    await record('update', await raw(server, { method: 'PUT', path: path + '/kept', body: body('kept', await rv(path)), contentType: 'application/json' }), 'kept')
    const patches = kind === 'ConfigMap' ? ['merge-patch+json', 'strategic-merge-patch+json', 'apply-patch+yaml'] : ['merge-patch+json', 'apply-patch+yaml']
    for (const type of patches) await record(type, await raw(server, { method: 'PATCH', path: path + '/kept?fieldManager=t', body: body('kept'), contentType: 'application/' + type }), 'kept')
    // The operations (an array of objects) hold the value two levels down: it is one level shallower.
    const shallower = '{"a":' + nested(levels - 1) + '}'
    const ops = '[{"op":"add","path":"/' + field + '","value":' + shallower + '}]'
    await record('json-patch+json', await raw(server, { method: 'PATCH', path: path + '/kept', body: ops, contentType: 'application/json-patch+json' }), 'kept', shallower)
    if (kind === 'Widget') {
      const scale = '{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"kept"},"spec":' + value + '}'
      await record('scale update', await raw(server, { method: 'PUT', path: path + '/kept/scale', body: scale, contentType: 'application/json' }), 'kept')
    }
  }
}
// DeleteOptions bodies are read for a few fields, never cloned or walked: not bounded (kube reads up
// to 10,000 levels).
const deletes = []
for (const levels of [5000, 10000]) {
  for (const [path, kind, apiVersion] of kinds) {
    await raw(server, { method: 'POST', path, body: JSON.stringify({ apiVersion, kind, metadata: { name: 'gone' }, ...(kind === 'ControllerRevision' ? { revision: 1 } : {}) }), contentType: 'application/json' })
    const options = '{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background","x":' + nested(levels - 1) + '}'
    const answer = await raw(server, { method: 'DELETE', path: path + '/gone', body: options, contentType: 'application/json', headers: { 'content-length': String(options.length) } })
    deletes.push({ levels, kind, status: answer.status, after: (await raw(server, { method: 'GET', path: path + '/gone' })).status })
  }
}
// A JSON patch whose operations stay under the bound but move chains below each other to build a
// document 10,800 deep.
const chain = (n) => '{"x":'.repeat(n) + '{}' + '}'.repeat(n)
const ops = []
for (let i = 0; i < 12; i++) ops.push('{"op":"add","path":"/spec/c' + i + '","value":' + chain(900) + '}')
for (let i = 0; i < 11; i++) ops.push('{"op":"move","from":"/spec/c' + i + '","path":"/spec/c' + (i + 1) + '/x' + '/x'.repeat(899) + '/c"}')
const moved = await raw(server, { method: 'PATCH', path: widgets + '/kept', body: '[' + ops.join(',') + ']', contentType: 'application/json-patch+json' })
answers.push({ levels: 10800, kind: 'Widget', verb: 'json-patch moves', status: moved.status, body: moved.json() })
const after = {}
for (const [path, kind] of kinds) {
  after[kind] = { kept: (await raw(server, { method: 'GET', path: path + '/kept' })).json().metadata.resourceVersion, deep: (await raw(server, { method: 'GET', path: path + '/deep' })).status }
}
await server.stop()
console.log(JSON.stringify({ answers, stored, after, deletes }))
`

describe('JSON bodies nested deep', () => {
  it('takes and returns bodies 10,000 deep on every write path, answers deeper ones 400 (a patch that builds one 422) and stores nothing, in a child process', async () => {
    const run = await runIsolated(script, fileURLToPath(new URL('../..', import.meta.url)), 240_000)
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
    // The YAML parser (which reads apply patches) has its own, lower bound.
    const yamlTooDeep = 'error decoding patch: line 1: nested more than 1000 levels deep'
    const configMapData = 'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal array into Go struct field ConfigMap.data of type string'
    for (const a of answers) {
      const label = `${a.levels} ${a.kind} ${a.verb}`
      if (a.verb === 'json-patch moves') {
        expect([label, a.status, a.body.reason]).toEqual([label, 422, 'Invalid'])
        expect(a.body.message).toMatch(/^ "" is invalid: patch: Invalid value: ".*": couldn't get version\/kind; json parse error: invalid character '\{' exceeded max depth$/su)
        expect(a.body.details).toMatchObject({ causes: [{ reason: 'FieldValueInvalid', field: 'patch' }] })
        continue
      }
      if (a.verb === 'apply-patch+yaml') {
        expect([label, a.status, a.body.message]).toEqual([label, 400, yamlTooDeep])
        continue
      }
      if (a.levels === 10_000) {
        if (a.verb === 'scale update') {
          // Whatever the scale update answers at the bound, it is a typed answer, not a depth refusal.
          expect([label, a.status < 500, String(a.body.message).includes('exceeded max depth')]).toEqual([label, true, false])
          continue
        }
        if (a.kind === 'ConfigMap') {
          // Taken as JSON, then refused for what it holds: a ConfigMap's data is a string map.
          const expected = a.verb === 'create' || a.verb === 'update' ? [400, configMapData] : [422, expect.stringMatching(/^ "" is invalid: patch: Invalid value: /u)]
          expect([label, a.status, a.body.message]).toEqual([label, ...expected])
          continue
        }
        // Stored, and read back byte for byte.
        expect([label, a.status, a.holds]).toEqual([label, a.verb === 'create' ? 201 : 200, true])
        continue
      }
      expect([label, a.status]).toEqual([label, 400])
      expect(a.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400 })
      const head = `{"apiVersion":"${a.kind === 'Widget' ? 'example.com/v1' : a.kind === 'ConfigMap' ? 'v1' : 'apps/v1'}","kind":"${a.kind}`.slice(0, 30)
      const message =
        a.verb === 'create' || a.verb === 'update'
          ? `the object provided is unrecognized (must be of type ${a.kind}): couldn't get version/kind; json parse error: ${tooDeep} (${head} ...)`
          : a.verb === 'scale update'
            ? `the object provided is unrecognized (must be of type Scale): couldn't get version/kind; json parse error: ${tooDeep} ({"apiVersion":"autoscaling/v1" ...)`
            : a.verb === 'strategic-merge-patch+json'
              ? tooDeep
              : `error decoding patch: ${tooDeep}`
      expect([label, a.body.message]).toEqual([label, message])
    }
    // The kept objects were changed only by the writes that were taken; nothing deeper was stored.
    expect(after).toEqual({
      ConfigMap: { kept: stored.ConfigMap, deep: 404 },
      Widget: { kept: stored.Widget, deep: 404 },
      ControllerRevision: { kept: stored.ControllerRevision, deep: 404 },
    })
    // Deep DeleteOptions bodies are read like any other: the object is deleted.
    expect(deletes.map((d) => [d.levels, d.kind, d.status, d.after])).toEqual(
      [5000, 10000].flatMap((levels) => [[levels, 'Widget', 200, 404], [levels, 'ConfigMap', 200, 404], [levels, 'ControllerRevision', 200, 404]]),
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
for (const levels of [9996, 9997, 100000]) {
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
        total <= 10_000
          ? { status: 201, stored: 200 }
          : a.kind === 'ConfigMap'
            ? refused('ConfigMap', 'metadata.managedFields[0].fieldsV1', '{')
            : refused('ControllerRevision', 'data', '[')
      expect([label, { status: a.status, stored: a.stored, ...(total <= 10_000 ? {} : { message: a.message }) }]).toEqual([label, expected])
    }
  })
})

// A custom resource whose schema has a CEL rule, a default, an embedded resource and a list, with
// values 10,000 deep below them: defaulting, pruning, CEL's view of the value and the watch stream
// go by explicit stacks, so the object is taken, stored and sent to a watcher whole.
const schemaScript = `
import { request as httpsRequest } from 'node:https'
import { startApiServer } from './src/index.ts'
import { raw } from './test/helpers/kube.ts'
const server = await startApiServer()
const spec = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, 'x-kubernetes-validations': [{ rule: 'has(self.a)' }, { rule: '!has(self.b) || self.a != self.b' }],
  properties: { d: { type: 'string', default: 'x' }, e: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true }, l: { type: 'array', items: { 'x-kubernetes-preserve-unknown-fields': true } } } }
const crd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gadgets.example.com' },
  spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'gadgets', kind: 'Gadget' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec } } } }] } }
await raw(server, { method: 'POST', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', body: JSON.stringify(crd), contentType: 'application/json' })
const path = '/apis/example.com/v1/namespaces/default/gadgets'
for (let i = 0; i < 200 && (await raw(server, { method: 'GET', path })).status !== 200; i++) await new Promise((r) => setTimeout(r, 25))
const chunks = []
const watch = httpsRequest(new URL(path + '?watch=1', server.url), { headers: { authorization: 'Bearer ' + server.token }, ca: server.caCertPem, agent: false }, (res) => res.on('data', (c) => chunks.push(c)))
watch.on('error', () => {})
watch.end()
await new Promise((r) => setTimeout(r, 300))
// n levels of objects below the value's own: {"a":{"a":…{}}}, n + 1 deep.
const objects = (n) => '{"a":'.repeat(n) + '{}' + '}'.repeat(n)
const arrays = (n) => '['.repeat(n) + ']'.repeat(n)
// Each object is 10,000 deep in all: the top level and spec hold the rest.
const cases = [
  ['plain', '"a":' + objects(9997) + ',"b":' + arrays(9998)],
  ['equal', '"a":' + objects(9997) + ',"b":' + objects(9997)],
  ['embedded', '"a":1,"e":{"apiVersion":"v1","kind":"X","metadata":{"name":"n"},"x":' + objects(9996) + '}'],
  ['listed', '"a":1,"l":[' + objects(9996) + ']'],
  ['missing', '"z":' + objects(9997)],
]
const answers = []
for (const [name, fields] of cases) {
  const body = '{"apiVersion":"example.com/v1","kind":"Gadget","metadata":{"name":"' + name + '"},"spec":{' + fields + '}}'
  const made = await raw(server, { method: 'POST', path, body, contentType: 'application/json' })
  const got = await raw(server, { method: 'GET', path: path + '/' + name })
  // What was sent, with the default the schema adds.
  const held = got.status === 200 && got.text.includes('"spec":{' + fields + ',"d":"x"}')
  answers.push({ name, status: made.status, message: made.status < 300 ? undefined : made.json().message, warnings: made.headers.warning, held })
}
await new Promise((r) => setTimeout(r, 500))
watch.destroy()
const events = Buffer.concat(chunks).toString().split('\\n').filter((l) => l !== '').map((l) => {
  const name = /"metadata":\\{"name":"([a-z]+)"/.exec(l)[1]
  return [l.slice(0, 15), name, l.includes('"spec":{' + cases.find((c) => c[0] === name)[1] + ',"d":"x"}')]
})
await server.stop()
console.log(JSON.stringify({ answers, events }))
`

describe('schema walks over values 10,000 deep', () => {
  it('defaults, prunes, runs CEL over and watches a custom resource 10,000 deep, in a child process', async () => {
    const run = await runIsolated(schemaScript, fileURLToPath(new URL('../..', import.meta.url)), 120_000)
    expect(run.stderr).not.toMatch(/FATAL|RangeError/u)
    expect([run.status, run.signal]).toEqual([0, null])
    const { answers, events } = JSON.parse(run.stdout) as {
      answers: { name: string; status: number; message?: string; warnings?: string; held: boolean }[]
      events: [string, string, boolean][]
    }
    // The CEL library compares two values by a deep look at their types, which recurses past the stack
    // for values this deep: a rule comparing them is not evaluated and the answer says so in a
    // warning, as for any rule this server cannot run. Every other walk takes the values whole.
    const notEvaluated = '299 - "spec: x-kubernetes-validations rule \\"!has(self.b) || self.a != self.b\\" was not evaluated: Maximum call stack size exceeded"'
    expect(answers).toEqual([
      { name: 'plain', status: 201, warnings: notEvaluated, held: true },
      { name: 'equal', status: 201, warnings: notEvaluated, held: true },
      { name: 'embedded', status: 201, held: true },
      { name: 'listed', status: 201, held: true },
      { name: 'missing', status: 422, message: 'Gadget.example.com "missing" is invalid: spec: Invalid value: "object": failed rule: has(self.a)', held: false },
    ])
    expect(events).toEqual(['plain', 'equal', 'embedded', 'listed'].map((name) => ['{"type":"ADDED"', name, true]))
  })
})
