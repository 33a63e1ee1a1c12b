#!/usr/bin/env node
// `gitops build` against `kubectl kustomize` as whole processes on three trees: the kube-prometheus-like
// 5 MB of CRDs of crdTree.mjs (large documents), and about 1,000 objects of renderTree.mjs and of
// shapesTree.mjs (many resources). Runs alternate between the two tools (ours, kubectl, ours, ...)
// so that load from other processes falls on both alike; the ratio is the median of the rounds'
// ratios. Every kubectl output must equal ours byte for byte. Peak RSS from /usr/bin/time.
//   node bench/renderData.bench.mjs [--trees crd,tree,shapes] [--size 1000] [--runs 3] [--kubectl-runs 1]
// kubectl needs seconds on the CRD tree but minutes on the 1,000-object trees, so it runs
// --kubectl-runs times there (ours runs --runs times; with one kubectl run, ours' median is used).
import { Buffer } from 'node:buffer'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateCrdTree } from './crdTree.mjs'
import { generateTree } from './renderTree.mjs'
import { generateShapesTree } from './shapesTree.mjs'
import { gitopsBin } from './gitopsBin.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const repo = join(here, '..')
const out = join(existsSync('/dev/shm') ? '/dev/shm' : join(repo, '.bench-out'), `gitops-bench-render-data-${process.pid}`)
// The `gitops` command as npm installs it (gitopsBin.mjs).
const cli = gitopsBin
function flag(name, fallback) {
  const i = process.argv.indexOf(`--${name}`)
  return i < 0 ? fallback : process.argv[i + 1]
}
const trees = flag('trees', 'crd,tree,shapes').split(',')
const size = Number(flag('size', '1000'))
const runs = Number(flag('runs', '3'))
const kubectlRuns = Number(flag('kubectl-runs', '1'))
const kubectl = process.env.KUBECTL ?? 'kubectl'
if (!existsSync(cli)) {
  console.error(`render bench: ${cli} is missing; run node scripts/run.mjs build first`)
  process.exit(2)
}
if (spawnSync(kubectl, ['version', '--client'], { stdio: 'ignore' }).status !== 0) {
  console.error('render bench: kubectl is missing')
  process.exit(2)
}

/** One run: wall seconds, CPU seconds (user + system), peak RSS in MB, stdout. */
function measure(cmd, args) {
  const start = process.hrtime.bigint()
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 })
  const wall = Number(process.hrtime.bigint() - start) / 1e9
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.split('\n').slice(-3).join(' ')}`)
  const [user, sys, kb] = r.stderr.trim().split('\n').pop().split(' ').map(Number)
  return { wall, cpu: user + sys, rss: kb / 1024, stdout: r.stdout }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

mkdirSync(out, { recursive: true })
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ')
console.log(`load average at the start: ${load()} (${cpus().length} cores), node ${process.version}`)
const generators = {
  crd: () => generateCrdTree(join(out, 'crd'), 5),
  tree: () => generateTree(join(out, 'tree'), size),
  shapes: () => generateShapesTree(join(out, 'shapes'), size),
}
let failed = false
for (const name of trees) {
  const dir = generators[name]()
  const k = name === 'crd' ? runs : kubectlRuns
  const ours = []
  const ref = []
  measure(process.execPath, [cli, 'build', dir]) // warm-up: the file cache, not counted
  for (let i = 0; i < Math.max(runs, k); i++) {
    if (i < runs) ours.push(measure(process.execPath, [cli, 'build', dir]))
    if (i < k) ref.push(measure(kubectl, ['kustomize', dir]))
  }
  const identical = ref.every((r) => r.stdout === ours[0].stdout) && ours.every((r) => r.stdout === ours[0].stdout)
  if (!identical) failed = true
  const objects = (ours[0].stdout.match(/^kind: /gm) ?? []).length
  const paired = ref.map((r, i) => r.wall / (ours[i] ?? ours[0]).wall)
  const o = { wall: median(ours.map((r) => r.wall)), cpu: median(ours.map((r) => r.cpu)), rss: Math.max(...ours.map((r) => r.rss)) }
  const r = { wall: median(ref.map((x) => x.wall)), cpu: median(ref.map((x) => x.cpu)), rss: Math.max(...ref.map((x) => x.rss)) }
  console.log(
    `${name.padEnd(6)} ${objects} objects, ${(Buffer.byteLength(ours[0].stdout) / 1e6).toFixed(2)} MB: ` +
      `gitops build ${o.wall.toFixed(2)} s (cpu ${o.cpu.toFixed(2)} s, ${o.rss.toFixed(0)} MB) | ` +
      `kubectl kustomize ${r.wall.toFixed(2)} s (cpu ${r.cpu.toFixed(2)} s, ${r.rss.toFixed(0)} MB) | ` +
      `${(runs >= 3 && k >= 3 ? median(paired) : r.wall / o.wall).toFixed(1)}x wall, ${(r.cpu / o.cpu).toFixed(1)}x cpu, ` +
      `${identical ? 'identical output' : 'OUTPUT DIFFERS'} (${runs} runs of ours, ${k} of kubectl; load ${load()})`,
  )
}
rmSync(out, { recursive: true, force: true })
console.log(`load average at the end: ${load()}`)
process.exit(failed ? 1 : 0)
