#!/usr/bin/env node
// core's deepEqual and cloneValue on this tree against another commit's (default main), on the
// objects apply and the API server handle: the mixed objects of the apply benchmarks as a client
// sends them, and the same objects as the server stores them (metadata with uid, timestamps and a
// managedFields entry per field manager, a Deployment status). Both copies of object.ts are
// compiled with esbuild into modules of their own, loaded in one process, and timed in interleaved
// rounds with the order alternated; reports the median time per pass of each side and the median
// of the paired ratios (this tree / other).
//
//   node bench/deepEqual-clone-ab.mjs [rounds, default 21] [other commit, default main]
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { transform } from 'esbuild'
import { objects } from './mixedObjects.mjs'
import { loadLine } from './process-timer.mjs'

const rounds = Number(process.argv[2] ?? '21')
const other = process.argv[3] ?? 'main'
const root = new URL('..', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'gitops-bench-deep-'))
const load = async (name, source) => {
  const { code } = await transform(source, { loader: 'ts', format: 'esm', target: 'es2022' })
  const file = join(dir, `${name}.mjs`)
  writeFileSync(file, code)
  return import(pathToFileURL(file).href)
}
const here = await load('here', execFileSync('cat', [join(root, 'packages/core/src/object.ts')], { encoding: 'utf8' }))
const there = await load('there', execFileSync('git', ['-C', root, 'show', `${other}:packages/core/src/object.ts`], { encoding: 'utf8' }))

/** `object` as the API server stores it: server metadata, a managedFields entry per manager, status. */
function stored(object, i) {
  const fieldsV1 = {}
  for (const key of Object.keys(object)) if (key !== 'apiVersion' && key !== 'kind') fieldsV1[`f:${key}`] = Object.fromEntries(Object.keys(object[key] ?? {}).map((k) => [`f:${k}`, {}]))
  const managedFields = [
    { manager: 'gitops', operation: 'Apply', apiVersion: object.apiVersion, time: '2026-12-08T01:00:00Z', fieldsType: 'FieldsV1', fieldsV1 },
    { manager: 'kube-controller-manager', operation: 'Update', apiVersion: object.apiVersion, time: '2026-12-08T01:00:01Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': { 'f:replicas': {}, 'f:conditions': { '.': {}, 'k:{"type":"Available"}': { '.': {}, 'f:status': {}, 'f:type': {} } } } }, subresource: 'status' },
  ]
  const metadata = { ...object.metadata, uid: `0000-${i}`, resourceVersion: String(1000 + i), generation: 1, creationTimestamp: '2026-12-08T01:00:00Z', annotations: { 'deployment.kubernetes.io/revision': '1' }, managedFields }
  const out = { ...globalThis.structuredClone(object), metadata }
  if (object.kind === 'Deployment') out.status = { observedGeneration: 1, replicas: 2, readyReplicas: 2, conditions: [{ type: 'Available', status: 'True', lastUpdateTime: '2026-12-08T01:00:02Z', reason: 'MinimumReplicasAvailable' }, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }] }
  return out
}

const sent = objects('bench', 1000)
const live = sent.map(stored)
const all = [...sent, ...live]
// Equal pairs (the common case: a no-op apply), and pairs differing in the last field compared.
const copies = all.map((o) => globalThis.structuredClone(o))
const changed = live.map((o) => ({ ...globalThis.structuredClone(o), metadata: { ...o.metadata, resourceVersion: 'x' } }))

const passes = {
  'deepEqual, equal pairs': (m) => { let n = 0; for (let i = 0; i < all.length; i++) if (m.deepEqual(all[i], copies[i])) n++; return n },
  'deepEqual, one field differs': (m) => { let n = 0; for (let i = 0; i < live.length; i++) if (m.deepEqual(live[i], changed[i])) n++; return n },
  cloneValue: (m) => { let n = 0; for (const o of all) n += Object.keys(m.cloneValue(o)).length; return n },
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }
// CPU time of the process (user + system), which the machine's other load disturbs less than wall time.
const time = (fn, m) => { const start = process.cpuUsage(); for (let r = 0; r < 20; r++) fn(m); const { user, system } = process.cpuUsage(start); return (user + system) / 20 / 1e3 }

console.log(`${all.length} objects (${sent.length} as sent, ${live.length} as stored); ${rounds} rounds; other side ${other}; ${loadLine()}`)
for (const [name, fn] of Object.entries(passes)) {
  if (fn(here) !== fn(there)) throw new Error(`${name}: the two sides answer differently`)
  for (let w = 0; w < 5; w++) { fn(here); fn(there) }
  const a = []
  const b = []
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) { a.push(time(fn, here)); b.push(time(fn, there)) } else { b.push(time(fn, there)); a.push(time(fn, here)) }
  }
  const ratios = a.map((x, i) => x / b[i])
  console.log(`${name}: this tree ${median(a).toFixed(3)} ms CPU/pass, ${other} ${median(b).toFixed(3)} ms CPU/pass, paired ratio median ${median(ratios).toFixed(3)} (min ${Math.min(...ratios).toFixed(3)}, max ${Math.max(...ratios).toFixed(3)})`)
}
console.log(loadLine())
