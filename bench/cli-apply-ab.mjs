#!/usr/bin/env node
// `gitops apply` over the direct transport's own HTTP/1.1 pool (the default) against the same build
// with GITOPS_APPLY_PROTOCOL=h2 (HTTP/2, the default before the pool), both on 1,000 mixed objects to one embedded API
// server in a process of its own, as bench/cli-apply.bench.mjs runs them: a first apply (new
// namespaces each round) and a no-op re-apply, the two sides interleaved and their order
// alternated. Reports medians of wall time, client CPU (user + system) and the server's CPU.
//
//   node scripts/run.mjs build && node bench/cli-apply-ab.mjs [objects, default 1000] [rounds, default 5] [steps: both (default) | no-op]
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringifyObjects } from '../packages/core/dist/index.js'
import { startApplyServer } from './apply-server-process.mjs'
import { objects } from './mixedObjects.mjs'
import { fmtMs, loadLine, median, runOnce } from './process-timer.mjs'
import { gitopsBin } from './gitopsBin.mjs'

const count = Number(process.argv[2] ?? '1000')
const rounds = Number(process.argv[3] ?? '5')
const steps = process.argv[4] === 'no-op' ? ['no-op'] : ['first', 'no-op']
const bin = gitopsBin
const server = await startApplyServer('gitops-bench-cli-apply-ab-')
const { dir, kubeconfig } = server
const base = { PATH: process.env.PATH, HOME: dir }
const sides = { h2: { ...base, GITOPS_APPLY_PROTOCOL: 'h2' }, http1: base }
const gitops = (file, inventory) => [process.execPath, bin, 'apply', file, '--inventory', `default/${inventory}`, '--field-manager=gitops-bench', '--kubeconfig', kubeconfig]
const file = (name, prefix) => {
  const path = join(dir, `${name}.yaml`)
  writeFileSync(path, stringifyObjects(objects(prefix, count)))
  return path
}
const results = {}
const record = (name, argv, env) => {
  const before = server.cpuMs()
  const r = runOnce(argv, { env })
  const after = server.cpuMs()
  const into = (results[name] ??= { wall: [], cpu: [], server: [] })
  into.wall.push(r.ms)
  into.cpu.push(r.cpu)
  if (before !== undefined && after !== undefined) into.server.push(after - before)
}
// Warm-up: the server's tables, each side's no-op inventory.
for (const [side, env] of Object.entries(sides)) {
  runOnce(gitops(file(`warm-${side}`, `warm-${side}`), `warm-${side}`), { env })
  runOnce(gitops(file(`noop-${side}`, `noop-${side}`), `noop-${side}`), { env })
}
console.log(`Start: ${loadLine()}`)
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? Object.keys(sides) : Object.keys(sides).reverse()
  if (steps.includes('first')) for (const side of order) record(`${side} first`, gitops(file(`${side}-${round}`, `${side}-r${round}`), `${side}-first-${round}`), sides[side])
  for (const side of order) record(`${side} no-op`, gitops(join(dir, `noop-${side}.yaml`), `noop-${side}`), sides[side])
}
console.log(`End: ${loadLine()}; ${rounds} rounds, ${count} objects\n`)
console.log('| step | side | wall | client CPU | server CPU |')
console.log('|---|---|---|---|---|')
for (const step of steps) {
  for (const side of Object.keys(sides)) {
    const r = results[`${side} ${step}`]
    console.log(`| ${step} | ${side} | ${fmtMs(median(r.wall))} | ${fmtMs(median(r.cpu))} | ${r.server.length === 0 ? 'n/a' : fmtMs(median(r.server))} |`)
  }
}
server.stop()
