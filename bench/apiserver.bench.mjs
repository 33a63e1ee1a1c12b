#!/usr/bin/env node
// Load test of the embedded API server (issue 6): 20 concurrent clients, each with its own namespace
// and a watch on it, doing mixed server-side applies, merge patches, gets and lists over HTTPS with
// keep-alive for 10 s, plus one all-namespaces watch. Checks: no request failed, every write was seen
// by the watches, and resourceVersions arrive strictly increasing on every stream. Reports the rate.
//
// There is no reference to run beside it: no kube-apiserver, etcd or envtest can run on these
// machines (see the design's section 0), so the figure is absolute.
//
//   node bench/run.mjs apiserver [seconds] [clients]
import { Agent, request } from 'node:https'
import { performance } from 'node:perf_hooks'
import { startApiServer } from '../packages/apiserver/dist/index.js'

const seconds = Number(process.argv[2] ?? 10)
const clients = Number(process.argv[3] ?? 20)

const server = await startApiServer()
const agent = new Agent({ keepAlive: true, maxSockets: clients * 2 + 4, ca: server.caCertPem })
const headers = { authorization: `Bearer ${server.token}` }

function call(method, path, body, contentType = 'application/json') {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server.url), { method, agent, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': contentType }) } }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        if (res.statusCode >= 400) reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`))
        else resolve(JSON.parse(text))
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** Opens a watch; collects resourceVersions and checks they strictly increase. */
function watch(path) {
  const seen = new Set()
  let last = 0
  let disorder = 0
  let buffer = ''
  const req = request(new URL(path, server.url), { method: 'GET', agent: false, ca: server.caCertPem, headers }, (res) => {
    res.on('data', (chunk) => {
      buffer += chunk.toString('utf8')
      let nl
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + 1)
        if (line === '') continue
        const event = JSON.parse(line)
        const rv = Number(event.object.metadata.resourceVersion)
        if (rv <= last) disorder++
        last = rv
        seen.add(rv)
      }
    })
  })
  req.on('error', () => undefined)
  req.end()
  return { seen, disorder: () => disorder, close: () => req.destroy() }
}

const start = await call('GET', '/api/v1/namespaces')
const fromRv = start.metadata.resourceVersion
for (let c = 0; c < clients; c++) await call('POST', '/api/v1/namespaces', JSON.stringify({ metadata: { name: `load-${c}` } }))
const all = watch(`/api/v1/configmaps?watch=true&resourceVersion=${fromRv}`)
const perNamespace = Array.from({ length: clients }, (_, c) => watch(`/api/v1/namespaces/load-${c}/configmaps?watch=true&resourceVersion=${fromRv}`))
await new Promise((r) => setTimeout(r, 200))

const counts = { apply: 0, patch: 0, get: 0, list: 0 }
const writes = Array.from({ length: clients }, () => new Set())
let failures = 0
const deadline = performance.now() + seconds * 1000
const began = performance.now()

async function client(c) {
  const ns = `load-${c}`
  let i = 0
  while (performance.now() < deadline) {
    i++
    const name = `cm-${Math.floor(i / 10) % 5}`
    const roll = i % 10
    try {
      if (roll < 5) {
        const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { n: String(i) } })
        const o = await call('PATCH', `/api/v1/namespaces/${ns}/configmaps/${name}?fieldManager=bench`, body, 'application/apply-patch+yaml')
        writes[c].add(Number(o.metadata.resourceVersion))
        counts.apply++
      } else if (roll < 7) {
        const o = await call('PATCH', `/api/v1/namespaces/${ns}/configmaps/${name}`, JSON.stringify({ metadata: { labels: { round: String(i) } } }), 'application/merge-patch+json').catch((err) => {
          if (String(err.message).includes(' 404 ')) return undefined
          throw err
        })
        if (o !== undefined) writes[c].add(Number(o.metadata.resourceVersion))
        counts.patch++
      } else if (roll < 9) {
        await call('GET', `/api/v1/namespaces/${ns}/configmaps?labelSelector=round`)
        counts.list++
      } else {
        await call('GET', `/api/v1/namespaces/${ns}/configmaps/cm-0`).catch(() => undefined)
        counts.get++
      }
    } catch (err) {
      failures++
      if (failures < 5) console.error(err.message)
    }
  }
}

await Promise.all(Array.from({ length: clients }, (_, c) => client(c)))
const elapsed = (performance.now() - began) / 1000
await new Promise((r) => setTimeout(r, 500))

let lost = 0
let disorder = all.disorder()
perNamespace.forEach((w, c) => {
  disorder += w.disorder()
  for (const rv of writes[c]) if (!w.seen.has(rv) || !all.seen.has(rv)) lost++
})
for (const w of [all, ...perNamespace]) w.close()
agent.destroy()
await server.stop()

const total = counts.apply + counts.patch + counts.get + counts.list
console.log(`apiserver load: ${clients} clients for ${elapsed.toFixed(1)} s over HTTPS`)
console.log(`  requests: ${total} (${(total / elapsed).toFixed(0)}/s) — apply ${counts.apply}, merge patch ${counts.patch}, list ${counts.list}, get ${counts.get}`)
console.log(`  watch streams: ${clients + 1}, events on the all-namespaces watch: ${all.seen.size}`)
console.log(`  failures: ${failures}, lost watch events: ${lost}, out-of-order resourceVersions: ${disorder}`)
if (failures > 0 || lost > 0 || disorder > 0) process.exit(1)
