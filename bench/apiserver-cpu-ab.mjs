#!/usr/bin/env node
// The embedded API server's CPU time per first apply (issue 15): `gitops apply` and `kubectl apply
// --server-side` (over HTTP/1.1 and over h2) of 1,000 mixed objects, each to two servers in processes
// of their own, one from this worktree's build (B) and one from another build's dist (A, e.g. a copy of
// main's packages/apiserver/dist), rounds interleaved and their order alternated. Reports medians of the
// server's CPU (user + system, from /proc) per apply; the client's CPU is the same on both sides. With
// no A, only B is measured (e.g. under GITOPS_BENCH_SERVER_NODE_FLAGS=--cpu-prof to profile it).
//
//   node scripts/run.mjs build && node bench/apiserver-cpu-ab.mjs [objects, default 1000] [rounds, default 5] [A's dist/index.js]
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringifyObjects } from '../packages/core/dist/index.js'
import { startApplyServer } from './apply-server-process.mjs'
import { objects } from './mixedObjects.mjs'
import { fmtMs, loadLine, median, runOnce } from './process-timer.mjs'
import { gitopsBin } from './gitopsBin.mjs'

const count = Number(process.argv[2] ?? '1000')
const rounds = Number(process.argv[3] ?? '5')
const other = process.argv[4]
const bin = gitopsBin
const servers = { B: await startApplyServer('gitops-bench-apiserver-ab-b-') }
if (other !== undefined) servers.A = await startApplyServer('gitops-bench-apiserver-ab-a-', { apiserver: other, nodeFlags: [] })
/** kubectl's server-side apply of a file, with `extra` in its environment (HTTP/1.1 or h2). */
const kubectl = (extra) => (server, file) => ({
  argv: ['kubectl', '--kubeconfig', server.kubeconfig, '--cache-dir', join(server.dir, 'cache'), 'apply', '--server-side', '--validate=false', '--field-manager=gitops-bench', '-f', file],
  env: { PATH: process.env.PATH, HOME: server.dir, ...extra },
})
const clients = {
  gitops: (server, file, name) => ({ argv: [process.execPath, bin, 'apply', file, '--inventory', `default/${name}`, '--field-manager=gitops-bench', '--kubeconfig', server.kubeconfig], env: { PATH: process.env.PATH, HOME: server.dir } }),
  'kubectl-h1': kubectl({ DISABLE_HTTP2: '1' }),
  'kubectl-h2': kubectl({}),
}
const only = (process.env.GITOPS_BENCH_CLIENTS ?? '').split(',').filter((c) => c !== '')
const clientNames = only.length === 0 ? Object.keys(clients) : only
const file = (server, name) => {
  const path = join(server.dir, `${name}.yaml`)
  writeFileSync(path, stringifyObjects(objects(name, count)))
  return path
}
const results = {}
const run = (serverName, clientName, name) => {
  const server = servers[serverName]
  const { argv, env } = clients[clientName](server, file(server, name), name)
  const before = server.cpuMs()
  runOnce(argv, { env })
  const after = server.cpuMs()
  if (before !== undefined && after !== undefined) (results[`${clientName} ${serverName}`] ??= []).push(after - before)
}
// Warm-up: each server's tables and each client's discovery cache.
for (const server of Object.values(servers)) {
  for (const clientName of clientNames) {
    const { argv, env } = clients[clientName](server, file(server, `warm-${clientName}`), `warm-${clientName}`)
    runOnce(argv, { env })
  }
}
console.log(`Start: ${loadLine()}`)
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? Object.keys(servers) : Object.keys(servers).reverse()
  for (const clientName of clientNames) for (const serverName of order) run(serverName, clientName, `${clientName}-r${round}`)
}
console.log(`End: ${loadLine()}; ${rounds} rounds, ${count} objects\n`)
console.log('| client | server CPU, A | server CPU, B (this build) |')
console.log('|---|---|---|')
for (const clientName of clientNames) {
  const of = (serverName) => {
    const runs = results[`${clientName} ${serverName}`]
    return runs === undefined ? 'n/a' : `${fmtMs(median(runs))} (${runs.join(' ')})`
  }
  console.log(`| ${clientName} first apply | ${of('A')} | ${of('B')} |`)
}
for (const server of Object.values(servers)) server.stop()
