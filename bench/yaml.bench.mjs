#!/usr/bin/env node
// YAML throughput in process on the kube-prometheus-like tree of crdTree.mjs (about 5 MB, 131
// objects): reading it with `render` (the build's own reader, with the files on a memory file
// system so that no disk is timed), reading it with core's `parseObjects` (the general reader: the
// same fast reader, the `yaml` package only for what it leaves), and writing it with core's
// `stringifyObjects` (kustomize's bytes).
// Median of the rounds, after two warm-up rounds, in wall time and in CPU time of the process (the
// steadier figure on a loaded machine); MB are 10^6 bytes of UTF-8. Then the same reader and writer
// cold, as a command meets them: --cold fresh processes each read the files once with parseObjects
// and write the objects once with stringifyObjects (median of the processes).
//   node bench/yaml.bench.mjs [--mb 5] [--runs 7] [--cold 5]
import { Buffer } from 'node:buffer'
import { spawnSync } from 'node:child_process'
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import { memoryFs, parseObjects, stringifyObjects } from '../packages/core/dist/index.js'
import { render } from '../packages/render/dist/index.js'
import { generateCrdTree } from './crdTree.mjs'

function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? fallback : process.argv[i + 1]
}
const mb = Number(flag('mb', '5'))
const runs = Number(flag('runs', '7'))
const coldRuns = Number(flag('cold', '5'))
const childRoot = flag('cold-child', undefined)
const root = childRoot ?? generateCrdTree(join(process.env.TMPDIR ?? '/tmp', `gitops-bench-yaml-${process.pid}`), mb)

const files = {}
const walk = (dir) => {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e)
    if (statSync(p).isDirectory()) walk(p)
    else files[`/tree/${relative(root, p)}`] = readFileSync(p, 'utf8')
  }
}
walk(root)
const texts = Object.entries(files).filter(([p]) => !p.endsWith('kustomization.yaml'))
const inputBytes = texts.reduce((n, [, t]) => n + Buffer.byteLength(t), 0)
const cpuMs = () => {
  const c = process.cpuUsage()
  return (c.user + c.system) / 1000
}
if (childRoot !== undefined) {
  // One cold pass of each, in a process that has run neither yet; CPU time of the process.
  let c0 = cpuMs()
  const read = texts.flatMap(([p, t]) => parseObjects(t, { source: p }))
  const readMs = cpuMs() - c0
  c0 = cpuMs()
  const written = stringifyObjects(read)
  const writeMs = cpuMs() - c0
  console.log(JSON.stringify({ readMs, writeMs, outputBytes: Buffer.byteLength(written) }))
  process.exit(0)
}
const fs = memoryFs(files)
const objects = await render('/tree', { fs })
const output = stringifyObjects(objects)
const outputBytes = Buffer.byteLength(output)

async function time(fn) {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  await fn()
  const c = process.cpuUsage(c0)
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const rows = {
  'render (read and build, fast reader)': [inputBytes, () => render('/tree', { fs })],
  'core parseObjects (general reader)': [inputBytes, () => texts.map(([p, t]) => parseObjects(t, { source: p }))],
  'core stringifyObjects (write)': [outputBytes, () => stringifyObjects(objects)],
}
console.log(`load average at the start: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`)
console.log(`input ${(inputBytes / 1e6).toFixed(2)} MB in ${texts.length} files, output ${(outputBytes / 1e6).toFixed(2)} MB, ${objects.length} objects`)
const samples = Object.fromEntries(Object.keys(rows).map((k) => [k, []]))
for (let round = 0; round < runs + 2; round++) {
  // One of each per round, so that load from other processes falls on all rows alike.
  for (const [name, [, fn]] of Object.entries(rows)) {
    globalThis.gc?.()
    const ms = await time(fn)
    if (round >= 2) samples[name].push(ms)
  }
}
for (const [name, [bytes]] of Object.entries(rows)) {
  const wall = median(samples[name].map((s) => s.wall))
  const cpu = median(samples[name].map((s) => s.cpu))
  const rate = (ms) => `${(bytes / 1e6 / (ms / 1000)).toFixed(1).padStart(6)} MB/s`
  console.log(`${name.padEnd(40)} wall ${wall.toFixed(1).padStart(7)} ms ${rate(wall)} | cpu ${cpu.toFixed(1).padStart(7)} ms ${rate(cpu)}`)
}
const colds = []
for (let i = 0; i < coldRuns; i++) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--cold-child', root], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`yaml bench: cold child failed: ${r.stderr}`)
  colds.push(JSON.parse(r.stdout))
}
if (coldRuns > 0) {
  const read = median(colds.map((c) => c.readMs))
  const write = median(colds.map((c) => c.writeMs))
  const out = colds[0].outputBytes
  const rate = (bytes, ms) => `${(bytes / 1e6 / (ms / 1000)).toFixed(1).padStart(6)} MB/s`
  console.log(`cold, ${coldRuns} fresh processes (median CPU time of the process):`)
  console.log(`${'core parseObjects, first call'.padEnd(40)} cpu ${read.toFixed(1).padStart(7)} ms ${rate(inputBytes, read)}`)
  console.log(`${'core stringifyObjects, first call'.padEnd(40)} cpu ${write.toFixed(1).padStart(7)} ms ${rate(out, write)}`)
}
rmSync(root, { recursive: true, force: true })
console.log(`load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`)
