#!/usr/bin/env node
// Whole-process A/B of two builds of core's dist (e.g. this tree's and main's object.ts): each round
// starts the embedded API server in a process of its own and, in a child process, applies 1,000
// mixed objects with applyAll (a first apply into new namespaces, then a no-op re-apply), both
// processes loading packages/core/dist, which is swapped between the two directories given before
// each run (the sides interleaved, their order alternated). Reports medians of wall time, the
// client's CPU and the server's CPU, and the median paired ratio A/B of the total CPU.
//
//   node bench/deepEqual-clone-process-ab.mjs A-dist B-dist [objects, default 1000] [rounds, default 5]
import { execFileSync } from 'node:child_process'
import { renameSync } from 'node:fs'
import { startApplyServer } from './apply-server-process.mjs'
import { loadLine, median } from './process-timer.mjs'

const [distA, distB] = process.argv.slice(2, 4)
const count = process.argv[4] ?? '1000'
const rounds = Number(process.argv[5] ?? '5')
const root = new URL('..', import.meta.url).pathname
const dist = `${root}packages/core/dist`
const parked = `${root}packages/core/dist.parked`

/** Runs one apply (first + no-op) with `side`'s core dist in place; the dist is put back after. */
async function run(side) {
  renameSync(dist, parked)
  renameSync(side, dist)
  try {
    const server = await startApplyServer('gitops-bench-deep-ab-')
    try {
      const start = process.hrtime.bigint()
      const out = execFileSync(process.execPath, [new URL('deepEqual-clone-process-child.mjs', import.meta.url).pathname, server.kubeconfig, count], { encoding: 'utf8' })
      const wall = Number(process.hrtime.bigint() - start) / 1e6
      return { wall, client: Number(out.trim()), server: server.cpuMs() ?? Number.NaN }
    } finally {
      server.stop()
    }
  } finally {
    renameSync(dist, side)
    renameSync(parked, dist)
  }
}

console.log(`${count} objects, ${rounds} rounds; A ${distA}, B ${distB}; ${loadLine()}`)
const a = []
const b = []
for (let r = 0; r < rounds; r++) {
  if (r % 2 === 0) { a.push(await run(distA)); b.push(await run(distB)) } else { b.push(await run(distB)); a.push(await run(distA)) }
}
const show = (name, xs) => `${name}: wall ${median(xs.map((x) => x.wall)).toFixed(0)} ms, client CPU ${median(xs.map((x) => x.client)).toFixed(0)} ms, server CPU ${median(xs.map((x) => x.server)).toFixed(0)} ms`
console.log(show('A', a))
console.log(show('B', b))
const ratios = a.map((x, i) => (x.client + x.server) / ((b[i]?.client ?? 0) + (b[i]?.server ?? 0)))
console.log(`total CPU A/B paired ratio: median ${median(ratios).toFixed(3)} (${ratios.map((x) => x.toFixed(2)).join(' ')}); ${loadLine()}`)
