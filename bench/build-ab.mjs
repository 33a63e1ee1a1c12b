#!/usr/bin/env node
// Interleaved A/B of `gitops build` between copies of packages/cli/dist: fresh processes, order
// alternating every round, the output md5 checked on every run; medians and paired differences.
//   node bench/build-ab.mjs ROUNDS TREE EXPECTED_MD5 DIST_A DIST_B [DIST_C ...]
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { loadavg } from 'node:os'
const [rounds, tree, md5, ...dists] = process.argv.slice(2)
const res = dists.map(() => ({ wall: [], cpu: [] }))
const run = (d) => {
  const t0 = process.hrtime.bigint()
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, `${d}/bin.cjs`, 'build', tree], { encoding: 'latin1', maxBuffer: 1 << 30 })
  const wall = Number(process.hrtime.bigint() - t0) / 1e6
  const h = createHash('md5').update(r.stdout, 'latin1').digest('hex')
  if (h !== md5) throw new Error(`${d}: md5 ${h}`)
  const [u, s] = r.stderr.trim().split('\n').pop().split(' ').map(Number)
  return { wall, cpu: (u + s) * 1000 }
}
const l0 = loadavg()[0]
for (const d of dists) run(d)
for (let i = 0; i < Number(rounds); i++) {
  const order = i % 2 === 0 ? dists.map((_, j) => j) : dists.map((_, j) => dists.length - 1 - j)
  for (const j of order) { const m = run(dists[j]); res[j].wall.push(m.wall); res[j].cpu.push(m.cpu) }
}
const med = (xs) => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2 }
for (let j = 0; j < dists.length; j++) {
  const line = [`${dists[j]}: wall ${med(res[j].wall).toFixed(1)} cpu ${med(res[j].cpu).toFixed(0)}`]
  if (j > 0) {
    const dw = res[j].wall.map((w, i) => w - res[0].wall[i]); const dc = res[j].cpu.map((c, i) => c - res[0].cpu[i])
    line.push(`paired wall ${med(dw).toFixed(1)} (${dw.filter((x) => x < 0).length}/${dw.length} lower) cpu ${med(dc).toFixed(1)} (${dc.filter((x) => x < 0).length}/${dc.length} lower)`)
  }
  console.log(line.join(' | '))
}
console.log(`load ${l0.toFixed(1)} -> ${loadavg()[0].toFixed(1)}, ${rounds} rounds`)
