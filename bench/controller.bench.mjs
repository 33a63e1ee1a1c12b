#!/usr/bin/env node
// The GitOps controller at Flux's benchmark shape (flux-benchmark, issue 14): one GitRepository and
// N Kustomizations (default 1,000), each applying a Deployment scaled to zero, a ServiceAccount, a
// Service and an Ingress, all created at once; measured: the time until every Kustomization is
// Ready, the controller's peak RSS, and the controller CPU of one no-change interval over all of
// them (two windows of one interval each: from Ready, and the next). The API server runs in its
// own process, the controller (`gitops controller`) in another.
//
//   node scripts/run.mjs build && node bench/run.mjs controller [kustomizations, default 1000] [concurrent, default 10]
//
// BENCH_CPU_PROF=DIR runs the controller under `node --cpu-prof` (the profile lands in DIR when it
// stops) and prints the monotonic times of the phases, to split the profile's samples by phase.
// BENCH_INTERVAL_SECONDS sets the Kustomizations' interval (default 60) for shorter runs.
// BENCH_HEAP_SNAPSHOT=DIR writes a heap snapshot of the controller to DIR once all are Ready.
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { applyAll, createKubeClient } from '../packages/apply/dist/index.js'
import { stringifyObjects } from '../packages/core/dist/index.js'
import { fluxCrds } from '../packages/flux/dist/index.js'
import { createRepository, startGitServer } from '../packages/git-source/dist/testing.js'
import { gitopsBin } from './gitopsBin.mjs'

const count = Number(process.argv[2] ?? 1000)
const concurrent = Number(process.argv[3] ?? 10)
const intervalSeconds = Number(process.env.BENCH_INTERVAL_SECONDS ?? 60)
const cpuProf = process.env.BENCH_CPU_PROF
// BENCH_CPU_PROF_INTERVAL: the sampling interval in µs (Node's default 1000 costs the idle main thread about 1.5 s a minute).
const cpuProfInterval = process.env.BENCH_CPU_PROF_INTERVAL
const heapDir = process.env.BENCH_HEAP_SNAPSHOT
/** The monotonic clock V8's profiles use, in µs. */
const monotonic = () => Number(process.hrtime.bigint() / 1000n)
const marks = []
const dir = mkdtempSync(join(tmpdir(), 'gitops-bench-controller-'))
const kubeconfig = join(dir, 'kubeconfig')
const bin = gitopsBin
const load = loadavg()[0].toFixed(1)

const server = spawn(process.execPath, [new URL('apply-server.mjs', import.meta.url).pathname, kubeconfig], { stdio: ['pipe', 'pipe', 'inherit'] })
await new Promise((resolve, reject) => {
  server.stdout.once('data', resolve)
  server.once('exit', (code) => reject(new Error(`apiserver exited with ${code}`)))
})

const app = [
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'app', namespace: 'bench' }, spec: { replicas: 0, selector: { matchLabels: { app: 'app' } }, template: { metadata: { labels: { app: 'app' } }, spec: { serviceAccountName: 'app', containers: [{ name: 'app', image: 'ghcr.io/stefanprodan/podinfo:6.7.0', ports: [{ containerPort: 9898 }] }] } } } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app', namespace: 'bench' } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'app', namespace: 'bench' }, spec: { selector: { app: 'app' }, ports: [{ port: 80, targetPort: 9898 }] } },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'app', namespace: 'bench' },
    spec: { rules: [{ host: 'app.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'app', port: { number: 80 } } } }] } }] },
  },
]
const repo = await createRepository(join(dir, 'repos'), { name: 'fleet' })
await repo.commit({ 'app/app.yaml': stringifyObjects(app) })
const git = await startGitServer({ root: join(dir, 'repos') })

const client = await createKubeClient({ kubeconfig, maxConnections: 32 })
await applyAll([...fluxCrds(), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } }], { client, fieldManager: 'bench' })

const controller = spawn(process.execPath, [...(cpuProf === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', cpuProf, ...(cpuProfInterval === undefined ? [] : ['--cpu-prof-interval', cpuProfInterval])]), ...(heapDir === undefined ? [] : ['--heapsnapshot-signal=SIGUSR2']), bin, 'controller', '--kubeconfig', kubeconfig, '--concurrent', String(concurrent), '--health-addr', '127.0.0.1:0', '--metrics-addr', '127.0.0.1:0', '--log-level', 'warn'], {
  stdio: ['ignore', 'ignore', 'pipe'],
  env: { ...process.env, HOME: dir },
  ...(heapDir === undefined ? {} : { cwd: heapDir }),
})
let controllerErr = ''
const metricsUrl = await new Promise((resolve, reject) => {
  controller.stderr.on('data', (chunk) => {
    controllerErr += chunk.toString()
    const m = /metrics on (http:\/\/[0-9.:]+)/.exec(controllerErr)
    if (m) resolve(m[1])
  })
  controller.once('exit', (code) => reject(new Error(`controller exited with ${code}: ${controllerErr}`)))
})

const source = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'fleet', namespace: 'bench' }, spec: { interval: `${intervalSeconds}s`, url: `${git.url}/fleet`, ref: { branch: 'main' } } }
const kustomizations = Array.from({ length: count }, (_, i) => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name: `app-${i}`, namespace: 'bench' },
  spec: { interval: `${intervalSeconds}s`, path: './app', prune: true, namePrefix: `k${i}-`, sourceRef: { kind: 'GitRepository', name: 'fleet' } },
}))

/** CPU seconds (user + system) the controller process used so far. */
function cpuSeconds() {
  const fields = readFileSync(`/proc/${controller.pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}
/** CPU seconds of each thread of the controller so far, summed by thread name (the main thread: `main`; V8's workers: `node`). */
function cpuByThread() {
  const out = {}
  for (const tid of readdirSync(`/proc/${controller.pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${controller.pid}/task/${tid}/stat`, 'utf8')
      // V8's platform workers (concurrent marking, sweeping, compilation) inherit the name `node`:
      // the main thread is told apart by its id, the process id.
      const name = tid === String(controller.pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/[0-9]+$/, '').trim()
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ')
      out[name] = (out[name] ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out
}
function threadDelta(after, before) {
  return Object.entries(after)
    .map(([name, seconds]) => [name, seconds - (before[name] ?? 0)])
    .filter(([, seconds]) => seconds >= 0.01)
    .sort((a, b) => b[1] - a[1])
    .map(([name, seconds]) => `${name} ${seconds.toFixed(2)} s`)
    .join(', ')
}
function peakRssMiB() {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${controller.pid}/status`, 'utf8'))
  return Number(m[1]) / 1024
}
async function reconciles() {
  const text = await (await globalThis.fetch(`${metricsUrl}/metrics`)).text()
  let total = 0
  for (const m of text.matchAll(/^controller_runtime_reconcile_total\{[^}]*controller="kustomization"[^}]*\} (\d+)/gm)) total += Number(m[1])
  return total
}
/** Reconciles of Kustomizations so far by result (success, error, requeue). */
async function reconcilesByResult() {
  const text = await (await globalThis.fetch(`${metricsUrl}/metrics`)).text()
  const out = {}
  for (const m of text.matchAll(/^controller_runtime_reconcile_total\{([^}]*)\} (\d+)/gm)) {
    if (!m[1].includes('controller="kustomization"')) continue
    const result = /result="([^"]*)"/.exec(m[1])?.[1] ?? '?'
    out[result] = (out[result] ?? 0) + Number(m[2])
  }
  return Object.entries(out).map(([k, v]) => `${k} ${v}`).join(', ')
}
async function readyCount() {
  let ready = 0
  let next
  do {
    const page = await client.list({ group: 'kustomize.toolkit.fluxcd.io', version: 'v1', kind: 'Kustomization', namespace: 'bench' }, { limit: 500, continue: next })
    for (const k of page.items) if (k.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) ready++
    next = page.continue
  } while (next)
  return ready
}

const cpuBefore = cpuSeconds()
marks.push(['create', monotonic()])
const t0 = performance.now()
// The source first, then the Kustomizations, as a user bootstraps a fleet (applyAll would order
// the Kustomizations first, and each reconciled before its source exists fails once more).
await applyAll([source], { client, fieldManager: 'bench' })
await applyAll(kustomizations, { client, fieldManager: 'bench' })
const created = performance.now() - t0
let ready
while ((ready = await readyCount()) < count) {
  if (controller.exitCode !== null) throw new Error(`controller exited: ${controllerErr}`)
  await sleep(500)
}
const allReady = performance.now() - t0
marks.push(['all-ready', monotonic()])
const cpuFirst = cpuSeconds() - cpuBefore
const reconcilesFirst = await reconciles()
const resultsFirst = await reconcilesByResult()

// One no-change interval: every Kustomization (and the GitRepository) runs once more, on its
// interval, finding the source unchanged and nothing drifted.
if (heapDir !== undefined) {
  // A heap snapshot of the settled controller (written to BENCH_HEAP_SNAPSHOT), before the interval.
  controller.kill('SIGUSR2')
  await sleep(20_000)
}
// Two windows of one interval each: the first starts at Ready, so it also pays for collecting
// the garbage of the first reconciles (V8 shrinks the heap once the allocation rate drops); the
// second is the steady state.
const windows = []
let reconcilesBefore = reconcilesFirst
for (let i = 0; i < 2; i++) {
  const cpuStart = cpuSeconds()
  const threadsStart = cpuByThread()
  await sleep((intervalSeconds + 5) * 1000)
  const cpu = cpuSeconds() - cpuStart
  const threads = threadDelta(cpuByThread(), threadsStart)
  marks.push([`interval-${i + 1}-end`, monotonic()])
  const total = await reconciles()
  windows.push({ cpu, threads, reconciles: total - reconcilesBefore })
  reconcilesBefore = total
}
const peak = peakRssMiB()

controller.kill('SIGTERM')
await new Promise((r) => controller.once('exit', r))
server.kill('SIGTERM')
await git.stop()
rmSync(dir, { recursive: true, force: true })

console.log(`machine: ${cpus().length} cores, load average ${load} at the start, Node ${process.version}`)
console.log(`${count} Kustomizations (4 objects each) + 1 GitRepository, --concurrent ${concurrent}`)
console.log(`created (server-side apply of ${count + 1} objects): ${(created / 1000).toFixed(1)} s`)
console.log(`all Ready after ${(allReady / 1000).toFixed(1)} s (from the start of the creation); ${ready} Ready; ${reconcilesFirst} reconciles`)
console.log(`reconciles until all Ready by result: ${resultsFirst}`)
console.log(`controller CPU until all Ready: ${cpuFirst.toFixed(1)} s`)
for (const [i, w] of windows.entries()) {
  console.log(`no-change interval ${i + 1}${i === 0 ? ' (from Ready)' : ' (the next)'}, ${intervalSeconds + 5} s window: ${w.reconciles} reconciles, controller CPU ${w.cpu.toFixed(2)} s`)
  console.log(`  by thread: ${w.threads}`)
}
console.log(`controller peak RSS: ${peak.toFixed(0)} MiB`)
if (cpuProf !== undefined) console.log(`profile in ${cpuProf}; phase marks (monotonic µs): ${marks.map(([n, t]) => `${n}=${t}`).join(' ')}`)
writeFileSync(1, '')
