#!/usr/bin/env node
// `gitops apply` over the direct transport's own HTTP/1.1 pool (the default) against the same build
// with GITOPS_APPLY_PROTOCOL=h2 (HTTP/2, the default before the pool), both on 1,000 mixed objects to one embedded API
// server in a process of its own, as bench/cli-apply.bench.mjs runs them: a first apply (new
// namespaces each round) and a no-op re-apply, the two sides interleaved and their order
// alternated. Reports medians of wall time, client CPU (user + system) and the server's CPU.
//
//   node scripts/run.mjs build && node bench/cli-apply-ab.mjs [objects, default 1000] [rounds, default 5] [steps: both (default) | no-op]
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringifyObjects } from '../packages/core/dist/index.js'
import { objects } from './mixedObjects.mjs'
import { fmtMs, loadLine, median, runOnce } from './process-timer.mjs'

const count = Number(process.argv[2] ?? '1000')
const rounds = Number(process.argv[3] ?? '5')
const steps = process.argv[4] === 'no-op' ? ['no-op'] : ['first', 'no-op']
const dir = mkdtempSync(join(tmpdir(), 'gitops-bench-cli-apply-ab-'))
const kubeconfig = join(dir, 'kubeconfig')
const bin = new URL('../packages/cli/dist/bin.js', import.meta.url).pathname
const server = spawn(process.execPath, [new URL('apply-server.mjs', import.meta.url).pathname, kubeconfig], { stdio: ['pipe', 'pipe', 'inherit'] })
await new Promise((resolve, reject) => {
  server.stdout.once('data', resolve)
  server.once('exit', (code) => reject(new Error(`apiserver exited with ${code}`)))
})
const base = { PATH: process.env.PATH, HOME: dir }
const sides = { h2: { ...base, GITOPS_APPLY_PROTOCOL: 'h2' }, http1: base }
const gitops = (file, inventory) => [process.execPath, bin, 'apply', file, '--inventory', `default/${inventory}`, '--field-manager=gitops-bench', '--kubeconfig', kubeconfig]
const file = (name, prefix) => {
  const path = join(dir, `${name}.yaml`)
  writeFileSync(path, stringifyObjects(objects(prefix, count)))
  return path
}
const serverMs = () => {
  const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}
const results = {}
const record = (name, argv, env) => {
  const before = serverMs()
  const r = runOnce(argv, { env })
  const after = serverMs()
  const into = (results[name] ??= { wall: [], cpu: [], server: [] })
  into.wall.push(r.ms)
  into.cpu.push(r.cpu)
  into.server.push(after - before)
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
    console.log(`| ${step} | ${side} | ${fmtMs(median(r.wall))} | ${fmtMs(median(r.cpu))} | ${fmtMs(median(r.server))} |`)
  }
}
server.stdin.end()
rmSync(dir, { recursive: true, force: true })
