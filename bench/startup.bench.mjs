#!/usr/bin/env node
// Start-up of the gitops command as a whole process (issue 15): `gitops build` of a one-file
// kustomization, `gitops --help` and `gitops version`, each against `node -e 0` (the floor every
// Node program pays) and `kubectl kustomize` of the same directory, interleaved in one run.
// Reports the median wall time, the time above `node -e 0` and peak RSS.
//
//   npm run build && node bench/run.mjs startup [runs, default 21]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compare, fmtMs, fmtRss, loadLine, runOnce } from './process-timer.mjs'
import { gitopsBin } from './gitopsBin.mjs'

const runs = Number(process.argv[2] ?? '21')
// The file package.json's bin names, as an installed `gitops` runs it.
const bin = gitopsBin
const dir = mkdtempSync(join(tmpdir(), 'gitops-bench-startup-'))
const root = join(dir, 'one')
mkdirSync(root)
writeFileSync(join(root, 'kustomization.yaml'), 'resources:\n- configmap.yaml\n')
writeFileSync(join(root, 'configmap.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: prod\n')

const ours = runOnce([process.execPath, bin, 'build', root]).stdout.toString()
const theirs = runOnce(['kubectl', 'kustomize', root]).stdout.toString()
if (ours !== theirs) throw new Error(`gitops build and kubectl kustomize differ:\n${ours}\n---\n${theirs}`)

console.log(`Start: ${loadLine()}`)
const result = compare(
  {
    'node -e 0': { argv: [process.execPath, '-e', '0'] },
    'gitops build DIR': { argv: [process.execPath, bin, 'build', root] },
    // The bin keeps a V8 code cache of its bundles on Node 20 (packages/cli/src/codeCache.ts),
    // written by the run above; this row is a run without it (as the first run after an install).
    'gitops build DIR, no code cache': { argv: [process.execPath, bin, 'build', root], env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' } },
    'gitops --help': { argv: [process.execPath, bin, '--help'] },
    'gitops version': { argv: [process.execPath, bin, 'version'] },
    'kubectl kustomize DIR': { argv: ['kubectl', 'kustomize', root] },
  },
  { runs },
)
console.log(`End: ${loadLine()}; ${runs} interleaved runs each\n`)
const floor = result['node -e 0'].median
const cpuFloor = result['node -e 0'].cpu
const above = (value, base) => (value === undefined || base === undefined ? 'n/a' : `${(value - base).toFixed(0)} ms`)
// CPU time (user + system, 10 ms resolution) moves far less with the load than wall time does.
console.log('| process | median | above `node -e 0` | fastest | CPU (median) | CPU above `node -e 0` | peak RSS |')
console.log('|---|---|---|---|---|---|---|')
for (const [name, r] of Object.entries(result)) {
  const own = name.startsWith('node')
  console.log(`| \`${name}\` | ${fmtMs(r.median)} | ${own ? '' : `${(r.median - floor).toFixed(0)} ms`} | ${fmtMs(r.min)} | ${r.cpu === undefined ? 'n/a' : fmtMs(r.cpu)} | ${own ? '' : above(r.cpu, cpuFloor)} | ${fmtRss(r.rss)} |`)
}
rmSync(dir, { recursive: true, force: true })
