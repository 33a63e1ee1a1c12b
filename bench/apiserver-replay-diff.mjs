// Sends one request sequence to two builds of the embedded API server (seeded, on one fixed clock) and
// compares every answer byte for byte: server-side applies and their dry runs of 300 mixed objects in
// three rounds (the second also force-applied by a second manager, the third changed), a YAML body, a
// repeated key, a conflict, a __proto__ key, an unknown field, lists, a watch and discovery. Prints the
// answers that differ (the port in /api always does).
//
//   node scripts/run.mjs build && node bench/apiserver-replay-diff.mjs <other build's dist/index.js>
import { Buffer } from 'node:buffer'
import { request } from 'node:https'
import { pathToFileURL } from 'node:url'
const root = new URL('../', import.meta.url).pathname
const { objects } = await import(root + 'bench/mixedObjects.mjs')
const builds = { A: process.argv[2], B: root + 'packages/apiserver/dist/index.js' }
if (builds.A === undefined) throw new Error('usage: node bench/apiserver-replay-diff.mjs <other build dist/index.js>')
let t = Date.parse('2026-01-01T00:00:00Z')
const clock = { now: () => new Date(t) }
const servers = {}
for (const [k, p] of Object.entries(builds)) servers[k] = await (await import(pathToFileURL(p).href)).startApiServer({ seed: 7, clock })
const call = (server, { method, path, body, type }) => new Promise((resolve, reject) => {
  const req = request(new URL(path, server.url), { method, ca: server.caCertPem, headers: { authorization: `Bearer ${server.token ?? ''}`, ...(body === undefined ? {} : { 'content-type': type }), accept: 'application/json' } }, (res) => {
    const chunks = []
    res.on('data', (c) => chunks.push(c))
    res.on('end', () => resolve(`${res.statusCode} ${res.headers['content-type']} ${Buffer.concat(chunks).toString()}`))
  })
  req.on('error', reject)
  req.end(body)
})
const objs = objects('d', 300)
const plural = { ConfigMap: 'configmaps', Secret: 'secrets', ServiceAccount: 'serviceaccounts', Service: 'services', Deployment: 'deployments', Role: 'roles', RoleBinding: 'rolebindings', Namespace: 'namespaces' }
const pathOf = (o) => { const g = o.apiVersion.includes('/') ? `/apis/${o.apiVersion}` : `/api/${o.apiVersion}`; return `${g}${o.metadata.namespace ? `/namespaces/${o.metadata.namespace}` : ''}/${plural[o.kind]}/${o.metadata.name}` }
let diffs = 0, n = 0
const both = async (method, path, body) => {
  const type = 'application/apply-patch+yaml'
  const a = await call(servers.A, { method, path, body, type }); const b = await call(servers.B, { method, path, body, type }); n++
  if (a !== b) { diffs++; if (diffs < 5) console.log('DIFF', method, path, '\nA', a.slice(0, 400), '\nB', b.slice(0, 400)) }
}
for (const round of [0, 1, 2]) {
  for (const o of objs) {
    const body = JSON.stringify(round === 2 ? { ...o, metadata: { ...o.metadata, labels: { ...(o.metadata.labels ?? {}), r: '2' } } } : o)
    for (const q of ['?dryRun=All&fieldManager=m', '?fieldManager=m']) await both('PATCH', pathOf(o) + q, body)
    if (round === 1) await both('PATCH', pathOf(o) + '?fieldManager=other&force=true', JSON.stringify({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, namespace: o.metadata.namespace, labels: { x: 'y' } } }))
    t += 137
  }
}
// YAML, repeated keys, conflicts, errors, reads.
const o = objs.find((x) => x.kind === 'ConfigMap')
await both('PATCH', pathOf(o) + '?fieldManager=y', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${o.metadata.name}\n  namespace: ${o.metadata.namespace}\ndata:\n  k: v\n`)
await both('PATCH', pathOf(o) + '?fieldManager=y', `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${o.metadata.name}","namespace":"${o.metadata.namespace}"},"data":{"k":"a","k":"b"}}`)
await both('PATCH', pathOf(o) + '?fieldManager=z', `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${o.metadata.name}","namespace":"${o.metadata.namespace}"},"data":{"k":"other"}}`)
await both('PATCH', pathOf(o) + '?fieldManager=z', `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${o.metadata.name}","namespace":"${o.metadata.namespace}","__proto__":{"x":1}},"data":{"k":1}}`)
await both('PATCH', pathOf(o) + '?fieldManager=z', `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${o.metadata.name}","namespace":"${o.metadata.namespace}"},"dta":{"k":"1"}}`)
for (const k of Object.values(plural)) for (const ns of ['', '/namespaces/d-ns-0']) {
  const p = k === 'deployments' ? `/apis/apps/v1${ns}/${k}` : k.startsWith('role') ? `/apis/rbac.authorization.k8s.io/v1${ns}/${k}` : `/api/v1${ns}/${k}`
  if (!(k === 'namespaces' && ns)) await both('GET', p)
}
await both('GET', '/api/v1/namespaces/d-ns-0/services?watch=1&resourceVersion=1&timeoutSeconds=1')
await both('GET', '/api'); await both('GET', '/apis'); await both('GET', '/api/v1'); await both('GET', '/apis/apps/v1')
console.log(`${n} requests, ${diffs} answers differ`)
for (const s of Object.values(servers)) await s.stop()
