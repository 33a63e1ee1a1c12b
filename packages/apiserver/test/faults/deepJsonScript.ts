// The child process of deepJson.test.ts: one server, every deep body against it, its answers printed
// as one JSON document. Kept apart so the test file stays readable.

/** The script's text (an ES module resolved from the package's root) for a server bound at `bound` levels. */
export function deepJsonScript(bound: number): string {
  return `
import { request as httpsRequest } from 'node:https'
import { startApiServer } from './src/index.ts'
import { raw } from './test/helpers/kube.ts'
import { encodeProtobufObject } from './src/internal/protobuf/envelope.ts'
const B = ${bound}
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
  const made = await raw(server, { method: 'POST', path, body: JSON.stringify({ apiVersion, kind, metadata: { name: 'kept', labels: { k: 'v' } }, ...(kind === 'ControllerRevision' ? { revision: 1 } : {}) }), contentType: 'application/json' })
  stored[kind] = made.json().metadata.resourceVersion
}
// (Created with a label, so that it has managedFields: an object without them records none.)
// A value nested \`depth\` deep by itself, below the key "a": arrays ({"a":[[…]]}) or maps ({"a":{"a":…{}}}).
const shapes = {
  arrays: (depth) => '{"a":' + '['.repeat(depth - 1) + ']'.repeat(depth - 1) + '}',
  maps: (depth) => '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1),
}
const rv = async (path) => (await raw(server, { method: 'GET', path: path + '/kept' })).json().metadata.resourceVersion
// The stored object's managedFields, as [manager, operation, fieldsV1 as JSON text].
const managed = (object) => (object.metadata.managedFields ?? []).map((e) => [e.manager, e.operation, JSON.stringify(e.fieldsV1)])
// Every verb at the bound and one past it, for both shapes; the create 100,000 deep once.
const rounds = [[B, 'arrays'], [B, 'maps'], [B + 1, 'arrays'], [B + 1, 'maps'], [100000, 'arrays']]
for (const [levels, shape] of rounds) {
  for (const [path, kind, apiVersion, field] of kinds) {
    // The whole body is \`levels\` deep: the top-level object holds the field's value.
    const value = shapes[shape](levels - 1)
    const body = (name, version) => '{"apiVersion":"' + apiVersion + '","kind":"' + kind + '","metadata":{"name":"' + name + '"' + (version === undefined ? '' : ',"resourceVersion":"' + version + '"') + '},' + extra(kind) + '"' + field + '":' + value + '}'
    const record = async (verb, answer, name, sent = value) => {
      const ok = answer.status < 300
      const got = ok ? await raw(server, { method: 'GET', path: path + '/' + name }) : undefined
      // Whether what the server holds (read back as JSON) has the field exactly as it was sent.
      const holds = got === undefined ? undefined : got.status === 200 && got.text.includes('"' + field + '":' + sent)
      answers.push({ levels, shape, kind, verb, status: answer.status, body: ok ? {} : answer.json(), holds, managed: got === undefined ? undefined : managed(got.json()) })
      if (ok) stored[kind] = await rv(path)
    }
    await record('create', await raw(server, { method: 'POST', path: path + '?fieldManager=t', body: body('deep'), contentType: 'application/json' }), 'deep')
    if (kind === 'Widget' && levels === B) {
      // A small apply against the live object at the bound: recorded beside the creator's fields.
      const apply = await raw(server, { method: 'PATCH', path: path + '/deep?fieldManager=s', body: '{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"deep"},"spec":{"b":1}}', contentType: 'application/apply-patch+yaml' })
      await record('small apply', apply, 'deep', value.slice(0, -1) + ',"b":1}')
    }
    await raw(server, { method: 'DELETE', path: path + '/deep' })
    if (levels === 100000) continue
    await record('update', await raw(server, { method: 'PUT', path: path + '/kept?fieldManager=t', body: body('kept', await rv(path)), contentType: 'application/json' }), 'kept')
    const patches = kind === 'ConfigMap' ? ['merge-patch+json', 'strategic-merge-patch+json', 'apply-patch+yaml'] : ['merge-patch+json', 'apply-patch+yaml']
    for (const type of patches) await record(type, await raw(server, { method: 'PATCH', path: path + '/kept?fieldManager=t', body: body('kept'), contentType: 'application/' + type }), 'kept')
    // The operations (an array of objects) hold the value two levels down: it is one level shallower.
    const shallower = shapes[shape](levels - 2)
    const ops = '[{"op":"add","path":"/' + field + '","value":' + shallower + '}]'
    await record('json-patch+json', await raw(server, { method: 'PATCH', path: path + '/kept?fieldManager=t', body: ops, contentType: 'application/json-patch+json' }), 'kept', shallower)
    if (kind === 'Widget') {
      // A Scale's spec holds only replicas: the deep value beside it is an unknown field.
      const scale = '{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"kept"},"spec":' + value.slice(0, -1) + ',"replicas":2}}'
      const scaled = await raw(server, { method: 'PUT', path: path + '/kept/scale?fieldManager=t', body: scale, contentType: 'application/json' })
      const got = (await raw(server, { method: 'GET', path: path + '/kept' })).json()
      answers.push({ levels, shape, kind, verb: 'scale update', status: scaled.status, body: scaled.json(), warnings: scaled.headers.warning, holds: got.spec.replicas === 2 })
      if (scaled.status < 300) stored[kind] = await rv(path)
    }
  }
}
// A strategic merge patch whose directive is unknown, with a value at the bound: kube's error prints
// the whole map (Go's %v).
const directive = '{"metadata":{"$patch":"bogus","x":' + '['.repeat(B - 2) + ']'.repeat(B - 2) + '}}'
const bogus = await raw(server, { method: 'PATCH', path: configMaps + '/kept', body: directive, contentType: 'application/strategic-merge-patch+json' })
answers.push({ levels: B, shape: 'arrays', kind: 'ConfigMap', verb: 'strategic $patch', status: bogus.status, body: bogus.json() })
// DeleteOptions bodies are read for a few fields, never cloned or walked: not bounded (kube reads up
// to 10,000 levels).
const deletes = []
for (const levels of [5000, 10000]) {
  for (const [path, kind, apiVersion] of kinds) {
    await raw(server, { method: 'POST', path, body: JSON.stringify({ apiVersion, kind, metadata: { name: 'gone' }, ...(kind === 'ControllerRevision' ? { revision: 1 } : {}) }), contentType: 'application/json' })
    const options = '{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background","x":' + '['.repeat(levels - 1) + ']'.repeat(levels - 1) + '}'
    const answer = await raw(server, { method: 'DELETE', path: path + '/gone', body: options, contentType: 'application/json', headers: { 'content-length': String(options.length) } })
    deletes.push({ levels, kind, status: answer.status, after: (await raw(server, { method: 'GET', path: path + '/gone' })).status })
  }
}
// A JSON patch whose operations stay under the bound but move chains below each other to build a
// document past it: 12 chains, each a twelfth of the bound and more.
const n = Math.ceil(B / 11)
const chain = (k) => '{"x":'.repeat(k) + '{}' + '}'.repeat(k)
const ops = []
for (let i = 0; i < 12; i++) ops.push('{"op":"add","path":"/spec/c' + i + '","value":' + chain(n) + '}')
for (let i = 0; i < 11; i++) ops.push('{"op":"move","from":"/spec/c' + i + '","path":"/spec/c' + (i + 1) + '/x' + '/x'.repeat(n - 1) + '/c"}')
const moved = await raw(server, { method: 'PATCH', path: widgets + '/kept', body: '[' + ops.join(',') + ']', contentType: 'application/json-patch+json' })
answers.push({ levels: 12 * n, shape: 'maps', kind: 'Widget', verb: 'json-patch moves', status: moved.status, body: moved.json() })
const after = {}
for (const [path, kind] of kinds) {
  after[kind] = { kept: (await raw(server, { method: 'GET', path: path + '/kept' })).json().metadata.resourceVersion, deep: (await raw(server, { method: 'GET', path: path + '/deep' })).status }
}

// Protobuf bodies: the embedded JSON, nested \`levels\` deep by itself, as the encoder's
// JSON.stringify of a marker.
const encode = (object, marker, text) => {
  const stringify = JSON.stringify
  JSON.stringify = (v, ...rest) => (v === marker ? text : stringify(v, ...rest))
  try { return encodeProtobufObject(object) } finally { JSON.stringify = stringify }
}
const protobuf = []
for (const levels of [B - 4, B - 3, 100000]) {
  const fields = {}
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' + levels, namespace: 'default', managedFields: [{ manager: 'm', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: fields }] }, data: { x: 'y' } }
  const data = {}
  const cr = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'cr' + levels, namespace: 'default' }, revision: 1, data }
  const sends = [
    ['ConfigMap', configMaps, encode(cm, fields, '{"f:a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1))],
    ['ControllerRevision', revisions, encode(cr, data, '['.repeat(levels + 3) + ']'.repeat(levels + 3))],
  ]
  for (const [kind, path, body] of sends) {
    const answer = await raw(server, { method: 'POST', path, body: Buffer.from(body), contentType: 'application/vnd.kubernetes.protobuf', headers: { accept: 'application/json' } })
    const name = kind === 'ConfigMap' ? 'cm' + levels : 'cr' + levels
    const held = (await raw(server, { method: 'GET', path: path + '/' + name })).status
    protobuf.push({ levels, kind, status: answer.status, message: answer.json().message, stored: held })
  }
}

// A custom resource whose schema has CEL rules, a default, an embedded resource and a list, with
// values at the bound below them.
const spec = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, 'x-kubernetes-validations': [{ rule: 'has(self.a)' }, { rule: '!has(self.b) || self.a != self.b' }],
  properties: { d: { type: 'string', default: 'x' }, e: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true }, l: { type: 'array', items: { 'x-kubernetes-preserve-unknown-fields': true } } } }
const gadgetCrd = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gadgets.example.com' },
  spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'gadgets', kind: 'Gadget' },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec } } } }] } }
await raw(server, { method: 'POST', path: crds, body: JSON.stringify(gadgetCrd), contentType: 'application/json' })
const gadgets = '/apis/example.com/v1/namespaces/default/gadgets'
for (let i = 0; i < 200 && (await raw(server, { method: 'GET', path: gadgets })).status !== 200; i++) await new Promise((r) => setTimeout(r, 25))
const chunks = []
const watch = httpsRequest(new URL(gadgets + '?watch=1', server.url), { headers: { authorization: 'Bearer ' + server.token }, ca: server.caCertPem, agent: false }, (res) => res.on('data', (c) => chunks.push(c)))
watch.on('error', () => {})
watch.end()
await new Promise((r) => setTimeout(r, 300))
// k levels of objects below the value's own: {"a":{"a":…{}}}, k + 1 deep.
const objects = (k) => '{"a":'.repeat(k) + '{}' + '}'.repeat(k)
const arrays = (k) => '['.repeat(k) + ']'.repeat(k)
// Each object is B deep in all: the top level and spec hold the rest.
const cases = [
  ['plain', '"a":' + objects(B - 3) + ',"b":' + arrays(B - 2)],
  ['equal', '"a":' + objects(B - 3) + ',"b":' + objects(B - 3)],
  ['embedded', '"a":1,"e":{"apiVersion":"v1","kind":"X","metadata":{"name":"n"},"x":' + objects(B - 4) + '}'],
  ['listed', '"a":1,"l":[' + objects(B - 4) + ']'],
  ['missing', '"z":' + objects(B - 3)],
]
const schema = []
for (const [name, fields] of cases) {
  const body = '{"apiVersion":"example.com/v1","kind":"Gadget","metadata":{"name":"' + name + '"},"spec":{' + fields + '}}'
  const made = await raw(server, { method: 'POST', path: gadgets, body, contentType: 'application/json' })
  const got = await raw(server, { method: 'GET', path: gadgets + '/' + name })
  // What was sent, with the default the schema adds.
  const held = got.status === 200 && got.text.includes('"spec":{' + fields + ',"d":"x"}')
  schema.push({ name, status: made.status, message: made.status < 300 ? undefined : made.json().message, warnings: made.headers.warning, held })
}
await new Promise((r) => setTimeout(r, 500))
watch.destroy()
const events = Buffer.concat(chunks).toString().split('\\n').filter((l) => l !== '').map((l) => {
  const name = /"metadata":\\{"name":"([a-z]+)"/.exec(l)[1]
  return [l.slice(0, 15), name, l.includes('"spec":{' + cases.find((c) => c[0] === name)[1] + ',"d":"x"}')]
})
await server.stop()
console.log(JSON.stringify({ answers, stored, after, deletes, protobuf, schema, events }))
`
}
