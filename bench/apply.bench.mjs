#!/usr/bin/env node
// applyAll, a no-op re-apply and diff of 1,000 and 5,000 mixed objects (issue 7), each against
// `kubectl apply --server-side` / `kubectl diff --server-side` of the same objects (in their own
// namespaces) to the same embedded API server, which runs in a separate process. Reports wall
// time, the ratio, and API requests per object (the SDK's through its request hook, kubectl's from
// its -v=6 request log).
//
//   npm run build && node bench/run.mjs apply [sizes, default 1000,5000]
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { stringifyObjects } from '../packages/core/dist/index.js'
import { applyAll, createKubeClient, diff } from '../packages/apply/dist/index.js'
import { startApplyServer } from './apply-server-process.mjs'
import { objects } from './mixedObjects.mjs'
import { gitopsBin } from './gitopsBin.mjs'

const sizes = (process.argv[2] ?? '1000,5000').split(',').map(Number)
const bin = gitopsBin
const server = await startApplyServer('gitops-bench-apply-')
const { dir, kubeconfig } = server

function kubectl(args, file) {
  return new Promise((resolve) => {
    const started = performance.now()
    execFile('kubectl', ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), '-v=6', ...args, '-f', file], { maxBuffer: 512 * 1024 * 1024, env: { PATH: process.env.PATH, HOME: dir } }, (err, stdout, stderr) => {
      const ms = performance.now() - started
      // -v=6 logs one line per request: `"Response" verb="PATCH" url=... status="200 OK"` (or the older format).
      const requests = stderr.split('\n').filter((l) => /round_trippers.go.*(verb="|\b(GET|PATCH|POST|PUT|DELETE) https?:)/.test(l)).length
      resolve({ ms, requests, code: err === null ? 0 : err.code, stderr })
    })
  })
}

function row(step, n, sdk, ref) {
  const ratio = ref.ms / sdk.ms
  console.log(`| ${step} | ${n} | ${fmt(sdk.ms)} | ${(sdk.requests / n).toFixed(3)} | ${fmt(ref.ms)} | ${(ref.requests / n).toFixed(3)} | **${ratio.toFixed(1)}x** |`)
}

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`)

let requests = 0
const client = await createKubeClient({ kubeconfig, onRequest: () => (requests += 1) })
const fieldManager = 'gitops-bench'

async function sdk(work) {
  requests = 0
  const started = performance.now()
  const result = await work()
  return { ms: performance.now() - started, requests, result }
}

// Warm up the server, the SDK's process and kubectl's cache before anything is measured, so that the
// first measured apply does not pay for JIT compilation and TLS set-up the other side does not.
const warmup = objects('warmup-sdk', 300)
await applyAll(warmup, { client, fieldManager, inventory: { name: 'warmup', namespace: 'default' } })
await applyAll(warmup, { client, fieldManager, inventory: { name: 'warmup', namespace: 'default' } })
await diff(warmup, { client, fieldManager })
const warmupFile = join(dir, 'warmup.yaml')
writeFileSync(warmupFile, stringifyObjects(objects('warmup-kc', 300)))
await kubectl(['apply', '--server-side', '--validate=false', `--field-manager=${fieldManager}`], warmupFile)

console.log('| step | objects | SDK | SDK requests/object | kubectl | kubectl requests/object | kubectl / SDK |')
console.log('|---|---|---|---|---|---|---|')
let failures = 0
for (const n of sizes) {
  const mine = objects(`sdk${n}`, n)
  const theirs = objects(`kc${n}`, n)
  const file = join(dir, `kc${n}.yaml`)
  writeFileSync(file, stringifyObjects(theirs))
  const inventory = { name: 'bench', namespace: 'default' }

  const first = await sdk(() => applyAll(mine, { client, fieldManager, inventory }))
  const kFirst = await kubectl(['apply', '--server-side', '--validate=false', `--field-manager=${fieldManager}`], file)
  if (kFirst.code !== 0) throw new Error(`kubectl apply failed: ${kFirst.stderr.slice(-500)}`)
  row('first apply', n, first, kFirst)

  const again = await sdk(() => applyAll(mine, { client, fieldManager, inventory }))
  const unchanged = again.result.entries.filter((e) => e.action === 'unchanged').length
  if (unchanged !== n) {
    console.error(`no-op re-apply reported ${n - unchanged} objects as changed`)
    failures += 1
  }
  const kAgain = await kubectl(['apply', '--server-side', '--validate=false', `--field-manager=${fieldManager}`], file)
  row('no-op re-apply', n, again, kAgain)

  const changedMine = objects(`sdk${n}`, n, { changed: 70 })
  const changedFile = join(dir, `kc${n}-changed.yaml`)
  writeFileSync(changedFile, stringifyObjects(objects(`kc${n}`, n, { changed: 70 })))
  const drift = await sdk(() => diff(changedMine, { client, fieldManager, inventory }))
  const drifted = drift.result.objects.filter((o) => o.status === 'drifted').length
  if (drifted !== 10) {
    console.error(`diff reported ${drifted} drifted objects, expected 10`)
    failures += 1
  }
  const kDiff = await kubectl(['diff', '--server-side', `--field-manager=${fieldManager}`], changedFile)
  if (kDiff.code !== 1) throw new Error(`kubectl diff exited ${kDiff.code}: ${kDiff.stderr.slice(-500)}`)
  row('diff (10 drifted)', n, drift, kDiff)
}

// One CLI run end to end (process start, client-node import, apply), for the wall time a user sees.
const cliFile = join(dir, 'sdk1000.yaml')
writeFileSync(cliFile, stringifyObjects(objects('sdk1000', 1000)))
const cliStarted = performance.now()
await new Promise((resolve, reject) => execFile(process.execPath, [bin, 'apply', cliFile, '--inventory', 'default/cli', `--field-manager=${fieldManager}`, '--kubeconfig', kubeconfig], { maxBuffer: 64 * 1024 * 1024 }, (err) => (err === null ? resolve() : reject(err))))
const cliFirst = performance.now() - cliStarted
const cliAgainStarted = performance.now()
await new Promise((resolve, reject) => execFile(process.execPath, [bin, 'apply', cliFile, '--inventory', 'default/cli', `--field-manager=${fieldManager}`, '--kubeconfig', kubeconfig], { maxBuffer: 64 * 1024 * 1024 }, (err) => (err === null ? resolve() : reject(err))))
console.log(`\n\`gitops apply\` of the 1,000 SDK objects as a process (start-up and @kubernetes/client-node import included): ${fmt(cliFirst)} (adopting them for a new inventory), ${fmt(performance.now() - cliAgainStarted)} (no-op)`)

server.stop()
process.exit(failures === 0 ? 0 : 1)
